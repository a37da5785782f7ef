/* What the C e2e clients of hssd share (tests/e2e/hss, tests/e2e/s6a):
 * the temporary directory and child processes (hssd, dumpcap) that are
 * cleaned up on every exit path, hss-ctl provisioning, and a blocking
 * Diameter client over loopback. Library target e2e_lib. */
#ifndef TESTS_E2E_LIB_E2E_H
#define TESTS_E2E_LIB_E2E_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "aka/aka.h"
#include "diameter/diam.h"

#define E2E_MAX_MSG (64 * 1024)
/* TS 35.208 §4.3 test set 1: the subscriber the e2e clients provision. */
#define E2E_K_HEX "465b5ce8b199b49faa5f0a2ee238a6bc"
#define E2E_OPC_HEX "cd63cb71954a9f4e48a5994e37a02baf"

/* A failed check: says where and why on stderr, the case returns 1. */
#define FAIL(...)                                                        \
	do {                                                             \
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);     \
		fprintf(stderr, __VA_ARGS__);                            \
		fputc('\n', stderr);                                     \
		return 1;                                                \
	} while (0)
#define CHECK(cond, ...)                                                 \
	do {                                                             \
		if (!(cond))                                             \
			FAIL(__VA_ARGS__);                               \
	} while (0)

struct e2e_env {
	char dir[256];       /* temporary: hss.db, hssd.log, port, captures */
	uint16_t port;       /* hssd's listening port, read from its port file */
	pid_t hssd_pid, cap_pid;
	const char *hssd_path, *ctl_path;
};
extern struct e2e_env e2e;

/* --hssd PATH and --hss-ctl PATH into e2e; returns the other (last)
 * argument, the case to run, or NULL. */
const char *e2e_args(int argc, char **argv);
/* mkdtemp(/tmp/PREFIX.XXXXXX), cleanup at exit (kept when the variable
 * keep_env is set), SIGPIPE ignored and a hard stop after alarm_s
 * seconds that kills the children. 0 or 1. */
int e2e_init(const char *prefix, const char *keep_env, unsigned alarm_s);
/* Signal, wait up to 3 s, then SIGKILL. */
void e2e_stop_child(pid_t *pid, int sig);

/* Starts hssd with --db DIR/hss.db --port-file DIR/port --log-file
 * DIR/hssd.log and then args (NULL-terminated), waits for the port. */
int e2e_start_hssd(const char *const *args);
/* `hss-ctl --db DIR/hss.db ARGS`, output appended to DIR/ctl.log (shown
 * on failure). 0, 1, or 77 when hss-ctl is not built. */
int e2e_ctl(const char *args);

/* dumpcap on lo for hssd's port into pcap: 0, or 77 (reason printed)
 * when tshark/dumpcap are missing or cannot capture here. */
int e2e_capture_start(const char *pcap);
void e2e_capture_stop(void);
/* Runs cmd, its stdout into out (NUL-terminated); pclose() status. */
int e2e_popen_read(const char *cmd, char *out, size_t outsz);

struct e2e_client {
	int fd;
	uint8_t buf[E2E_MAX_MSG * 4];
	size_t len;
};

/* TCP (or one-to-one SCTP) to 127.0.0.1:e2e.port. 0 or 1. */
int e2e_connect(struct e2e_client *c, bool sctp);
void e2e_close(struct e2e_client *c);
/* Sends n bytes (n <= 0: the message did not build). 0 or 1. */
int e2e_send(struct e2e_client *c, const uint8_t *b, ssize_t n);
/* Next message into out: its length, 0 on EOF, -1 on timeout/error. */
ssize_t e2e_recv(struct e2e_client *c, uint8_t *out, size_t cap, int timeout_ms);
/* Result-Code, or Experimental-Result-Code + 100000; 0 when neither. */
long e2e_result(const struct diam_msg *m);
/* Next answer (5 s) parsed into m (b holds E2E_MAX_MSG): e2e_result(),
 * or -1 on timeout/EOF/unparsable/a request. */
long e2e_recv_answer(struct e2e_client *c, uint8_t *b, struct diam_msg *m);
/* CER from 127.0.0.1 advertising app as Vendor-Specific-Application-Id
 * (vendor != 0, with Supported-Vendor-Id) or Auth-Application-Id. */
ssize_t e2e_build_cer(uint8_t *b, size_t cap, const char *host, const char *realm,
		      const char *product, uint32_t vendor, uint32_t app);

/* The USIM side of test set 1 (Milenage, 8-octet RES). 0 or 1. */
int e2e_set1_keys(struct aka_keys *k);
/* One E-UTRAN-Vector re-derived with common/aka: MAC-A, XRES, the AMF
 * separation bit (TS 33.401 §6.1.1), KASME (TS 33.401 A.2) for plmn, and
 * an SQN above *last (updated). 0 or 1. */
int e2e_check_eutran(const struct aka_keys *k, const struct diam_avp *v, const uint8_t plmn[3],
		     uint64_t *last);

#endif
