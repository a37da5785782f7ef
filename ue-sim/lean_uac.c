/* Lean REGISTER client over UDP for the load mode (see lean_uac.h).
 *
 * Per user: idle -> (start) REGISTER queued -> sent -> 401 -> [answer
 * delay] -> answer queued -> sent -> final -> done(). The Via branch
 * carries the user index and a transaction counter
 * ("z9hG4bK<idx>.<txn>"), so a response finds its user in O(1) and a late
 * response of an old transaction is ignored.
 *
 * One turn of lean_poll(): send the queue (one sendmmsg), wait for the
 * socket, read up to RX_BATCH datagrams (one recvmmsg), handle them (which
 * queues answers and, through done(), new registrations), run the timers,
 * send the queue. */
#include "lean_uac.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ue_auth.h"
#include "usim.h"
#include "util/str.h"

/* RFC 3261 §17.1.1.1 timers: T1 is the user's (ue_cfg.t1_ms, --t1 or a
 * scenario's `t1`), RFC 3261's 500 ms when 0; T2 the longest interval
 * between two retransmissions; Timer F = 64*T1 ends the transaction. */
#define T1_DEFAULT_MS 500
#define T2_MS 4000
#define MAX_CHALLENGES 3
#define REQ_MAX 3072
#define RX_BATCH 32           /* datagrams per recvmmsg */
#define RX_SLOT 65536         /* one UDP datagram at most */
#define TX_BATCH 64           /* requests per sendmmsg */
#define VIA_MAX 512           /* longer first Via: not ours, ignored */

enum lstate { L_IDLE, L_SENT, L_DELAY };

/* A request buffer, held by a user only while it is not idle: one per
 * user was 3 KB a user, 15 MB of first-touch page faults for 5,000 users
 * in every run. Kept on a free list, freed at lean_close(). */
struct reqbuf {
	struct reqbuf *next_free, *next_all;
	char b[REQ_MAX];
};
/* which instant the send of a queued request records */
enum lstamp { STAMP_NONE, STAMP_START, STAMP_ANSWER };

struct luser {
	struct ue_cfg cfg;
	struct usim usim;
	char call_id[100], tag[20], uri[260];
	uint32_t cseq, txn;
	enum lstate st;
	enum lstamp stamp;    /* for the queued request */
	bool queued;          /* req is in the send queue */
	unsigned challenges, rtx_ms;
	struct lean_times t;  /* ns, CLOCK_MONOTONIC */
	uint64_t t_sent, t_next; /* ms, for the timers */
	struct reqbuf *req;   /* while not idle */
	size_t req_len;
	size_t slot;          /* index in lean.active while not idle */
};

struct lean {
	int fd;
	struct sockaddr_in dst;
	char hostport[80];    /* "IP:PORT" of our socket, in Via and Contact */
	char host[64];
	size_t hostport_len;
	struct luser *u;
	size_t n, u_bytes;
	uint64_t prng;
	lean_done_fn done;
	void *arg;
	uint64_t next_scan;
	size_t *active;       /* users not idle: the timer scan walks only these */
	size_t nactive;
	uint64_t timeout_ms;  /* per request, lean_set_timeout; Timer F if sooner */
	struct reqbuf *free_req, *all_req;
	/* one challenge and answer at a time: scratch, not per user (they
	 * were ≈ 4 KB a user, written on every registration) */
	struct ue_challenge ch;
	struct ue_answer ans;
	/* HA2 = MD5("REGISTER:" uri) of the last URI answered for: one realm,
	 * one HA2 for every user and challenge (RFC 2617 §3.2.2.3, qop auth) */
	char ha2_uri[260], ha2[DIGEST_HEX_LEN];
	/* the send queue */
	size_t ntx;
	size_t tx_user[TX_BATCH];
	struct mmsghdr tx[TX_BATCH];
	struct iovec tx_iov[TX_BATCH];
	/* the receive batch */
	char (*rx)[RX_SLOT];
	struct mmsghdr rxm[RX_BATCH];
	struct iovec rx_iov[RX_BATCH];
	char rx_ctl[RX_BATCH][CMSG_SPACE(sizeof(struct timespec))];
	bool rx_full;         /* the last recvmmsg filled the batch: read again before poll */
	uint64_t turn_ns;     /* lean_set_turn(): the shortest turn while busy, 0 = none */
	uint64_t turn_start;
};

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
static uint64_t now_ms(void) { return now_ns() / 1000000ull; }

