/* The hop side of a verdict (issue 12 §2, §4): each forwarded copy of the
 * attempt's messages against the copy before it, ck/ik reaching the UE
 * (TS 33.203 §7.1, TS 24.229 §5.2.2.1: the P-CSCF removes them),
 * Security-Verify against the Security-Server the UE received (RFC 3329
 * §2.3.1, TS 33.203 §7.2), and replays of the UE's credentials. */
#include "verdict_int.h"
#include "hops.h"
#include "secagree.h"
#include "sip_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What a proxy must pass on unchanged (RFC 3261 §16.6, RFC 2617: the
 * digest covers the Authorization parameters, the method and the
 * Request-URI; auth-int the body). */
static const char *const kept_hdrs[] = { "From", "To", "Contact", "Expires",
					  "P-Associated-URI", "Service-Route" };
static const char *const kept_auth[] = { "username", "realm", "nonce", "uri", "response",
					  "algorithm", "qop", "nc", "cnonce", "auts", "opaque" };

static bool streq_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The first digest parameter that differs between two header values. */
static const char *auth_diff(const char *a, const char *b, char *buf, size_t sz)
{
	struct auth_header *x = vparse(a), *y = vparse(b);
	const char *what = NULL;

	if (!x || !y) {
		if (!streq_null(a, b))
			what = "the header";
	} else
		for (size_t i = 0; !what && i < sizeof(kept_auth) / sizeof(kept_auth[0]); i++) {
			const char *u = auth_param_get(x, kept_auth[i]), *v = auth_param_get(y, kept_auth[i]);
			if (!streq_null(u, v)) {
				snprintf(buf, sz, "%s \"%.40s\" → \"%.40s\"", kept_auth[i], u ? u : "(absent)",
					 v ? v : "(absent)");
				what = buf;
			}
		}
	free(x);
	free(y);
	return what;
}

/* The protected part that changed between copies p and e, or NULL. */
static const char *altered(const struct sip_msg *p, const struct sip_msg *e, char *buf,
			   size_t sz)
{
	char d[200];
	const char *w;

	/* a Request-URI retargeted to the next hop is routing, not alteration
	 * (RFC 3261 §16.5-16.6: Kamailio's I-CSCF sends the REGISTER to the
	 * S-CSCF so); the digest names its own uri, checked against the UE's */
	if (p->body_len != e->body_len || (p->body_len && memcmp(p->body, e->body, p->body_len))) {
		snprintf(buf, sz, "the body (%zu → %zu octets)", p->body_len, e->body_len);
		return buf;
	}
	const char *ha = p->request ? "Authorization" : "WWW-Authenticate";
	if (!p->request && !sip_hdr(p, ha))
		ha = "Proxy-Authenticate";
	if ((w = auth_diff(p->request ? pair_authz(p) : pair_challenge(p),
			   p->request ? pair_authz(e) : pair_challenge(e), d, sizeof(d)))) {
		snprintf(buf, sz, "%s: %s", ha, w);
		return buf;
	}
	for (size_t i = 0; i < sizeof(kept_hdrs) / sizeof(kept_hdrs[0]); i++)
		if (!streq_null(sip_hdr(p, kept_hdrs[i]), sip_hdr(e, kept_hdrs[i]))) {
			snprintf(buf, sz, "%s \"%.60s\" → \"%.60s\"", kept_hdrs[i],
				 sip_hdr(p, kept_hdrs[i]) ? sip_hdr(p, kept_hdrs[i]) : "(absent)",
				 sip_hdr(e, kept_hdrs[i]) ? sip_hdr(e, kept_hdrs[i]) : "(absent)");
			return buf;
		}
	return NULL;
}

static size_t hdr_count(const struct sip_msg *s, const char *name)
{
	size_t n = 0;
	while (sip_hdr_nth(s, name, n))
		n++;
	return n;
}

/* "+integrity-protected -ck -ik" for digest headers, else "changed". */
static const char *param_changes(const char *a, const char *b, char *buf, size_t sz)
{
	struct auth_header *x = vparse(a), *y = vparse(b);
	size_t o = 0;

	buf[0] = '\0';
	for (int pass = 0; x && y && pass < 2; pass++) {
		const struct auth_header *h = pass ? y : x, *other = pass ? x : y;
		for (size_t i = 0; i < h->nparams && o + 32 < sz; i++)
			if (!auth_param_get(other, h->params[i].name))
				o += (size_t)snprintf(buf + o, sz - o, "%s%c%s", o ? " " : "",
						      pass ? '+' : '-', h->params[i].name);
	}
	free(x);
	free(y);
	if (!o)
		snprintf(buf, sz, "changed");
	return buf;
}

