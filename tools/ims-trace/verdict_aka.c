/* The AKA side of a verdict: MAC-A with the keys (and OP/OPc swapped), the
 * MAA/AIA vector against f2/f3/f4, the 401's ck/ik, and the resync (AUTS,
 * the resync MAR, the next vector's SQN). TS 33.102 §6.3.3, §6.3.5. */
#include "verdict_int.h"
#include "diam_in.h"
#include "keys.h"

#include "util/ct.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vcheck_mac(struct vctx *x)
{
	struct verdict *v = x->v;
	char s[96];
	int var = trace_aka_find(&x->keys, x->np.rand, x->np.autn, x->aka);

	v->key_variant = var;
	if (var >= 0) {
		v->have_sqn = true;
		v->sqn = x->aka[var].sqn;
		trace_sqn_text(v->sqn, s, sizeof(s));
	}
	x->mac_check = (int)v->nchk;
	if (var == 0) {
		x->verified = true;
		vadd(x, "MAC-A", CHK_OK, FK_NONE, x->a->chal, "MAC-A verifies with the keys of %s; %s",
		     x->keys.source, s);
	} else if (var == 1)
		vadd(x, "MAC-A", CHK_FAIL, FK_OP_OPC_SWAPPED, x->a->chal, "MAC-A does not verify with "
		     "the keys of %s as given, but does with %s (the network holds it the other way "
		     "round); %s", x->keys.source, trace_keys_variant_desc(&x->keys, 1), s);
	else /* reclassified by the response check (keys not the subscriber's) */
		vadd(x, "MAC-A", CHK_FAIL, FK_MAC_A_MISMATCH, x->a->chal, "MAC-A does not verify "
		     "with the keys of %s (nor with OP and OPc swapped): the network's vector was not "
		     "made with these keys", x->keys.source);
	if (x->keys.have_amf && memcmp(x->keys.amf, x->np.autn + 6, 2))
		vadd(x, "AMF", CHK_INFO, FK_NONE, -1, "AUTN carries AMF %02x%02x, %s says %02x%02x",
		     x->np.autn[6], x->np.autn[7], x->keys.source, x->keys.amf[0], x->keys.amf[1]);
}

/* The vector of the MAA against the nonce and f2/f3/f4. */
void vcheck_maa(struct vctx *x)
{
	const struct diam_vec *d = x->vec;
	int var = x->v->key_variant;

	if (!d)
		return;
	if (d->has_autn && memcmp(d->autn, x->np.autn, 16))
		vadd(x, "MAA", CHK_FAIL, FK_NONCE_NOT_VECTOR, x->a->maa, "the nonce's AUTN is not "
		     "the vector's AUTN (the S-CSCF rewrote the nonce?)");
	if (var < 0)
		return;
	const struct aka_out *o = &x->aka[var].out;
	bool xres_ok = !d->has_xres || (d->xres_len == o->res_len &&
					ct_equal(d->xres, o->res, o->res_len));
	bool ck_ok = !d->has_ck || ct_equal(d->ck, o->ck, 16);
	bool ik_ok = !d->has_ik || ct_equal(d->ik, o->ik, 16);
	if (xres_ok && ck_ok && ik_ok) {
		x->verified = true;
		vadd(x, "MAA", CHK_OK, FK_NONE, x->a->maa, "vector XRES%s%s = f2/f3/f4 of the same "
		     "keys", d->has_ck ? "/CK" : "", d->has_ik ? "/IK" : "");
	} else
		vadd(x, "MAA", CHK_FAIL, xres_ok ? FK_CK_IK_MISMATCH : FK_XRES_MISMATCH, x->a->maa,
		     "vector %s%s%sdiffers from f2/f3/f4 of the keys that verify MAC-A: the HSS is "
		     "inconsistent", xres_ok ? "" : "XRES ", ck_ok ? "" : "CK ", ik_ok ? "" : "IK ");
}

/* Where the network's XRES/CK/IK come from: the MAA (what the S-CSCF
 * used) else our own computation with keys that verify MAC-A. */
void vpick_expected(struct vctx *x)
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
			memcpy(x->ck, x->aka[var].out.ck, 16);
			memcpy(x->ik, x->aka[var].out.ik, 16);
		}
		x->have_exp = true;
		snprintf(x->exp_src, sizeof(x->exp_src), "the MAA's XRES");
	} else if (var >= 0) {
		const struct aka_out *o = &x->aka[var].out;
		memcpy(x->xres, o->res, o->res_len);
		x->xres_len = o->res_len;
		memcpy(x->ck, o->ck, 16);
		memcpy(x->ik, o->ik, 16);
		x->have_exp = true;
		snprintf(x->exp_src, sizeof(x->exp_src), "XRES = f2(K, RAND)");
	}
}

/* ck/ik parameters of the 401 (TS 33.203 §7.1: for the P-CSCF's SAs). */
void vcheck_ckik(struct vctx *x)
{
	struct auth_header *h;
	uint8_t ck[16], ik[16];

	if (!x->chal_ckik || !x->have_exp || !(h = vparse(pair_challenge(x->chal_ckik))))
		return;
	const char *cks = auth_param_get(h, "ck"), *iks = auth_param_get(h, "ik");
	bool ck_ok = cks && !hex_decode_exact(cks, ck, 16) && ct_equal(ck, x->ck, 16);
	bool ik_ok = iks && !hex_decode_exact(iks, ik, 16) && ct_equal(ik, x->ik, 16);
	if (ck_ok && ik_ok) {
		x->verified = true;
		vadd(x, "401 ck/ik", CHK_OK, FK_NONE, x->a->chal_ckik, "ck and ik of the 401 match "
		     "the vector");
	} else
		vadd(x, "401 ck/ik", CHK_FAIL, FK_CK_IK_MISMATCH, x->a->chal_ckik, "%s%sof the 401 "
		     "differ%s from the vector's: the P-CSCF would build its SAs with wrong keys",
		     ck_ok ? "" : "ck ", ik_ok ? "" : "ik ", ck_ok || ik_ok ? "s" : "");
	memset(ck, 0, sizeof(ck));
	memset(ik, 0, sizeof(ik));
	free(h);
}

