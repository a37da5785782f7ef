#include "hops.h"
#include "diam_in.h"
#include "pair.h"
#include "secagree.h"
#include "sip_msg.h"

#include "diameter/codes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOOKBACK 20000  /* how far back a replayed request looks for its answer */
#define SIP_T1 0.5      /* RFC 3261 §17.1.1.1, seconds */

struct hctx {
	struct trace_ctx *c;
	struct trace_addr *ep;   /* distinct endpoints, sorted (IP runs contiguous) */
	size_t nep;
	int *src, *dst;          /* endpoint of each event's sender / receiver */
	int *parent;             /* union-find over endpoints */
	bool *self;              /* the endpoint's IP sends to itself */
	enum trace_role *role;   /* per root */
	bool *sends_ma, *gets_ma;
};

/* --- copies ---------------------------------------------------------------- */

static void dup_key(const struct trace_event *e, char *buf, size_t sz)
{
	const struct sip_msg *s = e->sip;
	const char *cid = sip_hdr(s, "Call-ID");
	const char *cseq = sip_hdr(s, "CSeq");

	if (s->request)
		snprintf(buf, sz, "Q|%s|%s|%s", cid ? cid : "", cseq ? cseq : "", s->method);
	else
		snprintf(buf, sz, "S|%s|%s|%d", cid ? cid : "", cseq ? cseq : "", s->status);
}

struct keyed { char *key; size_t idx; };

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	return r ? r : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

static int addr_cmp(const struct trace_addr *a, const struct trace_addr *b)
{
	if (a->af != b->af)
		return a->af - b->af;
	int r = memcmp(a->ip, b->ip, 16);
	return r ? r : a->port - b->port;
}

static bool same_ip(const struct trace_addr *a, const struct trace_addr *b)
{
	return a->af == b->af && !memcmp(a->ip, b->ip, 16);
}

static bool same_hop(const struct trace_event *a, const struct trace_event *b)
{
	return !addr_cmp(&a->m.src, &b->m.src) && !addr_cmp(&a->m.dst, &b->m.dst);
}

static bool final_of(const struct trace_event *r, const char *cid, const char *cseq)
{
	const char *rc, *rs;

	return r->kind == EV_SIP && !r->sip->request && r->sip->status >= 200 &&
	       (rc = sip_hdr(r->sip, "Call-ID")) && !strcmp(rc, cid) &&
	       (rs = sip_hdr(r->sip, "CSeq")) && !strcmp(rs, cseq);
}

/* A final response to request copy `e` sent back on e's hop before it, and
 * the sender knew: its retransmission timer (RFC 3261 §17.1.2.2, Timer E)
 * may fire while the response is on the wire or in its socket buffer. A
 * proxy (forwarder) knew once it passed the response on upstream (a final
 * response sent from its IP elsewhere); the originator, seen from a
 * capture point on the way, once T1 (500 ms, the round-trip estimate of
 * §17.1.1.1) went by after the response. */
static bool answered_before(const struct trace_ctx *c, size_t e, bool forwarder)
{
	const struct trace_event *q = &c->ev[e];
	const char *cid = sip_hdr(q->sip, "Call-ID"), *cseq = sip_hdr(q->sip, "CSeq");
	size_t lo = e > LOOKBACK ? e - LOOKBACK : 0;
	bool passed_on = false;

	for (size_t i = e; cid && cseq && i-- > lo;) {
		const struct trace_event *r = &c->ev[i];
		if (!final_of(r, cid, cseq))
			continue;
		if (!addr_cmp(&r->m.src, &q->m.dst) && !addr_cmp(&r->m.dst, &q->m.src))
			return forwarder ? passed_on : q->m.ts - r->m.ts > SIP_T1;
		if (same_ip(&r->m.src, &q->m.src) && addr_cmp(&r->m.dst, &q->m.dst))
			passed_on = true;
	}
	return false;
}

/* Class of copy i, given the earlier copies of its group. */
static enum trace_copy copy_kind(const struct trace_ctx *c, size_t i, const struct keyed *g,
				 size_t ng)
{
	const struct trace_event *e = &c->ev[i];

	for (size_t k = 0; k < ng && g[k].idx < i; k++) {
		const struct trace_event *o = &c->ev[g[k].idx];
		if (!same_hop(o, e))
			continue;
		if (o->m.gtp != e->m.gtp)
			return COPY_SAME_PACKET;
		if (e->sip->request &&
		    answered_before(c, i, addr_cmp(&c->ev[g[0].idx].m.src, &e->m.src) != 0))
			return COPY_REPLAY;
		return COPY_RETRANS;
	}
	return COPY_FORWARD;
}

