/* The digest side of a verdict: the UE's Authorization fields against the
 * challenge, and its response recomputed (RFC 2617 §3.2.2, RFC 3310 §3.3,
 * RFC 4169), with a diagnosis when it differs. */
#include "verdict_int.h"
#include "diam_in.h"
#include "sip_msg.h"

#include "util/ct.h"
#include "util/hex.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_hex_n(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789abcdefABCDEF") == n;
}

static void check_qop(struct vctx *x)
{
	const struct auth_header *az = x->az, *ch = x->ch;
	const char *resp = vparam(az, "response");
	bool rejected = (!resp || !resp[0]) && !vparam(az, "auts"); /* no qop then */
	const char *cq = rejected ? NULL : vparam(ch, "qop"), *q = vparam(az, "qop");
	const char *nc = vparam(az, "nc"), *cn = vparam(az, "cnonce");
	int ev = x->a->auth;

	if (q && cq && !strcasestr(cq, q))
		vadd(x, "qop", CHK_FAIL, FK_FIELD_MISMATCH, ev, "qop=%s was not offered (\"%s\")", q,
		     cq);
	else if (!q && cq && ch)
		vadd(x, "qop", CHK_FAIL, FK_FIELD_MISMATCH, ev, "the challenge offered qop=\"%s\" but "
		     "the answer has no qop", cq);
	else if (q && (!is_hex_n(nc, 8) || !cn || !cn[0]))
		vadd(x, "qop", CHK_FAIL, FK_FIELD_MISMATCH, ev, "with qop=%s nc must be 8 hex digits "
		     "and cnonce present (nc=%s, cnonce=%s)", q, nc ? nc : "absent",
		     cn ? "present" : "absent");
}

/* username, realm, uri, nonce, algorithm, qop/nc/cnonce — first
 * difference first (RFC 2617 §3.2.2, RFC 3261 §22.4). */
void vcheck_fields(struct vctx *x)
{
	const struct auth_header *az = x->az, *ch = x->ch;
	const char *user = vparam(az, "username"), *realm = vparam(az, "realm");
	const char *uri = vparam(az, "uri"), *nonce = vparam(az, "nonce");
	const char *mar_user = x->a->mar >= 0 ? x->c->ev[x->a->mar].diam->user_name : NULL;
	const char *cr = vparam(ch, "realm") ? vparam(ch, "realm") : "";
	const char *cn = vparam(ch, "nonce") ? vparam(ch, "nonce") : "";
	size_t before = x->v->nchk;
	int ev = x->a->auth;

	if (!user)
		vadd(x, "username", CHK_FAIL, FK_FIELD_MISMATCH, ev, "Authorization has no username");
	else if (mar_user && mar_user[0] && strcmp(user, mar_user))
		vadd(x, "username", CHK_FAIL, FK_FIELD_MISMATCH, ev, "username \"%s\" is not the IMPI "
		     "\"%s\" the S-CSCF asked the HSS about", user, mar_user);
	if (ch && (!realm || strcmp(realm, cr)))
		vadd(x, "realm", CHK_FAIL, FK_FIELD_MISMATCH, ev, "realm \"%s\" is not the "
		     "challenge's \"%s\"", realm ? realm : "", cr);
	if (!uri || strcmp(uri, x->auth->ruri ? x->auth->ruri : ""))
		vadd(x, "uri", CHK_FAIL, FK_FIELD_MISMATCH, ev, "digest uri \"%s\" is not the "
		     "Request-URI \"%s\"", uri ? uri : "", x->auth->ruri ? x->auth->ruri : "");
	if (ch && (!nonce || strcmp(nonce, cn)))
		vadd(x, "nonce", CHK_FAIL, FK_FIELD_MISMATCH, ev, "the nonce was echoed wrongly: "
		     "\"%.60s\" instead of \"%.60s\"", nonce ? nonce : "", cn);
	const char *aalg = vparam(az, "algorithm"), *calg = vparam(ch, "algorithm");
	if (ch && aalg && strcasecmp(aalg, calg ? calg : "MD5"))
		vadd(x, "algorithm", CHK_FAIL, FK_FIELD_MISMATCH, ev, "algorithm %s answers a %s "
		     "challenge", aalg, calg ? calg : "MD5");
	check_qop(x);
	if (x->v->nchk == before)
		vadd(x, "fields", CHK_OK, FK_NONE, ev, "username, realm, uri, nonce, algorithm, "
		     "qop/nc/cnonce as the challenge asked");
	else
		x->ue_wrong = true;
}

/* The response a UE with this password would send, over the UE's own
 * fields (so a wrong field is not double-counted). */
