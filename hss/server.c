/* hssd's event loop, peers, dispatch and group commit (design note in
 * server.h). Single-threaded; signal handlers only set flags (STYLE.md §2).
 * Ownership: the server owns its connections (freed when closed) and
 * borrows cfg and db from main. */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "db.h"
#include "diameter/link.h"
#include "diameter/print.h"
#include "out_queue.h"
#include "util/log.h"

#define MAX_EVENTS 64
#define HSS_MAX_APPS 8
#define ANSWER_ROOM (128u * 1024) /* reserved per answer: SAA User-Data fits */
#define STOP_WAIT_MS 2000
#define TICK_MS 1000
#define MAX_BACKLOG (32u << 20) /* unsent octets before a peer is dropped */

enum { TAG_LISTENER, TAG_CONN };

/* Answers held back until the turn's commit (one per connection). */
struct gbuf {
	uint8_t *p;
	size_t len, cap;
};

struct pconn {
	int tag; /* TAG_CONN; first member (epoll data) */
	struct pconn *next;
	struct hss_server *srv;
	struct diam_link link; /* socket, buffers, peer state machine */
	struct gbuf gated;
	bool dead;
	bool epollout;
};

struct listener {
	int tag; /* TAG_LISTENER */
	int fd;
	enum diam_proto proto;
};

/* One request of the current turn whose answer is gated by the commit. */
struct pending {
	struct pconn *pc;
	const uint8_t *req; /* in pc->link's read buffer, valid until compaction */
	size_t req_len;
	size_t ans_off, ans_len; /* in pc->gated */
	const char *name;
	uint64_t t0_us;
};

struct hss_server {
	const struct hss_config *cfg;
	struct db *db;
	int ep;
	struct listener lis[HSS_MAX_LISTEN];
	int nlis;
	struct pconn *conns;
	struct diam_app apps[HSS_MAX_APPS];
	struct diam_local local;
	const char *allowed[HSS_MAX_PEERS];
	struct diam_peer_cfg pcfg;
	struct hss_ctx ctx; /* template; peer_host set per request */
	bool in_txn;
	bool txn_failed;
	struct pending *pend;
	size_t npend, cappend;
	uint64_t last_tick_ms;
	bool stopping;
	uint64_t stop_deadline_ms;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const struct hss_app *find_app(uint32_t app_id)
{
	for (const struct hss_app *const *a = hss_apps; *a; a++)
		if ((*a)->app_id == app_id)
			return *a;
	return NULL;
}

static const struct hss_route *find_route(const struct hss_app *app, uint32_t code)
{
	for (const struct hss_route *r = app ? app->routes : NULL; r && r->handler; r++)
		if (r->cmd_code == code)
			return r;
	return NULL;
}

static const char *peer_name(const struct pconn *pc)
{
	return pc->link.peer.host[0] ? pc->link.peer.host : "-";
}

/* ---- Debug dumps -------------------------------------------------------- */
/* The link's tap: every message in and out, at debug level. */
static void dump(void *arg, const char *dir, const uint8_t *buf, size_t len)
{
	static char text[32768];
	const struct pconn *pc = arg;

	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	diam_print_buf(text, sizeof(text), buf, len, log_keys_enabled ? DIAM_PRINT_SHOW_KEYS : 0);
	LOGD(LOG_DIAM, "%s %s %s\n%s", dir,
	     pc->link.peer.host[0] ? pc->link.peer.host : pc->link.addr,
	     dir[0] == '<' ? "received" : "sent", text);
}

/* ---- Output ------------------------------------------------------------- */
static int send_now(struct pconn *pc, const uint8_t *buf, size_t len)
{
	return diam_link_send(&pc->link, buf, len);
}

static uint8_t *gated_reserve(struct gbuf *g, size_t need)
{
	if (g->cap - g->len < need) {
		size_t cap = g->cap ? g->cap : ANSWER_ROOM;
		uint8_t *p;

		while (cap - g->len < need)
			cap *= 2;
		p = realloc(g->p, cap);
		if (!p)
			return NULL;
		g->p = p;
		g->cap = cap;
	}
	return g->p + g->len;
}

static void set_epollout(struct hss_server *s, struct pconn *pc, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = pc };

