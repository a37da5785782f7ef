/* diam-load's connections and loop (design note in load.h).
 * Ownership: load_run() owns every connection and frees them before it
 * returns; the stats' sample array belongs to the caller (stats_free). */
#include "load.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diameter/link.h"

#define REQ_ROOM 4096          /* free space kept in a write buffer per request */
#define POLL_MS 5
#define CEX_TIMEOUT_MS 5000

struct slot {
	uint32_t hbh;
	unsigned user;
	uint64_t t_ns;
	bool used;
};

/* One load connection: the common Diameter link (socket, buffers, the
 * RFC 6733 peer machine: CER/CEA, DWR/DWA, DPR/DPA) plus its window. */
struct lconn {
	struct diam_link link;
	struct slot *slots;
	uint32_t mask, next_hbh;
	unsigned inflight;
	bool dead;
};

struct run {
	const struct load_cfg *c;
	struct load_stats *s;
	struct lconn *lc;
	struct req_tmpl tmpl;
	struct diam_app app;
	struct diam_local local;
	struct diam_peer_cfg pcfg;
	uint32_t next_sid;
	unsigned next_user;
	uint64_t t_warm, t_end; /* measured window [t_warm, t_end) in ns */
	bool sending;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ms(void) { return now_ns() / 1000000u; }

/* ---- Setup: connect, CER/CEA ------------------------------------------- */
/* What our CER says: the request type's application, as an S-CSCF (MAR)
 * or an MME (AIR) would advertise it. */
static void setup_identity(struct run *r)
{
	const struct load_cfg *c = r->c;

	r->app = (struct diam_app){ c->req->vendor_id, c->req->app_id };
	r->local = (struct diam_local){ .origin_host = c->origin_host,
					.origin_realm = c->origin_realm,
					.product_name = "diam-load", .apps = &r->app, .napps = 1 };
	r->pcfg = (struct diam_peer_cfg){ .local = &r->local, .accept_any = true,
					  .cex_timeout_ms = CEX_TIMEOUT_MS };
}

/* Connects and exchanges capabilities (blocking, before the load). */
static int capabilities(struct lconn *l, const struct diam_endpoint *ep)
{
	struct diam_msg m;
	int rc = diam_link_connect(&l->link, ep, now_ms());

	while (rc == 0) {
		struct pollfd p = { .fd = l->link.fd,
				    .events = POLLIN | (diam_link_want_write(&l->link) ? POLLOUT : 0) };

		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			return -errno;
		if (l->link.connecting && (p.revents & (POLLOUT | POLLERR | POLLHUP)))
			rc = diam_link_connected(&l->link, now_ms());
		else if ((p.revents & (POLLIN | POLLERR | POLLHUP)) &&
			 diam_link_read(&l->link, now_ms()) < 0)
			return -ECONNRESET;
		switch (rc ? DIAM_LE_NONE : diam_link_next(&l->link, now_ms(), &m)) {
		case DIAM_LE_OPENED:
			diam_link_compact(&l->link);
			return 0;
		case DIAM_LE_CLOSE:
			return strstr(l->link.peer.why, "CEA result") ? -EACCES
			       : strstr(l->link.peer.why, "within") ? -ETIMEDOUT : -ECONNRESET;
		default:
			break;
		}
		if (rc == 0 && diam_link_tick(&l->link, now_ms()) == DIAM_PA_CLOSE)
			return -ETIMEDOUT;
	}
	return rc;
}

static int conn_open(struct run *r, struct lconn *l, unsigned idx)
{
	const struct load_cfg *c = r->c;
	struct diam_endpoint ep = { .proto = DIAM_PROTO_TCP, .port = c->port };
	uint32_t slots = 1;

	while (slots < c->window * 4)
		slots <<= 1;
	l->mask = slots - 1;
	l->next_hbh = (idx + 1) << 24;
	l->slots = calloc(slots, sizeof(*l->slots));
	if (!l->slots)
		return -ENOMEM;
	if (snprintf(ep.host, sizeof(ep.host), "%s", c->host) >= (int)sizeof(ep.host))
		return -EINVAL;
	return capabilities(l, &ep);
}

static void conn_close(struct lconn *l)
{
	diam_link_free(&l->link);
	free(l->slots);
}

/* ---- Load --------------------------------------------------------------- */
/* Fills l's window with new requests (users round robin over all conns). */
static int top_up(struct run *r, struct lconn *l)
{
	const struct load_cfg *c = r->c;
	uint64_t t = now_ns();

	while (l->inflight < c->window) {
		struct slot *sl = &l->slots[l->next_hbh & l->mask];
		struct diam_wr w;
		uint8_t *p;

		if (sl->used)
			break; /* an old request still holds this slot: wait for it */
		p = diam_link_reserve(&l->link, REQ_ROOM);
		if (!p)
			return -ENOMEM;
		if (r->tmpl.ok) {
			diam_link_commit(&l->link, tmpl_emit(&r->tmpl, c, p, r->next_user,
							     r->next_sid++, l->next_hbh,
							     diam_next_e2e()));
		} else {
			char sid[sizeof(r->tmpl.sid_prefix) + 12];
			ssize_t n;

			snprintf(sid, sizeof(sid), TMPL_SID_FMT, r->tmpl.sid_prefix, r->next_sid++);
			diam_wr_init(&w, p, REQ_ROOM);
			c->req->build(&w, c, r->next_user, sid, l->next_hbh, diam_next_e2e());
			n = diam_wr_finish(&w);
			if (n < 0)
				return (int)n;
			diam_link_commit(&l->link, (size_t)n);
		}
		*sl = (struct slot){ .hbh = l->next_hbh, .user = r->next_user, .t_ns = t, .used = true };
		l->next_hbh++;
		l->inflight++;
		r->s->sent++;
		r->next_user = (r->next_user + 1) % c->users;
	}
	return 0;
}

/* hssd may ask us an application request (RTR, CLR, IDR: we are a load
 * generator, not an S-CSCF or MME): a bare 2001. DWR and DPR are the
 * link's. */
static int answer_request(struct run *r, struct lconn *l, const struct diam_msg *m)
{
	struct diam_wr w;
	uint8_t *p = diam_link_reserve(&l->link, REQ_ROOM);
	ssize_t n;

	if (!p)
		return -ENOMEM;
	diam_wr_init(&w, p, REQ_ROOM);
	diam_answer_begin(&w, m);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, r->c->origin_host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, r->c->origin_realm);
	n = diam_wr_finish(&w);
	if (n < 0)
		return (int)n;
	diam_link_commit(&l->link, (size_t)n);
	return 0;
}

