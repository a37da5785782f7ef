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
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "db.h"
#include "diam_fault.h"
#include "diameter/link.h"
#include "diameter/print.h"
#include "held.h"
#include "hss_metrics.h"
#include "out_queue.h"
#include "prefetch.h"
#include "util/log.h"
#include "util/metrics.h"

#define MAX_EVENTS 64
#define HSS_MAX_APPS 8
#define ANSWER_ROOM (128u * 1024) /* reserved per answer: SAA User-Data fits */
#define STOP_WAIT_MS 2000
#define FD_LOG_EVERY_MS 60000 /* one "out of descriptors" line a minute */
#define TICK_MS 1000
#define MAX_BACKLOG (32u << 20) /* unsent octets before a peer is dropped */

enum { TAG_LISTENER, TAG_CONN, TAG_METRICS, TAG_COMMIT };
#define COMMIT_SIBLINGS 8 /* commit_wait: from this many entries a commit */
#define COMMIT_DELAY_MS 1  /* ... and at most this long */
#define HERE_PROBE_EVERY 32 /* commit_here: one idle commit in this many tries the other way */
#define PAIR_LOG_BURST 3 /* lines a minute about unpaired commits */
#define MAX_RUNS 8 /* a request whose SQN another hssd took runs again, this often */

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
	bool quiet;    /* closed in a flood: no line of its own */
	bool epollout;
};

struct listener {
	int tag; /* TAG_LISTENER */
	int fd;
	enum diam_proto proto;
};

/* An answer a delay fault holds back until due_ms. */
struct delayed {
	struct delayed *next;
	struct pconn *pc;
	uint64_t due_ms, t0_us;
	const char *name;
	uint8_t *buf;
	size_t len;
};

/* A descriptor of the /metrics listener in the epoll set. */
struct mfd {
	int tag; /* TAG_METRICS; first member (epoll data) */
	int fd;  /* -1: free */
};

struct hss_server {
	const struct hss_config *cfg;
	struct db *db;
	int ep;
	struct listener lis[HSS_MAX_LISTEN];
	int nlis;
	struct pconn *conns;
	struct diam_app apps[HSS_MAX_APPS];
	const struct diam_rule_set *rule_sets[HSS_MAX_APPS + 1]; /* of the apps served */
	struct diam_local local;
	const char *allowed[HSS_MAX_PEERS], *agents[HSS_MAX_PEERS];
	struct diam_peer_cfg pcfg;
	struct hss_ctx ctx; /* template; peer_host set per request */
	struct prefetch *pf; /* the turn's identity-cache keys (intake) */
	bool in_txn;
	bool txn_failed;
	/* this turn's gated answers (held.h: request in the read buffer,
	 * answer in the connection's gated buffer) */
	struct held *pend;
	size_t npend, cappend;
	/* group commit without stopping the loop (db_commit_*): sealed turns
	 * whose commit is on its way, and batches released this turn whose
	 * bytes requests running again still point into */
	bool async;
	struct held_queue held;
	struct held_batch *retired;
	int commit_tag;             /* TAG_COMMIT: epoll data of the commit fd */
	int commit_fd;              /* in the epoll set; -1: none */
	uint32_t next_tag;
	uint64_t last_tick_ms;
	bool stopping;
	uint64_t stop_deadline_ms;
	struct hfaults faults;
	struct delayed *delayed;
	struct metrics *reg;        /* --metrics: the registry, hssd's families, */
	struct hss_metrics *met;    /* and the listener; all NULL without it */
	struct metrics_srv *msrv;
	struct mfd mfd[METRICS_SRV_MAX_CONN + 1];
	/* Out of descriptors (EMFILE/ENFILE): listeners out of epoll until a
	 * connection closes or a tick passes (OpenBGPD session.c's pause). */
	bool accept_paused;
	uint64_t accept_resume_ms;
	struct log_limit fd_log;    /* "out of descriptors": a line a minute */
	unsigned fd_log_skipped;    /* pauses since that line */
	size_t max_pre_cer;         /* connections allowed to wait for CER */
	unsigned evicted;           /* of them, closed to make room */
	struct log_limit flood_log; /* lines strangers can cause */
	size_t last_commit_n;       /* entries of the last commit started */
	uint64_t commit_due_us;     /* commit_wait: the open batch waits until then */
	/* commit_here: how long an idle loop's commit takes to become durable
	 * on its own thread and by the fsync thread (µs, running means), the
	 * idle loop's commits so far, and the one timed on the fsync thread */
	uint64_t here_avg_us, thread_avg_us;
	uint64_t idle_commits;
	uint64_t timed_seq, timed_us;
	uint64_t store_down_ms;     /* first failed commit of an outage, 0: none */
	unsigned store_failures;    /* failed commits in this outage */
	size_t store_lost;          /* answers replaced by 5012 in it */
	struct log_limit evict_log; /* "waiting for CER": a line per window */
	struct log_limit pair_log;  /* a commit not paired with its batch */
	unsigned evicted_logged;    /* s->evicted at the last summary */
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
	char head[400];

	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	diam_print_buf(text, sizeof(text), buf, len, log_keys_enabled ? DIAM_PRINT_SHOW_KEYS : 0);
	snprintf(head, sizeof(head), "%s %s %s", dir,
		 pc->link.peer.host[0] ? pc->link.peer.host : pc->link.addr,
		 dir[0] == '<' ? "received" : "sent");
	log_block(LOG_DIAM, LOG_LVL_DEBUG, head, text);
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
static void drop_delayed(struct hss_server *s, struct pconn *pc);
static void on_readable(struct hss_server *s, struct pconn *pc, uint64_t now_ms, uint64_t t0);

static void conn_free(struct hss_server *s, struct pconn *pc)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, pc->link.fd, NULL);
	diam_link_free(&pc->link);
	free(pc->gated.p);
	free(pc);
}

/* ---- Accept throttling and floods ------------------------------------ */
/* Issue 16 item 4: idle or garbage-sending strangers must not starve the
 * configured peers. A connection that has not sent its CER within
 * CER_WAIT_MS is closed (peer.h cex_timeout); at most s->max_pre_cer of
 * them exist at once — a new one evicts the oldest, so the descriptors
 * left (FD_RESERVE_MIN at least) stay for peers that complete their CER,
 * and a real peer, which sends its CER at once, still gets in during a
 * flood. Lines a stranger can cause go through one limiter: a flood is
 * logged as one summary line per FLOOD_WINDOW_MS, not per event. */
#define CER_WAIT_MS 5000
#define FD_RESERVE_MIN 8
#define PRE_CER_MAX 1024 /* and a memory bound: ~30 KiB each at most */
#define FLOOD_BURST 50
#define FLOOD_WINDOW_MS 10000

static void listeners_poll(struct hss_server *s, bool on)
{
	for (int i = 0; i < s->nlis; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &s->lis[i] };

		epoll_ctl(s->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s->lis[i].fd, &ev);
	}
}

static size_t conn_count(const struct hss_server *s)
{
	size_t n = 0;

	for (const struct pconn *pc = s->conns; pc; pc = pc->next)
		n++;
	return n;
}

