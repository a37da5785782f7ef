/* Internal to the verdict (verdict.c, verdict_aka.c, verdict_digest.c,
 * verdict_hops.c): everything one verdict works with, gathered once. */
#ifndef TRACE_VERDICT_INT_H
#define TRACE_VERDICT_INT_H

#include "verdict.h"

#include "digest/auth_header.h"
#include "digest/digest.h"

struct diam_vec;

/* What the UE's response turned out to be. */
enum resp_state { RESP_NONE, RESP_OK, RESP_WRONG, RESP_EMPTY, RESP_AUTS, RESP_UNCHECKED };

struct vctx {
	const struct trace_ctx *c;
	const struct attempt *a;
	struct verdict *v;
	const struct trace_keyring *kr;
	const struct sip_msg *chal, *chal_ckik, *auth;
	struct auth_header *ch, *az;      /* parsed challenge / Authorization */
	const struct diam_vec *vec;       /* MAA/AIA vector of this RAND */
	struct trace_keys keys;
	bool have_keys;
	int alg;                          /* enum digest_alg, -1 unknown */
	struct nonce_parts np;
	struct trace_aka aka[TRACE_KEY_VARIANTS]; /* per key variant */
	/* what the network expects */
	bool have_exp;
	uint8_t xres[AKA_RES_MAX], ck[16], ik[16];
	size_t xres_len;
	char exp_src[64];
	/* facts for the cause */
	bool ue_wrong;                    /* a field or the UE's answer was wrong */
	bool verified;                    /* something was really verified */
	bool answer_checked;              /* response or auts verified */
	enum resp_state resp;
	int resp_variant;                 /* key variant whose RES the response is, -1 */
	int mac_check;                    /* index of the MAC-A check, -1 */
	char ue_cause[VERDICT_TEXT];      /* first fault in the UE's answer */
};

struct vcheck *vadd(struct vctx *x, const char *name, enum check_state st, enum finding_kind kind,
		    int ev, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Adds the frame of event ev to a check (k may be NULL, ev may be -1). */
void vframe(const struct vctx *x, struct vcheck *k, int ev);

const char *vparam(const struct auth_header *h, const char *n);
struct auth_header *vparse(const char *val);   /* caller frees; NULL when absent/bad */

/* verdict_aka.c */
void vcheck_mac(struct vctx *x);
void vcheck_maa(struct vctx *x);
void vpick_expected(struct vctx *x);
void vcheck_ckik(struct vctx *x);
void vcheck_auts(struct vctx *x, const char *auts_b64);

/* verdict_digest.c */
void vcheck_fields(struct vctx *x);
void vcheck_response(struct vctx *x);
/* The response the UE would send with password pw over its own fields. */
bool vresponse_is(const struct vctx *x, const uint8_t *pw, size_t pwl, int qop, bool empty_body);

/* verdict_hops.c */
void vcheck_hops(struct vctx *x);
void vcheck_replay(struct vctx *x);

#endif