static bool response_of(const struct vctx *x, const uint8_t *pw, size_t pwl, int qop_override,
			bool empty_body, char out[DIGEST_HEX_LEN])
{
	const struct auth_header *az = x->az;
	struct digest_input in = {
		.username = vparam(az, "username") ? vparam(az, "username") : "",
		.realm = vparam(az, "realm") ? vparam(az, "realm") : "",
		.nonce = vparam(az, "nonce") ? vparam(az, "nonce") : "",
		.uri = vparam(az, "uri") ? vparam(az, "uri") : "",
		.method = x->auth->method,
		.nc = vparam(az, "nc"), .cnonce = vparam(az, "cnonce"),
		.body = empty_body ? NULL : x->auth->body,
		.body_len = empty_body ? 0 : x->auth->body_len,
	};
	struct digest_result r;
	int q = qop_override >= 0 ? qop_override : digest_qop_parse(vparam(az, "qop"));

	if (q < 0)
		return false;
	in.qop = (enum digest_qop)q;
	if (digest_compute(&in, pw, pwl, &r))
		return false;
	memcpy(out, r.response, DIGEST_HEX_LEN);
	return true;
}

bool vresponse_is(const struct vctx *x, const uint8_t *pw, size_t pwl, int qop, bool empty_body)
{
	char exp[DIGEST_HEX_LEN], got[DIGEST_HEX_LEN];
	const char *r = vparam(x->az, "response");

	if (!r || strlen(r) != 32 || !response_of(x, pw, pwl, qop, empty_body, exp))
		return false;
	for (int i = 0; i < 33; i++)
		got[i] = (char)tolower((unsigned char)r[i]);
	return ct_streq(got, exp);
}

/* Password octets for `alg` from RES/IK/CK. */
static bool password_for(int alg, const struct vctx *x, const uint8_t *res, size_t rl,
			 const uint8_t *ik, const uint8_t *ck, uint8_t *pw, size_t *pwl)
{
	const char *plain = x->keys.have_password ? x->keys.password : NULL;
	return !digest_password((enum digest_alg)alg, plain, res, rl, ik, ck, pw, pwl);
}

/* The key variant whose RES/IK/CK give the UE's response, or -1. */
static int response_variant(const struct vctx *x)
{
	uint8_t pw[64];
	size_t pwl;

	for (int w = 0; w < TRACE_KEY_VARIANTS; w++) {
		const struct aka_out *o = &x->aka[w].out;
		if (x->aka[w].ok &&
		    password_for(x->alg, x, o->res, o->res_len, o->ik, o->ck, pw, &pwl) &&
		    vresponse_is(x, pw, pwl, -1, false))
			return w;
	}
	return -1;
}

/* How the UE built a wrong response from the right RES, or NULL. */
static const char *misbuilt(struct vctx *x, char *buf, size_t sz)
{
	uint8_t pw[64];
	size_t pwl;
	char txt[40];
	int other = x->alg == DIGEST_ALG_AKAV1_MD5 ? DIGEST_ALG_AKAV2_MD5 : DIGEST_ALG_AKAV1_MD5;

	if (x->alg != DIGEST_ALG_MD5 &&
	    password_for(other, x, x->xres, x->xres_len, x->ik, x->ck, pw, &pwl) &&
	    vresponse_is(x, pw, pwl, -1, false)) {
		snprintf(buf, sz, "the RES is right but the UE built the password the %s way for "
			 "an %s challenge", digest_alg_name((enum digest_alg)other),
			 digest_alg_name((enum digest_alg)x->alg));
		return buf;
	}
	hex_encode(x->xres, x->xres_len, txt);
	if (vresponse_is(x, (const uint8_t *)txt, strlen(txt), -1, false))
		return "the UE used RES as hex text for the password; RFC 3310 §3.3 wants the raw "
		       "RES octets";
	size_t bl = b64_encode(x->xres, x->xres_len, txt);
	if (vresponse_is(x, (const uint8_t *)txt, bl, -1, false))
		return "the UE used base64(RES) for the password; RFC 3310 §3.3 wants the raw RES "
		       "octets";
	if (!password_for(x->alg, x, x->xres, x->xres_len, x->ik, x->ck, pw, &pwl))
		return NULL;
	if (x->auth->body_len && vresponse_is(x, pw, pwl, -1, true)) {
		snprintf(buf, sz, "RES is right but the UE hashed an empty body for auth-int (the "
			 "REGISTER has %zu body octets)", x->auth->body_len);
		return buf;
	}
	if (vresponse_is(x, pw, pwl, DIGEST_QOP_AUTH_INT, false) ||
	    vresponse_is(x, pw, pwl, DIGEST_QOP_AUTH, false)) {
		snprintf(buf, sz, "RES is right but the response was hashed with another qop than "
			 "the qop=%s it states", vparam(x->az, "qop") ? vparam(x->az, "qop") : "(none)");
		return buf;
	}
	return NULL;
}

/* Why the response differs: the RES of a key variant (the card holds
 * other keys than the network), a digest built wrongly from the right RES,
 * or nothing we can explain. */