/* A peer named in the configuration (not let in by accept-any-peer). */
static bool configured(const struct hss_server *s, const struct pconn *pc)
{
	const struct diam_peer_cfg *c = &s->pcfg;

	if (pc->link.peer.state != DIAM_PS_OPEN && pc->link.peer.state != DIAM_PS_CLOSING)
		return false;
	for (size_t i = 0; i < c->nallowed; i++)
		if (!strcasecmp(c->allowed[i], pc->link.peer.host))
			return true;
	return pc->link.peer.agent;
}

/* May a line about pc be written now? Always for a configured peer. */
static bool stranger_line(struct hss_server *s, const struct pconn *pc, uint64_t now_ms)
{
	return (pc && configured(s, pc)) ||
	       log_limit_pass(&s->flood_log, FLOOD_BURST, FLOOD_WINDOW_MS, now_ms);
}

static void flood_summary(struct hss_server *s, uint64_t now_ms)
{
	unsigned n = log_limit_dropped(&s->flood_log, FLOOD_WINDOW_MS, now_ms);

	log_limit_dropped(&s->evict_log, FLOOD_WINDOW_MS, now_ms); /* counted here */
	if (!n && s->evicted == s->evicted_logged)
		return;
	if (!n && now_ms - s->evict_log.since_ms < FLOOD_WINDOW_MS)
		return; /* evictions: summed up once their window is over */
	LOGW(LOG_DIAM, "flood: %u lines about unconfigured connections not logged, %u "
	     "connections evicted waiting for CER, in the last %u s (%zu connections open)", n,
	     s->evicted - s->evicted_logged, FLOOD_WINDOW_MS / 1000, conn_count(s));
	s->evicted_logged = s->evicted;
}

/* accept() failed for want of a descriptor: a level-triggered listener
 * would wake us at once, forever (a full core and a log line each turn).
 * Stop polling the listeners until a connection closes or a tick passes,
 * and say so once a minute at most. */
static void accept_pause(struct hss_server *s, int err, uint64_t now_ms)
{
	unsigned skipped;

	if (s->accept_paused)
		return;
	s->accept_paused = true;
	s->accept_resume_ms = now_ms + TICK_MS;
	listeners_poll(s, false);
	if (!log_limit_pass(&s->fd_log, 1, FD_LOG_EVERY_MS, now_ms)) {
		s->fd_log_skipped++;
		return;
	}
	skipped = s->fd_log_skipped;
	s->fd_log_skipped = 0;
	LOGW(LOG_DIAM, "accept: %s with %zu connections open: not accepting until a descriptor "
	     "frees%s; %u more pauses since the last such line", strerror(-err), conn_count(s),
	     err == -EMFILE ? " (raise ulimit -n)" : "", skipped);
}

static void accept_resume(struct hss_server *s)
{
	if (!s->accept_paused || s->stopping)
		return;
	s->accept_paused = false;
	listeners_poll(s, true);
}

/* Nothing held for a closing connection may reach it. */
static void forget_conn(struct hss_server *s, struct pconn *pc)
{
	size_t k = 0;

	held_forget_conn(&s->held, pc);
	for (size_t i = 0; i < s->npend; i++) {
		if (s->pend[i].conn == pc)
			free(s->pend[i].delayed);
		else
			s->pend[k++] = s->pend[i];
	}
	s->npend = k;
}

/* Room for one more connection waiting for its CER: evicts the oldest
 * such connection when max_pre_cer are open. Its socket closes now (the
 * descriptor is what we need back); the object goes at close_dead, as
 * this turn's events may still point at it. */
static void make_room(struct hss_server *s, uint64_t now_ms)
{
	struct pconn *oldest = NULL;
	size_t n = 0;

	for (struct pconn *pc = s->conns; pc; pc = pc->next)
		if (!pc->dead && pc->link.peer.state == DIAM_PS_WAIT_CER) {
			n++;
			oldest = pc; /* the list is newest first */
		}
	if (n < s->max_pre_cer || !oldest)
		return;
	s->evicted++;
	if (log_limit_pass(&s->evict_log, 1, FLOOD_WINDOW_MS, now_ms))
		LOGW(LOG_DIAM, "%zu connections waiting for CER (the most allowed): the oldest, "
		     "from %s, closed, and so on for each new one (counted in the flood lines)",
		     n, oldest->link.addr);
	diam_link_close(&oldest->link, "evicted while waiting for CER (connection flood)");
	oldest->dead = true;
	oldest->quiet = true;
}

static void close_dead(struct hss_server *s, uint64_t now_ms)
{
	struct pconn **pp = &s->conns;

	while (*pp) {
		struct pconn *pc = *pp;

		if (!pc->dead) {
			pp = &pc->next;
			continue;
		}
		if (!pc->quiet && stranger_line(s, pc, now_ms))
			LOGI(LOG_DIAM, "peer %s (%s): connection closed%s%s", peer_name(pc),
			     pc->link.addr, pc->link.peer.why[0] ? ": " : "", pc->link.peer.why);
		*pp = pc->next;
		drop_delayed(s, pc);
		forget_conn(s, pc);
		conn_free(s, pc);
		accept_resume(s); /* a descriptor is free again */
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
		make_room(s, now_ms);
		rc = diam_link_accept(&pc->link, l->fd, l->proto, now_ms);
		if (rc < 0) {
			diam_link_free(&pc->link);
			free(pc);
			if (rc == -EMFILE || rc == -ENFILE || rc == -ENOBUFS || rc == -ENOMEM)
				accept_pause(s, rc, now_ms);
			else if (rc != -EAGAIN && rc != -ECONNABORTED)
				LOGW(LOG_DIAM, "accept: %s", strerror(-rc));
			if (rc == -ECONNABORTED)
				continue; /* that one gave up; the next may be there */
			return;
		}
		pc->tag = TAG_CONN;
		pc->srv = s;
		if (log_enabled(LOG_LVL_DEBUG)) { /* the dumps cost a call per message */
			pc->link.tap = dump;
			pc->link.tap_arg = pc;
		}
		ev.data.ptr = pc;
		epoll_ctl(s->ep, EPOLL_CTL_ADD, pc->link.fd, &ev);
		pc->next = s->conns;
		s->conns = pc;
		if (stranger_line(s, NULL, now_ms))
			LOGI(LOG_DIAM, "connection from %s (%s)", pc->link.addr, pc->link.xp->name);
		/* A real peer's CER is usually there already: read it now, so a
		 * burst of connections does not see it evicted unread. */
		on_readable(s, pc, now_ms, now_ms * 1000);
	}
}

/* How many connections may wait for their CER: the descriptors left
 * under RLIMIT_NOFILE, less a reserve for configured peers (two each,
 * a reconnect overlapping the old socket) and for the store and log. */
