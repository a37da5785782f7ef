/* diam-load's connections and loop (design note in load.h).
 * Ownership: load_run() owns every connection and frees them before it
 * returns; the stats' sample array belongs to the caller (stats_free). */
#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQ_ROOM 4096          /* free space kept in a write buffer per request */
#define RBUF_MIN (256u * 1024) /* read buffer; grows for a larger message */
#define POLL_MS 5

struct slot {
	uint32_t hbh;
	unsigned user;
	uint64_t t_ns;
	bool used;
};

struct lconn {
	int fd;
	uint8_t *rbuf, *wbuf;
	size_t rlen, rcap, wlen, woff, wcap;
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

/* ---- Buffers ------------------------------------------------------------ */
static int grow(uint8_t **p, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : RBUF_MIN;
	uint8_t *n;

	if (*cap >= need)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*p, c);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = c;
	return 0;
}

static int flush_out(struct lconn *l)
{
	while (l->woff < l->wlen) {
		ssize_t n = send(l->fd, l->wbuf + l->woff, l->wlen - l->woff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		l->woff += (size_t)n;
	}
	l->woff = l->wlen = 0;
	return 0;
}

/* Appends one message built by fn into l's write buffer. */
static int put_msg(struct lconn *l, struct diam_wr *w)
{
	ssize_t n = diam_wr_finish(w);

	if (n < 0)
		return (int)n;
	l->wlen += (size_t)n;
	return 0;
}

/* ---- Setup: connect, CER/CEA ------------------------------------------- */
static int connect_to(const struct load_cfg *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *ai;
	char port[8];
	int fd, one = 1, rc;

	snprintf(port, sizeof(port), "%u", c->port);
	rc = getaddrinfo(c->host, port, &hints, &ai);
	if (rc)
		return -EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		rc = -errno;
		close(fd);
		fd = rc;
	}
	freeaddrinfo(ai);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void build_cer(struct diam_wr *w, const struct load_cfg *c)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };

	diam_put_hdr(w, DIAM_FLAG_R, DIAM_CMD_CE, 0, diam_next_hbh(), diam_next_e2e());
	diam_put_str(w, AVP_ORIGIN_HOST, 0, c->origin_host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, c->origin_realm);
	diam_put_addr(w, AVP_HOST_IP_ADDRESS, 0, 1, lo4, 4);
	diam_put_u32(w, AVP_VENDOR_ID, 0, 0);
	diam_put_str(w, AVP_PRODUCT_NAME, 0, "diam-load");
	diam_put_u32(w, AVP_SUPPORTED_VENDOR_ID, 0, c->req->vendor_id);
	diam_put_vendor_app(w, c->req->vendor_id, c->req->app_id);
}

/* Next complete message in l->rbuf at *off: 1 (msg set), 0 need more, <0 bad. */
static int next_msg(struct lconn *l, size_t *off, struct diam_msg *m)
{
	ssize_t n = diam_frame_len(l->rbuf + *off, l->rlen - *off);

	if (n < 0)
		return -EPROTO;
	if (n == 0 || (size_t)n > l->rlen - *off) {
		if (n > 0 && grow(&l->rbuf, &l->rcap, (size_t)n) < 0)
			return -ENOMEM;
		return 0;
	}
	if (diam_msg_parse(l->rbuf + *off, (size_t)n, m) != 0)
		return -EPROTO;
	*off += (size_t)n;
	return 1;
}

static void compact(struct lconn *l, size_t off)
{
	memmove(l->rbuf, l->rbuf + off, l->rlen - off);
	l->rlen -= off;
}