static uint64_t prng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* "sip:IP:PORT[;params]" -> address; 0 or -1. */
static int parse_sip_hostport(const char *url, struct sockaddr_in *sa)
{
	char host[64];
	const char *p = url + 4, *colon;
	unsigned long port;

	if (strncmp(url, "sip:", 4) != 0 || !(colon = strchr(p, ':')) ||
	    (size_t)(colon - p) >= sizeof(host))
		return -1;
	memcpy(host, p, (size_t)(colon - p));
	host[colon - p] = '\0';
	port = strtoul(colon + 1, NULL, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return port < 65536 && inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* The message vectors point at fixed buffers: set once. */
static void lean_vectors(struct lean *l)
{
	for (size_t i = 0; i < RX_BATCH; i++) {
		l->rx_iov[i] = (struct iovec){ l->rx[i], RX_SLOT - 1 }; /* room for a NUL */
		l->rxm[i].msg_hdr = (struct msghdr){ .msg_iov = &l->rx_iov[i], .msg_iovlen = 1 };
	}
	for (size_t i = 0; i < TX_BATCH; i++)
		l->tx[i].msg_hdr = (struct msghdr){ .msg_name = &l->dst,
						    .msg_namelen = sizeof(l->dst),
						    .msg_iov = &l->tx_iov[i], .msg_iovlen = 1 };
}

static int lean_socket(struct lean *l, const char *bind_url)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int buf = 4 << 20, on = 1;

	if (parse_sip_hostport(bind_url, &me) < 0)
		return -1;
	l->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    getsockname(l->fd, (struct sockaddr *)&me, &len) < 0)
		return -1;
	/* bursts of answers: a larger receive buffer avoids drops + T1 waits */
	setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(l->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	/* the arrival time of each response (struct lean_times) */
	setsockopt(l->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	inet_ntop(AF_INET, &me.sin_addr, l->host, sizeof(l->host));
	l->hostport_len = 0;
	str_append(l->hostport, sizeof(l->hostport), &l->hostport_len, l->host);
	str_append(l->hostport, sizeof(l->hostport), &l->hostport_len, ":");
	str_append_u32(l->hostport, sizeof(l->hostport), &l->hostport_len, ntohs(me.sin_port));
	return 0;
}

/* The users' array (≈ 3 KB a user, most of it the USIM's SQN array), in
 * transparent huge pages where the kernel has them (madvise mode): 5,000
 * users were ≈ 3,700 first-touch page faults at every start, a few ms of
 * a short run's CPU on this VM. Zeroed, as mmap gives it. */
static struct luser *users_alloc(size_t n, size_t *bytes)
{
	void *p;

	*bytes = n * sizeof(struct luser);
	p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, *bytes, MADV_HUGEPAGE); /* a hint: without it, 4 KB pages */
	return p;
}

/* OpenSSL's one-time set-up (its library context, the AES and MD5
 * fetches: ≈ 8 M instructions) before the load starts, not inside the
 * first registration's latency. */
static void crypto_warm(void)
{
	uint8_t zero[16] = { 0 }, opc[16];
	char ha1[DIGEST_HEX_LEN];

	(void)aka_opc_from_op(zero, zero, opc);
	(void)digest_ha1("", "", NULL, 0, ha1);
}

struct lean *lean_open(const char *bind_url, const char *registrar, size_t nusers, long long seed,
		       lean_done_fn done, void *arg)
{
	struct lean *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->fd = -1;
	l->timeout_ms = UINT64_MAX; /* Timer F alone */
	l->u = users_alloc(nusers ? nusers : 1, &l->u_bytes);
	l->active = calloc(nusers, sizeof(*l->active));
	l->rx = malloc(RX_BATCH * sizeof(*l->rx));
	if (!l->u || !l->active || !l->rx || parse_sip_hostport(registrar, &l->dst) < 0 ||
	    lean_socket(l, bind_url) < 0)
		goto fail;
	lean_vectors(l);
	crypto_warm();
	l->n = nusers;
	l->done = done;
	l->arg = arg;
	if (seed >= 0)
		l->prng = (uint64_t)seed;
	else if (getrandom(&l->prng, sizeof(l->prng), 0) != (ssize_t)sizeof(l->prng))
		goto fail; /* not RAND_bytes: seeding OpenSSL's DRBG for 8 octets cost 8 M instructions */
	return l;
fail:
	lean_close(l);
	return NULL;
}

void lean_close(struct lean *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	while (l->all_req) {
		struct reqbuf *r = l->all_req;
		l->all_req = r->next_all;
		free(r);
	}
	if (l->u)
		munmap(l->u, l->u_bytes);
	free(l->active);
	free(l->rx);
	free(l);
}

static struct reqbuf *req_get(struct lean *l)
{
	struct reqbuf *r = l->free_req;

	if (r) {
		l->free_req = r->next_free;
		return r;
	}
	if (!(r = malloc(sizeof(*r))))
		return NULL;
	r->next_all = l->all_req;
	l->all_req = r;
	return r;
}

static void req_put(struct lean *l, struct reqbuf *r)
{
	if (!r)
		return;
	r->next_free = l->free_req;
	l->free_req = r;
}

int lean_user_init(struct lean *l, size_t idx, const struct ue_cfg *cfg)
{
	struct luser *u = &l->u[idx];
	size_t n = 0;

	u->cfg = *cfg;
	if (usim_init(&u->usim, &cfg->usim) < 0)
		return -1;
	/* "%016llx%zx@%s": as the client always wrote it */
	str_append_x64(u->call_id, sizeof(u->call_id), &n, prng_next(&l->prng), 16);
	str_append_x64(u->call_id, sizeof(u->call_id), &n, idx, 1);
	str_append(u->call_id, sizeof(u->call_id), &n, "@");
	str_append(u->call_id, sizeof(u->call_id), &n, l->host);
	str_x64(u->tag, prng_next(&l->prng), 16);
	n = 0;
	str_append(u->uri, sizeof(u->uri), &n, "sip:");
	str_append(u->uri, sizeof(u->uri), &n, cfg->realm);
	u->cseq = 1;
	return 0;
}

/* Writes the REGISTER of the user's next transaction into u->req:
 *   REGISTER <uri> SIP/2.0
 *   Via: SIP/2.0/UDP <host:port>;branch=z9hG4bK<idx hex>.<txn hex>;rport
 *   Max-Forwards: 70 / From: <impu>;tag= / To: <impu> / Call-ID / CSeq
 *   Contact: <sip:<impi user part>@<host:port>>;expires=N / Expires: N
 *   Supported: path / Authorization: <authz> / Content-Length: 0 */
static int build_register(struct lean *l, size_t idx, const char *authz)
{
	struct luser *u = &l->u[idx];
	const char *at = strchr(u->cfg.impi, '@');
	size_t ulen = at ? (size_t)(at - u->cfg.impi) : strlen(u->cfg.impi);
	char *b = u->req->b;
	size_t sz = sizeof(u->req->b), n = 0;
	int rc = 0;

	u->txn++;
	u->cseq++;
	rc |= str_append(b, sz, &n, "REGISTER ");
	rc |= str_append(b, sz, &n, u->uri);
	rc |= str_append(b, sz, &n, " SIP/2.0\r\nVia: SIP/2.0/UDP ");
	rc |= str_append_n(b, sz, &n, l->hostport, l->hostport_len);
	rc |= str_append(b, sz, &n, ";branch=z9hG4bK");
	rc |= str_append_x64(b, sz, &n, idx, 1);
	rc |= str_append(b, sz, &n, ".");
	rc |= str_append_x64(b, sz, &n, u->txn, 1);
	rc |= str_append(b, sz, &n, ";rport\r\nMax-Forwards: 70\r\nFrom: <");
	rc |= str_append(b, sz, &n, u->cfg.impu);
	rc |= str_append(b, sz, &n, ">;tag=");
	rc |= str_append(b, sz, &n, u->tag);
	rc |= str_append(b, sz, &n, "\r\nTo: <");
	rc |= str_append(b, sz, &n, u->cfg.impu);
	rc |= str_append(b, sz, &n, ">\r\nCall-ID: ");
	rc |= str_append(b, sz, &n, u->call_id);
	rc |= str_append(b, sz, &n, "\r\nCSeq: ");
	rc |= str_append_u32(b, sz, &n, u->cseq);
	rc |= str_append(b, sz, &n, " REGISTER\r\nContact: <sip:");
	rc |= str_append_n(b, sz, &n, u->cfg.impi, ulen);
	rc |= str_append(b, sz, &n, "@");
	rc |= str_append_n(b, sz, &n, l->hostport, l->hostport_len);
	rc |= str_append(b, sz, &n, ">;expires=");
	rc |= str_append_u32(b, sz, &n, u->cfg.expires);
	rc |= str_append(b, sz, &n, "\r\nExpires: ");
	rc |= str_append_u32(b, sz, &n, u->cfg.expires);
	rc |= str_append(b, sz, &n, "\r\nSupported: path\r\nAuthorization: ");
	rc |= str_append(b, sz, &n, authz);
	rc |= str_append(b, sz, &n, "\r\nContent-Length: 0\r\n\r\n");
	if (rc)
		return -1;
	u->req_len = n;
	return 0;
}

/* Sends the queue: one sendmmsg for up to TX_BATCH requests. The send
 * instant is what the queued requests' stamps record. A message the
 * kernel refuses (a full socket buffer) is a loss like any other: T1
 * retransmits it. */
static void flush(struct lean *l)
{
	size_t done = 0;
	uint64_t now;

	if (!l->ntx)
		return;
	now = now_ns();
	while (done < l->ntx) {
		int r = sendmmsg(l->fd, l->tx + done, (unsigned)(l->ntx - done), MSG_DONTWAIT);
		done += r > 0 ? (size_t)r : 1;
	}
	for (size_t i = 0; i < l->ntx; i++) {
		struct luser *u = &l->u[l->tx_user[i]];
		if (u->stamp == STAMP_START)
			u->t.start = now;
		else if (u->stamp == STAMP_ANSWER)
			u->t.answer = now;
		u->stamp = STAMP_NONE;
		u->queued = false;
	}
	l->ntx = 0;
}

/* Queues user idx's req (once: a user has one request in flight). */
static void queue_req(struct lean *l, size_t idx)
{
	struct luser *u = &l->u[idx];

	if (u->queued)
		return;
	if (l->ntx == TX_BATCH)
		flush(l);
	l->tx_iov[l->ntx] = (struct iovec){ u->req->b, u->req_len };
	l->tx_user[l->ntx++] = idx;
	u->queued = true;
}

static unsigned user_t1(const struct luser *u)
{
	return u->cfg.t1_ms ? u->cfg.t1_ms : T1_DEFAULT_MS;
}

/* Timer E starts at T1 (§17.1.2.2). */
static void send_req(struct lean *l, size_t idx, enum lstamp stamp)
{
	struct luser *u = &l->u[idx];

	queue_req(l, idx);
	u->stamp = stamp;
	u->st = L_SENT;
	u->rtx_ms = user_t1(u);
	u->t_sent = now_ms();
	u->t_next = u->t_sent + u->rtx_ms;
}

static void finish(struct lean *l, size_t idx, int status, const char *error, uint64_t t_final)
{
	struct luser *u = &l->u[idx];
	size_t last = l->active[--l->nactive];

	/* swap-remove from the active list */
	l->active[u->slot] = last;
	l->u[last].slot = u->slot;
	u->st = L_IDLE;
	if (u->queued)
		flush(l); /* before its buffer goes back */
	req_put(l, u->req);
	u->req = NULL;
	u->t.final = t_final;
	l->done(l->arg, idx, status, error, &u->t);
}

/* A request is rebuilt only once the one before it is sent: its buffer
 * is what the queue points at. */
static int rebuild(struct lean *l, size_t idx, const char *authz)
{
	if (l->u[idx].queued)
		flush(l);
	return build_register(l, idx, authz);
}

int lean_start(struct lean *l, size_t idx)
{
	struct luser *u = &l->u[idx];
	char authz[UE_AUTH_HDR_MAX];

	if (u->st != L_IDLE || ue_auth_initial(&u->cfg, u->uri, authz, sizeof(authz)) < 0 ||
	    !(u->req = req_get(l)))
		return -1;
	if (build_register(l, idx, authz) < 0) {
		req_put(l, u->req);
		u->req = NULL;
		return -1;
	}
	u->challenges = 0;
	u->t = (struct lean_times){ 0 };
	u->slot = l->nactive;
	l->active[l->nactive++] = idx;
	send_req(l, idx, STAMP_START);
	return 0;
}

/* 401: the USIM and digest of ue_auth.c, then the answer (or after the
 * answer delay, from the timer scan). */
static void on_401(struct lean *l, size_t idx, const char *www, uint64_t t_rx)
{
	struct luser *u = &l->u[idx];
	char cnonce[17];
	struct ue_answer_req req = { .method = "REGISTER", .uri = u->uri, .nc = 1, .cnonce = cnonce };

	if (++u->challenges > MAX_CHALLENGES) {
		finish(l, idx, 401, NULL, t_rx);
		return;
	}
	str_x64(cnonce, prng_next(&l->prng), 16);
	if (strcmp(l->ha2_uri, u->uri) != 0) {
		l->ha2_uri[0] = '\0';
		if (digest_ha2(req.method, u->uri, l->ha2) == 0)
			str_copy(l->ha2_uri, sizeof(l->ha2_uri), u->uri);
	}
	req.ha2 = l->ha2_uri[0] ? l->ha2 : NULL;
	if (!www || ue_challenge_parse(www, &l->ch) < 0) {
		finish(l, idx, 401, "401 without a usable challenge", t_rx);
		return;
	}
	if (ue_auth_answer(&u->cfg, &u->usim, &l->ch, &req, &l->ans) < 0 ||
	    rebuild(l, idx, l->ans.header) < 0) {
		finish(l, idx, 0, "cannot answer the challenge", t_rx);
		return;
	}
	if (u->cfg.answer_delay_ms) {
		u->st = L_DELAY;
		u->t_next = now_ms() + u->cfg.answer_delay_ms;
		return;
	}
	send_req(l, idx, STAMP_ANSWER);
}

/* Is the header line at h (len octets) `name` or its compact form? Then
 * its value: after the colon and blanks. */
static char *header_value(char *h, size_t len, const char *name, size_t nl, char compact)
{
	size_t k;

	if (len > nl && !strncasecmp(h, name, nl) && (h[nl] == ':' || h[nl] == ' '))
		k = nl;
	else if (compact && len > 1 && (h[0] | 0x20) == compact && (h[1] == ':' || h[1] == ' '))
		k = 1;
	else
		return NULL;
	while (k < len && (h[k] == ' ' || h[k] == '\t' || h[k] == ':'))
		k++;
	return h + k;
}

/* The first Via and the first WWW-Authenticate of a response (n octets),
 * each NUL-terminated in place (the message is ours to cut); NULL when
 * absent or longer than the client takes. */
static void find_headers(char *msg, size_t n, char **via, char **www)
{
	char *end = msg + n, *p = memchr(msg, '\n', n);
	bool seen_via = false, seen_www = false;

	*via = *www = NULL;
	while (p && ++p < end && *p != '\r' && *p != '\n') {
		char *e = memchr(p, '\n', (size_t)(end - p)), *v;
		size_t len = (size_t)((e ? e : end) - p);
		size_t vlen = len - (len && p[len - 1] == '\r');

		if (!seen_via && (v = header_value(p, vlen, "Via", 3, 'v'))) {
			seen_via = true;
			if (p + vlen - v < VIA_MAX)
				*via = v;
			p[vlen] = '\0';
		} else if (!seen_www && (v = header_value(p, vlen, "WWW-Authenticate", 16, 0))) {
			seen_www = true;
			if (p + vlen - v < UE_AUTH_HDR_MAX)
				*www = v;
			p[vlen] = '\0';
		}
		p = e;
	}
}

/* One response of n octets (msg[n] is writable), arrived at t_rx. */
static void on_datagram(struct lean *l, char *msg, size_t n, uint64_t t_rx)
{
	char *via, *www, *b, *e;
	unsigned long long idx;
	unsigned txn;
	int status;

	msg[n] = '\0';
	if (n < 12 || memcmp(msg, "SIP/2.0 ", 8) != 0)
		return;
	find_headers(msg, n, &via, &www);
	if (!via || !(b = strstr(via, "branch=z9hG4bK")))
		return;
	idx = strtoull(b + 14, &e, 16);
	if (e == b + 14 || *e != '.' || idx >= l->n)
		return;
	b = e + 1;
	txn = (unsigned)strtoul(b, &e, 16);
	if (e == b)
		return;
	struct luser *u = &l->u[idx];
	if (u->st != L_SENT || txn != u->txn)
		return; /* retransmitted answer of an old transaction */
	status = atoi(msg + 8);
	if (status < 200) {
		u->t_next = now_ms() + T2_MS; /* §17.1.2.2: provisional -> T2 */
		u->rtx_ms = T2_MS;
		return;
	}
	if (!u->t.first)
		u->t.first = t_rx;
	if (status == 401)
		on_401(l, (size_t)idx, www, t_rx);
	else
		finish(l, (size_t)idx, status, NULL, t_rx);
}

/* Retransmissions (Timer E: T1, 2*T1, ... at most T2 apart), timeouts
 * (Timer F = 64*T1, or lean_set_timeout's when sooner) and delayed
 * answers. RFC 3261 §17.1.2.2. */
static void scan_timers(struct lean *l)
{
	uint64_t now = now_ms();

	if (now < l->next_scan)
		return;
	l->next_scan = now + 10;
	/* backwards: finish() swap-removes the current entry */
	for (size_t k = l->nactive; k-- > 0;) {
		size_t i = l->active[k];
		struct luser *u = &l->u[i];
		uint64_t limit = 64ull * user_t1(u); /* Timer F */
		if (l->timeout_ms < limit)
			limit = l->timeout_ms;
		if (u->st != L_DELAY && now - u->t_sent >= limit) {
			finish(l, i, 408, NULL, now_ns()); /* before t_next: a short --timeout is on time */
			continue;
		}
		if (now < u->t_next)
			continue;
		if (u->st == L_DELAY) {
			send_req(l, i, STAMP_ANSWER);
		} else {
			queue_req(l, i);
			u->rtx_ms = u->rtx_ms * 2 > T2_MS ? T2_MS : u->rtx_ms * 2;
			u->t_next = now + u->rtx_ms;
		}
	}
}

void lean_set_timeout(struct lean *l, unsigned ms)
{
	l->timeout_ms = ms;
}

/* The kernel's receive time of message i (CLOCK_REALTIME, SO_TIMESTAMPNS)
 * on the monotonic clock: minus the offset between the two clocks read
 * now; `now` when the kernel gave none. */
static uint64_t rx_time(const struct msghdr *m, uint64_t now, uint64_t offset)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR((struct msghdr *)m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			uint64_t rt = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
			return rt > offset && rt - offset <= now ? rt - offset : now;
		}
	return now;
}