static void size_pre_cer(struct hss_server *s)
{
	struct rlimit rl;
	size_t lim = 1024, used = 0, reserve;
	int fd;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		lim = (size_t)rl.rlim_cur;
	if (lim > 65536)
		lim = 65536;
	/* descriptors open now: probe with dup() (the lowest free number) */
	fd = dup(0);
	if (fd >= 0) {
		used = (size_t)fd + 1;
		close(fd);
	}
	reserve = FD_RESERVE_MIN + 2 * (s->pcfg.nallowed + s->pcfg.nagents);
	if (reserve > lim / 4 && lim / 4 >= FD_RESERVE_MIN)
		reserve = lim / 4;
	s->max_pre_cer = lim > used + reserve + 1 ? lim - used - reserve : 1;
	if (s->max_pre_cer > PRE_CER_MAX)
		s->max_pre_cer = PRE_CER_MAX;
}

/* Several connections from one Origin-Host are allowed (load generators
 * open many; Kamailio reconnects before we notice the old socket is gone,
 * and the watchdog reaps that one). hss_core_send_request() picks the
 * newest open one: connections are kept newest first. */
static void on_opened(struct hss_server *s, struct pconn *pc, uint64_t now_ms)
{
	int others = 0;

	for (struct pconn *o = s->conns; o; o = o->next)
		if (o != pc && !o->dead && o->link.peer.state == DIAM_PS_OPEN &&
		    !strcasecmp(o->link.peer.host, pc->link.peer.host))
			others++;
	if (!stranger_line(s, pc, now_ms)) /* accept-any-peer: anyone can do this */
		return;
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
		if (rc != -ENOTCONN) /* the store says once that it is unreachable */
			LOGE(LOG_DB, "BEGIN failed: %s", strerror(-rc));
		return rc;
	}
	s->in_txn = true;
	return 0;
}

/* An error answer, built in a buffer that always fits it (base.h). */
static ssize_t build_error(uint8_t **out, const uint8_t *req, size_t len,
			   const struct diam_local *l, const struct diam_verdict *v)
{
	size_t room = diam_error_answer_room(req, len);
	ssize_t n;

	*out = malloc(room);
	if (!*out)
		return -ENOMEM;
	n = diam_build_error_answer(*out, room, req, len, l, v);
	if (n <= 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}

static void put_5012(struct diam_link *out, struct gbuf *g, const uint8_t *req, size_t req_len,
		     const struct diam_local *l)
{
	struct diam_verdict v = { .result_code = DIAM_UNABLE_TO_COMPLY };
	uint8_t *buf;
	ssize_t n;

	snprintf(v.why, sizeof(v.why), "unable to comply");
	n = build_error(&buf, req, req_len, l, &v);
	if (n <= 0)
		return;
	if (out) {
		diam_link_send(out, buf, (size_t)n);
	} else if (gated_reserve(g, (size_t)n)) {
		memcpy(g->p + g->len, buf, (size_t)n);
		g->len += (size_t)n;
	}
	free(buf);
}

static void error_answer(struct pconn *pc, const uint8_t *req, size_t len, uint32_t code,
			 const char *why)
{
	struct diam_verdict v = { .result_code = code, .e_bit = code >= 3000 && code < 4000 };
	uint8_t *buf;
	ssize_t n;

	snprintf(v.why, sizeof(v.why), "%s", why);
	n = build_error(&buf, req, len, &pc->srv->local, &v);
	if (n > 0)
		send_now(pc, buf, (size_t)n);
	free(buf);
}

static struct held *pending_add(struct hss_server *s)
{
	if (s->npend == s->cappend) {
		size_t cap = s->cappend ? s->cappend * 2 : 256;
		struct held *p = realloc(s->pend, cap * sizeof(*p));

		if (!p)
			return NULL;
		s->pend = p;
		s->cappend = cap;
	}
	return &s->pend[s->npend++];
}

/* ---- Faults (diam_fault.h): chosen when the answer is written ---------- */
/* result/omit/bad-length rewrite the answer in the gated buffer; delay
 * takes it out to hold it; drop, close and dpr take it out. What happens
 * to the connection waits for the end of the turn (fault_effects). */
static void apply_fault(struct hss_server *s, struct pconn *pc, struct held *p,
			const struct hss_route *r, const struct diam_msg *req)
{
	const struct hfault_rule *f = hfaults_pick(&s->faults, r->name, req);
	uint8_t *ans = pc->gated.p + p->ans_off;
	ssize_t n;

	if (!f)
		return;
	p->faulted = true;
	p->fault_id = f->row.id;
	p->fault = f->act;
	switch (f->act.kind) {
	case HF_RESULT:
	case HF_OMIT:
	case HF_BAD_LENGTH:
		n = hfault_rewrite(&f->act, req, &s->ctx.id, ans, p->ans_len,
				   pc->gated.cap - p->ans_off);
		if (n > 0) {
			pc->gated.len = p->ans_off + (size_t)n;
			p->ans_len = (size_t)n;
		}
		return;
	case HF_DELAY:
		p->delayed = malloc(p->ans_len);
		if (p->delayed)
			memcpy(p->delayed, ans, p->ans_len);
		p->delayed_len = p->ans_len;
		/* it leaves later, not with this turn */
		__attribute__((fallthrough));
	default:
		pc->gated.len = p->ans_off;
		p->ans_len = 0;
	}
}

/* Delayed answers, ordered by due time. */
static void delay_push(struct hss_server *s, struct held *p, uint64_t now_ms)
{
	struct delayed *d = calloc(1, sizeof(*d)), **pp = &s->delayed;

	if (!d || !p->delayed) {
		free(d);
		return;
	}
	*d = (struct delayed){ .pc = p->conn, .due_ms = now_ms + p->fault.delay_ms,
			       .t0_us = p->t0_us, .name = p->name, .buf = p->delayed,
			       .len = p->delayed_len };
	p->delayed = NULL;
	while (*pp && (*pp)->due_ms <= d->due_ms)
		pp = &(*pp)->next;
	d->next = *pp;
	*pp = d;
}

static void send_delayed(struct hss_server *s, uint64_t now_ms)
{
	while (s->delayed && s->delayed->due_ms <= now_ms) {
		struct delayed *d = s->delayed;

		s->delayed = d->next;
		send_now(d->pc, d->buf, d->len);
		hss_metrics_answer(s->met, d->name, d->buf, d->len, now_us() - d->t0_us);
		LOGI(LOG_DIAM, "%s answer sent after its delay fault (%llu ms after the request) "
			       "peer=%s", d->name, (unsigned long long)(now_us() - d->t0_us) / 1000,
		     peer_name(d->pc));
		free(d->buf);
		free(d);
	}
}

/* A connection closes: its held answers go nowhere. */
static void drop_delayed(struct hss_server *s, struct pconn *pc)
{
	struct delayed **pp = &s->delayed;
	unsigned n = 0;

	while (*pp) {
		struct delayed *d = *pp;

		if (d->pc != pc) {
			pp = &d->next;
			continue;
		}
		*pp = d->next;
		free(d->buf);
		free(d);
		n++;
	}
	if (n)
		LOGI(LOG_DIAM, "peer %s: %u delayed answer(s) dropped with the connection",
		     peer_name(pc), n);
}

/* epoll timeout: no later than the next delayed answer. */
static int delay_timeout(const struct hss_server *s, uint64_t now_ms, int timeout)
{
	if (!s->delayed)
		return timeout;
	if (s->delayed->due_ms <= now_ms)
		return 0;
	return s->delayed->due_ms - now_ms < (uint64_t)timeout ? (int)(s->delayed->due_ms - now_ms)
								: timeout;
}

/* After the turn's answers were queued: close, DPR, hold. */
static void fault_effects(struct hss_server *s, struct held *p, uint64_t now_ms)
{
	struct pconn *pc = p->conn;

	switch (p->fault.kind) {
	case HF_DELAY:
		delay_push(s, p, now_ms);
		break;
	case HF_CLOSE:
		snprintf(pc->link.peer.why, sizeof(pc->link.peer.why),
			 "closed by fault #%lld instead of a %s answer", (long long)p->fault_id,
			 p->name);
		pc->dead = true;
		break;
	case HF_DPR: /* RFC 6733 §5.4: Disconnect-Cause REBOOTING */
		if (diam_link_disconnect(&pc->link, 0, now_ms) == DIAM_PA_CLOSE)
			pc->dead = true;
		break;
	default:
		break;
	}
}

static void poll_faults(struct hss_server *s)
{
	int rc;

	if (s->cfg->no_faults)
		return;
	rc = hfaults_poll(&s->faults, s->db);
	if (rc < 0 && rc != -ENOTCONN)
		LOGW(LOG_DB, "fault rules not read: %s", strerror(-rc));
}

static void on_fault_injected(void *arg, const struct hfault_rule *r, const char *cmd)
{
	struct hss_server *s = arg;

	hss_metrics_fault(s->met, cmd, hfault_kind_name(r->act.kind));
}

static void run_handler(struct hss_server *s, struct pconn *pc, const struct hss_route *r,
			const struct diam_msg *req, uint64_t t0, unsigned runs)
{
	struct hss_ctx ctx = s->ctx;
	size_t pi = s->npend; /* the handler may gate a request of its own */
	struct held *p = pending_add(s);
	struct diam_wr w;
	uint8_t *room = gated_reserve(&pc->gated, ANSWER_ROOM);
	size_t off = pc->gated.len;
	uint32_t tag = ++s->next_tag ? s->next_tag : ++s->next_tag;
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
	db_set_tag(s->db, tag); /* its SQN compare-and-swap, checked at the commit */
	rc = r->handler(&ctx, req, &w);
	if (rc == 0)
		n = diam_wr_finish(&w);
	if (rc < 0 || n < 0) {
		LOGW(LOG_DIAM, "%s handler failed (%s): answering 5012", r->name,
		     diam_strerror(rc < 0 ? rc : (int)n)); /* errno or DIAM_E* (util/err.h) */
		put_5012(NULL, &pc->gated, req->raw, req->raw_len, &s->local);
	} else {
		pc->gated.len += (size_t)n;
	}
	p = &s->pend[pi];
	*p = (struct held){ .conn = pc, .req = req->raw, .req_len = req->raw_len,
			    .ans_off = off, .ans_len = pc->gated.len - off, .name = r->name,
			    .t0_us = t0, .tag = tag, .runs = runs };
	if (s->faults.n)
		apply_fault(s, pc, p, r, req);
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
	prefetch_ready(s->pf, s->db, m->raw); /* its identity in the cache, if it was read */
	run_handler(s, pc, r, m, t0, 1);
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
			if (stranger_line(s, pc, now_ms))
				LOGN(LOG_DIAM, "peer %s (%s): %s", peer_name(pc), pc->link.addr,
				     pc->link.peer.why);
			break;
		case DIAM_LE_OPENED:
			on_opened(s, pc, now_ms);
			break;
		case DIAM_LE_CLOSE:
			/* a refused CER (3010, 5010) is worth a notice (issue 16 item 9) */
			if (pc->link.peer.rejected && stranger_line(s, pc, now_ms))
				LOGN(LOG_DIAM, "peer %s: %s", pc->link.addr, pc->link.peer.why);
			pc->dead = true;
			break;
		}
	}
}