/* Reads what is there: >0 octets, 0 nothing now, <0 closed or failed. */
static ssize_t read_in(struct lconn *l)
{
	ssize_t n;

	if (l->rcap - l->rlen < 4096 && grow(&l->rbuf, &l->rcap, l->rcap * 2) < 0)
		return -ENOMEM;
	n = recv(l->fd, l->rbuf + l->rlen, l->rcap - l->rlen, MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	l->rlen += (size_t)n;
	return n;
}

static int capabilities(const struct load_cfg *c, struct lconn *l)
{
	struct diam_wr w;
	struct diam_msg m;
	size_t off = 0;
	uint64_t deadline = now_ns() + 5000000000ull;

	diam_wr_init(&w, l->wbuf, l->wcap);
	build_cer(&w, c);
	if (put_msg(l, &w) < 0 || flush_out(l) < 0)
		return -EIO;
	while (now_ns() < deadline) {
		struct pollfd p = { .fd = l->fd, .events = POLLIN };
		int r;

		if (poll(&p, 1, 100) < 0 && errno != EINTR)
			return -errno;
		if (read_in(l) < 0)
			return -ECONNRESET;
		r = next_msg(l, &off, &m);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		compact(l, off);
		if (m.hdr.code != DIAM_CMD_CE || (m.hdr.flags & DIAM_FLAG_R))
			return -EPROTO;
		return answer_code(&m) == DIAM_SUCCESS ? 0 : -EACCES;
	}
	return -ETIMEDOUT;
}

static int conn_open(const struct load_cfg *c, struct lconn *l, unsigned idx)
{
	uint32_t slots = 1;
	int rc;

	while (slots < c->window * 4)
		slots <<= 1;
	*l = (struct lconn){ .fd = -1, .mask = slots - 1, .next_hbh = (idx + 1) << 24 };
	l->slots = calloc(slots, sizeof(*l->slots));
	if (!l->slots || grow(&l->rbuf, &l->rcap, RBUF_MIN) < 0 ||
	    grow(&l->wbuf, &l->wcap, (size_t)c->window * REQ_ROOM) < 0)
		return -ENOMEM;
	l->fd = connect_to(c);
	if (l->fd < 0)
		return l->fd;
	rc = capabilities(c, l);
	if (rc < 0)
		return rc;
	return 0;
}

static void conn_close(struct lconn *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->rbuf);
	free(l->wbuf);
	free(l->slots);
	l->fd = -1;
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
		int rc;

		if (sl->used)
			break; /* an old request still holds this slot: wait for it */
		if (grow(&l->wbuf, &l->wcap, l->wlen + REQ_ROOM) < 0)
			return -ENOMEM;
		if (r->tmpl.ok) {
			l->wlen += tmpl_emit(&r->tmpl, c, l->wbuf + l->wlen, r->next_user,
					     r->next_sid++, l->next_hbh, diam_next_e2e());
		} else {
			char sid[sizeof(r->tmpl.sid_prefix) + 12];

			snprintf(sid, sizeof(sid), TMPL_SID_FMT, r->tmpl.sid_prefix, r->next_sid++);
			diam_wr_init(&w, l->wbuf + l->wlen, l->wcap - l->wlen);
			c->req->build(&w, c, r->next_user, sid, l->next_hbh, diam_next_e2e());
			rc = put_msg(l, &w);
			if (rc < 0)
				return rc;
		}
		*sl = (struct slot){ .hbh = l->next_hbh, .user = r->next_user, .t_ns = t, .used = true };
		l->next_hbh++;
		l->inflight++;
		r->s->sent++;
		r->next_user = (r->next_user + 1) % c->users;
	}
	return 0;
}

/* hssd may ask us too: answer DWR (and DPR, then the connection ends). */
static int answer_request(struct run *r, struct lconn *l, const struct diam_msg *m)
{
	struct diam_wr w;

	if (grow(&l->wbuf, &l->wcap, l->wlen + REQ_ROOM) < 0)
		return -ENOMEM;
	diam_wr_init(&w, l->wbuf + l->wlen, l->wcap - l->wlen);
	diam_answer_begin(&w, m);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, r->c->origin_host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, r->c->origin_realm);
	return put_msg(l, &w);
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

static void on_readable(struct run *r, struct lconn *l)
{
	uint64_t t;
	size_t off = 0;
	struct diam_msg m;
	int rc;

	if (read_in(l) < 0) {
		conn_lost(r, l);
		return;
	}
	t = now_ns();
	while ((rc = next_msg(l, &off, &m)) > 0) {
		if (!(m.hdr.flags & DIAM_FLAG_R)) {
			on_answer(r, l, &m, t);
			continue;
		}
		if (answer_request(r, l, &m) < 0 || m.hdr.code == DIAM_CMD_DP) {
			flush_out(l);
			conn_lost(r, l);
			return;
		}
	}
	if (rc < 0) {
		conn_lost(r, l);
		return;
	}
	compact(l, off);
}

/* One turn: wait, read answers, refill windows, send. false when done. */
static bool turn(struct run *r, struct pollfd *p)
{
	const struct load_cfg *c = r->c;
	unsigned live = 0, busy = 0;

	for (unsigned i = 0; i < c->conns; i++) {
		struct lconn *l = &r->lc[i];

		p[i] = (struct pollfd){ .fd = l->dead ? -1 : l->fd,
					.events = POLLIN | (l->wlen > l->woff ? POLLOUT : 0) };
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
		if (!l->dead && flush_out(l) < 0)
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
	for (unsigned i = 0; i < c->conns; i++)
		r.lc[i].fd = -1;
	for (unsigned i = 0; i < c->conns && rc == 0; i++) {
		rc = conn_open(c, &r.lc[i], i);
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
