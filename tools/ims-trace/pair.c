#include "pair.h"
#include "diam_in.h"
#include "sip_msg.h"

#include "diameter/codes.h"
#include "digest/auth_header.h"
#include "digest/digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PAIR_LOOKBACK 20000  /* how far back a response looks for its request */

const char *pair_authz(const struct sip_msg *s)
{
	const char *v = sip_hdr(s, "Authorization");
	return v ? v : sip_hdr(s, "Proxy-Authorization");
}

const char *pair_challenge(const struct sip_msg *s)
{
	const char *v = sip_hdr(s, "WWW-Authenticate");
	return v ? v : sip_hdr(s, "Proxy-Authenticate");
}

static bool is_register_msg(const struct sip_msg *s)
{
	uint32_t n;
	char meth[32];

	if (s->request)
		return !strcasecmp(s->method, "REGISTER");
	return sip_cseq(s, &n, meth, sizeof(meth)) == 0 && !strcasecmp(meth, "REGISTER");
}

static bool same_hdr(const struct sip_msg *a, const struct sip_msg *b, const char *h)
{
	const char *x = sip_hdr(a, h), *y = sip_hdr(b, h);
	return x && y && !strcmp(x, y);
}

/* The REGISTER request a response answers: same Call-ID and CSeq. */
static int find_request(const struct trace_ctx *c, size_t resp)
{
	const struct sip_msg *r = c->ev[resp].sip;
	size_t lo = resp > PAIR_LOOKBACK ? resp - PAIR_LOOKBACK : 0;

	for (size_t i = resp; i-- > lo;) {
		const struct trace_event *e = &c->ev[i];
		if (e->kind == EV_SIP && e->sip->request && !e->retrans &&
		    !strcasecmp(e->sip->method, "REGISTER") && same_hdr(e->sip, r, "Call-ID") &&
		    same_hdr(e->sip, r, "CSeq"))
			return (int)i;
	}
	return -1;
}

bool pair_param(const char *hv, const char *name, char *out, size_t sz)
{
	struct auth_header *h;
	bool ok = false;

	if (!hv || !(h = malloc(sizeof(*h))))
		return false;
	if (auth_header_parse(hv, strlen(hv), h) == AUTH_OK) {
		const char *v = auth_param_get(h, name);
		if (v) {
			snprintf(out, sz, "%s", v);
			ok = true;
		}
	}
	free(h);
	return ok;
}

/* An answer to a challenge echoes a nonce (with a response, an empty
 * response after a MAC failure, or auts, RFC 3310 §3.4); the initial IMS
 * REGISTER carries username with nonce="" (TS 24.229 §5.1.1.2.1) and
 * counts as no credentials. */
static bool has_credentials(const struct sip_msg *s)
{
	char v[256];
	const char *a = pair_authz(s);

	return a && ((pair_param(a, "nonce", v, sizeof(v)) && v[0]) ||
		     pair_param(a, "auts", v, sizeof(v)));
}

static struct attempt *attempt_new(struct pairing *p)
{
	struct attempt *n = realloc(p->a, (p->n + 1) * sizeof(*n));
	if (!n)
		return NULL;
	p->a = n;
	struct attempt *a = &p->a[p->n++];
	memset(a, 0, sizeof(*a));
	a->req = a->chal = a->chal_ckik = a->auth = a->final = -1;
	a->mar = a->maa = a->resync_mar = a->resync_maa = a->vec = -1;
	return a;
}

static void fill_identity(struct attempt *a, const struct sip_msg *s)
{
	const char *cid = sip_hdr(s, "Call-ID");
	if (cid && !a->call_id[0])
		snprintf(a->call_id, sizeof(a->call_id), "%s", cid);
	if (!a->impi[0])
		pair_param(pair_authz(s), "username", a->impi, sizeof(a->impi));
}

/* Finds the attempt that `auth` answers: same nonce, else the newest open
 * attempt of the same Call-ID (nonce echoed wrongly). */
static int attempt_for_answer(struct pairing *p, const struct sip_msg *s)
{
	char nonce[256] = "";
	const char *cid = sip_hdr(s, "Call-ID");

	pair_param(pair_authz(s), "nonce", nonce, sizeof(nonce));
	for (size_t i = p->n; i-- > 0;)
		if (p->a[i].auth < 0 && p->a[i].chal >= 0 && nonce[0] &&
		    !strcmp(p->a[i].nonce, nonce))
			return (int)i;
	for (size_t i = p->n; i-- > 0;)
		if (p->a[i].auth < 0 && p->a[i].chal >= 0 && cid && !strcmp(p->a[i].call_id, cid))
			return (int)i;
	return -1;
}

