#include "verdict_int.h"
#include "diam_in.h"
#include "diameter/codes.h"
#include "hops.h"
#include "sip_msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *check_state_name(enum check_state s)
{
	static const char *const n[] = { "ok", "FAIL", "info", "skipped" };
	return n[s];
}

const char *verdict_kind_name(enum verdict_kind k)
{
	static const char *const n[] = { "consistent", "inconsistent", "unverified" };
	return n[k];
}

void vframe(const struct vctx *x, struct vcheck *k, int ev)
{
	if (k && ev >= 0 && k->nframes < VCHECK_FRAMES)
		k->frames[k->nframes++] = x->c->ev[ev].m.frame;
}

struct vcheck *vcheck_vappend(struct vcheck *arr, size_t *n, size_t max, const char *name,
			      enum check_state st, enum finding_kind kind, const char *fmt,
			      va_list ap)
{
	if (*n == max)
		return NULL;
	struct vcheck *k = &arr[(*n)++];
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->st = st;
	k->kind = st == CHK_FAIL ? kind : FK_NONE;
	k->ev = -1;
	vsnprintf(k->detail, sizeof(k->detail), fmt, ap);
	return k;
}

struct vcheck *vadd(struct vctx *x, const char *name, enum check_state st, enum finding_kind kind,
		    int ev, const char *fmt, ...)
{
	struct verdict *v = x->v;
	va_list ap;

	va_start(ap, fmt);
	struct vcheck *k = vcheck_vappend(v->chk, &v->nchk, VERDICT_CHECKS_MAX, name, st, kind,
					  fmt, ap);
	va_end(ap);
	if (!k)
		return NULL;
	k->ev = ev;
	vframe(x, k, ev);
	if (st == CHK_FAIL && !v->first_diff[0])
		snprintf(v->first_diff, sizeof(v->first_diff), "%s", name);
	if (st == CHK_FAIL && !x->ue_cause[0] && (kind == FK_FIELD_MISMATCH ||
	    kind == FK_RESPONSE_MISMATCH || kind == FK_AUTS_MAC_S_BAD ||
	    kind == FK_MAC_FAILURE_AT_UE))
		snprintf(x->ue_cause, sizeof(x->ue_cause), "%s", k->detail);
	return k;
}

const char *vparam(const struct auth_header *h, const char *n)
{
	return h ? auth_param_get(h, n) : NULL;
}

struct auth_header *vparse(const char *val)
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

/* --- Cause and sentence --------------------------------------------------- */

static const struct vcheck *first_fail(const struct verdict *v, const enum finding_kind *k,
				       size_t nk)
{
	for (size_t i = 0; i < v->nchk; i++)
		for (size_t j = 0; v->chk[i].st == CHK_FAIL && j < nk; j++)
			if (v->chk[i].kind == k[j])
				return &v->chk[i];
	return NULL;
}

/* MAC-A did not verify with the keys given. If the UE's answer matches the
 * network's XRES (or the network accepted a response that is no RES of
 * those keys), UE and network agree: the keys are not the subscriber's. */
static void reclassify_mac(struct vctx *x)
{
	struct verdict *v = x->v;
	int ok2xx = v->status >= 200 && v->status < 300;

	if (x->mac_check < 0 || v->chk[x->mac_check].kind != FK_MAC_A_MISMATCH)
		return;
	struct vcheck *k = &v->chk[x->mac_check];
	if (x->resp == RESP_OK)
		snprintf(k->detail, sizeof(k->detail), "MAC-A does not verify with the keys of %s (nor "
			 "with OP and OPc swapped), yet the UE's response matches %s: UE and network "
			 "agree", x->keys.source, x->exp_src);
	else if (x->resp == RESP_UNCHECKED && ok2xx && x->resp_variant < 0)
		snprintf(k->detail, sizeof(k->detail), "MAC-A does not verify with the keys of %s, "
			 "and the network accepted a response that is no RES of them: UE and network "
			 "agree", x->keys.source);
	else
		return;
	k->kind = FK_KEYS_NOT_SUBSCRIBER;
}