static void diagnose_response(struct vctx *x)
{
	char buf[VERDICT_TEXT];
	const char *how;
	int var = x->v->key_variant, w = x->resp_variant;

	if (w >= 0 && w != var)
		vadd(x, "response", CHK_FAIL, FK_RESPONSE_MISMATCH, x->a->auth, "the UE answered "
		     "with the RES of %s (%s), not %s: the card and the network hold different "
		     "keys", x->keys.source, trace_keys_variant_desc(&x->keys, w), x->exp_src);
	else if ((how = misbuilt(x, buf, sizeof(buf))))
		vadd(x, "response", CHK_FAIL, FK_RESPONSE_MISMATCH, x->a->auth, "%s", how);
	else if (var >= 0)
		/* a USIM with another K would have failed AUTN (MAC failure) */
		vadd(x, "response", CHK_FAIL, FK_RESPONSE_MISMATCH, x->a->auth, "the UE's response "
		     "does not match %s although MAC-A verifies with %s: the UE did not compute RES "
		     "with these keys (a USIM with another K would have rejected AUTN) or built the "
		     "digest wrongly", x->exp_src, x->keys.source);
	else
		vadd(x, "response", CHK_FAIL, FK_RESPONSE_MISMATCH, x->a->auth, "the UE's response "
		     "does not match %s%s", x->exp_src, x->have_keys ?
		     " nor the RES of the keys given" : "");
}

/* TS 24.229 §5.1.1.5.3: after a MAC failure the UE answers with an empty
 * response. The network must then refuse. */
static void rejected(struct vctx *x)
{
	x->resp = RESP_EMPTY;
	x->ue_wrong = true;
	if (x->v->key_variant == 0)
		vadd(x, "response", CHK_FAIL, FK_MAC_FAILURE_AT_UE, x->a->auth, "the UE rejected the "
		     "challenge (empty response): its card found MAC-A wrong although it verifies "
		     "with %s — the card holds another K/OP/OPc", x->keys.source);
	else
		vadd(x, "response", CHK_FAIL, FK_MAC_FAILURE_AT_UE, x->a->auth, "the UE rejected the "
		     "challenge (empty response, a MAC failure on the card, TS 24.229 §5.1.1.5.3)%s",
		     x->have_keys ? "" : "; give the keys to find out whose keys differ");
}

/* No expected XRES (no MAA, and the keys do not verify MAC-A): say whose
 * RES the UE used; the status then tells the cause (verdict.c). */
static void unchecked_response(struct vctx *x)
{
	x->resp = RESP_UNCHECKED;
	if (!x->have_keys) {
		vadd(x, "response", CHK_SKIP, FK_NONE, -1, "no keys for %s and no MAA in the "
		     "capture: RES cannot be recomputed", x->a->impi[0] ? x->a->impi : "this IMPI");
		return;
	}
	x->resp_variant = response_variant(x);
	if (x->resp_variant >= 0 && x->v->key_variant < 0) {
		/* the network's AUTN is not made with these keys: nor is its XRES */
		x->resp = RESP_WRONG;
		x->ue_wrong = x->answer_checked = x->verified = true;
		vadd(x, "response", CHK_FAIL, FK_RESPONSE_MISMATCH, x->a->auth, "the UE answered with "
		     "the RES of %s (%s), whose MAC-A the network's AUTN does not carry: the card and "
		     "the network hold different keys", x->keys.source,
		     trace_keys_variant_desc(&x->keys, x->resp_variant));
	} else if (x->resp_variant >= 0)
		vadd(x, "response", CHK_INFO, FK_NONE, x->a->auth, "the UE answered with the RES of "
		     "%s (%s); no MAA to tell the network's XRES", x->keys.source,
		     trace_keys_variant_desc(&x->keys, x->resp_variant));
	else
		vadd(x, "response", CHK_INFO, FK_NONE, x->a->auth, "the UE's response is no RES of "
		     "the keys of %s; no MAA to tell the network's XRES", x->keys.source);
}

void vcheck_response(struct vctx *x)
{
	uint8_t pw[64];
	size_t pwl;
	const char *r = vparam(x->az, "response");

	if (!r || !r[0]) {
		rejected(x);
		return;
	}
	if (x->alg == DIGEST_ALG_MD5 && !x->keys.have_password) {
		x->resp = RESP_UNCHECKED;
		vadd(x, "response", CHK_SKIP, FK_NONE, -1, "algorithm=MD5 needs the SIP password "
		     "(--password)");
		return;
	}
	if (!x->have_exp && x->alg != DIGEST_ALG_MD5) {
		unchecked_response(x);
		return;
	}
	if (password_for(x->alg, x, x->xres, x->xres_len, x->ik, x->ck, pw, &pwl) &&
	    vresponse_is(x, pw, pwl, -1, false)) {
		x->resp = RESP_OK;
		x->answer_checked = x->verified = true;
		vadd(x, "response", CHK_OK, FK_NONE, x->a->auth, "HA1/HA2/response recomputed with "
		     "%s (%s) match", x->alg == DIGEST_ALG_MD5 ? "the password" : x->exp_src,
		     digest_alg_name((enum digest_alg)x->alg));
		return;
	}
	x->resp = RESP_WRONG;
	x->ue_wrong = true;
	x->answer_checked = x->verified = true;
	x->resp_variant = response_variant(x);
	diagnose_response(x);
}
