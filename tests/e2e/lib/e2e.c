/* Shared e2e harness (see e2e.h). */
#include "e2e.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diameter/codes.h"
#include "util/ct.h"
#include "util/hex.h"

struct e2e_env e2e = { .hssd_pid = -1, .cap_pid = -1 };
static const char *keep_var;

void e2e_stop_child(pid_t *pid, int sig)
{
	int st;

	if (*pid <= 0)
		return;
	kill(*pid, sig);
	for (int i = 0; i < 30 && waitpid(*pid, &st, WNOHANG) == 0; i++)
		usleep(100000);
	if (waitpid(*pid, &st, WNOHANG) == 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, &st, 0);
	}
	*pid = -1;
}

static void cleanup(void)
{
	char cmd[300];

	e2e_stop_child(&e2e.cap_pid, SIGTERM);
	e2e_stop_child(&e2e.hssd_pid, SIGKILL);
	if (e2e.dir[0] && !(keep_var && getenv(keep_var))) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e2e.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", e2e.dir);
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	if (e2e.hssd_pid > 0)
		kill(e2e.hssd_pid, SIGKILL);
	if (e2e.cap_pid > 0)
		kill(e2e.cap_pid, SIGKILL);
	_exit(1);
}

const char *e2e_args(int argc, char **argv)
{
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--hssd") && i + 1 < argc)
			e2e.hssd_path = argv[++i];
		else if (!strcmp(argv[i], "--hss-ctl") && i + 1 < argc)
			e2e.ctl_path = argv[++i];
		else
			name = argv[i];
	}
	return name;
}

int e2e_init(const char *prefix, const char *keep_env, unsigned alarm_s)
{
	snprintf(e2e.dir, sizeof(e2e.dir), "/tmp/%s.XXXXXX", prefix);
	if (!mkdtemp(e2e.dir)) {
		perror("mkdtemp");
		e2e.dir[0] = '\0';
		return 1;
	}
	keep_var = keep_env;
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	alarm(alarm_s);
	return 0;
}

int e2e_start_hssd(const char *const *args)
{
	char pf[300], db[300], lf[300], buf[32];
	const char *argv[48];
	int argc = 0;
	FILE *fp;

	snprintf(pf, sizeof(pf), "%s/port", e2e.dir);
	snprintf(db, sizeof(db), "%s/hss.db", e2e.dir);
	snprintf(lf, sizeof(lf), "%s/hssd.log", e2e.dir);
	unlink(pf);
	argv[argc++] = e2e.hssd_path;
	argv[argc++] = "--db"; argv[argc++] = db;
	argv[argc++] = "--port-file"; argv[argc++] = pf;
	argv[argc++] = "--log-file"; argv[argc++] = lf;
	for (; args && *args && argc < 47; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	e2e.hssd_pid = fork();
	if (e2e.hssd_pid == 0) {
		execv(e2e.hssd_path, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		fp = fopen(pf, "r");
		if (fp) {
			bool ok = fgets(buf, sizeof(buf), fp) != NULL;

			fclose(fp);
			if (ok) {
				e2e.port = (uint16_t)atoi(buf);
				return 0;
			}
		}
		usleep(50000);
	}
	FAIL("hssd did not write its port file");
}

int e2e_ctl(const char *args)
{
	char cmd[1024];

	if (!e2e.ctl_path) {
		printf("skipped: hss-ctl is not built (needed to provision a subscriber)\n");
		return 77;
	}
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/hss.db' %s >>'%s/ctl.log' 2>&1",
		 e2e.ctl_path, e2e.dir, args, e2e.dir);
	if (system(cmd) != 0) {
		snprintf(cmd, sizeof(cmd), "cat '%s/ctl.log' >&2", e2e.dir);
		if (system(cmd) != 0)
			perror("cat");
		FAIL("hss-ctl %s failed", args);
	}
	return 0;
}

/* tools/ims-bench/capture.sh (the one capture helper of ims-bench and the
 * tests) runs
 * dumpcap as our child and says when a probe has reached the file: dumpcap
 * prints "Capturing on" before its socket is open, and drops what is still
 * in the kernel ring when stopped, so neither a sleep nor the file's
 * existence is a readiness signal. */
static char cap_file[512]; /* the running capture's file */

static int capture_sh(const char *verb, const char *pcap)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "sh '%s/capture.sh' %s '%s' %d", CAPTURE_SH_DIR, verb, pcap,
		 (int)e2e.cap_pid);
	return system(cmd);
}

int e2e_capture_start(const char *pcap)
{
	char filt[64], helper[512];

	if (system("command -v tshark >/dev/null && command -v dumpcap >/dev/null") != 0) {
		printf("skipped: tshark/dumpcap not installed\n");
		return 77;
	}
	snprintf(filt, sizeof(filt), "tcp port %u", e2e.port);
	snprintf(cap_file, sizeof(cap_file), "%s", pcap);
	snprintf(helper, sizeof(helper), "%s/capture.sh", CAPTURE_SH_DIR);
	e2e.cap_pid = fork();
	if (e2e.cap_pid == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(nul, 1);
		dup2(nul, 2);
		execlp("sh", "sh", helper, "run", pcap, filt, NULL);
		_exit(127);
	}
	if (e2e.cap_pid < 0 || capture_sh("ready", pcap) != 0) {
		e2e_stop_child(&e2e.cap_pid, SIGTERM);
		printf("skipped: dumpcap cannot capture on lo here\n");
		return 77;
	}
	return 0;
}

/* Every packet sent so far reaches the file (the end probe is in it),
 * then dumpcap stops. */
void e2e_capture_stop(void)
{
	if (capture_sh("flush", cap_file) != 0)
		printf("# note: the capture's end probe did not reach the file\n");
	e2e_stop_child(&e2e.cap_pid, SIGINT);
}

