/* hssd configuration: the commented example loads and prints back as the
 * golden effective config (what `hssd -n -c hss/hssd.conf.example`
 * prints), and every error names file:line. UPDATE_GOLDEN=1 rewrites. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_golden.h"

#include "config.h"

static void golden(const char *name, const char *got)
{
	golden_text("hssd", name, got);
}

static void test_example(void **state)
{
	struct hss_config c;
	char err[512], out[8192], path[512];
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/../../hss/hssd.conf.example", GOLDEN_DIR);
	hss_config_defaults(&c);
	assert_int_equal(hss_config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(hss_config_check(&c, err, sizeof(err)), 0);
	assert_string_equal(c.origin_host, "hss.ims.mnc001.mcc001.3gppnetwork.org");
	assert_int_equal(c.nlisten, 1);
	assert_int_equal(c.listen[0].port, 3868);
	assert_int_equal(c.npeers, 1);
	assert_int_equal(c.watchdog_s, 30);
	assert_int_equal(c.max_vectors, 5);
	fp = fmemopen(out, sizeof(out), "w");
	hss_config_print(&c, fp);
	fclose(fp);
	golden("check.txt", out);
}

static int load_text(const char *text, struct hss_config *c, char *err, size_t errsz)
{
	char path[] = "/tmp/test_hss_config.XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	hss_config_defaults(c);
	rc = hss_config_load(c, path, err, errsz);
	/* Messages name the file: strip the random part for comparison. */
	if (rc < 0 && !strncmp(err, path, strlen(path)))
		memmove(err, err + strlen(path), strlen(err + strlen(path)) + 1);
	unlink(path);
	return rc;
}

static void test_errors(void **state)
{
	struct hss_config c;
	char err[512];

	(void)state;
	assert_int_equal(load_text("[hssd]\nrealm = r\nbogus = 1\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, ":3: unknown key 'bogus' in [hssd]");
	assert_int_equal(load_text("[log]\nrealm = r\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, ":2: key 'realm' belongs in section [hssd]");
	assert_int_equal(load_text("[diameter]\n\nlisten = udp://1.2.3.4:1\n", &c, err, sizeof(err)),
			 -1);
	assert_string_equal(err, ":3: expected tcp://IP:PORT or sctp://IP:PORT, got 'udp://1.2.3.4:1'");
	assert_int_equal(load_text("[diameter]\nwatchdog = 2\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, ":2: expected a number in 6..3600, got '2'");
	assert_int_equal(load_text("[hssd]\nmax-vectors = 33\n", &c, err, sizeof(err)), -1);
	assert_int_equal(load_text("[log]\nlevel = loud\n", &c, err, sizeof(err)), -1);
	assert_int_equal(load_text("[diameter]\nlisten = sctp://[::1]:0\nlisten = tcp://127.0.0.1\n",
				   &c, err, sizeof(err)), 0);
	assert_int_equal(c.listen[0].proto, DIAM_PROTO_SCTP);
	assert_string_equal(c.listen[0].host, "::1");
	assert_int_equal(c.listen[0].port, 0);
	assert_int_equal(c.listen[1].port, 3868);
	/* A single-valued key twice: the second would silently win. */
	assert_int_equal(load_text("[hssd]\ndb = /var/lib/hssd/hss.db\nrealm = r\n"
				   "db = /tmp/other.db\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, ":4: key 'db' given twice (only listen, peer and agent repeat)");
	assert_int_equal(load_text("[diameter]\nwatchdog = 10\npeer = a\npeer = b\n"
				   "[diameter]\nwatchdog = 20\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, ":6: key 'watchdog' given twice (only listen, peer and agent "
			    "repeat)");
	assert_int_equal(load_text("[diameter]\nlisten = sctp://[::1]:0\nlisten = tcp://127.0.0.1\n",
				   &c, err, sizeof(err)), 0);
	/* Required keys. */
	assert_int_equal(hss_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "origin-host"));
}

/* [diameter] agent: an allowed peer marked as a Diameter agent (relay or
 * proxy in front of several hssd), printed back as `agent`. */
static void test_agent(void **state)
{
	struct hss_config c;
	char err[512], out[4096];
	FILE *fp;

	(void)state;
	assert_int_equal(load_text("[hssd]\norigin-host = hss1.r\nrealm = r\ndb = x.db\n"
				   "[diameter]\npeer = scscf.r\nagent = Agent.R\n",
				   &c, err, sizeof(err)), 0);
	assert_int_equal(hss_config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(c.npeers, 2);
	assert_true(hss_config_is_agent(&c, "agent.r")); /* DiameterIdentity: any case */
	assert_false(hss_config_is_agent(&c, "scscf.r"));
	assert_false(hss_config_is_agent(&c, "other.r"));
	fp = fmemopen(out, sizeof(out), "w");
	hss_config_print(&c, fp);
	fclose(fp);
	assert_non_null(strstr(out, "peer = scscf.r\nagent = Agent.R\n"));
	assert_int_equal(load_text("[diameter]\nagent = a b\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, ":2: expected a DiameterIdentity (FQDN), got 'a b'");
	/* An agent alone is enough to start. */
	assert_int_equal(load_text("[hssd]\norigin-host = h\nrealm = r\ndb = x.db\n"
				   "[diameter]\nagent = a.r\n", &c, err, sizeof(err)), 0);
	assert_int_equal(hss_config_check(&c, err, sizeof(err)), 0);
}

/* hssd -n prints the store as given but never a PostgreSQL password. */
static void test_print_hides_password(void **state)
{
	struct hss_config c;
	char err[512], out[4096];
	FILE *fp;

	(void)state;
	assert_int_equal(load_text("[hssd]\norigin-host = h\nrealm = r\n"
				   "db = postgresql://hss:s3cret@127.0.0.1:5432/hss\n",
				   &c, err, sizeof(err)), 0);
	fp = fmemopen(out, sizeof(out), "w");
	hss_config_print(&c, fp);
	fclose(fp);
	assert_non_null(strstr(out, "db = postgresql://hss:***@127.0.0.1:5432/hss\n"));
	assert_null(strstr(out, "s3cret"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_agent),
		cmocka_unit_test(test_print_hides_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