/* "Via +1, Path +1, Max-Forwards 70→69, Security-Client removed ..." */
static void changes(const struct sip_msg *p, const struct sip_msg *e, char *out, size_t sz)
{
	size_t o = 0;
	char d[120];

	out[0] = '\0';
	if (p->request && !streq_null(p->ruri, e->ruri))
		o += (size_t)snprintf(out, sz, "Request-URI retargeted to %.80s", e->ruri);
	for (int pass = 0; pass < 2; pass++) {
		const struct sip_msg *s = pass ? e : p;
		for (size_t i = 0; i < s->nhdrs && o + 48 < sz; i++) {
			const char *n = s->hdrs[i].name;
			if (sip_hdr(pass ? p : e, n) && pass) /* listed in the first pass */
				continue;
			if (sip_hdr_nth(s, n, 0) != s->hdrs[i].value || !strcasecmp(n, "Content-Length"))
				continue; /* once per name */
			size_t a = hdr_count(p, n), b = hdr_count(e, n);
			const char *va = sip_hdr(p, n), *vb = sip_hdr(e, n);
			if (a == b && a == 1 && !strcasecmp(n, "Max-Forwards") && strcmp(va, vb))
				o += (size_t)snprintf(out + o, sz - o, "%s%s %s→%s", o ? ", " : "", n, va, vb);
			else if (a != b && b && a)
				o += (size_t)snprintf(out + o, sz - o, "%s%s %+d", o ? ", " : "", n,
						      (int)b - (int)a);
			else if (a != b)
				o += (size_t)snprintf(out + o, sz - o, "%s%s %s", o ? ", " : "", n,
						      b ? "added" : "removed");
			else if (!streq_null(va, vb) && strcasecmp(n, "Via"))
				o += (size_t)snprintf(out + o, sz - o, "%s%s %s", o ? ", " : "", n,
						      param_changes(va, vb, d, sizeof(d)));
		}
	}
	if (!o)
		snprintf(out, sz, "nothing else changed");
}

static void compare_chain(struct vctx *x, int first)
{
	const struct trace_ctx *c = x->c;
	char what[400], ch[400], a[96], b[96];

	for (int i = first >= 0 ? c->ev[first].copy_next : -1; i >= 0; i = c->ev[i].copy_next) {
		const struct trace_event *e = &c->ev[i];
		if (e->copy != COPY_FORWARD)
			continue;
		int from = hops_forwarded_from(c, i);
		const struct sip_msg *p = c->ev[from].sip;
		hops_label(c, e->src_node, a, sizeof(a));
		hops_label(c, e->dst_node, b, sizeof(b));
		struct vcheck *k;
		if (altered(p, e->sip, what, sizeof(what)))
			k = vadd(x, "hop", CHK_FAIL, FK_HOP_ALTERED, i, "%s → %s changed %s (#%u → #%u): "
				 "a proxy must forward it unchanged", a, b, what,
				 c->ev[from].m.frame, e->m.frame);
		else {
			changes(p, e->sip, ch, sizeof(ch));
			k = vadd(x, "hop", CHK_INFO, FK_NONE, i, "#%u %s → %s (%s): %s", e->m.frame, a, b,
				 e->sip->request ? e->sip->method : "response", ch);
		}
		vframe(x, k, from);
	}
}

static bool has_ckik(const struct sip_msg *s)
{
	char v[64];
	return pair_param(pair_challenge(s), "ck", v, sizeof(v)) ||
	       pair_param(pair_challenge(s), "ik", v, sizeof(v));
}

/* The 401 the UE received must not carry ck/ik (TS 33.203 §7.1). */
static void check_ckik_to_ue(struct vctx *x)
{
	const struct trace_ctx *c = x->c;
	int ue = hops_to_role(c, x->a->chal, ROLE_UE);

	if (ue < 0)
		return;
	bool forwarded = c->ev[ue].copy != COPY_ORIGINAL || hops_src_role(c, ue) == ROLE_PCSCF;
	if (!has_ckik(c->ev[ue].sip)) {
		if (x->a->chal_ckik >= 0)
			vadd(x, "ck/ik to UE", CHK_OK, FK_NONE, ue, "the P-CSCF removed ck/ik before "
			     "the 401 reached the UE (#%u)", c->ev[ue].m.frame);
	} else if (!forwarded)
		vadd(x, "ck/ik to UE", CHK_INFO, FK_NONE, ue, "the UE talks straight to the S-CSCF "
		     "(no P-CSCF in the path), so ck/ik reach it; in a network the P-CSCF must remove "
		     "them (TS 33.203 §7.1)");
	else
		vadd(x, "ck/ik to UE", CHK_FAIL, FK_CK_IK_TO_UE, ue, "the 401 the UE received (#%u) "
		     "still carries ck/ik: the P-CSCF must remove them before forwarding "
		     "(TS 33.203 §7.1, TS 24.229 §5.2.2.1) — the session keys went to the UE in clear",
		     c->ev[ue].m.frame);
}

/* RFC 3329 §2.3.1: the UE copies the Security-Server it received into
 * Security-Verify; the P-CSCF compares the two. */