int e2e_popen_read(const char *cmd, char *out, size_t outsz)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0;

	out[0] = '\0';
	if (!p)
		return -1;
	while (n + 1 < outsz && fgets(out + n, (int)(outsz - n), p))
		n += strlen(out + n);
	return pclose(p);
}

int e2e_connect(struct e2e_client *c, bool sctp)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(e2e.port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;

	c->len = 0;
	c->fd = socket(AF_INET, SOCK_STREAM, sctp ? IPPROTO_SCTP : 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		FAIL("connect to hssd port %u: %s", e2e.port, strerror(errno));
	if (!sctp)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

void e2e_close(struct e2e_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int e2e_send(struct e2e_client *c, const uint8_t *b, ssize_t n)
{
	CHECK(n > 0, "request did not build");
	while (n > 0) {
		ssize_t w = send(c->fd, b, (size_t)n, MSG_NOSIGNAL);

		CHECK(w > 0, "send: %s", strerror(errno));
		b += w;
		n -= w;
	}
	return 0;
}

ssize_t e2e_recv(struct e2e_client *c, uint8_t *out, size_t cap, int timeout_ms)
{
	for (;;) {
		ssize_t n = diam_frame_len(c->buf, c->len);
		struct pollfd p = { .fd = c->fd, .events = POLLIN };

		if (n < 0)
			return -1;
		if (n > 0 && (size_t)n <= c->len) {
			if ((size_t)n > cap)
				return -1;
			memcpy(out, c->buf, (size_t)n);
			memmove(c->buf, c->buf + n, c->len - (size_t)n);
			c->len -= (size_t)n;
			return n;
		}
		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n <= 0)
			return 0;
		c->len += (size_t)n;
	}
}

long e2e_result(const struct diam_msg *m)
{
	uint32_t rc;
	bool exp;

	if (diam_msg_result(m, &rc, &exp))
		return 0;
	return exp ? 100000 + (long)rc : (long)rc;
}

long e2e_recv_answer(struct e2e_client *c, uint8_t *b, struct diam_msg *m)
{
	ssize_t n = e2e_recv(c, b, E2E_MAX_MSG, 5000);

	if (n <= 0 || diam_msg_parse(b, (size_t)n, m) != 0 || (m->hdr.flags & DIAM_FLAG_R))
		return -1;
	return e2e_result(m);
}

ssize_t e2e_build_cer(uint8_t *b, size_t cap, const char *host, const char *realm,
		      const char *product, uint32_t vendor, uint32_t app)
{
	struct diam_wr w;
	const uint8_t ip[4] = { 127, 0, 0, 1 };

	diam_wr_init(&w, b, cap);
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_CE, 0, diam_next_hbh(), diam_next_e2e());
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, realm);
	diam_put_addr(&w, AVP_HOST_IP_ADDRESS, 0, 1, ip, 4);
	diam_put_u32(&w, AVP_VENDOR_ID, 0, DIAM_VENDOR_3GPP);
	diam_put_str(&w, AVP_PRODUCT_NAME, 0, product);
	if (vendor) {
		diam_put_u32(&w, AVP_SUPPORTED_VENDOR_ID, 0, vendor);
		diam_put_vendor_app(&w, vendor, app);
	} else {
		diam_put_u32(&w, AVP_AUTH_APPLICATION_ID, 0, app);
	}
	return diam_wr_finish(&w);
}

int e2e_set1_keys(struct aka_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->algo = AKA_ALGO_MILENAGE;
	k->res_len = 8;
	CHECK(hex_decode_exact(E2E_K_HEX, k->k, 16) == 0 &&
	      hex_decode_exact(E2E_OPC_HEX, k->opc, 16) == 0, "bad test keys");
	return 0;
}

int e2e_check_eutran(const struct aka_keys *k, const struct diam_avp *v, const uint8_t plmn[3],
		     uint64_t *last)
{
	struct diam_avp r, x, n, km;
	struct aka_out o;
	uint8_t sqn[6], zero[6] = { 0 }, kasme[32];
	uint64_t s;

	CHECK(diam_group_find(v, AVP_S6A_RAND, DIAM_VENDOR_3GPP, &r) == 0 && r.len == 16, "RAND");
	CHECK(diam_group_find(v, AVP_S6A_XRES, DIAM_VENDOR_3GPP, &x) == 0, "XRES");
	CHECK(diam_group_find(v, AVP_S6A_AUTN, DIAM_VENDOR_3GPP, &n) == 0 && n.len == 16, "AUTN");
	CHECK(diam_group_find(v, AVP_S6A_KASME, DIAM_VENDOR_3GPP, &km) == 0 && km.len == 32,
	      "KASME");
	CHECK(n.data[6] & 0x80, "AMF separation bit not set (TS 33.401 §6.1.1)");
	/* AK depends on RAND only: the first pass recovers SQN from AUTN. */
	CHECK(aka_compute(k, r.data, zero, n.data + 6, &o) == 0, "aka_compute");
	for (int i = 0; i < 6; i++)
		sqn[i] = n.data[i] ^ o.ak[i];
	CHECK(aka_compute(k, r.data, sqn, n.data + 6, &o) == 0, "aka_compute");
	CHECK(ct_equal(o.mac_a, n.data + 8, 8), "MAC-A does not verify");
	CHECK(x.len == o.res_len && ct_equal(o.res, x.data, x.len), "XRES mismatch");
	CHECK(aka_kasme(o.ck, o.ik, plmn, n.data, kasme) == 0 && ct_equal(kasme, km.data, 32),
	      "KASME mismatch");
	s = aka_sqn_get(sqn);
	CHECK(s > *last, "SQN not increasing");
	*last = s;
	return 0;
}