static void set_attempt(struct trace_ctx *c, int ev, int idx)
{
	if (ev >= 0)
		c->ev[ev].attempt = idx;
}

/* A new attempt opened by the challenge at event i (its request: req). */
static struct attempt *add_challenge(struct pairing *p, const struct trace_event *e, int req,
				     size_t i)
{
	struct attempt *a = attempt_new(p);

	if (!a)
		return NULL;
	a->req = req;
	a->chal = (int)i;
	fill_identity(a, e->sip);
	pair_param(pair_challenge(e->sip), "nonce", a->nonce, sizeof(a->nonce));
	return a;
}

/* SIP side: requests, challenges, answers, final responses. */
static int pair_sip(struct trace_ctx *c, struct pairing *p)
{
	for (size_t i = 0; i < c->nev; i++) {
		struct trace_event *e = &c->ev[i];
		if (e->kind != EV_SIP || e->retrans || !is_register_msg(e->sip) ||
		    e->sip->request || e->sip->status < 200)
			continue;
		int req = find_request(c, i);
		int s = e->sip->status;
		if (req < 0) {
			/* capture started after the REGISTER: keep the challenge */
			if ((s == 401 || s == 407) && pair_challenge(e->sip) && !add_challenge(p, e, -1, i))
				return -ENOMEM;
			continue;
		}
		const struct sip_msg *rq = c->ev[req].sip;
		int ai = has_credentials(rq) ? attempt_for_answer(p, rq) : -1;
		if (ai >= 0 && p->a[ai].auth < 0) {
			p->a[ai].auth = req;
			p->a[ai].final = (int)i;
			fill_identity(&p->a[ai], rq);
		}
		if ((s == 401 || s == 407) && pair_challenge(e->sip)) {
			struct attempt *a = add_challenge(p, e, req, i);
			if (!a)
				return -ENOMEM;
			fill_identity(a, rq);
		} else if (ai < 0) {
			/* answered without (our) challenge: re-REGISTER with a
			 * known nonce, a direct 403/404/5xx, or a capture that
			 * missed the 401 */
			struct attempt *a = attempt_new(p);
			if (!a)
				return -ENOMEM;
			a->no_challenge = !has_credentials(rq);
			if (has_credentials(rq)) {
				a->auth = req;
				a->nonce_from_auth = true;
				pair_param(pair_authz(rq), "nonce", a->nonce, sizeof(a->nonce));
			} else
				a->req = req;
			a->final = (int)i;
			fill_identity(a, rq);
		}
	}
	return 0;
}

static int attempt_first(const struct attempt *a)
{
	int v[] = { a->req, a->chal, a->auth, a->final };
	int m = -1;

	for (size_t i = 0; i < 4; i++)
		if (v[i] >= 0 && (m < 0 || v[i] < m))
			m = v[i];
	return m;
}

static int attempt_cmp(const void *x, const void *y)
{
	return attempt_first(x) - attempt_first(y);
}

/* A REGISTER that no final response answers in the capture still gets an
 * attempt (issue 12 §4): its credentials are checked like any other. */
static int pair_unanswered(struct trace_ctx *c, struct pairing *p, const int *copy_of)
{
	bool *used = calloc(c->nev ? c->nev : 1, sizeof(bool));

	if (!used)
		return -ENOMEM;
	for (size_t k = 0; k < p->n; k++) {
		if (p->a[k].req >= 0)
			used[p->a[k].req] = true;
		if (p->a[k].auth >= 0)
			used[p->a[k].auth] = true;
	}
	for (size_t i = 0; i < c->nev; i++) {
		const struct trace_event *e = &c->ev[i];
		if (e->kind != EV_SIP || copy_of[i] != (int)i || used[i] || !e->sip->request ||
		    strcasecmp(e->sip->method, "REGISTER"))
			continue;
		bool cred = has_credentials(e->sip);
		int ai = cred ? attempt_for_answer(p, e->sip) : -1;
		struct attempt *a = ai >= 0 ? &p->a[ai] : attempt_new(p);
		if (!a) {
			free(used);
			return -ENOMEM;
		}
		if (ai < 0 && cred) {
			a->nonce_from_auth = true;
			pair_param(pair_authz(e->sip), "nonce", a->nonce, sizeof(a->nonce));
		}
		if (cred)
			a->auth = (int)i;
		else {
			a->req = (int)i;
			a->no_challenge = true;
		}
		fill_identity(a, e->sip);
	}
	free(used);
	if (p->n)
		qsort(p->a, p->n, sizeof(*p->a), attempt_cmp);
	return 0;
}

