#include "verdict.h"
#include "diam_in.h"
#include "sip_msg.h"

#include "digest/auth_header.h"
#include "digest/digest.h"
#include "util/ct.h"
#include "util/hex.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IND_BITS 5 /* TS 33.102 C.3.2 suggestion; used only to express distances */

const char *check_state_name(enum check_state s)
{
	static const char *const n[] = { "ok", "FAIL", "info", "skipped" };
	return n[s];
}

const char *verdict_kind_name(enum verdict_kind k)
{
	static const char *const n[] = { "consistent", "mismatch", "unverified" };
	return n[k];
}

/* Everything one verdict works with, gathered once. */
struct vctx {
	const struct trace_ctx *c;
	const struct attempt *a;
	struct verdict *v;
	const struct sip_msg *chal, *chal_ckik, *auth;
	struct auth_header *ch, *az;      /* parsed challenge / Authorization */
	const struct diam_vec *vec;       /* MAA/AIA vector of this RAND */
	struct trace_keys keys;
	bool have_keys;
	int alg;                          /* enum digest_alg, -1 unknown */
	struct nonce_parts np;
	/* AKA per key variant: 0 as given, 1 swapped */
	bool var_ok[2], var_mac[2];
	struct aka_keys ak[2];
	struct aka_out out[2];
	uint64_t var_sqn[2];
	/* what the network expects */
	bool have_exp;
	uint8_t xres[16], ck[16], ik[16];
	size_t xres_len;
	char exp_src[64];
	bool ue_wrong;                    /* a field or the response was wrong */
	bool answer_checked;              /* response or auts actually verified */
	char cause[VERDICT_TEXT];         /* first cause, for the sentence */
	char ue_cause[VERDICT_TEXT];      /* first fault in the UE's answer */
	char hint[VERDICT_TEXT];          /* appended after " — " */
};