	if (pc->epollout == on)
		return;
	pc->epollout = on;
	epoll_ctl(s->ep, EPOLL_CTL_MOD, pc->link.fd, &ev);
}

static void flush_conn(struct hss_server *s, struct pconn *pc)
{
	ssize_t left;

	if (!diam_link_pending(&pc->link))
		return;
	left = diam_link_flush(&pc->link);
	if (left < 0) {
		if (!pc->dead)
			LOGN(LOG_DIAM, "peer %s (%s): write failed: %s", peer_name(pc), pc->link.addr,
			     strerror((int)-left));
		pc->dead = true;
		return;
	}
	if ((size_t)left > MAX_BACKLOG) {
		snprintf(pc->link.peer.why, sizeof(pc->link.peer.why),
			 "peer does not read its answers");
		pc->dead = true;
		return;
	}
	set_epollout(s, pc, left > 0);
}

/* ---- Connections -------------------------------------------------------- */
static void conn_free(struct hss_server *s, struct pconn *pc)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, pc->link.fd, NULL);
	diam_link_free(&pc->link);
	free(pc->gated.p);
	free(pc);
}

static void close_dead(struct hss_server *s)
{
	struct pconn **pp = &s->conns;

	while (*pp) {
		struct pconn *pc = *pp;

		if (!pc->dead) {
			pp = &pc->next;
			continue;
		}
		LOGI(LOG_DIAM, "peer %s (%s): connection closed%s%s", peer_name(pc), pc->link.addr,
		     pc->link.peer.why[0] ? ": " : "", pc->link.peer.why);
		*pp = pc->next;
		conn_free(s, pc);
	}
}

static void accept_all(struct hss_server *s, const struct listener *l, uint64_t now_ms)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct pconn *pc = calloc(1, sizeof(*pc));
		int rc;

		if (!pc || diam_link_init(&pc->link, &s->pcfg) < 0) {
			LOGE(LOG_DIAM, "out of memory accepting a connection");
			if (pc)
				diam_link_free(&pc->link);
			free(pc);
			return;
		}
		rc = diam_link_accept(&pc->link, l->fd, l->proto, now_ms);
		if (rc < 0) {
			if (rc != -EAGAIN)
				LOGW(LOG_DIAM, "accept: %s", strerror(-rc));
			diam_link_free(&pc->link);
			free(pc);
			return;
		}
		pc->tag = TAG_CONN;
		pc->srv = s;
		pc->link.tap = dump;
		pc->link.tap_arg = pc;
		ev.data.ptr = pc;
		epoll_ctl(s->ep, EPOLL_CTL_ADD, pc->link.fd, &ev);
		pc->next = s->conns;
		s->conns = pc;
		LOGI(LOG_DIAM, "connection from %s (%s)", pc->link.addr, pc->link.xp->name);
	}
}

/* Several connections from one Origin-Host are allowed (load generators
 * open many; Kamailio reconnects before we notice the old socket is gone,
 * and the watchdog reaps that one). hss_core_send_request() picks the
 * newest open one: connections are kept newest first. */
static void on_opened(struct hss_server *s, struct pconn *pc)
{
	int others = 0;

	for (struct pconn *o = s->conns; o; o = o->next)
		if (o != pc && !o->dead && o->link.peer.state == DIAM_PS_OPEN &&
		    !strcasecmp(o->link.peer.host, pc->link.peer.host))
			others++;
	LOGN(LOG_DIAM, "peer %s (%s): %s, Origin-State-Id %u%s", pc->link.peer.host,
	     pc->link.addr, pc->link.peer.why, pc->link.peer.peer_state_id,
	     others ? " (another connection is open)" : "");
}

/* ---- Transactions and dispatch ----------------------------------------- */
static int txn_begin(struct hss_server *s)
{
	int rc;

	if (s->in_txn)
		return 0;
	rc = db_txn_begin(s->db);
	if (rc < 0) {
		LOGE(LOG_DB, "BEGIN failed: %s", strerror(-rc));
		return rc;
	}
	s->in_txn = true;
	return 0;
}