static void mark_attempts(struct trace_ctx *c, struct pairing *p, const int *copy_of)
{
	for (size_t k = 0; k < p->n; k++) {
		struct attempt *a = &p->a[k];
		set_attempt(c, a->req, (int)k);
		set_attempt(c, a->chal, (int)k);
		set_attempt(c, a->auth, (int)k);
		if (a->final != a->chal || a->chal < 0)
			set_attempt(c, a->final, (int)k);
	}
	/* copies follow their first occurrence (copy_of points backwards) */
	for (size_t i = 0; i < c->nev; i++)
		if (copy_of[i] != (int)i)
			c->ev[i].attempt = c->ev[copy_of[i]].attempt;
}

/* Among the copies of the challenge, the one that still has ck/ik (the
 * S-CSCF's, before the P-CSCF strips them, TS 33.203 §7.1). */
static void pick_ckik(struct trace_ctx *c, struct pairing *p, const int *copy_of)
{
	char v[64];

	for (size_t i = 0; i < c->nev; i++) {
		int k = c->ev[i].attempt;
		if (c->ev[i].kind != EV_SIP || k < 0 || p->a[k].chal != copy_of[i] ||
		    p->a[k].chal_ckik >= 0)
			continue;
		if (pair_param(pair_challenge(c->ev[i].sip), "ck", v, sizeof(v)))
			p->a[k].chal_ckik = (int)i;
	}
}

static bool nonce_rand(const char *nonce, uint8_t rand[16])
{
	struct nonce_parts np;

	if (!nonce[0] || nonce_decode(nonce, strlen(nonce), &np) != NONCE_OK)
		return false;
	memcpy(rand, np.rand, 16);
	return true;
}

static bool is_auth_cmd(const struct diam_info *d)
{
	return d->code == DIAM_CMD_MA || d->code == DIAM_CMD_AI;
}

/* Diameter answer for request i: same hop-by-hop and end-to-end. */
int pair_diam_answer(const struct trace_ctx *c, size_t req)
{
	const struct diam_info *q = c->ev[req].diam;

	size_t hi = c->nev - req > PAIR_LOOKBACK ? req + PAIR_LOOKBACK : c->nev;

	for (size_t i = req + 1; i < hi; i++) {
		const struct diam_info *d = c->ev[i].diam;
		/* RFC 6733 §6.2: same hop-by-hop/end-to-end; the Session-Id is
		 * echoed too, so a different one means another request */
		if (c->ev[i].kind == EV_DIAM && !d->request && d->hbh == q->hbh &&
		    d->e2e == q->e2e && d->code == q->code &&
		    (!q->session_id[0] || !d->session_id[0] ||
		     !strcmp(q->session_id, d->session_id)))
			return (int)i;
	}
	return -1;
}

static double ev_ts(const struct trace_ctx *c, int i)
{
	return i >= 0 ? c->ev[i].m.ts : 0;
}

/* A MAR/MAA without a vector of ours (error answer): the attempt of the
 * same IMPI whose REGISTER came before it and whose answer after. */
static int attempt_by_impi(const struct trace_ctx *c, const struct pairing *p,
			   const struct diam_info *q, double ts)
{
	for (size_t k = 0; k < p->n; k++) {
		const struct attempt *a = &p->a[k];
		int first = a->req >= 0 ? a->req : a->auth;
		int last = a->chal >= 0 ? a->chal : a->final;
		if (a->mar >= 0 || strcasecmp(a->impi, q->user_name) || first < 0)
			continue;
		if (ts >= ev_ts(c, first) && (last < 0 || ts <= ev_ts(c, last)))
			return (int)k;
	}
	return -1;
}