static void check_verify(struct vctx *x)
{
	const struct trace_ctx *c = x->c;
	struct sec_mech s[SECAGREE_MAX], v[SECAGREE_MAX];
	char why[400];
	int ue = hops_to_role(c, x->a->chal, ROLE_UE);

	if (ue < 0)
		ue = hops_last(c, x->a->chal);
	if (ue < 0 || x->a->auth < 0)
		return;
	size_t ns = secagree_get(c->ev[ue].sip, "Security-Server", s, SECAGREE_MAX);
	size_t nv = secagree_get(x->auth, "Security-Verify", v, SECAGREE_MAX);
	if (!ns)
		return;
	struct vcheck *k;
	if (!nv)
		k = vadd(x, "Security-Verify", CHK_FAIL, FK_SECURITY_VERIFY_MISMATCH, x->a->auth,
			 "the UE's REGISTER (#%u) has no Security-Verify although the 401 (#%u) had a "
			 "Security-Server (TS 33.203 §7.2)", c->ev[x->a->auth].m.frame, c->ev[ue].m.frame);
	else if (!secagree_same(s, ns, v, nv, why, sizeof(why)))
		k = vadd(x, "Security-Verify", CHK_FAIL, FK_SECURITY_VERIFY_MISMATCH, x->a->auth,
			 "%s: the UE did not echo what it received (bidding-down protection, RFC 3329 "
			 "§2.3.1)%s", why, c->ev[x->a->auth].copy_next >= 0 ? "; the P-CSCF forwarded "
			 "it instead of refusing it with 494" : "");
	else
		k = vadd(x, "Security-Verify", CHK_OK, FK_NONE, x->a->auth, "repeats the "
			 "Security-Server the UE received (#%u)", c->ev[ue].m.frame);
	vframe(x, k, ue);
}

void vcheck_hops(struct vctx *x)
{
	const struct attempt *a = x->a;
	int msgs[] = { a->req, a->chal, a->auth, a->final };

	for (size_t i = 0; i < 4; i++)
		if (msgs[i] >= 0 && (i != 3 || a->final != a->chal))
			compare_chain(x, msgs[i]);
	if (a->chal >= 0) {
		check_ckik_to_ue(x);
		check_verify(x);
	}
}

/* --- replay -------------------------------------------------------------- */

static void replayed_copies(struct vctx *x, int ev)
{
	const struct trace_ctx *c = x->c;

	for (int i = ev >= 0 ? c->ev[ev].copy_next : -1; i >= 0; i = c->ev[i].copy_next)
		if (c->ev[i].copy == COPY_REPLAY) {
			struct vcheck *k = vadd(x, "replay", CHK_FAIL, FK_REPLAY, i, "the REGISTER of #%u "
						"was sent again at #%u after its final response: a "
						"replay, not a retransmission", c->ev[ev].m.frame,
						c->ev[i].m.frame);
			vframe(x, k, ev);
		}
}

static unsigned long nc_of(const struct auth_header *h)
{
	const char *nc = h ? auth_param_get(h, "nc") : NULL;
	return nc ? strtoul(nc, NULL, 16) : 0;
}

/* An earlier REGISTER (another transaction) with the same nonce: without
 * qop any reuse is a replay; with qop nc must increase (RFC 2617 §3.2.2). */
static void reused_nonce(struct vctx *x)
{
	const struct trace_ctx *c = x->c;
	const char *nonce = vparam(x->az, "nonce");
	unsigned long nc = nc_of(x->az);

	for (int i = x->a->auth; nonce && nonce[0] && i-- > 0;) {
		const struct trace_event *e = &c->ev[i];
		struct auth_header *h;
		if (e->kind != EV_SIP || e->copy != COPY_ORIGINAL || !e->sip->request ||
		    strcasecmp(e->sip->method, "REGISTER") || !(h = vparse(pair_authz(e->sip))))
			continue;
		const char *n2 = auth_param_get(h, "nonce");
		bool same = n2 && !strcmp(n2, nonce);
		unsigned long nc2 = nc_of(h);
		bool qop = vparam(x->az, "qop") && auth_param_get(h, "qop");
		free(h);
		if (!same)
			continue;
		struct vcheck *k;
		if (qop && nc > nc2)
			k = vadd(x, "replay", CHK_OK, FK_NONE, x->a->auth, "nonce used again with nc "
				 "increasing (%08lx at #%u → %08lx)", nc2, e->m.frame, nc);
		else
			k = vadd(x, "replay", CHK_FAIL, FK_REPLAY, x->a->auth, "%s already used at #%u%s "
				 "— a replayed answer%s", qop ? "(nonce, nc)" : "the nonce", e->m.frame,
				 qop ? (nc == nc2 ? " with the same nc" : ": nc not increasing") : " (no qop, "
				 "so no nc to tell them apart)", x->v->status >= 200 && x->v->status < 300 ?
				 ", and the network accepted it" : "");
		vframe(x, k, i);
		return;
	}
}

void vcheck_replay(struct vctx *x)
{
	replayed_copies(x, x->a->req);
	replayed_copies(x, x->a->auth);
	if (x->az)
		reused_nonce(x);
}
