#include "diam_check.h"
#include "diam_in.h"

#include "aka/aka.h"
#include "diameter/codes.h"
#include "util/ct.h"
#include "util/hex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dctx {
	const struct trace_ctx *c;
	const struct pairing *p;
	const bool *shown;
	struct diam_exchange *x;
	struct trace_keys keys;
	bool have_keys;
};

static struct vcheck *dadd(struct dctx *d, const char *name, enum check_state st,
			   enum finding_kind kind, int ev, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static struct vcheck *dadd(struct dctx *d, const char *name, enum check_state st,
			   enum finding_kind kind, int ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	struct vcheck *k = vcheck_vappend(d->x->chk, &d->x->nchk, DX_CHECKS_MAX, name, st, kind,
					  fmt, ap);
	va_end(ap);
	if (k && ev >= 0) {
		k->ev = ev;
		k->frames[k->nframes++] = d->c->ev[ev].m.frame;
	}
	if (k && (st == CHK_OK || st == CHK_FAIL))
		d->x->verified = true;
	return k;
}

static bool is_auth(const struct trace_event *e)
{
	return e->kind == EV_DIAM && (e->diam->code == DIAM_CMD_MA || e->diam->code == DIAM_CMD_AI);
}

/* A request relayed by an agent keeps its End-to-End id and Session-Id
 * (RFC 6733 §6.1.3): the later copies are not new exchanges. */
static bool relayed_copy(const struct trace_ctx *c, size_t i)
{
	const struct diam_info *q = c->ev[i].diam;

	for (size_t k = i; k-- > 0 && k + 2000 > i;) {
		const struct diam_info *o = c->ev[k].diam;
		if (c->ev[k].kind == EV_DIAM && o->request == q->request && o->code == q->code &&
		    o->e2e == q->e2e && !strcmp(o->session_id, q->session_id))
			return true;
	}
	return false;
}

/* Checked by a shown SIP attempt already? */
static bool covered_vector(const struct dctx *d, int ans, size_t v)
{
	for (size_t k = 0; k < d->p->n; k++)
		if (d->shown[k] && d->p->a[k].maa == ans && d->p->a[k].vec == (int)v)
			return true;
	return false;
}

static bool covered_resync(const struct dctx *d, int req)
{
	for (size_t k = 0; k < d->p->n; k++)
		if (d->shown[k] && d->p->a[k].resync_mar == req)
			return true;
	return false;
}

/* KASME = KDF(CK ‖ IK, SN id, SQN ⊕ AK) with the AIR's Visited-PLMN-Id. */
static void check_kasme(struct dctx *d, const struct diam_vec *v, const struct aka_out *o,
			size_t n)
{
	const struct diam_info *q = d->x->req >= 0 ? d->c->ev[d->x->req].diam : NULL;
	uint8_t k[32];
	char plmn[32];

	if (!v->has_kasme)
		return;
	if (!q || !q->has_plmn) {
		dadd(d, "KASME", CHK_SKIP, FK_NONE, -1, "vector %zu: %s", n, q ? "the AIR has no "
		     "Visited-PLMN-Id" : "no AIR in the capture: the serving network id is unknown");
		return;
	}
	diam_plmn_text(q->visited_plmn, plmn, sizeof(plmn));
	if (aka_kasme(o->ck, o->ik, q->visited_plmn, v->autn, k))
		return;
	if (ct_equal(k, v->kasme, 32))
		dadd(d, "KASME", CHK_OK, FK_NONE, d->x->ans, "vector %zu: KASME = KDF(CK ‖ IK, %s, "
		     "SQN ⊕ AK) (TS 33.401 A.2)", n, plmn);
	else
		dadd(d, "KASME", CHK_FAIL, FK_KASME_MISMATCH, d->x->ans, "vector %zu: KASME is not "
		     "KDF(CK ‖ IK, %s, SQN ⊕ AK) with the keys of %s: the HSS derived it for another "
		     "serving network or from other CK/IK", n, plmn, d->keys.source);
	memset(k, 0, sizeof(k));
}

static void check_vector(struct dctx *d, const struct diam_vec *v, size_t n)
{
	struct trace_aka a[TRACE_KEY_VARIANTS];
	char s[96];
	int ev = d->x->ans;

	if (!v->has_rand || !v->has_autn)
		return;
	int var = trace_aka_find(&d->keys, v->rand, v->autn, a);
	if (var < 0) {
		dadd(d, "MAC-A", CHK_FAIL, FK_MAC_A_MISMATCH, ev, "vector %zu: MAC-A does not verify "
		     "with the keys of %s (nor with OP and OPc swapped)", n, d->keys.source);
		return;
	}
	trace_sqn_text(a[var].sqn, s, sizeof(s));
	if (var == 1)
		dadd(d, "MAC-A", CHK_FAIL, FK_OP_OPC_SWAPPED, ev, "vector %zu: MAC-A verifies only "
		     "with %s (the HSS holds it the other way round); %s", n,
		     trace_keys_variant_desc(&d->keys, 1), s);
	const struct aka_out *o = &a[var].out;
	bool xres = !v->has_xres || (v->xres_len == o->res_len && ct_equal(v->xres, o->res,
									  o->res_len));
	bool ckik = (!v->has_ck || ct_equal(v->ck, o->ck, 16)) &&
		    (!v->has_ik || ct_equal(v->ik, o->ik, 16));
	if (!xres)
		dadd(d, "XRES", CHK_FAIL, FK_XRES_MISMATCH, ev, "vector %zu: XRES is not f2 of the "
		     "keys that verify its MAC-A: the HSS is inconsistent", n);
	if (!ckik)
		dadd(d, "CK/IK", CHK_FAIL, FK_CK_IK_MISMATCH, ev, "vector %zu: CK/IK are not f3/f4 of "
		     "the keys that verify its MAC-A: the HSS is inconsistent", n);
	if (var == 0 && xres && ckik)
		dadd(d, "vector", CHK_OK, FK_NONE, ev, "vector %zu: MAC-A verifies with %s, XRES%s = "
		     "f2%s; %s", n, d->keys.source, v->has_ck ? "/CK/IK" : "",
		     v->has_ck ? "/f3/f4" : "", s);
	check_kasme(d, v, o, n);
	memset(a, 0, sizeof(a));
}

/* The SQN of the vector with this RAND anywhere in the capture. */
static bool vector_sqn(const struct dctx *d, const uint8_t rand[16], const struct aka_keys *k,
		       uint64_t *sqn, unsigned *frame)
{
	const struct trace_ctx *c = d->c;

	for (size_t i = 0; i < c->nev; i++) {
		const struct diam_info *a = c->ev[i].diam;
		if (c->ev[i].kind != EV_DIAM || a->request)
			continue;
		for (size_t v = 0; v < a->nvec; v++)
			if (a->vec[v].has_rand && a->vec[v].has_autn && !memcmp(a->vec[v].rand, rand, 16)) {
				*frame = c->ev[i].m.frame;
				return trace_aka_sqn(k, rand, a->vec[v].autn, sqn);
			}
	}
	return false;
}

static void resync_distance(struct dctx *d, const uint8_t *rs, const struct aka_keys *k,
			    uint64_t sqn_ms)
{
	uint64_t he;
	unsigned fr;
	char ms[96];

	trace_sqn_text(sqn_ms, ms, sizeof(ms));
	if (!vector_sqn(d, rs, k, &he, &fr)) {
		dadd(d, "AUTS", CHK_OK, FK_NONE, d->x->req, "MAC-S verifies with %s; card %s (the "
		     "vector with this RAND is not in the capture)", d->keys.source, ms);
		return;
	}
	long long seq = (long long)(sqn_ms >> TRACE_IND_BITS) - (long long)(he >> TRACE_IND_BITS);
	dadd(d, "AUTS", CHK_OK, FK_NONE, d->x->req, "MAC-S verifies with %s; card %s is %lld SEQ "
	     "%s the SQN %012llx of the vector it answers (#%u; raw difference %lld)",
	     d->keys.source, ms, seq < 0 ? -seq : seq, seq < 0 ? "behind" : "ahead of",
	     (unsigned long long)he, fr, (long long)sqn_ms - (long long)he);
}

/* The answer to a valid resync must carry SQNs above SQN_MS. */
static void check_fresh(struct dctx *d, const struct aka_keys *k, uint64_t sqn_ms)
{
	const struct diam_info *a = d->x->ans >= 0 ? d->c->ev[d->x->ans].diam : NULL;
	uint64_t s;

	if (!a || !a->nvec || !a->vec[0].has_autn ||
	    !trace_aka_sqn(k, a->vec[0].rand, a->vec[0].autn, &s))
		return;
	if (s > sqn_ms)
		dadd(d, "resync", CHK_OK, FK_NONE, d->x->ans, "the HSS's next SQN %012llx is above "
		     "SQN_MS", (unsigned long long)s);
	else
		dadd(d, "resync", CHK_FAIL, FK_RESYNC_NOT_APPLIED, d->x->ans, "the HSS's next SQN "
		     "%012llx is not above SQN_MS %012llx: it did not resynchronise",
		     (unsigned long long)s, (unsigned long long)sqn_ms);
}

static void check_resync(struct dctx *d)
{
	const struct diam_info *q = d->c->ev[d->x->req].diam;
	struct aka_keys k;
	uint64_t sqn_ms = 0;

	if (!q->has_resync || covered_resync(d, d->x->req))
		return;
	if (!d->have_keys) {
		dadd(d, "AUTS", CHK_SKIP, FK_NONE, -1, "no keys for %s: MAC-S and SQN_MS cannot be "
		     "checked", d->x->user);
		return;
	}
	for (int v = 0; v < TRACE_KEY_VARIANTS; v++)
		if (trace_keys_aka(&d->keys, v, &k) &&
		    aka_auts_check(&k, q->resync, q->resync + 16, &sqn_ms) == AKA_OK) {
			resync_distance(d, q->resync, &k, sqn_ms);
			check_fresh(d, &k, sqn_ms);
			memset(&k, 0, sizeof(k));
			return;
		}
	memset(&k, 0, sizeof(k));
	dadd(d, "AUTS", CHK_FAIL, FK_AUTS_MAC_S_BAD, d->x->req, "MAC-S (f1* over AMF 0000) does "
	     "not verify with the keys of %s: the card holds other keys, or the AUTS was altered",
	     d->keys.source);
}

static void check_answer(struct dctx *d)
{
	const struct diam_info *a = d->c->ev[d->x->ans].diam;
	uint32_t rc = diam_info_result(a);

	if (rc && rc != 2001) {
		dadd(d, "result", CHK_INFO, FK_NONE, d->x->ans, "result %u%s: no vector", rc,
		     rc == 5001 || rc == 5420 ? " (user unknown)" : rc == 4181 ?
		     " (authentication data unavailable)" : "");
		return;
	}
	for (size_t v = 0; v < a->nvec; v++) {
		if (covered_vector(d, d->x->ans, v))
			continue;
		if (!d->have_keys) {
			dadd(d, "vector", CHK_SKIP, FK_NONE, -1, "vector %zu: no keys for %s (give --k "
			     "and --op/--opc, or --db)", v + 1, d->x->user);
			continue;
		}
		check_vector(d, &a->vec[v], v + 1);
	}
}

/* TS 33.102 §6.3: every vector has its own fresh RAND. */
static void check_rand_reuse(struct dctx *d)
{
	const struct trace_ctx *c = d->c;
	const struct diam_info *a = c->ev[d->x->ans].diam;

	for (size_t v = 0; v < a->nvec; v++) {
		const struct diam_vec *x = &a->vec[v];
		for (size_t i = 0; x->has_rand && i <= (size_t)d->x->ans; i++) {
			const struct diam_info *o = c->ev[i].diam;
			if (!is_auth(&c->ev[i]) || o->request || relayed_copy(c, i) ||
			    (int)i == d->x->ans)
				continue;
			for (size_t w = 0; w < o->nvec; w++)
				if (o->vec[w].has_rand && !memcmp(o->vec[w].rand, x->rand, 16)) {
					char r[33];
					hex_encode(x->rand, 16, r);
					struct vcheck *k = dadd(d, "RAND", CHK_FAIL, FK_RAND_REUSE, d->x->ans,
						"vector %zu: RAND %s was already sent at #%u (%s %s): "
						"TS 33.102 §6.3 wants a fresh RAND for every vector", v + 1, r,
						c->ev[i].m.frame, strcmp(o->user_name, a->user_name) ?
						"for another subscriber," : "for the same subscriber,",
						o->user_name[0] ? o->user_name : "?");
					if (k && k->nframes < VCHECK_FRAMES)
						k->frames[k->nframes++] = c->ev[i].m.frame;
					i = (size_t)d->x->ans; /* one earlier use is enough */
					break;
				}
		}
		for (size_t w = 0; x->has_rand && w < v; w++) /* twice in one answer */
			if (a->vec[w].has_rand && !memcmp(a->vec[w].rand, x->rand, 16))
				dadd(d, "RAND", CHK_FAIL, FK_RAND_REUSE, d->x->ans, "vectors %zu and %zu of "
				     "one answer share their RAND (TS 33.102 §6.3)", w + 1, v + 1);
	}
}

static int exchange_new(struct diam_checks *out, int req, int ans, const char *user)
{
	struct diam_exchange *n = realloc(out->x, (out->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	out->x = n;
	struct diam_exchange *x = &out->x[out->n++];
	memset(x, 0, sizeof(*x));
	x->req = req;
	x->ans = ans;
	snprintf(x->user, sizeof(x->user), "%s", user);
	return 0;
}

static void run_one(struct dctx *d, const struct trace_keyring *kr)
{
	d->have_keys = trace_keys_get(kr, d->x->user, &d->keys) == 1 && d->keys.have_aka;
	if (d->have_keys)
		snprintf(d->x->keys_source, sizeof(d->x->keys_source), "%s", d->keys.source);
	if (d->x->req >= 0)
		check_resync(d);
	if (d->x->ans >= 0) {
		check_answer(d);
		check_rand_reuse(d);
	}
	memset(&d->keys, 0, sizeof(d->keys));
}

/* The exchanges: each auth request with its answer, then answers whose
 * request is not in the capture. */
static int collect(const struct trace_ctx *c, const char *impi, struct diam_checks *out)
{
	bool *ans_used = calloc(c->nev + 1, sizeof(bool));
	int rc = 0;

	if (!ans_used)
		return -ENOMEM;
	for (size_t i = 0; i < c->nev && !rc; i++) {
		const struct trace_event *e = &c->ev[i];
		if (!is_auth(e) || relayed_copy(c, i))
			continue;
		int ans = e->diam->request ? pair_diam_answer(c, i) : -1;
		if (ans >= 0)
			ans_used[ans] = true;
		if (!e->diam->request && ans_used[i])
			continue;
		if (impi && strcmp(impi, e->diam->user_name))
			continue;
		rc = e->diam->request ? exchange_new(out, (int)i, ans, e->diam->user_name)
				      : exchange_new(out, -1, (int)i, e->diam->user_name);
	}
	free(ans_used);
	return rc;
}

/* Part of a shown SIP attempt, which reports it. */
static bool in_attempt(const struct dctx *d, const struct diam_exchange *x)
{
	for (size_t k = 0; k < d->p->n; k++) {
		const struct attempt *a = &d->p->a[k];
		if (d->shown[k] && ((x->req >= 0 && (a->mar == x->req || a->resync_mar == x->req)) ||
				    (x->ans >= 0 && (a->maa == x->ans || a->resync_maa == x->ans))))
			return true;
	}
	return false;
}

int diam_check_run(const struct trace_ctx *c, const struct pairing *p, const bool *shown,
		   const struct trace_keyring *kr, const char *impi, struct diam_checks *out)
{
	struct dctx d = { .c = c, .p = p, .shown = shown };
	size_t keep = 0;

	memset(out, 0, sizeof(*out));
	if (collect(c, impi, out))
		return -ENOMEM;
	for (size_t i = 0; i < out->n; i++) {
		d.x = &out->x[i];
		if (!d.x->user[0] && d.x->ans >= 0) /* the answer names the user when the request cannot */
			snprintf(d.x->user, sizeof(d.x->user), "%s", c->ev[d.x->ans].diam->user_name);
		run_one(&d, kr);
		/* what its SIP attempt already reports is not repeated */
		if (d.x->nchk && (d.x->verified || !in_attempt(&d, d.x)))
			out->x[keep++] = *d.x;
	}
	out->n = keep;
	return 0;
}

void diam_check_findings(const struct diam_checks *d, struct findings *fs)
{
	for (size_t i = 0; i < d->n; i++)
		for (size_t k = 0; k < d->x[i].nchk; k++) {
			const struct vcheck *v = &d->x[i].chk[k];
			if (v->st == CHK_FAIL && v->kind != FK_NONE)
				findings_add(fs, v->kind, v->frames, v->nframes, v->detail);
		}
}

size_t diam_check_verified(const struct diam_checks *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->x[i].verified;
	return n;
}

void diam_check_free(struct diam_checks *d)
{
	free(d->x);
	memset(d, 0, sizeof(*d));
}