static void pair_diam_one(struct trace_ctx *c, struct pairing *p, size_t i)
{
	const struct diam_info *q = c->ev[i].diam;
	int ans = pair_diam_answer(c, i);
	const struct diam_info *d = ans >= 0 ? c->ev[ans].diam : NULL;
	int first = -1;
	uint8_t r[16];

	for (size_t k = 0; k < p->n; k++) {
		struct attempt *a = &p->a[k];
		if (!a->has_rand)
			continue;
		memcpy(r, a->rand, 16);
		for (size_t v = 0; d && v < d->nvec && a->maa < 0; v++)
			if (d->vec[v].has_rand && !memcmp(d->vec[v].rand, r, 16)) {
				a->mar = (int)i;
				a->maa = ans;
				a->vec = (int)v;
				first = first < 0 ? (int)k : first;
			}
		if (q->has_resync && !memcmp(q->resync, r, 16) && a->resync_mar < 0) {
			a->resync_mar = (int)i;
			a->resync_maa = ans;
			first = first < 0 ? (int)k : first;
		}
	}
	if (first < 0) {
		int k = attempt_by_impi(c, p, q, c->ev[i].m.ts);
		if (k >= 0) {
			p->a[k].mar = (int)i;
			p->a[k].maa = ans;
			first = k;
		}
	}
	bool used = first >= 0;
	if (used) { /* marked as paired; each attempt lists its own indices */
		c->ev[i].attempt = first;
		if (ans >= 0)
			c->ev[ans].attempt = first;
	}
}

/* An MAA/AIA whose request is not in the capture: paired by RAND alone. */
static void pair_orphan_answer(struct trace_ctx *c, struct pairing *p, size_t i)
{
	const struct diam_info *d = c->ev[i].diam;

	for (size_t k = 0; k < p->n; k++) {
		struct attempt *a = &p->a[k];
		for (size_t v = 0; a->has_rand && a->maa < 0 && v < d->nvec; v++)
			if (d->vec[v].has_rand && !memcmp(d->vec[v].rand, a->rand, 16)) {
				a->maa = (int)i;
				a->vec = (int)v;
				c->ev[i].attempt = (int)k;
				return;
			}
	}
}

static void note_unpaired(struct trace_ctx *c, struct pairing *p)
{
	for (size_t i = 0; i < c->nev; i++) {
		const struct trace_event *e = &c->ev[i];
		bool reg = e->kind == EV_SIP ? is_register_msg(e->sip) : is_auth_cmd(e->diam);
		if (e->kind == EV_SIP && !is_register_msg(e->sip))
			p->other_sip++;
		if (e->kind == EV_DIAM && !is_auth_cmd(e->diam))
			p->other_diam++;
		if (e->kind == EV_SIP && !e->sip->request && e->sip->status < 200)
			continue; /* provisional: not part of the pairing */
		/* Diameter is checked exchange by exchange (diam_check.c) */
		if (!reg || e->attempt >= 0 || e->kind == EV_DIAM)
			continue;
		if (p->nunpaired < sizeof(p->unpaired) / sizeof(p->unpaired[0]))
			p->unpaired[p->nunpaired++] = (int)i;
		p->unpaired_total++;
	}
}

int pair_run(struct trace_ctx *c, struct pairing *p)
{
	int *copy_of = calloc(c->nev ? c->nev : 1, sizeof(int));
	int rc;

	memset(p, 0, sizeof(*p));
	if (!copy_of)
		return -ENOMEM;
	for (size_t i = 0; i < c->nev; i++) /* copies: hops_build() */
		copy_of[i] = c->ev[i].copy_first;
	rc = pair_sip(c, p);
	if (!rc)
		rc = pair_unanswered(c, p, copy_of);
	if (!rc) {
		mark_attempts(c, p, copy_of);
		pick_ckik(c, p, copy_of);
		for (size_t k = 0; k < p->n; k++)
			p->a[k].has_rand = nonce_rand(p->a[k].nonce, p->a[k].rand);
		for (size_t i = 0; i < c->nev; i++)
			if (c->ev[i].kind == EV_DIAM && c->ev[i].diam->request &&
			    is_auth_cmd(c->ev[i].diam))
				pair_diam_one(c, p, i);
		for (size_t i = 0; i < c->nev; i++)
			if (c->ev[i].kind == EV_DIAM && !c->ev[i].diam->request &&
			    is_auth_cmd(c->ev[i].diam) && c->ev[i].attempt < 0)
				pair_orphan_answer(c, p, i);
		/* IMPI from the MAR when the UE never said it */
		for (size_t k = 0; k < p->n; k++)
			if (!p->a[k].impi[0] && p->a[k].mar >= 0)
				snprintf(p->a[k].impi, sizeof(p->a[k].impi), "%s",
					 c->ev[p->a[k].mar].diam->user_name);
		note_unpaired(c, p);
	}
	free(copy_of);
	return rc;
}

void pair_free(struct pairing *p)
{
	free(p->a);
	memset(p, 0, sizeof(*p));
}