/* Reads up to RX_BATCH responses and handles them; the count. */
static int read_batch(struct lean *l)
{
	uint64_t now, offset;
	int n;

	for (size_t i = 0; i < RX_BATCH; i++) {
		l->rxm[i].msg_hdr.msg_control = l->rx_ctl[i];
		l->rxm[i].msg_hdr.msg_controllen = sizeof(l->rx_ctl[i]);
	}
	n = recvmmsg(l->fd, l->rxm, RX_BATCH, MSG_DONTWAIT, NULL);
	l->rx_full = n == RX_BATCH;
	if (n <= 0)
		return 0;
	now = now_ns();
	offset = clock_ns(CLOCK_REALTIME) - now;
	for (int i = 0; i < n; i++)
		if (!(l->rxm[i].msg_hdr.msg_flags & MSG_TRUNC))
			on_datagram(l, l->rx[i], l->rxm[i].msg_len,
				    rx_time(&l->rxm[i].msg_hdr, now, offset));
	return n;
}

void lean_set_turn(struct lean *l, unsigned us)
{
	l->turn_ns = (uint64_t)us * 1000u;
}

/* Busy (TURN_MIN_ACTIVE or more in flight): sleeps out the rest of the
 * shortest turn instead of waking for every response. A wake-up from
 * poll() was ≈ a third of the client's CPU on this VM, one or two per
 * registration; a turn of 1 ms reads and answers a dozen at 6,000/s, and
 * the registrar's sends find no sleeper to wake. The latencies do not
 * include the wait (struct lean_times). */
#define TURN_MIN_ACTIVE 8

static void turn_wait(struct lean *l)
{
	uint64_t until = l->turn_start + l->turn_ns;

	if (until > now_ns()) {
		struct timespec ts = { (time_t)(until / 1000000000u), (long)(until % 1000000000u) };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

void lean_poll(struct lean *l, int timeout_ms)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };

	flush(l); /* what lean_start() queued since the last turn */
	if (!l->rx_full && l->turn_ns && l->nactive >= TURN_MIN_ACTIVE) {
		turn_wait(l);
		l->turn_start = now_ns();
		if (!read_batch(l) && poll(&pfd, 1, timeout_ms) > 0)
			read_batch(l);
	} else if (l->rx_full || poll(&pfd, 1, timeout_ms) > 0) {
		/* a full batch last time: more is waiting, no need to ask poll */
		l->turn_start = now_ns();
		read_batch(l);
	}
	scan_timers(l);
	flush(l);
}