static void link_group(struct trace_ctx *c, const struct keyed *g, size_t ng)
{
	for (size_t k = 0; k < ng; k++) {
		struct trace_event *e = &c->ev[g[k].idx];
		e->copy_first = (int)g[0].idx;
		e->copy_prev = k ? (int)g[k - 1].idx : -1;
		e->copy_next = k + 1 < ng ? (int)g[k + 1].idx : -1;
		e->retrans = k > 0;
		e->copy = k ? copy_kind(c, g[k].idx, g, ng) : COPY_ORIGINAL;
	}
}

static int mark_copies(struct trace_ctx *c)
{
	struct keyed *k = calloc(c->nev ? c->nev : 1, sizeof(*k));
	size_t n = 0;
	int rc = 0;

	if (!k)
		return -ENOMEM;
	for (size_t i = 0; i < c->nev && !rc; i++) {
		char buf[1024];
		if (c->ev[i].kind != EV_SIP)
			continue;
		dup_key(&c->ev[i], buf, sizeof(buf));
		if (!(k[n].key = strdup(buf)))
			rc = -ENOMEM;
		else
			k[n++].idx = i;
	}
	if (!rc) {
		if (n)
			qsort(k, n, sizeof(*k), keyed_cmp);
		for (size_t s = 0, e; s < n; s = e) {
			for (e = s + 1; e < n && !strcmp(k[e].key, k[s].key); e++)
				;
			link_group(c, k + s, e - s);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(k[i].key);
	free(k);
	return rc;
}

/* --- endpoints and union-find ----------------------------------------------- */

struct epref { struct trace_addr a; size_t ev; bool dst; };

static int epref_cmp(const void *x, const void *y)
{
	return addr_cmp(&((const struct epref *)x)->a, &((const struct epref *)y)->a);
}

static int collect_endpoints(struct hctx *h)
{
	struct trace_ctx *c = h->c;
	struct epref *r = malloc((2 * c->nev + 1) * sizeof(*r));

	h->ep = malloc((2 * c->nev + 1) * sizeof(*h->ep));
	if (!r || !h->ep) {
		free(r);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->nev; i++) {
		r[2 * i] = (struct epref){ c->ev[i].m.src, i, false };
		r[2 * i + 1] = (struct epref){ c->ev[i].m.dst, i, true };
	}
	qsort(r, 2 * c->nev, sizeof(*r), epref_cmp);
	for (size_t i = 0; i < 2 * c->nev; i++) {
		if (!h->nep || addr_cmp(&h->ep[h->nep - 1], &r[i].a))
			h->ep[h->nep++] = r[i].a;
		(r[i].dst ? h->dst : h->src)[r[i].ev] = (int)h->nep - 1;
	}
	free(r);
	return 0;
}

static int find(struct hctx *h, int x)
{
	while (h->parent[x] != x)
		x = h->parent[x] = h->parent[h->parent[x]];
	return x;
}

static void unite(struct hctx *h, int a, int b)
{
	if (a < 0 || b < 0)
		return;
	a = find(h, a);
	b = find(h, b);
	if (a != b) /* the lower index stays root: deterministic labels */
		h->parent[a > b ? a : b] = a < b ? a : b;
}

static int ep_lookup(const struct hctx *h, const struct trace_addr *ip, uint16_t port)
{
	struct trace_addr k = *ip;
	size_t lo = 0, hi = h->nep;

	k.port = port;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = addr_cmp(&h->ep[mid], &k);
		if (!r)
			return (int)mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* One element per IP unless the IP sends to itself. */
static void unite_by_ip(struct hctx *h)
{
	const struct trace_ctx *c = h->c;

	for (size_t i = 0; i < c->nev; i++)
		if (same_ip(&c->ev[i].m.src, &c->ev[i].m.dst))
			h->self[h->src[i]] = h->self[h->dst[i]] = true;
	for (size_t s = 0, e; s < h->nep; s = e) {
		bool self = false;
		for (e = s; e < h->nep && same_ip(&h->ep[e], &h->ep[s]); e++)
			self |= h->self[e];
		for (size_t k = s; k < e; k++) {
			h->self[k] = self;
			if (!self)
				unite(h, (int)s, (int)k);
		}
	}
}

/* Protected ports of sec-agree belong to the element that announced them;
 * the sending port of a forwarded copy to the element that received it. */
static void unite_ports(struct hctx *h)
{
	const struct trace_ctx *c = h->c;
	struct sec_mech m[SECAGREE_MAX];

	for (size_t i = 0; i < c->nev; i++) {
		const struct trace_event *e = &c->ev[i];
		if (e->kind != EV_SIP)
			continue;
		size_t n = secagree_get(e->sip, e->sip->request ? "Security-Client" : "Security-Server",
					m, SECAGREE_MAX);
		for (size_t k = 0; k < n; k++) {
			unite(h, h->src[i], ep_lookup(h, &e->m.src, m[k].port_c));
			unite(h, h->src[i], ep_lookup(h, &e->m.src, m[k].port_s));
		}
		int from = hops_forwarded_from(c, (int)i);
		if (from >= 0)
			unite(h, h->src[i], h->dst[from]);
	}
}

/* --- roles ------------------------------------------------------------------ */

static void set_role(struct hctx *h, int ep, enum trace_role r)
{
	int root = find(h, ep);

	if (h->role[root] == ROLE_UNKNOWN)
		h->role[root] = r;
}

static enum trace_role diam_sender_role(const struct diam_info *d)
{
	switch (d->code) {
	case DIAM_CMD_MA: case DIAM_CMD_SA: return ROLE_SCSCF;
	case DIAM_CMD_UA: case DIAM_CMD_LI: return ROLE_ICSCF;
	case DIAM_CMD_AI: case DIAM_CMD_UL: case DIAM_CMD_PU: case DIAM_CMD_NO: return ROLE_MME;
	case DIAM_CMD_RT: case DIAM_CMD_PP: case DIAM_CMD_CL: case DIAM_CMD_ID: case DIAM_CMD_DS:
		return ROLE_HSS;
	}
	return ROLE_UNKNOWN;
}

static void diam_roles(struct hctx *h)
{
	const struct trace_ctx *c = h->c;

	for (size_t i = 0; i < c->nev; i++) {
		const struct diam_info *d = c->ev[i].diam;
		if (c->ev[i].kind != EV_DIAM || diam_sender_role(d) == ROLE_UNKNOWN)
			continue;
		if (d->request) {
			h->sends_ma[find(h, h->src[i])] = true;
			h->gets_ma[find(h, h->dst[i])] = true;
		}
	}
	for (size_t i = 0; i < h->nep; i++) /* relays: receive requests and send them on */
		if (h->sends_ma[i] && h->gets_ma[i])
			h->role[i] = ROLE_DRA;
	for (size_t i = 0; i < c->nev; i++) {
		const struct diam_info *d = c->ev[i].diam;
		enum trace_role r;
		if (c->ev[i].kind != EV_DIAM || (r = diam_sender_role(d)) == ROLE_UNKNOWN)
			continue;
		if (d->request)
			set_role(h, h->src[i], r);
		else if (r != ROLE_HSS) /* the answerer of a request to the HSS */
			set_role(h, h->src[i], ROLE_HSS);
		else /* the answerer of an HSS-initiated request */
			set_role(h, h->src[i], d->code == DIAM_CMD_RT || d->code == DIAM_CMD_PP ?
				 ROLE_SCSCF : ROLE_MME);
	}
}

static size_t count_hdr(const struct sip_msg *s, const char *name)
{
	size_t n = 0;
	while (sip_hdr_nth(s, name, n))
		n++;
	return n;
}

int hops_via_count(const struct sip_msg *s)
{
	const char *v;
	int n = 0;

	for (size_t i = 0; (v = sip_hdr_nth(s, "Via", i)); i++) {
		bool q = false;
		n++;
		for (; *v; v++) { /* RFC 3261 §7.3.1: a comma list counts each entry */
			if (*v == '"')
				q = !q;
			else if (*v == ',' && !q)
				n++;
		}
	}
	return n;
}

/* The element that answered a REGISTER chain: the sender of the first
 * final or challenge response of the same Call-ID and CSeq. */
static int answerer(const struct hctx *h, size_t req)
{
	const struct trace_ctx *c = h->c;
	const char *cid = sip_hdr(c->ev[req].sip, "Call-ID"), *cs = sip_hdr(c->ev[req].sip, "CSeq");

	for (size_t i = req + 1; cid && cs && i < c->nev && i < req + LOOKBACK; i++) {
		if (c->ev[i].copy == COPY_ORIGINAL && final_of(&c->ev[i], cid, cs))
			return (int)i;
	}
	return -1;
}

static void register_roles(struct hctx *h, size_t first)
{
	const struct trace_ctx *c = h->c;
	int last = (int)first, hops = 1;

	if (hops_via_count(c->ev[first].sip) == 1)
		set_role(h, h->src[first], ROLE_UE);
	for (int i = c->ev[first].copy_next; i >= 0; i = c->ev[i].copy_next) {
		const struct trace_event *e = &c->ev[i];
		if (e->copy != COPY_FORWARD)
			continue;
		const struct sip_msg *p = c->ev[hops_forwarded_from(c, i)].sip;
		bool path_added = count_hdr(e->sip, "Path") > count_hdr(p, "Path");
		set_role(h, h->src[i], path_added || hops == 1 ? ROLE_PCSCF : ROLE_ICSCF);
		last = i;
		hops++;
	}
	int ans = answerer(h, first);
	if (ans < 0 || find(h, h->src[ans]) != find(h, h->dst[last]))
		return;
	/* a lone element answering the UE with sec-agree is its P-CSCF */
	bool pcscf = hops == 1 && sip_hdr(c->ev[ans].sip, "Security-Server") &&
		     h->role[find(h, h->dst[last])] == ROLE_UNKNOWN;
	set_role(h, h->dst[last], pcscf ? ROLE_PCSCF : ROLE_SCSCF);
}

static void sip_roles(struct hctx *h)
{
	const struct trace_ctx *c = h->c;

	for (size_t i = 0; i < c->nev; i++)
		if (c->ev[i].kind == EV_SIP && c->ev[i].sip->request && c->ev[i].copy_first == (int)i &&
		    !strcasecmp(c->ev[i].sip->method, "REGISTER"))
			register_roles(h, i);
}

static void compute_roles(struct hctx *h)
{
	memset(h->role, 0, h->nep * sizeof(*h->role));
	memset(h->sends_ma, 0, h->nep * sizeof(bool));
	memset(h->gets_ma, 0, h->nep * sizeof(bool));
	diam_roles(h);
	sip_roles(h);
}

/* On a host running several elements, a Diameter client port belongs to
 * the SIP element of that role on the same IP, when there is one. */
static void unite_diameter_clients(struct hctx *h)
{
	const struct trace_ctx *c = h->c;

	for (size_t i = 0; i < c->nev; i++) {
		const struct trace_event *e = &c->ev[i];
		enum trace_role want;
		if (e->kind != EV_DIAM || !e->diam->request || !h->self[h->src[i]] ||
		    (want = diam_sender_role(e->diam)) == ROLE_UNKNOWN || want == ROLE_HSS)
			continue;
		int match = -1, n = 0;
		for (size_t k = 0; k < h->nep; k++)
			if (find(h, (int)k) == (int)k && (int)k != find(h, h->src[i]) &&
			    h->role[k] == want && same_ip(&h->ep[k], &e->m.src)) {
				match = (int)k;
				n++;
			}
		if (n == 1)
			unite(h, h->src[i], match);
	}
}

/* --- nodes ------------------------------------------------------------------ */

static int make_nodes(struct hctx *h)
{
	struct trace_ctx *c = h->c;
	int *node_of = malloc((h->nep + 1) * sizeof(int));

	free(c->nodes);
	c->nodes = calloc(h->nep + 1, sizeof(*c->nodes));
	c->nnodes = 0;
	if (!node_of || !c->nodes) {
		free(node_of);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->nep; i++)
		node_of[i] = -1;
	for (size_t i = 0; i < h->nep; i++) {
		int r = find(h, (int)i);
		if (node_of[r] < 0) {
			struct trace_node *n = &c->nodes[c->nnodes];
			node_of[r] = (int)c->nnodes++;
			n->addr = h->ep[r];
			n->by_port = h->self[r];
			n->role = h->role[r];
		}
	}
	for (size_t i = 0; i < c->nev; i++) {
		c->ev[i].src_node = node_of[find(h, h->src[i])];
		c->ev[i].dst_node = node_of[find(h, h->dst[i])];
		struct trace_node *n = &c->nodes[c->ev[i].src_node];
		if (c->ev[i].kind == EV_DIAM && !n->host[0] && c->ev[i].diam->origin_host[0])
			snprintf(n->host, sizeof(n->host), "%.95s", c->ev[i].diam->origin_host);
	}
	for (size_t i = 0; i < c->nnodes; i++)
		hops_label(c, (int)i, c->nodes[i].label, sizeof(c->nodes[i].label));
	free(node_of);
	return 0;
}

const char *hops_label(const struct trace_ctx *c, int node, char *buf, size_t sz)
{
	char a[64];

	if (node < 0 || (size_t)node >= c->nnodes) {
		snprintf(buf, sz, "?");
		return buf;
	}
	const struct trace_node *n = &c->nodes[node];
	struct trace_addr ad = n->addr;
	trace_addr_str(&ad, a, sizeof(a));
	if (!n->by_port) /* the IP alone names the element */
		a[strlen(a) - strlen(strrchr(a, ':'))] = '\0';
	if (n->role == ROLE_UNKNOWN)
		snprintf(buf, sz, "%s", a);
	else
		snprintf(buf, sz, "%s %s", trace_role_name(n->role), a);
	return buf;
}

int hops_build(struct trace_ctx *c)
{
	struct hctx h = { .c = c };
	size_t n = c->nev + 1;
	int rc = mark_copies(c);

	h.src = calloc(n, sizeof(int));
	h.dst = calloc(n, sizeof(int));
	if (!rc && (!h.src || !h.dst || collect_endpoints(&h)))
		rc = -ENOMEM;
	if (!rc) {
		h.parent = calloc(h.nep + 1, sizeof(int));
		h.self = calloc(h.nep + 1, sizeof(bool));
		h.role = calloc(h.nep + 1, sizeof(*h.role));
		h.sends_ma = calloc(h.nep + 1, sizeof(bool));
		h.gets_ma = calloc(h.nep + 1, sizeof(bool));
		if (!h.parent || !h.self || !h.role || !h.sends_ma || !h.gets_ma)
			rc = -ENOMEM;
	}
	if (!rc) {
		for (size_t i = 0; i < h.nep; i++)
			h.parent[i] = (int)i;
		unite_by_ip(&h);
		unite_ports(&h);
		compute_roles(&h);
		unite_diameter_clients(&h);
		compute_roles(&h);
		rc = make_nodes(&h);
	}
	free(h.src);
	free(h.dst);
	free(h.ep);
	free(h.parent);
	free(h.self);
	free(h.role);
	free(h.sends_ma);
	free(h.gets_ma);
	return rc;
}

int hops_forwarded_from(const struct trace_ctx *c, int ev)
{
	if (ev < 0 || c->ev[ev].copy != COPY_FORWARD)
		return -1;
	for (int i = c->ev[ev].copy_prev; i >= 0; i = c->ev[i].copy_prev)
		if (c->ev[i].copy == COPY_ORIGINAL || c->ev[i].copy == COPY_FORWARD)
			return i;
	return -1;
}

int hops_last(const struct trace_ctx *c, int ev)
{
	if (ev < 0)
		return -1;
	while (c->ev[ev].copy_next >= 0)
		ev = c->ev[ev].copy_next;
	return ev;
}

int hops_to_role(const struct trace_ctx *c, int ev, enum trace_role r)
{
	if (ev < 0)
		return -1;
	for (int i = c->ev[ev].copy_first; i >= 0; i = c->ev[i].copy_next)
		if (hops_dst_role(c, i) == r)
			return i;
	return -1;
}

enum trace_role hops_src_role(const struct trace_ctx *c, int ev)
{
	int n = ev >= 0 ? c->ev[ev].src_node : -1;
	return n >= 0 && (size_t)n < c->nnodes ? c->nodes[n].role : ROLE_UNKNOWN;
}

enum trace_role hops_dst_role(const struct trace_ctx *c, int ev)
{
	int n = ev >= 0 ? c->ev[ev].dst_node : -1;
	return n >= 0 && (size_t)n < c->nnodes ? c->nodes[n].role : ROLE_UNKNOWN;
}