static struct vcheck *add(struct vctx *x, const char *name, enum check_state st,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static struct vcheck *add(struct vctx *x, const char *name, enum check_state st,
			  const char *fmt, ...)
{
	struct verdict *v = x->v;
	va_list ap;

	if (v->nchk == VERDICT_CHECKS_MAX)
		return NULL;
	struct vcheck *k = &v->chk[v->nchk++];
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->st = st;
	va_start(ap, fmt);
	vsnprintf(k->detail, sizeof(k->detail), fmt, ap);
	va_end(ap);
	static const char *const ue_side[] = { "username", "realm", "uri", "nonce",
					       "algorithm", "qop", "response", "auts" };
	if (st == CHK_FAIL && !v->first_diff[0]) {
		snprintf(v->first_diff, sizeof(v->first_diff), "%s", name);
		snprintf(x->cause, sizeof(x->cause), "%s", k->detail);
	}
	for (size_t i = 0; st == CHK_FAIL && !x->ue_cause[0] && i < 8; i++)
		if (!strcmp(name, ue_side[i]))
			snprintf(x->ue_cause, sizeof(x->ue_cause), "%s", k->detail);
	return k;
}

static const char *param(const struct auth_header *h, const char *n)
{
	return h ? auth_param_get(h, n) : NULL;
}

static struct auth_header *parse_hdr(const char *val)
{
	struct auth_header *h;

	if (!val || !(h = malloc(sizeof(*h))))
		return NULL;
	if (auth_header_parse(val, strlen(val), h) != AUTH_OK) {
		free(h);
		return NULL;
	}
	return h;
}

static const char *variant_desc(const struct vctx *x, int var)
{
	if (var == 0)
		return x->keys.is_opc ? "OPc as given" : "OP as given";
	return x->keys.is_opc ? "the OPc value treated as OP" : "the OP value treated as OPc";
}

/* --- AKA side ------------------------------------------------------------- */

static bool make_keys(const struct trace_keys *k, int var, struct aka_keys *out)
{
	memset(out, 0, sizeof(*out));
	out->algo = k->algo;
	memcpy(out->k, k->k, 16);
	out->res_len = k->res_len ? k->res_len : 8;
	if (k->algo != AKA_ALGO_MILENAGE)
		return var == 0;
	bool as_opc = k->is_opc != (var == 1);
	if (as_opc)
		memcpy(out->opc, k->op, 16);
	else if (aka_opc_from_op(k->k, k->op, out->opc))
		return false;
	return true;
}

/* AK = f5(RAND), SQN = AUTN[0..5] ⊕ AK, XMAC = f1(SQN, RAND, AMF of
 * AUTN) (TS 33.102 §6.3.3). */
static void aka_variant(struct vctx *x, int var)
{
	static const uint8_t zero6[6], zero2[2];
	struct aka_out o;
	uint8_t sqn[6];

	if (!make_keys(&x->keys, var, &x->ak[var]) ||
	    aka_compute(&x->ak[var], x->np.rand, zero6, zero2, &o))
		return;
	for (int i = 0; i < 6; i++)
		sqn[i] = x->np.autn[i] ^ o.ak[i];
	if (aka_compute(&x->ak[var], x->np.rand, sqn, x->np.autn + 6, &x->out[var]))
		return;
	x->var_ok[var] = true;
	x->var_sqn[var] = aka_sqn_get(sqn);
	x->var_mac[var] = ct_equal(x->out[var].mac_a, x->np.autn + 8, 8);
}

static void sqn_text(uint64_t sqn, char *buf, size_t sz)
{
	snprintf(buf, sz, "SQN %012llx (SEQ %llu, IND %llu)", (unsigned long long)sqn,
		 (unsigned long long)(sqn >> IND_BITS),
		 (unsigned long long)(sqn & ((1u << IND_BITS) - 1)));
}

static void check_mac(struct vctx *x)
{
	struct verdict *v = x->v;
	char s[96];

	aka_variant(x, 0);
	aka_variant(x, 1); /* also when 0 verifies: explains a UE's RES */
	v->key_variant = x->var_mac[0] ? 0 : x->var_mac[1] ? 1 : -1;
	if (v->key_variant >= 0) {
		v->have_sqn = true;
		v->sqn = x->var_sqn[v->key_variant];
		sqn_text(v->sqn, s, sizeof(s));
	}
	if (v->key_variant == 0)
		add(x, "MAC-A", CHK_OK, "verifies with the keys of %s; %s", x->keys.source, s);
	else if (v->key_variant == 1) {
		add(x, "MAC-A", CHK_FAIL, "does not verify with the keys of %s as given, but does "
		    "with %s: the network and %s disagree on OP vs OPc; %s", x->keys.source,
		    variant_desc(x, 1), x->keys.source, s);
		snprintf(x->hint, sizeof(x->hint), "MAC-A verified only with %s",
			 variant_desc(x, 1));
	} else {
		add(x, "MAC-A", CHK_FAIL, "does not verify with the keys of %s (nor with OP and OPc "
		    "swapped): the card and the network disagree on K/OP/OPc", x->keys.source);
		snprintf(x->hint, sizeof(x->hint), "MAC-A does not verify with the keys of %s: the "
			 "network holds another K/OPc", x->keys.source);
	}
	if (x->keys.have_amf && memcmp(x->keys.amf, x->np.autn + 6, 2))
		add(x, "AMF", CHK_INFO, "AUTN carries AMF %02x%02x, %s says %02x%02x",
		    x->np.autn[6], x->np.autn[7], x->keys.source, x->keys.amf[0], x->keys.amf[1]);
}

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	hex_encode(p, n, out);
}

/* The vector of the MAA against the nonce and f2/f3/f4. */
static void check_maa(struct vctx *x)
{
	const struct diam_vec *d = x->vec;
	int var = x->v->key_variant;

	if (!d)
		return;
	if (d->has_autn && memcmp(d->autn, x->np.autn, 16))
		add(x, "MAA", CHK_FAIL, "the nonce's AUTN is not the vector's AUTN (S-CSCF "
		    "rewrote the nonce?)");
	if (var < 0)
		return;
	const struct aka_out *o = &x->out[var];
	bool xres_ok = !d->has_xres || (d->xres_len == o->res_len &&
					ct_equal(d->xres, o->res, o->res_len));
	bool ck_ok = !d->has_ck || ct_equal(d->ck, o->ck, 16);
	bool ik_ok = !d->has_ik || ct_equal(d->ik, o->ik, 16);
	if (xres_ok && ck_ok && ik_ok)
		add(x, "MAA", CHK_OK, "vector XRES%s%s = f2/f3/f4 of the same keys",
		    d->has_ck ? "/CK" : "", d->has_ik ? "/IK" : "");
	else
		add(x, "MAA", CHK_FAIL, "vector %s%s%sdiffers from f2/f3/f4 of the keys that "
		    "verify MAC-A", xres_ok ? "" : "XRES ", ck_ok ? "" : "CK ", ik_ok ? "" : "IK ");
}