/* Reads what pc's socket has; false when the connection is lost. */
static bool read_conn(struct pconn *pc, uint64_t now_ms)
{
	ssize_t n = diam_link_read(&pc->link, now_ms);

	if (n < 0) {
		diam_peer_lost(&pc->link.peer, strerror((int)-n));
		pc->dead = true;
		return false;
	}
	return true;
}

static void on_readable(struct hss_server *s, struct pconn *pc, uint64_t now_ms, uint64_t t0)
{
	if (read_conn(pc, now_ms))
		process_input(s, pc, now_ms, t0);
}

/* The identity-cache keys of the requests buffered on pc (prefetch.h),
 * read where they lie: diam_link_next hands the same bytes to on_request
 * later in this turn (they stay in the read buffer until end_turn
 * compacts it). Only an open peer's: a stranger makes no store call. */
static void gather_keys(struct hss_server *s, struct pconn *pc)
{
	const uint8_t *buf;
	size_t pos = 0, len;
	struct diam_msg m;

	if (pc->dead || pc->link.peer.state != DIAM_PS_OPEN)
		return;
	while (diam_conn_peek(&pc->link.conn, &pos, &buf, &len) == 1) {
		const struct hss_route *r;

		if (diam_msg_parse(buf, len, &m) || !(m.hdr.flags & DIAM_FLAG_R))
			continue;
		r = find_route(find_app(m.hdr.app_id), m.hdr.code);
		if (r)
			prefetch_add(s->pf, r, &m);
	}
}

/* A loop turn's input: every readable connection is read first, the
 * identity-cache misses of all the requests that came are looked up in
 * one store call (on PostgreSQL one round trip, not one per miss) while
 * the cache misses enough to pay for it (prefetch_wanted), then each
 * connection's messages are handled in their order, as before. The cache
 * fill is only a hint (prefetch.h): what each request is answered, and
 * every error path, stay those of on_request. */
static void intake(struct hss_server *s, struct pconn **rd, int n, uint64_t now_ms, uint64_t t0)
{
	bool want = prefetch_wanted(s->pf, s->db);
	int live = 0;

	prefetch_reset(s->pf);
	for (int i = 0; i < n; i++)
		if (read_conn(rd[i], now_ms)) {
			if (want)
				gather_keys(s, rd[i]);
			rd[live++] = rd[i];
		}
	if (s->pf->n && txn_begin(s) == 0)
		prefetch_run(s->pf, s->db); /* store down: each request answers 5012 itself */
	for (int i = 0; i < live; i++)
		process_input(s, rd[i], now_ms, t0);
	prefetch_done(s->pf, s->db); /* the reader thread is done with this turn */
}