static void on_answer(struct run *r, struct lconn *l, const struct diam_msg *m, uint64_t t)
{
	struct slot *sl = &l->slots[m->hdr.hbh & l->mask];
	uint32_t code;
	int n;

	if (!sl->used || sl->hbh != m->hdr.hbh) {
		r->s->bad_answers++;
		return;
	}
	sl->used = false;
	l->inflight--;
	r->s->answers++;
	if (t >= r->t_warm && t < r->t_end)
		r->s->in_window++;
	if (sl->t_ns >= r->t_warm)
		stats_latency(r->s, (uint32_t)((t - sl->t_ns) / 1000));
	code = answer_code(m);
	stats_result(r->s, code);
	if (code != DIAM_SUCCESS)
		return;
	n = r->c->req->count(m);
	if (n != (int)r->c->vectors)
		r->s->bad_answers++;
	else if (t >= r->t_warm && t < r->t_end)
		r->s->vectors += (unsigned)n;
	if (r->c->dump && r->c->req->dump && r->c->req->dump(r->c->dump, r->c, sl->user, m) < 0)
		r->s->bad_answers++;
}

static void conn_lost(struct run *r, struct lconn *l)
{
	if (l->dead)
		return;
	l->dead = true;
	if (r->sending || l->inflight)
		r->s->conn_lost++;
	r->s->unanswered += l->inflight;
	l->inflight = 0;
}

/* A defective answer (the link checked it): its request failed. */
static void on_bad_answer(struct run *r, struct lconn *l, const struct diam_msg *m)
{
	struct slot *sl = &l->slots[m->hdr.hbh & l->mask];

	r->s->bad_answers++;
	if (sl->used && sl->hbh == m->hdr.hbh) {
		sl->used = false;
		l->inflight--;
		r->s->answers++;
	}
}