/* Where the network's XRES/CK/IK come from: the MAA (what the S-CSCF
 * used) else our own computation. */
static void pick_expected(struct vctx *x)
{
	const struct diam_vec *d = x->vec;
	int var = x->v->key_variant;

	if (d && d->has_xres) {
		memcpy(x->xres, d->xres, d->xres_len);
		x->xres_len = d->xres_len;
		if (d->has_ck)
			memcpy(x->ck, d->ck, 16);
		if (d->has_ik)
			memcpy(x->ik, d->ik, 16);
		if ((!d->has_ck || !d->has_ik) && var >= 0) {
			memcpy(x->ck, x->out[var].ck, 16);
			memcpy(x->ik, x->out[var].ik, 16);
		}
		x->have_exp = true;
		snprintf(x->exp_src, sizeof(x->exp_src), "the MAA's XRES");
	} else if (var >= 0) {
		const struct aka_out *o = &x->out[var];
		memcpy(x->xres, o->res, o->res_len);
		x->xres_len = o->res_len;
		memcpy(x->ck, o->ck, 16);
		memcpy(x->ik, o->ik, 16);
		x->have_exp = true;
		snprintf(x->exp_src, sizeof(x->exp_src), "XRES = f2(K, RAND)");
	}
}

/* ck/ik parameters of the 401 (TS 33.203 §7.1: for the P-CSCF's SAs). */
static void check_ckik(struct vctx *x)
{
	struct auth_header *h;
	uint8_t ck[16], ik[16];

	if (!x->chal_ckik || !x->have_exp || !(h = parse_hdr(pair_challenge(x->chal_ckik))))
		return;
	const char *cks = auth_param_get(h, "ck"), *iks = auth_param_get(h, "ik");
	bool ck_ok = cks && !hex_decode_exact(cks, ck, 16) && ct_equal(ck, x->ck, 16);
	bool ik_ok = iks && !hex_decode_exact(iks, ik, 16) && ct_equal(ik, x->ik, 16);
	if (ck_ok && ik_ok)
		add(x, "401 ck/ik", CHK_OK, "ck and ik of the 401 match the vector");
	else
		add(x, "401 ck/ik", CHK_FAIL, "%s%sof the 401 differ%s from the vector's",
		    ck_ok ? "" : "ck ", ik_ok ? "" : "ik ", ck_ok || ik_ok ? "s" : "");
	free(h);
}

/* --- Digest side ------------------------------------------------------ */

static bool is_hex_n(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789abcdefABCDEF") == n;
}

/* username, realm, uri, nonce, algorithm, qop/nc/cnonce — first
 * difference first (RFC 2617 §3.2.2, RFC 3261 §22.4). */
static void check_fields(struct vctx *x)
{
	const struct auth_header *az = x->az, *ch = x->ch;
	const char *user = param(az, "username"), *realm = param(az, "realm");
	const char *uri = param(az, "uri"), *nonce = param(az, "nonce");
	const char *mar_user = x->a->mar >= 0 ? x->c->ev[x->a->mar].diam->user_name : NULL;
	size_t before = x->v->nchk;

	if (!user)
		add(x, "username", CHK_FAIL, "Authorization has no username");
	else if (mar_user && mar_user[0] && strcmp(user, mar_user))
		add(x, "username", CHK_FAIL, "username \"%s\" is not the IMPI \"%s\" the S-CSCF "
		    "asked the HSS about", user, mar_user);
	if (ch && (!realm || strcmp(realm, param(ch, "realm") ? param(ch, "realm") : "")))
		add(x, "realm", CHK_FAIL, "realm \"%s\" is not the challenge's \"%s\"",
		    realm ? realm : "", param(ch, "realm") ? param(ch, "realm") : "");
	if (!uri || strcmp(uri, x->auth->ruri ? x->auth->ruri : ""))
		add(x, "uri", CHK_FAIL, "digest uri \"%s\" is not the Request-URI \"%s\"",
		    uri ? uri : "", x->auth->ruri ? x->auth->ruri : "");
	if (ch && (!nonce || strcmp(nonce, param(ch, "nonce") ? param(ch, "nonce") : "")))
		add(x, "nonce", CHK_FAIL, "the nonce was echoed wrongly: \"%.60s\" instead of "
		    "\"%.60s\"", nonce ? nonce : "", param(ch, "nonce") ? param(ch, "nonce") : "");
	const char *aalg = param(az, "algorithm"), *calg = param(ch, "algorithm");
	if (ch && aalg && strcasecmp(aalg, calg ? calg : "MD5"))
		add(x, "algorithm", CHK_FAIL, "algorithm %s answers a %s challenge", aalg,
		    calg ? calg : "MD5");
	const char *resp = param(az, "response");
	bool rejected = (!resp || !resp[0]) && !param(az, "auts"); /* no qop then */
	const char *cq = rejected ? NULL : param(ch, "qop"), *q = param(az, "qop");
	const char *nc = param(az, "nc"), *cn = param(az, "cnonce");
	if (q && cq && !strcasestr(cq, q))
		add(x, "qop", CHK_FAIL, "qop=%s was not offered (\"%s\")", q, cq);
	else if (!q && cq && ch)
		add(x, "qop", CHK_FAIL, "the challenge offered qop=\"%s\" but the answer has no qop",
		    cq);
	else if (q && (!is_hex_n(nc, 8) || !cn || !cn[0]))
		add(x, "qop", CHK_FAIL, "with qop=%s nc must be 8 hex digits and cnonce present "
		    "(nc=%s, cnonce=%s)", q, nc ? nc : "absent", cn ? "present" : "absent");
	if (x->v->nchk == before)
		add(x, "fields", CHK_OK, "username, realm, uri, nonce, algorithm, qop/nc/cnonce as "
		    "the challenge asked");
	x->ue_wrong |= x->v->nchk > before + 0 && x->v->chk[before].st == CHK_FAIL;
}