/* ---- End of turn: seal, commit, release, log, write -------------------- */
static void log_held(const struct held *p, const uint8_t *req_raw, const uint8_t *ans_raw,
		     uint64_t t1)
{
	struct diam_msg req, ans;
	struct diam_avp er, code;
	char impi[128] = "-";
	uint32_t rc = 0;
	bool exp = false;
	const struct pconn *pc = p->conn;

	if (!log_enabled(LOG_LVL_INFO) || !p->name)
		return;
	if (diam_msg_parse(req_raw, p->req_len, &req) == 0)
		diam_msg_str(&req, AVP_USER_NAME, 0, impi, sizeof(impi));
	if (diam_msg_parse(ans_raw, p->ans_len, &ans) == 0 &&
	    diam_msg_u32(&ans, AVP_RESULT_CODE, 0, &rc) != 0 &&
	    diam_msg_find(&ans, AVP_EXPERIMENTAL_RESULT, 0, &er) == 0 &&
	    diam_group_find(&er, AVP_EXPERIMENTAL_RESULT_CODE, 0, &code) == 0 &&
	    diam_avp_u32(&code, &rc) == 0)
		exp = true;
	LOGI(LOG_DIAM, "%s impi=%s result=%s%u latency_us=%llu peer=%s%s%s", p->name, impi,
	     exp ? "exp:" : "", rc, (unsigned long long)(t1 - p->t0_us), pc ? pc->link.peer.host
	     : "(closed)", p->faulted ? " fault=" : "",
	     p->faulted ? hfault_kind_name(p->fault.kind) : "");
}

/* The turn's gated answers (and requests hssd sends) into the open batch:
 * copies, so the read buffers compact and the gated buffers fill again
 * while the commit is on its way (held.h). */
static void seal_turn(struct hss_server *s)
{
	for (size_t i = 0; i < s->npend; i++) {
		struct held *p = &s->pend[i];
		struct pconn *pc = p->conn;

		if (held_seal(&s->held, p, pc->gated.p + p->ans_off) == 0)
			continue;
		/* out of memory: no vector may leave unsealed */
		if (p->name)
			put_5012(&pc->link, NULL, p->req, p->req_len, &s->local);
		free(p->delayed);
	}
	s->npend = 0;
	for (struct pconn *pc = s->conns; pc; pc = pc->next)
		pc->gated.len = 0;
}

static bool tag_failed(const struct db_commit_done *d, uint32_t tag)
{
	for (size_t i = 0; d && i < d->nfailed; i++)
		if (d->failed_tags[i] == tag)
			return true;
	return false;
}

/* A request whose SQN compare-and-swap found another SQN (another hssd
 * took SQNs meanwhile): its answer never leaves; it runs again, now, on
 * what the store holds (db_commit_poll dropped the cache). */
static bool run_again(struct hss_server *s, const struct held_batch *b, const struct held *h)
{
	const struct hss_app *app;
	const struct hss_route *r;
	struct diam_msg m;
	struct pconn *pc = h->conn;

	if (h->runs >= MAX_RUNS || diam_msg_parse(held_req(b, h), h->req_len, &m) < 0)
		return false;
	app = find_app(m.hdr.app_id);
	r = find_route(app, m.hdr.code);
	if (!r || pc->dead || txn_begin(s) < 0)
		return false;
	LOGD(LOG_DB, "%s ran again: its SQN was taken by another writer", h->name);
	run_handler(s, pc, r, &m, h->t0_us, h->runs + 1);
	return true;
}

/* A batch's commit finished: err 0 → durable, its answers leave (those of
 * failed_tags run again); otherwise 5012 for each (hss/app.h). */
static void release_batch(struct hss_server *s, struct held_batch *b, int err,
			  const struct db_commit_done *d)
{
	uint64_t t1 = now_us();

	for (size_t i = 0; i < b->n; i++) {
		struct held *p = &b->h[i];
		struct pconn *pc = p->conn;
		uint8_t *out;

		switch (held_fate(p, err, tag_failed(d, p->tag))) {
		case HELD_NOTHING:
			continue;
		case HELD_RUN_AGAIN:
			if (run_again(s, b, p))
				continue;
			__attribute__((fallthrough)); /* ran too often: 5012 */
		case HELD_5012:
			put_5012(&pc->link, NULL, held_req(b, p), p->req_len, &s->local);
			hss_metrics_result(s->met, p->name, DIAM_UNABLE_TO_COMPLY, false,
					   t1 - p->t0_us);
			continue;
		case HELD_SEND:
			break;
		}
		log_held(p, held_req(b, p), held_ans(b, p), t1);
		if (p->ans_len) {
			if (p->name)
				hss_metrics_answer(s->met, p->name, held_ans(b, p), p->ans_len,
						   t1 - p->t0_us);
			out = diam_link_reserve(&pc->link, p->ans_len);
			if (out) {
				memcpy(out, held_ans(b, p), p->ans_len);
				diam_link_commit(&pc->link, p->ans_len); /* tapped */
			} else {
				pc->dead = true;
			}
		}
		if (p->faulted) /* a dropped or held answer counts when it leaves */
			fault_effects(s, p, t1 / 1000);
	}
}

static void retire(struct hss_server *s, struct held_batch *b)
{
	b->next = s->retired;
	s->retired = b;
}

/* ---- Store outages (issue 16 item 8) ---------------------------------- */
/* A disk that fills up (or any write error) fails every commit until it is
 * over: one line when the first commit fails, one when a commit succeeds
 * again — never one per request. Every turn with requests tries again; so
 * the store is back as soon as space is, and then its WAL is checkpointed
 * (TRUNCATE), giving back what the outage made it grow by. */
static void store_failed(struct hss_server *s, size_t n)
{
	s->store_failures++;
	s->store_lost += n;
	if (s->store_down_ms)
		return;
	s->store_down_ms = now_us() / 1000;
	LOGE(LOG_DB, "store: COMMIT failed (%s): answering 5012 and trying again with every "
	     "request until a commit succeeds (one line when it does)", db_errmsg(s->db));
}

static void store_ok(struct hss_server *s)
{
	int rc;

	if (!s->store_down_ms)
		return;
	rc = s->held.inflight ? 0 : db_checkpoint(s->db);
	LOGN(LOG_DB, "store: writable again after %llu s: %u commits failed, %zu answers "
	     "replaced by 5012; %s", (unsigned long long)(now_us() / 1000 - s->store_down_ms) / 1000,
	     s->store_failures, s->store_lost, rc < 0 ? "WAL checkpoint failed" : "WAL checkpointed");
	s->store_down_ms = 0;
	s->store_failures = 0;
	s->store_lost = 0;
}

/* A commit's report that does not pair with the oldest batch (a backend
 * bug: reports come one per commit, in order). The batches it skipped
 * never learn their commit's outcome: none of their answers leaves, each
 * is 5012, and the cache, which may hold their SQNs and registrations, is
 * read from the store again. A report no batch waits for releases nothing.
 * One line per mismatch, at most PAIR_LOG_BURST a minute. */
static void unpaired(struct hss_server *s, uint64_t seq, const struct held_batch *b,
		     struct held_batch *lost)
{
	uint64_t first = lost ? lost->seq : s->held.head ? s->held.head->seq : 0;
	size_t nb = 0, na = 0;

	while (lost) {
		struct held_batch *x = lost;

		lost = x->next;
		nb++;
		na += x->n;
		release_batch(s, x, HELD_UNPAIRED, NULL);
		retire(s, x);
	}
	if (nb)
		db_forget_cached(s->db);
	if (log_limit_pass(&s->pair_log, PAIR_LOG_BURST, 60000, now_us() / 1000))
		LOGE(LOG_DB, "store: commit %llu finished, batch %llu expected: %s",
		     (unsigned long long)seq, (unsigned long long)first,
		     nb ? "the skipped batches' commits were never reported" : "no batch waits for it");
	if (nb)
		LOGE(LOG_DB, "store: %zu batch(es) before commit %llu (%s) never paired with their "
		     "commit: %zu held answer(s) replaced by 5012, cache dropped", nb,
		     (unsigned long long)seq, b ? "released" : "not queued", na);
}