static void on_readable(struct run *r, struct lconn *l)
{
	struct diam_msg m;
	uint64_t t;

	if (diam_link_read(&l->link, 0) < 0) {
		conn_lost(r, l);
		return;
	}
	t = now_ns();
	for (;;) {
		switch (diam_link_next(&l->link, t / 1000000u, &m)) {
		case DIAM_LE_NONE:
			diam_link_compact(&l->link);
			return;
		case DIAM_LE_ANSWER:
			on_answer(r, l, &m, t);
			break;
		case DIAM_LE_BAD_ANSWER:
			on_bad_answer(r, l, &m);
			break;
		case DIAM_LE_REQUEST:
			if (answer_request(r, l, &m) < 0) {
				conn_lost(r, l);
				return;
			}
			break;
		case DIAM_LE_CLOSE: /* DPR answered, watchdog, peer gone */
			diam_link_flush(&l->link);
			conn_lost(r, l);
			return;
		case DIAM_LE_OPENED:
		case DIAM_LE_REJECTED:
			break;
		}
	}
}

/* One turn: wait, read answers, refill windows, send. false when done. */
static bool turn(struct run *r, struct pollfd *p)
{
	const struct load_cfg *c = r->c;
	unsigned live = 0, busy = 0;

	for (unsigned i = 0; i < c->conns; i++) {
		struct lconn *l = &r->lc[i];

		p[i] = (struct pollfd){ .fd = l->dead ? -1 : l->link.fd,
					.events = POLLIN | (diam_link_want_write(&l->link) ? POLLOUT : 0) };
	}
	if (poll(p, c->conns, POLL_MS) < 0 && errno != EINTR)
		return false;
	r->sending = r->sending && now_ns() < r->t_end;
	for (unsigned i = 0; i < c->conns; i++) {
		struct lconn *l = &r->lc[i];

		if (!l->dead && (p[i].revents & (POLLIN | POLLERR | POLLHUP)))
			on_readable(r, l);
		if (!l->dead && r->sending && top_up(r, l) < 0)
			conn_lost(r, l);
		if (!l->dead && (diam_link_flush(&l->link) < 0 ||
				 diam_link_tick(&l->link, now_ms()) == DIAM_PA_CLOSE))
			conn_lost(r, l);
		live += !l->dead;
		busy += l->inflight;
	}
	return live && (r->sending || busy);
}

int load_run(const struct load_cfg *c, struct load_stats *s)
{
	struct run r = { .c = c, .s = s };
	struct pollfd *p = calloc(c->conns, sizeof(*p));
	uint64_t t0, t_stop, drain_end;
	int rc = 0;

	tmpl_init(&r.tmpl, c);
	if (!r.tmpl.ok)
		fprintf(stderr, "diam-load: note: request template check failed, building each "
				"request (slower)\n");

	r.lc = calloc(c->conns, sizeof(*r.lc));
	if (!p || !r.lc) {
		free(p);
		free(r.lc);
		return -ENOMEM;
	}
	setup_identity(&r);
	for (unsigned i = 0; i < c->conns; i++)
		if (diam_link_init(&r.lc[i].link, &r.pcfg) < 0)
			rc = -ENOMEM;
	for (unsigned i = 0; i < c->conns && rc == 0; i++) {
		rc = conn_open(&r, &r.lc[i], i);
		if (rc < 0)
			fprintf(stderr, "diam-load: connection %u to %s:%u: %s\n", i + 1, c->host,
				c->port, rc == -EACCES ? "CER refused" : strerror(-rc));
	}
	if (rc == 0) {
		t0 = now_ns();
		r.t_warm = t0 + (uint64_t)(c->warmup_s * 1e9);
		r.t_end = t0 + (uint64_t)(c->duration_s * 1e9);
		r.sending = true;
		while (r.sending && turn(&r, p))
			;
		t_stop = now_ns() < r.t_end ? now_ns() : r.t_end;
		s->elapsed_s = t_stop > r.t_warm ? (double)(t_stop - r.t_warm) / 1e9 : 0;
		drain_end = now_ns() + (uint64_t)(c->drain_s * 1e9);
		while (now_ns() < drain_end && turn(&r, p))
			;
		for (unsigned i = 0; i < c->conns; i++)
			s->unanswered += r.lc[i].dead ? 0 : r.lc[i].inflight;
	}
	for (unsigned i = 0; i < c->conns; i++)
		conn_close(&r.lc[i]);
	free(r.lc);
	free(p);
	return rc;
}
