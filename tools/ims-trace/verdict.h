/* The verdict on one registration attempt (issue 7 §3). Checks run in
 * this order and the first failing one names the cause:
 *   nonce      base64(RAND ‖ AUTN) decodes (RFC 3310 §3.2)
 *   MAC-A      f1 over (SQN, RAND, AMF of AUTN) with the keys; on failure
 *              the same keys with OP and OPc swapped (the classic
 *              provisioning mistake) — TS 33.102 §6.3.3
 *   MAA        XRES/CK/IK/AUTN of the Cx/S6a vector vs f2/f3/f4
 *   ck/ik      of the 401 vs the vector (TS 33.203 §7.1)
 *   username realm uri nonce algorithm qop/nc/cnonce   (RFC 2617 §3.2.2)
 *   response   HA1/HA2/response with RES (AKAv1), the RFC 4169 password
 *              (AKAv2) or the password (MD5); auth-int hashes the body
 *   auts       SQN_MS, MAC-S over AMF 0000 (TS 33.102 §6.3.5), distance
 *   status     what the network answered and whether it was right to
 * Keys come from a lookup callback (command line or hss-ctl database). */
#ifndef TRACE_VERDICT_H
#define TRACE_VERDICT_H

#include "pair.h"
#include "trace.h"

#include "aka/aka.h"

#include <stdbool.h>
#include <stdint.h>

struct trace_keys {
	enum aka_algo algo;
	uint8_t k[16];
	uint8_t op[16];       /* the value as given: OP, or OPc when is_opc */
	bool is_opc;
	uint8_t amf[2];
	bool have_amf;
	size_t res_len;       /* 0 = algorithm default */
	char password[128];   /* plain SIP Digest password, for algorithm=MD5 */
	bool have_password;
	char source[128];     /* "--k/--opc", "hss.sqlite" ... for sentences */
};

/* 1 = keys found, 0 = none for this IMPI, <0 = lookup failed. */
typedef int (*trace_key_lookup)(void *arg, const char *impi, struct trace_keys *out);

enum check_state { CHK_OK, CHK_FAIL, CHK_INFO, CHK_SKIP };
const char *check_state_name(enum check_state s);

#define VERDICT_TEXT 400
struct vcheck {
	char name[20];
	enum check_state st;
	char detail[VERDICT_TEXT];
};

enum verdict_kind { VK_CONSISTENT, VK_MISMATCH, VK_UNVERIFIED };
const char *verdict_kind_name(enum verdict_kind k);

#define VERDICT_CHECKS_MAX 28
struct verdict {
	enum verdict_kind kind;
	char sentence[1024];
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
	char keys_source[128];
};

int verdict_run(const struct trace_ctx *c, const struct attempt *a, trace_key_lookup lookup,
		void *arg, struct verdict *v);

#endif