static void avg_add(uint64_t *avg, uint64_t us)
{
	*avg = *avg ? *avg - *avg / 8 + us / 8 : (us ? us : 1);
}

/* A finished commit: the idle loop's one timed on the fsync thread? */
static void commit_timed(struct hss_server *s, uint64_t seq)
{
	if (s->timed_seq && seq == s->timed_seq) {
		avg_add(&s->thread_avg_us, now_us() - s->timed_us);
		s->timed_seq = 0;
	}
}

/* Finished commits, in order: each releases the batch it pairs with
 * (held_pair; what it skipped is failed). */
static void poll_commits(struct hss_server *s)
{
	struct db_commit_done d;

	while (s->held.inflight && db_commit_poll(s->db, &d) == 1) {
		struct held_batch *lost, *b = held_pair(&s->held, d.seq, &lost);

		if (lost || !b)
			unpaired(s, d.seq, b, lost);
		if (!b)
			continue;
		hss_metrics_commit(s->met, now_us() - b->commit_us);
		commit_timed(s, d.seq);
		if (d.err && d.err != -ENOTCONN) /* ENOTCONN: the store said it once */
			store_failed(s, b->n);
		else if (!d.err)
			store_ok(s);
		release_batch(s, b, d.err, &d);
		retire(s, b);
	}
}

/* The commit descriptor is in the epoll set while a commit is on its way.
 * A steady one (SQLite's eventfd: readable only when a commit finished)
 * stays there between commits: adding and removing it cost two epoll_ctl
 * per commit (issue 14). Otherwise it goes when nothing is in flight (a
 * PostgreSQL socket is readable with notifications too, and after an
 * outage it is another socket, perhaps with the same number). */
static void watch_commit(struct hss_server *s)
{
	int fd = s->held.inflight || db_commit_fd_steady(s->db) ? db_commit_fd(s->db) : -1;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &s->commit_tag };

	if (fd == s->commit_fd)
		return;
	if (s->commit_fd >= 0)
		epoll_ctl(s->ep, EPOLL_CTL_DEL, s->commit_fd, NULL);
	s->commit_fd = fd >= 0 && epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) == 0 ? fd : -1;
}

/* The open batch is lost (its commit failed to start): 5012 for each. */
static void fail_open(struct hss_server *s, int rc)
{
	struct held_batch *b = s->held.open;

	if (rc != -ENOTCONN)
		store_failed(s, b ? b->n : 0);
	db_txn_rollback(s->db);
	s->in_txn = false;
	s->held.open = NULL;
	if (b) {
		release_batch(s, b, rc, NULL);
		retire(s, b);
	}
}

/* PostgreSQL's commit_delay, adaptive: under load (the last commit carried
 * COMMIT_SIBLINGS entries or more) the next commit waits up to
 * COMMIT_DELAY_MS for as many requests as the last one carried, so that
 * more share one fsync (issue 14 item 2). At 1 or a few in flight nothing
 * waits; nothing waits while hssd stops. True: not yet. */
static bool commit_wait(struct hss_server *s, uint64_t now)
{
	size_t n = s->held.open ? s->held.open->n : 0;

	if (s->stopping || s->last_commit_n < COMMIT_SIBLINGS || n >= s->last_commit_n) {
		s->commit_due_us = 0;
		return false;
	}
	if (!s->commit_due_us)
		s->commit_due_us = now + COMMIT_DELAY_MS * 1000;
	if (now < s->commit_due_us)
		return true;
	s->commit_due_us = 0;
	return false;
}

/* epoll timeout (ms) while the open batch waits for no commit in flight. */
static int commit_timeout(const struct hss_server *s)
{
	uint64_t now = now_us();

	if (!s->commit_due_us || now >= s->commit_due_us)
		return 0;
	return (int)((s->commit_due_us - now + 999) / 1000);
}

/* Every connection's output written; at the end of a turn (compact) its
 * read buffer compacted too: what the turn's requests pointed into is
 * sealed or answered by then. */
static void flush_all(struct hss_server *s, bool compact)
{
	for (struct pconn *pc = s->conns; pc; pc = pc->next) {
		flush_conn(s, pc);
		if (compact)
			diam_link_compact(&pc->link);
	}
}

/* Nothing to read, accept or answer now: until the commit is durable the
 * loop would only sleep in epoll_wait. A zero-timeout look; the set is
 * level-triggered, so what it sees the loop's own epoll_wait sees again. */
static bool loop_idle(struct hss_server *s)
{
	struct epoll_event ev[4];

	return !s->stopping && epoll_wait(s->ep, ev, 4, 0) == 0;
}

/* Whether the idle loop's commit becomes durable on the loop's own thread
 * (db_commit_start here) or by the fsync thread, whichever has been faster
 * lately; one in HERE_PROBE_EVERY goes the other way to keep both means
 * current. On an idle VM the loop's own fsync wins (at 64 in flight in
 * lock-step, and under a trickle of one or two requests a turn, the two
 * hand-offs cost more than the fsync: issue 14); on a busy machine the
 * fsync thread does, as the fsync sleeps several times and each time the
 * loop thread, which has used far more CPU than the fsync thread, waits
 * longer for a CPU (up to a scheduler tick). */
static bool commit_here(struct hss_server *s)
{
	bool here_faster = s->here_avg_us <= s->thread_avg_us;

	s->idle_commits++;
	if (!s->here_avg_us || !s->thread_avg_us)
		return !s->here_avg_us;
	return s->idle_commits % HERE_PROBE_EVERY ? here_faster : !here_faster;
}

static void commit_turn(struct hss_server *s)
{
	uint64_t c0 = now_us(), seq = 0, t;
	struct held_batch *b;
	bool idle, here;
	int rc;

	if (!s->in_txn)
		return;
	if (!s->async) { /* one COMMIT, one fsync, here */
		rc = db_txn_commit(s->db);
		hss_metrics_commit(s->met, now_us() - c0);
		if (rc < 0)
			return fail_open(s, rc);
		s->in_txn = false;
		store_ok(s);
		held_committing(&s->held, 0, c0);
		b = held_pop(&s->held);
		if (b) {
			release_batch(s, b, 0, NULL);
			retire(s, b);
		}
		return;
	}
	/* One commit in flight: the turns that end meanwhile join the open
	 * transaction, committed when the one in flight is durable. Fsyncs are
	 * one at a time anyway (one WAL or one PostgreSQL connection); this
	 * makes one COMMIT (SQLite: its locks and WAL frames) and one batch
	 * per fsync instead of one per turn (issue 14 item 2). */
	if (s->held.inflight || commit_wait(s, c0))
		return;
	idle = db_commit_fd_steady(s->db) && loop_idle(s);
	here = idle && commit_here(s);
	if (idle)
		flush_all(s, false); /* what the last commit released leaves first */
	t = now_us();
	rc = db_commit_start(s->db, &seq, here);
	if (rc == -EAGAIN)
		return; /* the backend's own limit: the same */
	if (rc < 0)
		return fail_open(s, rc);
	if (here) {
		avg_add(&s->here_avg_us, now_us() - t);
	} else if (idle) {
		s->timed_seq = seq;
		s->timed_us = t;
	}
	s->in_txn = false;
	s->last_commit_n = s->held.open ? s->held.open->n : 0;
	held_committing(&s->held, seq, c0);
}