static void put_5012(struct diam_link *out, struct gbuf *g, const uint8_t *req, size_t req_len,
		     const struct diam_local *l)
{
	struct diam_verdict v = { .result_code = DIAM_UNABLE_TO_COMPLY };
	uint8_t buf[4096];
	ssize_t n;

	snprintf(v.why, sizeof(v.why), "unable to comply");
	n = diam_build_error_answer(buf, sizeof(buf), req, req_len, l, &v);
	if (n <= 0)
		return;
	if (out) {
		diam_link_send(out, buf, (size_t)n);
	} else if (gated_reserve(g, (size_t)n)) {
		memcpy(g->p + g->len, buf, (size_t)n);
		g->len += (size_t)n;
	}
}

static void error_answer(struct pconn *pc, const uint8_t *req, size_t len, uint32_t code,
			 const char *why)
{
	struct diam_verdict v = { .result_code = code, .e_bit = code >= 3000 && code < 4000 };
	uint8_t buf[4096];
	ssize_t n;

	snprintf(v.why, sizeof(v.why), "%s", why);
	n = diam_build_error_answer(buf, sizeof(buf), req, len, &pc->srv->local, &v);
	if (n > 0)
		send_now(pc, buf, (size_t)n);
}

static struct pending *pending_add(struct hss_server *s)
{
	if (s->npend == s->cappend) {
		size_t cap = s->cappend ? s->cappend * 2 : 256;
		struct pending *p = realloc(s->pend, cap * sizeof(*p));

		if (!p)
			return NULL;
		s->pend = p;
		s->cappend = cap;
	}
	return &s->pend[s->npend++];
}

static void run_handler(struct hss_server *s, struct pconn *pc, const struct hss_route *r,
			const struct diam_msg *req, uint64_t t0)
{
	struct hss_ctx ctx = s->ctx;
	struct pending *p = pending_add(s);
	struct diam_wr w;
	uint8_t *room = gated_reserve(&pc->gated, ANSWER_ROOM);
	size_t off = pc->gated.len;
	ssize_t n = -1;
	int rc;

	if (!p || !room) {
		if (p)
			s->npend--;
		error_answer(pc, req->raw, req->raw_len, DIAM_UNABLE_TO_COMPLY, "out of memory");
		return;
	}
	ctx.peer_host = pc->link.peer.host;
	diam_wr_init(&w, room, pc->gated.cap - off);
	rc = r->handler(&ctx, req, &w);
	if (rc == 0)
		n = diam_wr_finish(&w);
	if (rc < 0 || n < 0) {
		LOGW(LOG_DIAM, "%s handler failed (%s): answering 5012", r->name,
		     rc < 0 ? strerror(-rc) : diam_strerror((int)n));
		put_5012(NULL, &pc->gated, req->raw, req->raw_len, &s->local);
	} else {
		pc->gated.len += (size_t)n;
	}
	*p = (struct pending){ .pc = pc, .req = req->raw, .req_len = req->raw_len,
			       .ans_off = off, .ans_len = pc->gated.len - off, .name = r->name,
			       .t0_us = t0 };
}

static void on_request(struct hss_server *s, struct pconn *pc, const struct diam_msg *m,
		       uint64_t t0)
{
	const struct hss_app *app = find_app(m->hdr.app_id);
	const struct hss_route *r = find_route(app, m->hdr.code);
	bool app_known = app != NULL;

	if (!r) {
		/* RFC 6733 §7.1.3: 3007 for an application we do not serve,
		 * 3001 for a command it does not have. */
		uint32_t code = app_known ? DIAM_COMMAND_UNSUPPORTED : DIAM_APPLICATION_UNSUPPORTED;

		error_answer(pc, m->raw, m->raw_len, code,
			     app_known ? "command not supported" : "application not supported");
		LOGI(LOG_DIAM, "cmd=%u app=%u peer=%s result=%u", m->hdr.code, m->hdr.app_id,
		     pc->link.peer.host, code);
		return;
	}
	if (pc->link.peer.state != DIAM_PS_OPEN) {
		error_answer(pc, m->raw, m->raw_len, DIAM_UNABLE_TO_COMPLY, "peer is closing");
		return;
	}
	if (txn_begin(s) < 0) {
		error_answer(pc, m->raw, m->raw_len, DIAM_UNABLE_TO_COMPLY, "store unavailable");
		return;
	}
	run_handler(s, pc, r, m, t0);
}