/* --- Resynchronisation (RFC 3310 §3.4, TS 33.102 §6.3.5) --------------- */

static void check_resync_mar(struct vctx *x, const uint8_t auts[14])
{
	if (x->a->resync_mar < 0) {
		vadd(x, "resync MAR", CHK_INFO, FK_NONE, -1, "no MAR/AIR with RAND ‖ AUTS in the "
		     "capture");
		return;
	}
	const struct diam_info *q = x->c->ev[x->a->resync_mar].diam;
	if (memcmp(q->resync + 16, auts, 14))
		vadd(x, "resync MAR", CHK_FAIL, FK_HOP_ALTERED, x->a->resync_mar, "the S-CSCF sent "
		     "the HSS another AUTS than the UE's");
	else
		vadd(x, "resync MAR", CHK_OK, FK_NONE, x->a->resync_mar, "the S-CSCF passed RAND ‖ "
		     "AUTS (30 octets) to the HSS");
}

/* The vector of the re-challenge must be fresh: SQN > SQN_MS. */
static void check_new_vector(struct vctx *x, const struct aka_keys *k)
{
	uint64_t s;

	if (x->a->resync_maa < 0)
		return;
	const struct diam_info *d = x->c->ev[x->a->resync_maa].diam;
	if (!d->nvec || !d->vec[0].has_autn) {
		vadd(x, "new vector", CHK_INFO, FK_NONE, x->a->resync_maa, "the resync answer carries "
		     "no vector (result %u)", diam_info_result(d));
		return;
	}
	if (!trace_aka_sqn(k, d->vec[0].rand, d->vec[0].autn, &s))
		return;
	if (s > x->v->sqn_ms)
		vadd(x, "new vector", CHK_OK, FK_NONE, x->a->resync_maa, "the HSS's next SQN "
		     "%012llx is fresh (above SQN_MS)", (unsigned long long)s);
	else
		vadd(x, "new vector", CHK_FAIL, FK_RESYNC_NOT_APPLIED, x->a->resync_maa, "the HSS's "
		     "next SQN %012llx is not above SQN_MS %012llx: the HSS did not resynchronise",
		     (unsigned long long)s, (unsigned long long)x->v->sqn_ms);
}

static void auts_verified(struct vctx *x)
{
	struct verdict *v = x->v;
	char ms[96];

	trace_sqn_text(v->sqn_ms, ms, sizeof(ms));
	if (!v->mac_s_ok) {
		vadd(x, "auts", CHK_FAIL, FK_AUTS_MAC_S_BAD, x->a->auth, "MAC-S (f1* over AMF 0000) "
		     "does not verify: AUTS made with another K/OPc or over the wrong AMF");
		x->ue_wrong = true;
	} else if (v->have_sqn) {
		v->seq_delta = (long long)(v->sqn_ms >> TRACE_IND_BITS) -
			       (long long)(v->sqn >> TRACE_IND_BITS);
		vadd(x, "auts", CHK_OK, FK_NONE, x->a->auth, "MAC-S verifies; card %s vs network SQN "
		     "%012llx: the card's SQN is ahead of the HSS's by %lld (SEQ, %u IND bits; raw "
		     "SQN difference %lld)", ms, (unsigned long long)v->sqn, v->seq_delta,
		     TRACE_IND_BITS, (long long)v->sqn_ms - (long long)v->sqn);
	} else
		vadd(x, "auts", CHK_OK, FK_NONE, x->a->auth, "MAC-S verifies; card %s", ms);
}

void vcheck_auts(struct vctx *x, const char *auts_b64)
{
	struct verdict *v = x->v;
	uint8_t auts[14];
	uint8_t pw[1];

	v->resync = true;
	x->resp = RESP_AUTS;
	if (b64_decode(auts_b64, strlen(auts_b64), auts, sizeof(auts)) != 14) {
		vadd(x, "auts", CHK_FAIL, FK_FIELD_MISMATCH, x->a->auth, "auts \"%s\" is not base64 "
		     "of 14 octets (RFC 3310 §3.2)", auts_b64);
		x->ue_wrong = true;
		return;
	}
	/* RFC 3310 §3.4: with auts the response uses an empty password */
	if (vparam(x->az, "response") && !vresponse_is(x, pw, 0, -1, false)) {
		vadd(x, "response", CHK_FAIL, FK_RESPONSE_MISMATCH, x->a->auth, "with auts the "
		     "response must use the empty password (RFC 3310 §3.4); it does not");
		x->ue_wrong = true;
	}
	int var = v->key_variant >= 0 ? v->key_variant : (x->aka[0].ok ? 0 : -1);
	if (var < 0) {
		vadd(x, "auts", CHK_SKIP, FK_NONE, -1, "no keys: SQN_MS cannot be recovered");
		check_resync_mar(x, auts);
		return;
	}
	const struct aka_keys *k = &x->aka[var].ak;
	v->mac_s_ok = aka_auts_check(k, x->np.rand, auts, &v->sqn_ms) == AKA_OK;
	v->have_sqn_ms = true;
	x->answer_checked = x->verified = true;
	auts_verified(x);
	check_resync_mar(x, auts);
	if (v->mac_s_ok)
		check_new_vector(x, k);
}
