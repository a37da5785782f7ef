/* Every golden Cx answer (tests/golden/cx/NAME.hex) decodes in Wireshark's
 * dissector without a malformed packet or an expert error: the answers
 * are wrapped into one capture (text2pcap, TCP port 3868) and read back
 * with tshark. Skipped (77) when tshark or text2pcap is not installed.
 * (Expert *warnings* are allowed, errors are not.) */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Appends one golden file as a text2pcap packet (offsets from 0). */
static int add_packet(FILE *out, const char *path)
{
	FILE *fp = fopen(path, "r");
	static char line[65536];
	unsigned off = 0;

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		fprintf(out, "%06x", off);
		for (size_t i = 0; line[i] && line[i + 1]; i += 2, off++)
			fprintf(out, " %c%c", line[i], line[i + 1]);
		fputc('\n', out);
	}
	fclose(fp);
	return 0;
}

static int count_lines(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char buf[512];
	int n = 0;

	assert_non_null(p);
	while (fgets(buf, sizeof(buf), p)) {
		print_message("  %s", buf);
		n++;
	}
	pclose(p);
	return n;
}

static void test_golden_answers_decode(void **state)
{
	(void)state;
	char dir[512], txt[] = "/tmp/cx-tshark-XXXXXX", pcap[64], cmd[1024], path[1024];
	struct dirent *e;
	DIR *d;
	FILE *out;
	int fd, n = 0;

	snprintf(dir, sizeof(dir), "%s/cx", GOLDEN_DIR);
	fd = mkstemp(txt);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".hex"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(add_packet(out, path), 0);
		n++;
	}
	closedir(d);
	fclose(out);
	assert_true(n > 10);
	snprintf(pcap, sizeof(pcap), "%s.pcap", txt);
	snprintf(cmd, sizeof(cmd), "text2pcap -q -T 3868,40000 %s %s", txt, pcap);
	assert_int_equal(system(cmd), 0);
	/* Every packet is a Diameter answer ... */
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -d tcp.port==3868,diameter -Y 'diameter.flags.request == 0' "
		 "-T fields -e diameter.cmd.code 2>/dev/null",
		 pcap);
	assert_int_equal(count_lines(cmd), n);
	/* ... with no malformed part and no expert error (severity "error"). */
	snprintf(cmd, sizeof(cmd),
		 "tshark -r %s -d tcp.port==3868,diameter -Y '_ws.malformed || "
		 "_ws.expert.severity >= 8388608' -T fields -e frame.number -e _ws.expert.message "
		 "2>/dev/null",
		 pcap);
	assert_int_equal(count_lines(cmd), 0);
	unlink(txt);
	unlink(pcap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_answers_decode),
	};
	if (system("command -v tshark >/dev/null 2>&1 && command -v text2pcap >/dev/null 2>&1")) {
		printf("SKIP: tshark/text2pcap not installed\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