/* An answer to a request an application originates (RTR, PPR, CLR, IDR):
 * to the outbound queue, inside the turn's transaction. */
static void on_answer(struct hss_server *s, struct pconn *pc, const struct diam_msg *m)
{
	struct hss_ctx ctx = s->ctx;

	if (!hss_out_kind_of(m->hdr.app_id, m->hdr.code)) {
		LOGD(LOG_DIAM, "answer cmd=%u app=%u from %s ignored", m->hdr.code, m->hdr.app_id,
		     pc->link.peer.host);
		return;
	}
	if (txn_begin(s) < 0)
		return;
	ctx.peer_host = pc->link.peer.host;
	hss_out_answer(&ctx, m);
}

static void process_input(struct hss_server *s, struct pconn *pc, uint64_t now_ms, uint64_t t0)
{
	struct diam_msg m;

	while (!pc->dead) {
		switch (diam_link_next(&pc->link, now_ms, &m)) {
		case DIAM_LE_NONE:
			return;
		case DIAM_LE_REQUEST:
			on_request(s, pc, &m, t0);
			break;
		case DIAM_LE_ANSWER:
			on_answer(s, pc, &m);
			break;
		case DIAM_LE_BAD_ANSWER:
		case DIAM_LE_REJECTED:
			LOGN(LOG_DIAM, "peer %s (%s): %s", peer_name(pc), pc->link.addr,
			     pc->link.peer.why);
			break;
		case DIAM_LE_OPENED:
			on_opened(s, pc);
			break;
		case DIAM_LE_CLOSE:
			pc->dead = true;
			break;
		}
	}
}

static void on_readable(struct hss_server *s, struct pconn *pc, uint64_t now_ms, uint64_t t0)
{
	ssize_t n = diam_link_read(&pc->link, now_ms);

	if (n < 0) {
		diam_peer_lost(&pc->link.peer, strerror((int)-n));
		pc->dead = true;
		return;
	}
	process_input(s, pc, now_ms, t0);
}

/* ---- End of turn: commit, release, log, write -------------------------- */
static void log_pending(const struct pending *p, uint64_t t1)
{
	struct diam_msg req, ans;
	struct diam_avp er, code;
	char impi[128] = "-";
	uint32_t rc = 0;
	bool exp = false;

	if (!log_enabled(LOG_LVL_INFO))
		return;
	if (diam_msg_parse(p->req, p->req_len, &req) == 0)
		diam_msg_str(&req, AVP_USER_NAME, 0, impi, sizeof(impi));
	if (diam_msg_parse(p->pc->gated.p + p->ans_off, p->ans_len, &ans) == 0 &&
	    diam_msg_u32(&ans, AVP_RESULT_CODE, 0, &rc) != 0 &&
	    diam_msg_find(&ans, AVP_EXPERIMENTAL_RESULT, 0, &er) == 0 &&
	    diam_group_find(&er, AVP_EXPERIMENTAL_RESULT_CODE, 0, &code) == 0 &&
	    diam_avp_u32(&code, &rc) == 0)
		exp = true;
	LOGI(LOG_DIAM, "%s impi=%s result=%s%u latency_us=%llu peer=%s", p->name, impi,
	     exp ? "exp:" : "", rc, (unsigned long long)(t1 - p->t0_us), p->pc->link.peer.host);
}

static void release_gated(struct hss_server *s, bool committed)
{
	uint64_t t1 = now_us();

	for (size_t i = 0; i < s->npend; i++)
		log_pending(&s->pend[i], t1);
	if (!committed) {
		/* Nothing held back may leave: answer 5012 instead (hss/app.h). */
		for (size_t i = 0; i < s->npend; i++) {
			const struct pending *p = &s->pend[i];

			put_5012(&p->pc->link, NULL, p->req, p->req_len, &s->local);
		}
	}
	for (struct pconn *pc = s->conns; pc; pc = pc->next) {
		if (committed && pc->gated.len) {
			uint8_t *p = diam_link_reserve(&pc->link, pc->gated.len);

			if (p) {
				memcpy(p, pc->gated.p, pc->gated.len);
				diam_link_commit(&pc->link, pc->gated.len); /* tapped */
			} else {
				pc->dead = true;
			}
		}
		pc->gated.len = 0;
	}
	s->npend = 0;
}

