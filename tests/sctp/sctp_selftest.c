/* sctp-selftest: proves the SCTP test harness itself. A server and a forked
 * client on 127.0.0.1 exchange one Diameter DWR/DWA over a one-to-one lksctp
 * association; both sides check PPID 46 (RFC 6733 §2.1), whole-message
 * delivery (MSG_EOR), the Diameter header and the association state.
 *
 *   sctp-selftest            run the exchange; 0 pass, 1 fail, 77 no SCTP
 *   sctp-selftest --probe    0 if the kernel has SCTP, else 77 */
#include "diam_frame.h"
#include "sctp_io.h"

#include "../../common/diameter/codes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define HBH 0x11223344u
#define E2E 0x55667788u
#define STREAM 1 /* not 0, so the stream number is really negotiated */

static int fail(const char *who, const char *what, long err)
{
	fprintf(stderr, "sctp-selftest: %s: %s%s%s\n", who, what, err ? ": " : "",
		err ? strerror((int)-err) : "");
	return 1;
}

/* Receives one message and checks transport + header; fills *m. */
static int recv_checked(const char *who, int fd, uint8_t *buf, size_t cap, struct df_msg *m)
{
	uint32_t ppid = 0;
	uint16_t stream = 0;
	long n = sio_recv(fd, buf, cap, 5000, &ppid, &stream);
	if (n <= 0)
		return fail(who, "no message", n);
	if (ppid != SCTP_PPID_DIAMETER)
		return fail(who, "PPID is not 46", 0);
	if (stream != STREAM)
		return fail(who, "wrong stream", 0);
	if (df_parse(buf, (size_t)n, m) < 0)
		return fail(who, "bad Diameter header or length", 0);
	return 0;
}

static int client(unsigned port)
{
	uint8_t buf[512];
	struct df_writer w;
	struct df_msg m;
	int fd = sio_connect("127.0.0.1", port, 4);
	if (fd < 0)
		return fail("client", "connect", fd);
	df_begin(&w, buf, sizeof(buf), DF_FLAG_R, DIAM_CMD_DW, DIAM_APP_BASE, HBH, E2E);
	df_put_str(&w, AVP_ORIGIN_HOST, 0, "client.sctp.test");
	df_put_str(&w, AVP_ORIGIN_REALM, 0, "sctp.test");
	long len = df_finish(&w);
	int rc = len < 0 ? fail("client", "DWR does not fit", 0)
			 : sio_send(fd, buf, (size_t)len, STREAM) < 0 ? fail("client", "send", -errno)
			 : recv_checked("client", fd, buf, sizeof(buf), &m);
	if (rc == 0 && (m.cmd != DIAM_CMD_DW || (m.flags & DF_FLAG_R) || m.hbh != HBH || m.e2e != E2E))
		rc = fail("client", "answer is not the DWA to our DWR", 0);
	if (rc == 0 && df_find_u32(m.avps, m.avps_len, AVP_RESULT_CODE, 0) != 2001)
		rc = fail("client", "DWA Result-Code is not 2001", 0);
	close(fd);
	return rc;
}

static int serve_one(int conn)
{
	uint8_t buf[512], out[512];
	struct df_writer w;
	struct df_msg m;
	if (recv_checked("server", conn, buf, sizeof(buf), &m))
		return 1;
	if (m.cmd != DIAM_CMD_DW || !(m.flags & DF_FLAG_R))
		return fail("server", "expected a DWR", 0);
	if (sio_established(conn) != 1)
		return fail("server", "association not ESTABLISHED", 0);
	const uint8_t *oh;
	if (df_find(m.avps, m.avps_len, AVP_ORIGIN_HOST, 0, &oh) != 16 || memcmp(oh, "client.sctp.test", 16))
		return fail("server", "DWR Origin-Host lost in transit", 0);
	/* RFC 6733 §6.2: the answer copies Hop-by-Hop and End-to-End. */
	df_begin(&w, out, sizeof(out), 0, DIAM_CMD_DW, DIAM_APP_BASE, m.hbh, m.e2e);
	df_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	df_put_str(&w, AVP_ORIGIN_HOST, 0, "server.sctp.test");
	df_put_str(&w, AVP_ORIGIN_REALM, 0, "sctp.test");
	long len = df_finish(&w);
	if (len < 0 || sio_send(conn, out, (size_t)len, STREAM) < 0)
		return fail("server", "send DWA", -errno);
	/* Wait for the client to close, so the DWA is not lost to our close. */
	long n = sio_recv(conn, buf, sizeof(buf), 5000, NULL, NULL);
	return n == 0 ? 0 : fail("server", "expected an orderly shutdown", n < 0 ? n : 0);
}

static int run(void)
{
	unsigned port = 0;
	int lfd = sio_listen("127.0.0.1", &port);
	if (lfd < 0)
		return fail("server", "listen", lfd);
	pid_t pid = fork();
	if (pid < 0)
		return fail("server", "fork", -errno);
	if (pid == 0) {
		close(lfd);
		_exit(client(port));
	}
	int conn = accept(lfd, NULL, NULL);
	int rc = conn < 0 ? fail("server", "accept", -errno) : serve_one(conn);
	if (conn >= 0)
		close(conn);
	close(lfd);
	int st = 0;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		rc = 1;
	printf("sctp-selftest: DWR/DWA over SCTP port %u: %s\n", port, rc ? "FAIL" : "ok");
	return rc;
}

int main(int argc, char **argv)
{
	int probe = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			puts("usage: sctp-selftest [--probe]\n"
			     "  Exchanges a Diameter DWR/DWA over one-to-one SCTP on 127.0.0.1.\n"
			     "  --probe  only check that the kernel has SCTP (exit 0) or not (77)");
			return 0;
		} else if (!strcmp(argv[i], "--probe")) {
			probe = 1;
		} else {
			fprintf(stderr, "sctp-selftest: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	int p = sio_probe();
	if (p < 0) {
		printf("skipped: this kernel has no SCTP (%s)\n", strerror(-p));
		return SCTP_TEST_SKIP;
	}
	return probe ? 0 : run();
}