static const char *cause_class(const struct verdict *v, const struct vcheck **why)
{
	static const enum finding_kind swapped[] = { FK_OP_OPC_SWAPPED };
	static const enum finding_kind notsub[] = { FK_KEYS_NOT_SUBSCRIBER };
	static const enum finding_kind keys[] = { FK_MAC_A_MISMATCH };
	static const enum finding_kind net[] = {
		FK_XRES_MISMATCH, FK_CK_IK_MISMATCH, FK_NONCE_NOT_VECTOR, FK_HOP_ALTERED,
		FK_RESYNC_NOT_APPLIED, FK_STATUS_WRONG, FK_CK_IK_TO_UE };
	static const enum finding_kind ue[] = {
		FK_FIELD_MISMATCH, FK_RESPONSE_MISMATCH, FK_AUTS_MAC_S_BAD, FK_MAC_FAILURE_AT_UE,
		FK_SECURITY_VERIFY_MISMATCH, FK_NONCE_BAD };
	static const enum finding_kind replay[] = { FK_REPLAY };
	static const struct { const enum finding_kind *k; size_t n; const char *name; } cls[] = {
		{ swapped, 1, "OP and OPc are swapped" },
		{ notsub, 1, "the keys you gave are not this subscriber's" },
		{ keys, 1, "the network's keys are not the keys you gave" },
		{ net, sizeof(net) / sizeof(net[0]), "the network is inconsistent" },
		{ ue, sizeof(ue) / sizeof(ue[0]), "the UE answered wrongly" },
		{ replay, 1, "a request was replayed" },
	};

	for (size_t i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
		if ((*why = first_fail(v, cls[i].k, cls[i].n)))
			return cls[i].name;
	return NULL;
}

static bool any_fail(const struct verdict *v)
{
	for (size_t i = 0; i < v->nchk; i++)
		if (v->chk[i].st == CHK_FAIL)
			return true;
	return false;
}

static void status_name(int s, char *buf, size_t sz)
{
	if (s == 200)
		snprintf(buf, sz, "200 OK");
	else
		snprintf(buf, sz, "%d", s);
}

/* Was the network right to answer `status`? 2xx when the UE's answer was
 * right, a refusal when it was wrong, a new challenge after a valid AUTS. */
static void judge_status(struct vctx *x)
{
	struct verdict *v = x->v;
	bool ok2xx = v->status >= 200 && v->status < 300;
	bool reject = v->status == 401 || v->status == 403 || v->status == 407;
	bool decided = x->answer_checked || x->resp == RESP_EMPTY ||
		       (x->ue_wrong && x->resp != RESP_UNCHECKED);
	char st[16];

	if (!v->status || !decided || (!ok2xx && !reject))
		return;
	v->have_right = true;
	if (v->resync && v->mac_s_ok && !x->ue_wrong)
		v->right = v->status == 401 || v->status == 407; /* TS 33.102 §6.3.5 */
	else
		v->right = ok2xx ? !x->ue_wrong : x->ue_wrong;
	if (v->right)
		return;
	status_name(v->status, st, sizeof(st));
	if (v->resync && v->mac_s_ok && !x->ue_wrong)
		vadd(x, "status", CHK_FAIL, FK_STATUS_WRONG, x->a->final, "the network answered %s "
		     "to a valid AUTS; expected a new 401 with a fresh vector (TS 33.102 §6.3.5)", st);
	else if (x->ue_wrong)
		vadd(x, "status", CHK_FAIL, FK_STATUS_WRONG, x->a->final, "the network answered %s "
		     "although the UE's answer was wrong: %s", st, x->ue_cause);
	else
		vadd(x, "status", CHK_FAIL, FK_STATUS_WRONG, x->a->final, "the network answered %s "
		     "although the UE's answer was right (response = %s)", st, x->exp_src);
}

static void sentence_status(struct vctx *x, const char *cls, const struct vcheck *why)
{
	struct verdict *v = x->v;
	char st[16];
	size_t n = sizeof(v->sentence);

	status_name(v->status, st, sizeof(st));
	if (v->resync && v->mac_s_ok && !x->ue_wrong && v->right)
		snprintf(v->sentence, n, "%d was correct: a resynchronisation — the card's SQN is %lld "
			 "ahead of the HSS's and the network re-challenged", v->status, v->seq_delta);
	else if (!v->have_right && !cls)
		snprintf(v->sentence, n, "%s was not checked: %s", st, x->have_keys || x->vec ?
			 "the UE's answer could not be verified" : "not verifiable without keys or MAA");
	else if (!cls)
		snprintf(v->sentence, n, "%s was correct: %s", st, x->have_keys ?
			 "RES, digest and keys are consistent" : "the response matches the MAA's XRES "
			 "(no keys: MAC-A and SQN not checked)");
	else {
		bool more = x->ue_cause[0] && !strstr(why->detail, x->ue_cause);
		snprintf(v->sentence, n, "%s was %s — %s: %s%s%s", st, !v->have_right ? "not checked" :
			 v->right ? "correct" : "wrong", cls, why->detail, more ? "; and " : "",
			 more ? x->ue_cause : "");
	}
}

static void sentence(struct vctx *x)
{
	struct verdict *v = x->v;
	const struct vcheck *why = NULL;
	const char *cls = cause_class(v, &why);

	if (cls)
		snprintf(v->cause, sizeof(v->cause), "%s", cls);
	if (!v->status && !x->auth && x->c->esp_encrypted)
		snprintf(v->sentence, sizeof(v->sentence), "no answer to the challenge is readable: "
			 "the UE's next messages went into ESP that could not be read (see notes)%s%s",
			 cls ? " — " : "", cls ? why->detail : "");
	else if (!v->status && x->a->auth >= 0)
		snprintf(v->sentence, sizeof(v->sentence), "no final response in the capture — %s%s",
			 x->ue_wrong ? "the UE answered wrongly: " : x->answer_checked ?
			 "the UE's answer was right" : "the UE's answer could not be verified",
			 x->ue_wrong ? x->ue_cause : "");
	else if (!v->status && x->chal)
		snprintf(v->sentence, sizeof(v->sentence), "the UE did not answer the challenge in "
			 "the capture%s%s%s", cls ? " — " : "", cls ? why->detail : "",
			 !cls && x->v->key_variant == 0 ? " (MAC-A verifies with the keys given: a card "
			 "holding them would have answered)" : "");
	else if (!v->status)
		snprintf(v->sentence, sizeof(v->sentence), "no final response in the capture%s%s",
			 cls ? " — " : "", cls ? why->detail : "");
	else
		sentence_status(x, cls, why);
	v->kind = any_fail(v) ? VK_MISMATCH : x->verified ? VK_CONSISTENT : VK_UNVERIFIED;
}

/* --- Attempts without a challenge ---------------------------------------- */

/* TS 24.229 §5.1.1.2.1: the initial REGISTER's Authorization names the
 * home network domain — the Request-URI's — as realm. */
static void initial_realm(struct vctx *x)
{
	const struct sip_msg *rq = x->a->req >= 0 ? x->c->ev[x->a->req].sip : NULL;
	struct auth_header *h = rq ? vparse(pair_authz(rq)) : NULL;
	const char *realm = h ? auth_param_get(h, "realm") : NULL;
	char home[256] = "";

	if (rq && rq->ruri)
		sip_uri_userhost(rq->ruri, home, sizeof(home));
	if (realm && home[0] && strcasecmp(realm, home))
		vadd(x, "realm", CHK_FAIL, FK_FIELD_MISMATCH, x->a->req, "the REGISTER's "
		     "Authorization names realm \"%s\", not the home domain \"%s\" of its "
		     "Request-URI", realm, home);
	free(h);
}

/* The UAA of the I-CSCF's UAR for this IMPI inside the attempt, or -1. */
static int uaa_of(const struct vctx *x)
{
	const struct trace_ctx *c = x->c;
	int end = x->a->final >= 0 ? x->a->final : (int)c->nev - 1;

	for (int i = x->a->req; i >= 0 && i <= end; i++) {
		const struct diam_info *d = c->ev[i].diam;
		if (c->ev[i].kind == EV_DIAM && d->request && d->code == DIAM_CMD_UA &&
		    !strcmp(d->user_name, x->a->impi))
			return pair_diam_answer(c, (size_t)i);
	}
	return -1;
}

/* TS 29.229 §6.1.8 / TS 24.229 §5.4.1.2.1: an MAA error (unknown user,
 * IMPU not of this IMPI, scheme not supported) must end in a refusal;
 * so must a UAA error at the I-CSCF (TS 29.229 §6.1.2, TS 24.229
 * §5.3.1.2). */
static void maa_error(struct vctx *x, uint32_t rc, int ans, const char *cmd, const char *req)
{
	struct verdict *v = x->v;
	bool refused = v->status == 403 || v->status == 404 || v->status == 480 ||
		       (v->status >= 500 && rc >= 3000 && rc < 4000);
	const char *name = rc == 5001 ? " (DIAMETER_ERROR_USER_UNKNOWN)" : rc == 5002 ?
		" (DIAMETER_ERROR_IDENTITIES_DONT_MATCH)" : rc == 5006 ?
		" (DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED)" : "";

	if (!v->status)
		return;
	v->have_right = true;
	v->right = refused;
	if (refused) {
		x->verified = true;
		vadd(x, cmd, CHK_OK, FK_NONE, ans, "the HSS answered the %s with result %u%s and "
		     "the network refused the REGISTER (%d)", req, rc, name, v->status);
		snprintf(v->sentence, sizeof(v->sentence), "%d was correct: the HSS refused the %s "
			 "with result %u%s", v->status, req, rc, name);
	} else {
		vadd(x, "status", CHK_FAIL, FK_STATUS_WRONG, x->a->final, "the HSS answered the %s "
		     "with result %u%s, yet the network answered %d", req, rc, name, v->status);
		snprintf(v->sentence, sizeof(v->sentence), "%d was wrong — the network is "
			 "inconsistent: the HSS refused the %s with result %u%s", v->status, req, rc,
			 name);
	}
}

static void no_challenge(struct vctx *x)
{
	struct verdict *v = x->v;
	const struct diam_info *maa = x->a->maa >= 0 ? x->c->ev[x->a->maa].diam : NULL;
	uint32_t rc = maa ? diam_info_result(maa) : 0;

	int uaa = uaa_of(x);
	uint32_t urc = uaa >= 0 ? diam_info_result(x->c->ev[uaa].diam) : 0;

	initial_realm(x);
	if (maa && rc && rc != 2001)
		maa_error(x, rc, x->a->maa, "MAA", "MAR");
	else if (urc >= 3000) /* 2001-2003: first/subsequent registration, server selection */
		maa_error(x, urc, uaa, "UAA", "UAR");
	else if (!v->status)
		snprintf(v->sentence, sizeof(v->sentence), "no response in the capture to the "
			 "REGISTER at #%u", x->c->ev[x->a->req].m.frame);
	else if (!any_fail(v))
		snprintf(v->sentence, sizeof(v->sentence), "REGISTER answered %d without an AKA "
			 "challenge in the capture: nothing to verify", v->status);
	else
		snprintf(v->sentence, sizeof(v->sentence), "%d — the UE answered wrongly: %s",
			 v->status, v->chk[0].detail);
	v->kind = any_fail(v) ? VK_MISMATCH : x->verified ? VK_CONSISTENT : VK_UNVERIFIED;
}

/* --- The checks in order ---------------------------------------------------- */

static void gather(struct vctx *x)
{
	const struct trace_ctx *c = x->c;
	const struct attempt *a = x->a;

	x->chal = a->chal >= 0 ? c->ev[a->chal].sip : NULL;
	x->chal_ckik = a->chal_ckik >= 0 ? c->ev[a->chal_ckik].sip : NULL;
	x->auth = a->auth >= 0 ? c->ev[a->auth].sip : NULL;
	x->ch = x->chal ? vparse(pair_challenge(x->chal)) : NULL;
	x->az = x->auth ? vparse(pair_authz(x->auth)) : NULL;
	if (a->maa >= 0 && a->vec >= 0)
		x->vec = &c->ev[a->maa].diam->vec[a->vec];
	x->v->status = a->final >= 0 ? c->ev[a->final].sip->status : 0;
	x->v->key_variant = -1;
	x->resp_variant = x->mac_check = -1;
}

static void aka_checks(struct vctx *x)
{
	struct verdict *v = x->v;

	if (nonce_decode(x->a->nonce, strlen(x->a->nonce), &x->np) != NONCE_OK) {
		vadd(x, "nonce", CHK_FAIL, FK_NONCE_BAD, x->a->chal >= 0 ? x->a->chal : x->a->auth,
		     "the nonce is not base64(RAND ‖ AUTN ‖ ...) of at least 32 octets "
		     "(RFC 3310 §3.2)");
		return;
	}
	v->have_nonce = true;
	memcpy(v->rand, x->np.rand, 16);
	memcpy(v->autn, x->np.autn, 16);
	if (x->have_keys)
		vcheck_mac(x);
	else
		vadd(x, "MAC-A", CHK_SKIP, FK_NONE, -1, "no keys for %s (give --k and --op/--opc, "
		     "or --db)", x->a->impi[0] ? x->a->impi : "an unknown IMPI");
	vcheck_maa(x);
	vpick_expected(x);
	vcheck_ckik(x);
}

static void run_checks(struct vctx *x)
{
	struct verdict *v = x->v;
	const char *alg = x->ch ? vparam(x->ch, "algorithm") : vparam(x->az, "algorithm");

	snprintf(v->alg, sizeof(v->alg), "%s", alg ? alg : "MD5");
	x->alg = digest_alg_parse(alg);
	if (x->alg < 0) {
		vadd(x, "algorithm", CHK_SKIP, FK_NONE, -1, "algorithm %s is not one ims-trace can "
		     "check", v->alg);
		return;
	}
	/* --password alone is the key of an MD5 challenge only: an AKA one
	 * is then checked as without keys, never with a K of zeros */
	if (trace_keys_get(x->kr, x->a->impi, &x->keys) == 1 &&
	    (x->keys.have_aka || x->alg == DIGEST_ALG_MD5)) {
		x->have_keys = true;
		snprintf(v->keys_source, sizeof(v->keys_source), "%s", x->keys.source);
	}
	if (x->alg != DIGEST_ALG_MD5)
		aka_checks(x);
	vcheck_hops(x);
	if (!x->auth) {
		if (x->a->final < 0 && x->chal)
			vadd(x, "answer", CHK_INFO, FK_NONE, -1, "the UE did not answer the challenge in "
			     "the capture");
		return;
	}
	vcheck_fields(x);
	const char *auts = vparam(x->az, "auts");
	if (auts)
		vcheck_auts(x, auts);
	else
		vcheck_response(x);
	vcheck_replay(x);
}

static void no_final(struct vctx *x)
{
	const struct attempt *a = x->a;
	int last = a->auth >= 0 ? a->auth : a->req;

	/* a challenge is the final response of the REGISTER that drew it */
	if (a->final >= 0 || last < 0 || (a->auth < 0 && a->chal >= 0))
		return;
	vadd(x, "final", CHK_FAIL, FK_NO_FINAL_RESPONSE, last, "the REGISTER at #%u has no final "
	     "response in the capture (cut short, lost, or the network never answered)",
	     x->c->ev[last].m.frame);
}

int verdict_run(const struct trace_ctx *c, const struct attempt *a,
		const struct trace_keyring *kr, struct verdict *v)
{
	struct vctx *x = calloc(1, sizeof(*x));

	memset(v, 0, sizeof(*v));
	if (!x)
		return -1;
	x->c = c;
	x->a = a;
	x->v = v;
	x->kr = kr;
	gather(x);
	if (a->no_challenge) {
		no_final(x);
		no_challenge(x);
	} else {
		run_checks(x);
		reclassify_mac(x);
		judge_status(x);
		no_final(x);
		sentence(x);
	}
	free(x->ch);
	free(x->az);
	memset(x, 0, sizeof(*x)); /* keys and RES off the heap */
	free(x);
	return 0;
}

size_t verdict_checked(const struct verdict *v)
{
	return v->kind != VK_UNVERIFIED;
}

void verdict_findings(const struct verdict *v, struct findings *fs)
{
	for (size_t i = 0; i < v->nchk; i++)
		if (v->chk[i].st == CHK_FAIL && v->chk[i].kind != FK_NONE)
			findings_add(fs, v->chk[i].kind, v->chk[i].frames, v->chk[i].nframes,
				     v->chk[i].detail);
}