static void end_turn(struct hss_server *s)
{
	bool committed = true;

	if (s->in_txn) {
		int rc = db_txn_commit(s->db);

		if (rc < 0) {
			LOGE(LOG_DB, "COMMIT failed (%s): %zu answers replaced by 5012", strerror(-rc),
			     s->npend);
			db_txn_rollback(s->db);
			committed = false;
		}
		s->in_txn = false;
	}
	release_gated(s, committed);
	for (struct pconn *pc = s->conns; pc; pc = pc->next) {
		flush_conn(s, pc);
		diam_link_compact(&pc->link);
	}
	close_dead(s);
}

/* ---- Timers and shutdown ------------------------------------------------ */
static void tick(struct hss_server *s, uint64_t now_ms)
{
	struct hss_ctx ctx = s->ctx;

	for (struct pconn *pc = s->conns; pc; pc = pc->next)
		if (!pc->dead && diam_link_tick(&pc->link, now_ms) == DIAM_PA_CLOSE)
			pc->dead = true;
	if (!s->stopping && txn_begin(s) == 0)
		hss_out_tick(&ctx);
}

static void begin_stop(struct hss_server *s, uint64_t now_ms)
{
	s->stopping = true;
	s->stop_deadline_ms = now_ms + STOP_WAIT_MS;
	for (int i = 0; i < s->nlis; i++) {
		epoll_ctl(s->ep, EPOLL_CTL_DEL, s->lis[i].fd, NULL);
		close(s->lis[i].fd);
	}
	s->nlis = 0;
	/* RFC 6733 §5.4: say goodbye to open peers (cause REBOOTING). */
	for (struct pconn *pc = s->conns; pc; pc = pc->next)
		if (diam_link_disconnect(&pc->link, 0, now_ms) == DIAM_PA_CLOSE)
			pc->dead = true;
	LOGN(LOG_MAIN, "stopping: DPR sent to open peers");
}