static void end_turn(struct hss_server *s)
{
	poll_commits(s);
	seal_turn(s);
	/* the sealed copies are taken: what requests running again pointed into may go */
	while (s->retired) {
		struct held_batch *b = s->retired;

		s->retired = b->next;
		held_put(&s->held, b);
	}
	commit_turn(s);
	poll_commits(s); /* done at once: nothing to write, or durable here */
	watch_commit(s);
	flush_all(s, true);
	close_dead(s, now_us() / 1000);
}

/* ---- Timers and shutdown ------------------------------------------------ */
static void tick(struct hss_server *s, uint64_t now_ms)
{
	struct hss_ctx ctx = s->ctx;

	for (struct pconn *pc = s->conns; pc; pc = pc->next)
		if (!pc->dead && diam_link_tick(&pc->link, now_ms) == DIAM_PA_CLOSE)
			pc->dead = true;
	if (!s->stopping && txn_begin(s) == 0) {
		hss_out_tick(&ctx);
		poll_faults(s); /* hss-ctl fault changes: picked up within a tick */
	}
	if (s->msrv)
		metrics_srv_tick(s->msrv, now_ms);
	if (s->accept_paused && now_ms >= s->accept_resume_ms)
		accept_resume(s); /* descriptors may have freed elsewhere */
	flood_summary(s, now_ms);
}

static void begin_stop(struct hss_server *s, uint64_t now_ms)
{
	s->stopping = true;
	s->stop_deadline_ms = now_ms + STOP_WAIT_MS;
	if (!s->accept_paused)
		listeners_poll(s, false);
	for (int i = 0; i < s->nlis; i++)
		close(s->lis[i].fd);
	s->nlis = 0;
	/* RFC 6733 §5.4: say goodbye to open peers (cause REBOOTING). */
	for (struct pconn *pc = s->conns; pc; pc = pc->next)
		if (diam_link_disconnect(&pc->link, 0, now_ms) == DIAM_PA_CLOSE)
			pc->dead = true;
	LOGN(LOG_MAIN, "stopping: DPR sent to open peers");
}

/* ---- GET /metrics (hss_metrics.h, util/metrics.h) on this loop -------- */
static void metrics_event(struct hss_server *s, struct mfd *m, uint32_t ev, uint64_t now_ms)
{
	int mev = (ev & (EPOLLIN | EPOLLERR | EPOLLHUP) ? METRICS_EV_IN : 0) |
		  (ev & EPOLLOUT ? METRICS_EV_OUT : 0);

	if (m->fd >= 0)
		metrics_srv_event(s->msrv, m->fd, mev, now_ms);
}

