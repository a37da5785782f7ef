/* The verdict on one registration attempt (issue 7 §3, issue 12 §5). Checks
 * run in this order:
 *   nonce      base64(RAND ‖ AUTN) decodes (RFC 3310 §3.2)
 *   MAC-A      f1 over (SQN, RAND, AMF of AUTN) with the keys; on failure
 *              the same keys with OP and OPc swapped — TS 33.102 §6.3.3
 *   MAA        XRES/CK/IK/AUTN of the Cx/S6a vector vs f2/f3/f4
 *   ck/ik      of the 401 vs the vector (TS 33.203 §7.1)
 *   hops       each forwarded copy vs the one before; ck/ik reaching the UE;
 *              Security-Verify vs Security-Server (verdict_hops.c)
 *   username realm uri nonce algorithm qop/nc/cnonce   (RFC 2617 §3.2.2)
 *   response   HA1/HA2/response with RES (AKAv1), the RFC 4169 password
 *              (AKAv2) or the password (MD5); auth-int hashes the body
 *   auts       SQN_MS, MAC-S over AMF 0000 (TS 33.102 §6.3.5), distance
 *   replay     nonce / (nonce, nc) used before
 *   status     what the network answered and whether it was right to
 * Every failing check carries a finding kind and its frames. The verdict
 * sentence names the cause class: the keys given are not the subscriber's,
 * OP and OPc swapped, the UE answered wrongly, the network is inconsistent
 * (issue 12 §5). Keys come from a keyring (command line or database). */
#ifndef TRACE_VERDICT_H
#define TRACE_VERDICT_H

#include "findings.h"
#include "keys.h"
#include "pair.h"
#include "trace.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum check_state { CHK_OK, CHK_FAIL, CHK_INFO, CHK_SKIP };
const char *check_state_name(enum check_state s);

#define VERDICT_TEXT 480
#define VCHECK_FRAMES 4
struct vcheck {
	char name[20];
	enum check_state st;
	char detail[VERDICT_TEXT];
	enum finding_kind kind;       /* for a FAIL: what it is */
	unsigned frames[VCHECK_FRAMES];
	size_t nframes;
	int ev;                       /* the event it is drawn beside (HTML), -1 none */
};

enum verdict_kind { VK_CONSISTENT, VK_MISMATCH, VK_UNVERIFIED };
const char *verdict_kind_name(enum verdict_kind k);

#define VERDICT_CHECKS_MAX 40
struct verdict {
	enum verdict_kind kind;
	char sentence[1400];
	char first_diff[20];          /* name of the first failing check, "" */
	struct vcheck chk[VERDICT_CHECKS_MAX];
	size_t nchk;
	char alg[32];
	bool have_nonce;
	uint8_t rand[16], autn[16];
	bool have_sqn;
	uint64_t sqn;
	int key_variant;              /* 0 as given, 1 OP/OPc swapped, -1 no match/no keys */
	bool resync, have_sqn_ms, mac_s_ok;
	uint64_t sqn_ms;
	long long seq_delta;          /* SEQ_MS - SEQ_HE with 5 IND bits */
	int status;                   /* final SIP status, 0 none */
	bool have_right, right;       /* was the network right to answer `status` */
	char cause[64];               /* cause class of the sentence, "" none */
	char keys_source[128];
};

int verdict_run(const struct trace_ctx *c, const struct attempt *a,
		const struct trace_keyring *kr, struct verdict *v);

/* Appends a check to arr (n of max used); NULL when full. */
struct vcheck *vcheck_vappend(struct vcheck *arr, size_t *n, size_t max, const char *name,
			      enum check_state st, enum finding_kind kind, const char *fmt,
			      va_list ap) __attribute__((format(printf, 7, 0)));

/* Number of checks that verified something (ok or FAIL). */
size_t verdict_checked(const struct verdict *v);
/* Adds the FAIL checks of v to fs. */
void verdict_findings(const struct verdict *v, struct findings *fs);

#endif