int hss_server_run(struct hss_server *s, volatile sig_atomic_t *stop,
		   volatile sig_atomic_t *hup)
{
	struct epoll_event evs[MAX_EVENTS];

	s->last_tick_ms = now_us() / 1000;
	log_set_buffered(true);
	for (;;) {
		uint64_t now_ms = now_us() / 1000, t0;
		int timeout = (int)(s->last_tick_ms + TICK_MS > now_ms
					    ? s->last_tick_ms + TICK_MS - now_ms : 0);
		int n;

		if (*stop && !s->stopping)
			begin_stop(s, now_ms);
		if (s->stopping) {
			end_turn(s);
			if (!s->conns || now_ms >= s->stop_deadline_ms)
				break;
			timeout = timeout > 100 ? 100 : timeout;
		}
		if (*hup) {
			*hup = 0;
			log_reopen();
			LOGN(LOG_MAIN, "SIGHUP: log reopened");
		}
		log_flush(); /* one write per turn for all lines, before sleeping */
		n = epoll_wait(s->ep, evs, MAX_EVENTS, timeout);
		if (n < 0 && errno != EINTR) {
			LOGE(LOG_MAIN, "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		t0 = now_us();
		now_ms = t0 / 1000;
		for (int i = 0; i < n; i++) {
			int tag = *(int *)evs[i].data.ptr;

			if (tag == TAG_LISTENER) {
				accept_all(s, evs[i].data.ptr, now_ms);
				continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				on_readable(s, evs[i].data.ptr, now_ms, t0);
		}
		if (now_ms >= s->last_tick_ms + TICK_MS) {
			s->last_tick_ms = now_ms;
			tick(s, now_ms);
		}
		end_turn(s);
	}
	log_set_buffered(false);
	while (s->conns) {
		s->conns->dead = true;
		close_dead(s);
	}
	return 0;
}

/* ---- Setup -------------------------------------------------------------- */
static int write_port_file(const char *path, uint16_t port)
{
	char tmp[600];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (!fp)
		return -errno;
	fprintf(fp, "%u\n", port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return -errno;
	return 0;
}

static int open_listeners(struct hss_server *s)
{
	const struct hss_config *c = s->cfg;

	for (int i = 0; i < c->nlisten; i++) {
		struct diam_endpoint ep = c->listen[i];
		struct epoll_event ev = { .events = EPOLLIN };
		char name[128];
		uint16_t port = 0;
		int fd = diam_listen(&ep, &port);

		diam_endpoint_format(&ep, name, sizeof(name));
		if (fd < 0) {
			LOGE(LOG_MAIN, "listen %s: %s", name, strerror(-fd));
			return fd;
		}
		ep.port = port;
		diam_endpoint_format(&ep, name, sizeof(name));
		LOGN(LOG_MAIN, "listening on %s", name);
		s->lis[s->nlis] = (struct listener){ .tag = TAG_LISTENER, .fd = fd, .proto = ep.proto };
		ev.data.ptr = &s->lis[s->nlis++];
		epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev);
		/* A caller waiting for the port file would wait forever: fail now. */
		int rc = i == 0 && c->port_file[0] ? write_port_file(c->port_file, port) : 0;
		if (rc < 0) {
			LOGE(LOG_MAIN, "--port-file %s: %s", c->port_file, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void setup_identity(struct hss_server *s)
{
	const struct hss_config *c = s->cfg;
	size_t napps = 0;

	/* Advertise each served application as a Vendor-Specific-
	 * Application-Id (how Kamailio's cdp needs Cx). */
	for (const struct hss_app *const *a = hss_apps; *a && napps < HSS_MAX_APPS; a++)
		s->apps[napps++] = (struct diam_app){ (*a)->vendor_id, (*a)->app_id };
	s->local = (struct diam_local){
		.origin_host = c->origin_host, .origin_realm = c->realm, .product_name = "hssd",
		.vendor_id = 0, .firmware_revision = 1, .origin_state_id = (uint32_t)time(NULL),
		.apps = s->apps, .napps = napps,
	};
	for (int i = 0; i < c->npeers; i++)
		s->allowed[i] = c->peers[i];
	s->pcfg = (struct diam_peer_cfg){
		.local = &s->local, .allowed = s->allowed, .nallowed = (size_t)c->npeers,
		.accept_any = c->accept_any_peer, .tw_ms = c->watchdog_s * 1000u,
		.dpa_wait_ms = STOP_WAIT_MS,
	};
	s->ctx = (struct hss_ctx){
		.db = s->db, .id = { c->origin_host, c->realm }, .max_vectors = c->max_vectors,
		.origin_state_id = s->local.origin_state_id, .core = s,
	};
}

int hss_server_open(struct hss_server **out, const struct hss_config *cfg, struct db *db)
{
	struct hss_server *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->cfg = cfg;
	s->db = db;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		rc = -errno;
		free(s);
		return rc;
	}
	setup_identity(s);
	rc = open_listeners(s);
	if (rc < 0) {
		hss_server_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void hss_server_free(struct hss_server *s)
{
	if (!s)
		return;
	if (s->in_txn)
		db_txn_rollback(s->db);
	while (s->conns) {
		struct pconn *pc = s->conns;

		s->conns = pc->next;
		conn_free(s, pc);
	}
	for (int i = 0; i < s->nlis; i++)
		close(s->lis[i].fd);
	close(s->ep);
	free(s->pend);
	free(s);
}

/* ---- hss/app.h core services -------------------------------------------- */
int hss_core_send_request(struct hss_ctx *ctx, const char *host, const uint8_t *buf, size_t len)
{
	struct hss_server *s = ctx->core;

	for (struct pconn *pc = s->conns; pc; pc = pc->next) {
		if (pc->dead || pc->link.peer.state != DIAM_PS_OPEN ||
		    strcasecmp(pc->link.peer.host, host))
			continue;
		/* Gated like an answer: it reflects state of this transaction. */
		if (!gated_reserve(&pc->gated, len))
			return -ENOSPC;
		memcpy(pc->gated.p + pc->gated.len, buf, len);
		pc->gated.len += len;
		return 0;
	}
	return -ENOTCONN;
}