/* The response a UE with this password would send, over the UE's own
 * fields (so a wrong field is not double-counted). */
static bool response_of(const struct vctx *x, const uint8_t *pw, size_t pwl, int qop_override,
			bool empty_body, char out[DIGEST_HEX_LEN])
{
	const struct auth_header *az = x->az;
	struct digest_input in = {
		.username = param(az, "username") ? param(az, "username") : "",
		.realm = param(az, "realm") ? param(az, "realm") : "",
		.nonce = param(az, "nonce") ? param(az, "nonce") : "",
		.uri = param(az, "uri") ? param(az, "uri") : "",
		.method = x->auth->method,
		.nc = param(az, "nc"), .cnonce = param(az, "cnonce"),
		.body = empty_body ? NULL : x->auth->body,
		.body_len = empty_body ? 0 : x->auth->body_len,
	};
	struct digest_result r;
	int q = qop_override >= 0 ? qop_override : digest_qop_parse(param(az, "qop"));

	if (q < 0)
		return false;
	in.qop = (enum digest_qop)q;
	if (digest_compute(&in, pw, pwl, &r))
		return false;
	memcpy(out, r.response, DIGEST_HEX_LEN);
	return true;
}

static bool response_is(const struct vctx *x, const uint8_t *pw, size_t pwl, int qop,
			bool empty_body)
{
	char exp[DIGEST_HEX_LEN], got[DIGEST_HEX_LEN];
	const char *r = param(x->az, "response");

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

/* Why the response differs: the UE's RES from the other key variant, the
 * AKAv1/AKAv2 password confused, RES as hex/base64 text, body hashing. */
static void diagnose_response(struct vctx *x)
{
	uint8_t pw[64];
	size_t pwl;
	int var = x->v->key_variant;

	for (int w = 0; w < 2; w++) {
		if (w == var || !x->var_ok[w])
			continue;
		const struct aka_out *o = &x->out[w];
		if (password_for(x->alg, x, o->res, o->res_len, o->ik, o->ck, pw, &pwl) &&
		    response_is(x, pw, pwl, -1, false)) {
			add(x, "response", CHK_FAIL, "the UE answered with RES of another K/OPc: its "
			    "response is what %s (%s) gives, not %s", x->keys.source,
			    variant_desc(x, w), x->exp_src);
			return;
		}
	}
	int other = x->alg == DIGEST_ALG_AKAV1_MD5 ? DIGEST_ALG_AKAV2_MD5 : DIGEST_ALG_AKAV1_MD5;
	if (x->alg != DIGEST_ALG_MD5 &&
	    password_for(other, x, x->xres, x->xres_len, x->ik, x->ck, pw, &pwl) &&
	    response_is(x, pw, pwl, -1, false)) {
		add(x, "response", CHK_FAIL, "the RES is right but the UE built the password the "
		    "%s way for an %s challenge", digest_alg_name((enum digest_alg)other),
		    digest_alg_name((enum digest_alg)x->alg));
		return;
	}
	char txt[40];
	hex_of(x->xres, x->xres_len, txt);
	if (response_is(x, (const uint8_t *)txt, strlen(txt), -1, false)) {
		add(x, "response", CHK_FAIL, "the UE used RES as hex text for the password; "
		    "RFC 3310 §3.3 wants the raw RES octets");
		return;
	}
	size_t bl = b64_encode(x->xres, x->xres_len, txt);
	if (response_is(x, (const uint8_t *)txt, bl, -1, false)) {
		add(x, "response", CHK_FAIL, "the UE used base64(RES) for the password; RFC 3310 "
		    "§3.3 wants the raw RES octets");
		return;
	}
	if (password_for(x->alg, x, x->xres, x->xres_len, x->ik, x->ck, pw, &pwl)) {
		if (x->auth->body_len && response_is(x, pw, pwl, -1, true)) {
			add(x, "response", CHK_FAIL, "RES is right but the UE hashed an empty body "
			    "for auth-int (the REGISTER has %zu body octets)", x->auth->body_len);
			return;
		}
		if (response_is(x, pw, pwl, DIGEST_QOP_AUTH_INT, false) ||
		    response_is(x, pw, pwl, DIGEST_QOP_AUTH, false)) {
			add(x, "response", CHK_FAIL, "RES is right but the response was hashed with "
			    "another qop than the qop=%s it states", param(x->az, "qop") ?
			    param(x->az, "qop") : "(none)");
			return;
		}
	}
	add(x, "response", CHK_FAIL, "the UE answered with RES of another K: its response "
	    "does not match %s%s", x->exp_src, x->v->key_variant < 0 && x->have_keys ?
	    " nor the RES of the given keys" : "");
}

static void check_response(struct vctx *x)
{
	uint8_t pw[64];
	size_t pwl;
	const char *r = param(x->az, "response");

	if (!r || !r[0]) {
		/* TS 24.229 §5.1.1.5.3: after a MAC failure the UE answers with an
		 * empty response */
		if (x->v->key_variant == 0)
			add(x, "response", CHK_FAIL, "the UE rejected the challenge (empty response): "
			    "its card found MAC-A wrong although it verifies with %s — the card holds "
			    "another K/OP/OPc", x->keys.source);
		else
			add(x, "response", CHK_FAIL, "the UE rejected the challenge (empty response, "
			    "a MAC failure on the card, TS 24.229 §5.1.1.5.3)");
		x->ue_wrong = true;
		return;
	}
	if (x->alg == DIGEST_ALG_MD5 && !x->keys.have_password) {
		add(x, "response", CHK_SKIP, "algorithm=MD5 needs the SIP password (--password)");
		return;
	}
	if (!x->have_exp && x->alg != DIGEST_ALG_MD5) {
		add(x, "response", CHK_SKIP, "no keys for %s and no MAA in the capture: RES cannot "
		    "be recomputed", x->a->impi[0] ? x->a->impi : "this IMPI");
		return;
	}
	if (password_for(x->alg, x, x->xres, x->xres_len, x->ik, x->ck, pw, &pwl) &&
	    response_is(x, pw, pwl, -1, false)) {
		x->answer_checked = true;
		add(x, "response", CHK_OK, "HA1/HA2/response recomputed with %s (%s) match",
		    x->alg == DIGEST_ALG_MD5 ? "the password" : x->exp_src,
		    digest_alg_name((enum digest_alg)x->alg));
		return;
	}
	x->ue_wrong = true;
	diagnose_response(x);
}

/* --- Resynchronisation (RFC 3310 §3.4, TS 33.102 §6.3.5) --------------- */

static void check_resync_mar(struct vctx *x, const uint8_t auts[14])
{
	if (x->a->resync_mar < 0) {
		add(x, "resync MAR", CHK_INFO, "no MAR/AIR with RAND ‖ AUTS in the capture");
		return;
	}
	const struct diam_info *q = x->c->ev[x->a->resync_mar].diam;
	if (memcmp(q->resync + 16, auts, 14))
		add(x, "resync MAR", CHK_FAIL, "the S-CSCF sent the HSS another AUTS than the UE's");
	else
		add(x, "resync MAR", CHK_OK, "the S-CSCF passed RAND ‖ AUTS (30 octets) to the HSS");
}

/* The vector of the re-challenge must be fresh: SQN > SQN_MS. */
static void check_new_vector(struct vctx *x, const struct aka_keys *k)
{
	static const uint8_t zero6[6], zero2[2];
	struct aka_out o;
	uint8_t sqn[6];

	if (x->a->resync_maa < 0)
		return;
	const struct diam_info *d = x->c->ev[x->a->resync_maa].diam;
	if (!d->nvec || !d->vec[0].has_autn) {
		add(x, "new vector", CHK_INFO, "the resync answer carries no vector (result %u)",
		    diam_info_result(d));
		return;
	}
	if (aka_compute(k, d->vec[0].rand, zero6, zero2, &o))
		return;
	for (int i = 0; i < 6; i++)
		sqn[i] = d->vec[0].autn[i] ^ o.ak[i];
	uint64_t s = aka_sqn_get(sqn);
	if (s > x->v->sqn_ms)
		add(x, "new vector", CHK_OK, "the HSS's next SQN %012llx is fresh (above SQN_MS)",
		    (unsigned long long)s);
	else
		add(x, "new vector", CHK_FAIL, "the HSS's next SQN %012llx is not above SQN_MS "
		    "%012llx: the HSS did not resynchronise", (unsigned long long)s,
		    (unsigned long long)x->v->sqn_ms);
}

static void check_auts(struct vctx *x, const char *auts_b64)
{
	struct verdict *v = x->v;
	uint8_t auts[14];
	uint8_t pw[1];

	v->resync = true;
	if (b64_decode(auts_b64, strlen(auts_b64), auts, sizeof(auts)) != 14) {
		add(x, "auts", CHK_FAIL, "auts \"%s\" is not base64 of 14 octets (RFC 3310 §3.2)",
		    auts_b64);
		x->ue_wrong = true;
		return;
	}
	/* RFC 3310 §3.4: with auts the response uses an empty password */
	if (param(x->az, "response") && !response_is(x, pw, 0, -1, false)) {
		add(x, "response", CHK_FAIL, "with auts the response must use the empty password "
		    "(RFC 3310 §3.4); it does not");
		x->ue_wrong = true;
	}
	int var = v->key_variant >= 0 ? v->key_variant : (x->var_ok[0] ? 0 : -1);
	if (var < 0) {
		add(x, "auts", CHK_SKIP, "no keys: SQN_MS cannot be recovered");
		check_resync_mar(x, auts);
		return;
	}
	const struct aka_keys *k = &x->ak[var];
	int rc = aka_auts_check(k, x->np.rand, auts, &v->sqn_ms);
	v->have_sqn_ms = true;
	v->mac_s_ok = rc == AKA_OK;
	x->answer_checked = true;
	char ms[96];
	sqn_text(v->sqn_ms, ms, sizeof(ms));
	if (!v->mac_s_ok) {
		add(x, "auts", CHK_FAIL, "MAC-S (f1* over AMF 0000) does not verify: AUTS made with "
		    "another K/OPc or over the wrong AMF");
		x->ue_wrong = true;
	} else if (v->have_sqn) {
		v->seq_delta = (long long)(v->sqn_ms >> IND_BITS) - (long long)(v->sqn >> IND_BITS);
		add(x, "auts", CHK_OK, "MAC-S verifies; card %s vs network SQN %012llx: the card's "
		    "SQN is ahead of the HSS's by %lld (SEQ, %u IND bits; raw SQN difference %lld)", ms,
		    (unsigned long long)v->sqn, v->seq_delta, IND_BITS,
		    (long long)v->sqn_ms - (long long)v->sqn);
	} else
		add(x, "auts", CHK_OK, "MAC-S verifies; card %s", ms);
	check_resync_mar(x, auts);
	if (v->mac_s_ok)
		check_new_vector(x, k);
}

/* --- Status and sentence ------------------------------------------------ */

static bool any_fail(const struct verdict *v)
{
	for (size_t i = 0; i < v->nchk; i++)
		if (v->chk[i].st == CHK_FAIL)
			return true;
	return false;
}

static const char *status_text(int s)
{
	switch (s) {
	case 200: return "200 OK";
	case 401: return "401";
	case 403: return "403";
	case 407: return "407";
	case 404: return "404";
	case 408: return "408";
	case 480: return "480";
	case 500: return "500";
	}
	return NULL;
}

static void sentence(struct vctx *x)
{
	struct verdict *v = x->v;
	char st[16];
	const char *s = status_text(v->status);
	bool reject = v->status == 401 || v->status == 403 || v->status == 407;
	bool ok2xx = v->status >= 200 && v->status < 300;
	bool expect_ok = !x->ue_wrong && !any_fail(v);
	bool verified = x->answer_checked || x->ue_wrong;

	if (!s) {
		snprintf(st, sizeof(st), "%d", v->status);
		s = st;
	}
	if (v->resync && v->mac_s_ok)
		expect_ok = false; /* a resync is always answered by a new challenge */
	if (!v->status && !x->auth && x->c->esp_encrypted) {
		snprintf(v->sentence, sizeof(v->sentence), "no answer to the challenge is readable: "
			 "the UE's next messages went into encrypted ESP (see notes)%s%s",
			 x->cause[0] ? "; " : "", x->cause);
	} else if (!v->status) {
		snprintf(v->sentence, sizeof(v->sentence), "no final response in the capture%s%s",
			 x->cause[0] ? ": " : "", x->cause);
	} else if (v->resync && v->mac_s_ok && !x->ue_wrong) {
		/* TS 33.102 §6.3.5: a valid AUTS is answered with fresh vectors and a
		 * new challenge, never accepted or refused as such */
		v->have_right = true;
		v->right = v->status == 401 || v->status == 407;
		if (v->right)
			snprintf(v->sentence, sizeof(v->sentence), "%d was correct: a "
				 "resynchronisation — the card's SQN is %lld ahead of the HSS's and the "
				 "network re-challenged", v->status, v->seq_delta);
		else
			snprintf(v->sentence, sizeof(v->sentence), "%s was wrong: the AUTS was valid "
				 "(card SQN %lld ahead) and the network should have re-challenged with a "
				 "fresh vector", s, v->seq_delta);
	} else if (ok2xx || reject) {
		v->have_right = verified;
		v->right = ok2xx ? expect_ok : !expect_ok;
		const char *why = x->ue_cause[0] ? x->ue_cause : x->cause[0] ? x->cause : !expect_ok ?
			"the answer was wrong" : x->have_keys ? "RES, digest and keys are consistent" :
			"the response matches the MAA's XRES (no keys: MAC-A and SQN not checked)";
		if (!verified && !x->cause[0])
			why = "not verifiable without keys or MAA";
		snprintf(v->sentence, sizeof(v->sentence), "%s was %s: %s%s%s", s,
			 !verified ? "not checked" : v->right ? "correct" : "wrong", why,
			 x->hint[0] && x->ue_cause[0] ? " — " : "", x->ue_cause[0] ? x->hint : "");
		if (verified && !v->right && expect_ok)
			strncat(v->sentence, " (the UE's answer was right; suspect the S-CSCF/HSS)",
				sizeof(v->sentence) - strlen(v->sentence) - 1);
	} else
		snprintf(v->sentence, sizeof(v->sentence), "%s: %s", s, x->cause[0] ? x->cause :
			 "the network refused without an authentication verdict");
	if (v->have_right && !v->right && !any_fail(v))
		add(x, "status", CHK_FAIL, "the network answered %s; expected %s", s,
		    expect_ok ? "2xx" : "403 or a new 401");
	v->kind = any_fail(v) ? VK_MISMATCH : verified && v->status ? VK_CONSISTENT
									 : VK_UNVERIFIED;
}

/* TS 24.229 §5.1.1.2.1: the initial REGISTER's Authorization names the
 * home network domain — the Request-URI's — as realm. */
static bool initial_realm(struct vctx *x)
{
	struct verdict *v = x->v;
	const struct sip_msg *rq = x->a->req >= 0 ? x->c->ev[x->a->req].sip : NULL;
	struct auth_header *h = rq ? parse_hdr(pair_authz(rq)) : NULL;
	const char *realm = h ? auth_param_get(h, "realm") : NULL;
	char home[256] = "";
	bool bad;

	if (rq && rq->ruri)
		sip_uri_userhost(rq->ruri, home, sizeof(home));
	bad = realm && home[0] && strcasecmp(realm, home);
	if (bad) {
		add(x, "realm", CHK_FAIL, "the REGISTER's Authorization names realm \"%s\", not the "
		    "home domain \"%s\" of its Request-URI", realm, home);
		snprintf(v->sentence, sizeof(v->sentence), "%d was %s: %s", v->status,
			 v->status >= 400 ? "correct" : "questionable", x->cause);
		v->kind = VK_MISMATCH;
	}
	free(h);
	return bad;
}

/* A REGISTER answered without a challenge (or the 401 not captured). */
static void no_challenge(struct vctx *x)
{
	struct verdict *v = x->v;
	const struct diam_info *maa = x->a->maa >= 0 ? x->c->ev[x->a->maa].diam : NULL;
	uint32_t rc = maa ? diam_info_result(maa) : 0;

	if (maa && rc && rc != 2001) {
		add(x, "MAA", CHK_FAIL, "the HSS answered the MAR with result %u%s", rc,
		    rc == 5001 ? " (ERROR_USER_UNKNOWN)" : rc == 5006 ?
		    " (ERROR_AUTH_SCHEME_NOT_SUPPORTED)" : "");
		snprintf(v->sentence, sizeof(v->sentence), "%d was %s: the HSS refused the MAR "
			 "with result %u", v->status, v->status == 403 || v->status == 404 ||
			 v->status == 480 ? "correct" : "questionable", rc);
		v->kind = VK_MISMATCH;
		return;
	}
	if (initial_realm(x))
		return;
	snprintf(v->sentence, sizeof(v->sentence), "REGISTER answered %d without an AKA "
		 "challenge in the capture: nothing to verify", v->status);
	v->kind = VK_UNVERIFIED;
}

static void gather(struct vctx *x)
{
	const struct trace_ctx *c = x->c;
	const struct attempt *a = x->a;

	x->chal = a->chal >= 0 ? c->ev[a->chal].sip : NULL;
	x->chal_ckik = a->chal_ckik >= 0 ? c->ev[a->chal_ckik].sip : NULL;
	x->auth = a->auth >= 0 ? c->ev[a->auth].sip : NULL;
	x->ch = x->chal ? parse_hdr(pair_challenge(x->chal)) : NULL;
	x->az = x->auth ? parse_hdr(pair_authz(x->auth)) : NULL;
	if (a->maa >= 0 && a->vec >= 0)
		x->vec = &c->ev[a->maa].diam->vec[a->vec];
	x->v->status = a->final >= 0 ? c->ev[a->final].sip->status : 0;
	x->v->key_variant = -1;
}

static void run_checks(struct vctx *x, trace_key_lookup lookup, void *arg)
{
	struct verdict *v = x->v;
	const char *alg = x->ch ? param(x->ch, "algorithm") : param(x->az, "algorithm");

	snprintf(v->alg, sizeof(v->alg), "%s", alg ? alg : "MD5");
	x->alg = digest_alg_parse(alg);
	if (x->alg < 0) {
		add(x, "algorithm", CHK_SKIP, "algorithm %s is not one ims-trace can check", v->alg);
		return;
	}
	if (lookup && lookup(arg, x->a->impi, &x->keys) == 1) { /* "" = IMPI unknown */
		x->have_keys = true;
		snprintf(v->keys_source, sizeof(v->keys_source), "%s", x->keys.source);
	}
	if (x->alg != DIGEST_ALG_MD5) {
		if (nonce_decode(x->a->nonce, strlen(x->a->nonce), &x->np) != NONCE_OK) {
			add(x, "nonce", CHK_FAIL, "the nonce is not base64(RAND ‖ AUTN ‖ ...) of at "
			    "least 32 octets (RFC 3310 §3.2)");
			return;
		}
		v->have_nonce = true;
		memcpy(v->rand, x->np.rand, 16);
		memcpy(v->autn, x->np.autn, 16);
		if (x->have_keys)
			check_mac(x);
		else
			add(x, "MAC-A", CHK_SKIP, "no keys for %s (give --k and --op/--opc, or --db)",
			    x->a->impi[0] ? x->a->impi : "an unknown IMPI");
		check_maa(x);
		pick_expected(x);
		check_ckik(x);
	}
	if (!x->auth) {
		if (x->a->final < 0 && x->chal)
			add(x, "answer", CHK_INFO, "the UE did not answer the challenge in the capture");
		return;
	}
	check_fields(x);
	const char *auts = param(x->az, "auts");
	if (auts)
		check_auts(x, auts);
	else
		check_response(x);
}

int verdict_run(const struct trace_ctx *c, const struct attempt *a, trace_key_lookup lookup,
		void *arg, struct verdict *v)
{
	struct vctx *x = calloc(1, sizeof(*x));

	memset(v, 0, sizeof(*v));
	if (!x)
		return -1;
	x->c = c;
	x->a = a;
	x->v = v;
	gather(x);
	if (a->no_challenge)
		no_challenge(x);
	else {
		run_checks(x, lookup, arg);
		sentence(x);
	}
	free(x->ch);
	free(x->az);
	memset(x, 0, sizeof(*x)); /* keys and RES off the heap */
	free(x);
	return 0;
}