/* metrics_srv_ops.watch: the listener and its connections in our epoll set. */
static int metrics_watch(void *arg, int fd, int events)
{
	struct hss_server *s = arg;
	struct epoll_event ev = { .events = (events & METRICS_EV_IN ? EPOLLIN : 0) |
					    (events & METRICS_EV_OUT ? EPOLLOUT : 0) };
	struct mfd *m = NULL, *free_slot = NULL;

	for (size_t i = 0; i < sizeof(s->mfd) / sizeof(s->mfd[0]); i++) {
		if (s->mfd[i].fd == fd)
			m = &s->mfd[i];
		else if (s->mfd[i].fd < 0 && !free_slot)
			free_slot = &s->mfd[i];
	}
	if (!events) {
		if (m) {
			epoll_ctl(s->ep, EPOLL_CTL_DEL, fd, NULL);
			m->fd = -1;
		}
		return 0;
	}
	if (!m && !(m = free_slot))
		return -EMFILE;
	ev.data.ptr = m;
	if (epoll_ctl(s->ep, m->fd == fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	m->fd = fd;
	return 0;
}

/* Gauges read at scrape time. */
static void metrics_collect(void *arg, struct metrics *reg)
{
	static const char *const out_states[] = { "queued", "sent" };
	struct hss_server *s = arg;
	size_t bytes = 0;

	(void)reg;
	metric_gauge_reset(s->met->peers);
	for (struct pconn *pc = s->conns; pc; pc = pc->next) {
		struct metric_series *g =
			metric_series(s->met->peers, diam_peer_state_name(pc->link.peer.state));

		if (!pc->dead && g)
			metric_set(g, g->gauge + 1);
		bytes += diam_link_pending(&pc->link);
	}
	metric_set(s->met->send_queue, (double)bytes);
	for (size_t i = 0; i < 2; i++) {
		int64_t n;

		if (db_out_count(s->db, out_states[i], &n) == 0)
			metric_set(metric_series(s->met->out_queue, out_states[i]), (double)n);
	}
	metric_set(s->met->fault_rules, (double)s->faults.n);
}

static int open_metrics(struct hss_server *s)
{
	struct metrics_srv_ops ops = { .watch = metrics_watch, .arg = s };
	char err[256];
	int rc;

	if (!s->cfg->metrics[0])
		return 0;
	s->reg = metrics_new();
	s->met = s->reg ? hss_metrics_new(s->reg) : NULL;
	if (!s->met)
		return -ENOMEM;
	for (int st = DIAM_PS_CLOSED; st <= DIAM_PS_CLOSING; st++) /* every state, 0 or not */
		metric_series(s->met->peers, diam_peer_state_name(st));
	metrics_on_collect(s->reg, metrics_collect, s);
	rc = metrics_srv_open(&s->msrv, s->cfg->metrics, s->reg, &ops, err, sizeof(err));
	if (rc < 0) {
		LOGE(LOG_MAIN, "--metrics: %s", err);
		return rc;
	}
	LOGN(LOG_MAIN, "metrics: GET /metrics on port %u", metrics_srv_port(s->msrv));
	return 0;
}

int hss_server_run(struct hss_server *s, volatile sig_atomic_t *stop,
		   volatile sig_atomic_t *hup)
{
	struct epoll_event evs[MAX_EVENTS];
	struct pconn *rd[MAX_EVENTS];

	s->last_tick_ms = now_us() / 1000;
	if (!s->cfg->no_faults && txn_begin(s) == 0) {
		poll_faults(s); /* the rules in force from the first request on */
		end_turn(s);
	}
	log_set_buffered(true);
	for (;;) {
		uint64_t now_ms = now_us() / 1000, t0;
		int nrd, timeout = (int)(s->last_tick_ms + TICK_MS > now_ms
					    ? s->last_tick_ms + TICK_MS - now_ms : 0);
		int n;

		if (*stop && !s->stopping)
			begin_stop(s, now_ms);
		if (s->stopping) {
			end_turn(s);
			if ((!s->conns && !s->held.inflight) || now_ms >= s->stop_deadline_ms)
				break;
			timeout = timeout > 100 ? 100 : timeout;
		}
		if (*hup) {
			*hup = 0;
			log_reopen();
			LOGN(LOG_MAIN, "SIGHUP: log reopened");
		}
		if ((s->npend || s->held.open) && !s->held.inflight)
			timeout = commit_timeout(s); /* 0: requests that ran again wait for a commit */
		log_flush(); /* one write per turn for all lines, before sleeping */
		n = epoll_wait(s->ep, evs, MAX_EVENTS, delay_timeout(s, now_ms, timeout));
		if (n < 0 && errno != EINTR) {
			LOGE(LOG_MAIN, "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		t0 = now_us();
		now_ms = t0 / 1000;
		nrd = 0;
		for (int i = 0; i < n; i++) {
			int tag = *(int *)evs[i].data.ptr;

			if (tag == TAG_LISTENER) {
				accept_all(s, evs[i].data.ptr, now_ms);
				continue;
			}
			if (tag == TAG_METRICS) {
				metrics_event(s, evs[i].data.ptr, evs[i].events, now_ms);
				continue;
			}
			if (tag == TAG_COMMIT)
				continue; /* end_turn collects it */
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				rd[nrd++] = evs[i].data.ptr;
		}
		intake(s, rd, nrd, now_ms, t0);
		if (now_ms >= s->last_tick_ms + TICK_MS) {
			s->last_tick_ms = now_ms;
			tick(s, now_ms);
		}
		send_delayed(s, now_ms);
		end_turn(s);
	}
	log_set_buffered(false);
	while (s->conns) {
		s->conns->dead = true;
		close_dead(s, now_us() / 1000);
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
	size_t napps = 0, nsets = 0, nagents = 0;

	/* Advertise each served application as a Vendor-Specific-
	 * Application-Id (how Kamailio's cdp needs Cx). */
	for (const struct hss_app *const *a = hss_apps; *a && napps < HSS_MAX_APPS; a++) {
		if ((*a)->rules)
			s->rule_sets[nsets++] = (*a)->rules;
		s->apps[napps++] = (struct diam_app){ (*a)->vendor_id, (*a)->app_id };
	}
	s->local = (struct diam_local){
		.origin_host = c->origin_host, .origin_realm = c->realm, .product_name = "hssd",
		.vendor_id = 0, .firmware_revision = 1, .origin_state_id = (uint32_t)time(NULL),
		.apps = s->apps, .napps = napps,
	};
	for (int i = 0; i < c->npeers; i++)
		s->allowed[i] = c->peers[i];
	for (int i = 0; i < c->npeers; i++)
		if (c->peer_agent[i])
			s->agents[nagents++] = c->peers[i];
	s->pcfg = (struct diam_peer_cfg){
		.local = &s->local, .allowed = s->allowed, .nallowed = (size_t)c->npeers,
		.agents = s->agents, .nagents = nagents, .check_routing = true,
		.accept_any = c->accept_any_peer, .tw_ms = c->watchdog_s * 1000u,
		.dpa_wait_ms = STOP_WAIT_MS, .rules = s->rule_sets, .cex_timeout_ms = CER_WAIT_MS,
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
	s->pf = calloc(1, sizeof(*s->pf));
	if (!s->pf) {
		close(s->ep);
		free(s);
		return -ENOMEM;
	}
	s->commit_tag = TAG_COMMIT;
	s->commit_fd = -1;
	/* The commit of one turn becomes durable while the loop collects the
	 * next (server.h); without it, each turn's COMMIT waits here. */
	rc = db_async_enable(db);
	s->async = rc == 0;
	if (rc)
		LOGW(LOG_DB, "commits wait in the loop (%s)", db_errmsg(db));
	hfaults_init(&s->faults);
	s->faults.injected = on_fault_injected;
	s->faults.arg = s;
	for (size_t i = 0; i < sizeof(s->mfd) / sizeof(s->mfd[0]); i++)
		s->mfd[i] = (struct mfd){ .tag = TAG_METRICS, .fd = -1 };
	if (cfg->no_faults)
		LOGN(LOG_MAIN, "--no-faults: the store's fault rules are ignored");
	rc = open_listeners(s);
	if (rc == 0)
		rc = open_metrics(s);
	if (rc < 0) { /* its one error line said why: nothing after it */
		hss_server_free(s);
		return rc;
	}
	size_pre_cer(s);
	LOGI(LOG_MAIN, "up to %zu connections may wait for their CER (%u s each)", s->max_pre_cer,
	     CER_WAIT_MS / 1000);
	*out = s;
	return 0;
}

void hss_server_free(struct hss_server *s)
{
	if (!s)
		return;
	if (s->in_txn)
		db_txn_rollback(s->db);
	while (s->retired) {
		struct held_batch *b = s->retired;

		s->retired = b->next;
		held_put(&s->held, b);
	}
	held_free(&s->held);
	for (size_t i = 0; i < s->npend; i++)
		free(s->pend[i].delayed);
	while (s->conns) {
		struct pconn *pc = s->conns;

		s->conns = pc->next;
		conn_free(s, pc);
	}
	for (int i = 0; i < s->nlis; i++)
		close(s->lis[i].fd);
	metrics_srv_free(s->msrv); /* its fds leave the epoll set first */
	hss_metrics_free(s->met);
	metrics_free(s->reg);
	hfaults_free(&s->faults);
	while (s->delayed) {
		struct delayed *d = s->delayed;

		s->delayed = d->next;
		free(d->buf);
		free(d);
	}
	close(s->ep);
	free(s->pend);
	if (s->pf)
		prefetch_free(s->pf);
	free(s->pf);
	free(s);
}

/* ---- hss/app.h core services -------------------------------------------- */
/* The open connection to `host` itself, else (agent) to a configured
 * Diameter agent, which routes on the request's Destination-Host (RFC 6733
 * §6.1.5): behind an agent the S-CSCF or MME is no peer of ours. */
static struct pconn *route_to(struct hss_server *s, const char *host, bool agent)
{
	for (struct pconn *pc = s->conns; pc; pc = pc->next) {
		if (pc->dead || pc->link.peer.state != DIAM_PS_OPEN)
			continue;
		if (agent ? hss_config_is_agent(s->cfg, pc->link.peer.host)
			  : !strcasecmp(pc->link.peer.host, host))
			return pc;
	}
	return NULL;
}

int hss_core_send_request(struct hss_ctx *ctx, const char *host, const uint8_t *buf, size_t len)
{
	struct hss_server *s = ctx->core;
	struct pconn *pc = route_to(s, host, false);

	struct held *p;

	if (!pc)
		pc = route_to(s, host, true);
	if (!pc)
		return -ENOTCONN;
	/* Gated like an answer: it reflects state of this transaction. */
	p = pending_add(s);
	if (!p)
		return -ENOMEM;
	if (!gated_reserve(&pc->gated, len)) {
		s->npend--;
		return -ENOSPC;
	}
	*p = (struct held){ .conn = pc, .ans_off = pc->gated.len, .ans_len = len };
	memcpy(pc->gated.p + pc->gated.len, buf, len);
	pc->gated.len += len;
	return 0;
}
