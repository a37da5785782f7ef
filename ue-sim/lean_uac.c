/* Lean REGISTER client over UDP for the load mode (see lean_uac.h).
 *
 * Per user: idle -> (start) REGISTER sent -> 401 -> [answer delay] ->
 * answer sent -> final -> done(). The Via branch carries the user index
 * and a transaction counter ("z9hG4bK<idx>.<txn>"), so a response finds
 * its user in O(1) and a late response of an old transaction is ignored. */
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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "ue_auth.h"
#include "usim.h"

#define T1_MS 500
#define T2_MS 4000
#define TIMEOUT_MS (64 * T1_MS)
#define MAX_CHALLENGES 3
#define REQ_MAX 3072

enum lstate { L_IDLE, L_SENT, L_DELAY };

struct luser {
	struct ue_cfg cfg;
	struct usim usim;
	struct ue_challenge ch;
	struct ue_answer ans;
	char call_id[100], tag[20], uri[260];
	uint32_t cseq, txn;
	enum lstate st;
	unsigned challenges, rtx_ms;
	uint64_t t_start, t_first, t_sent, t_next; /* ms for timers, ns for stats */
	char req[REQ_MAX];
	size_t req_len;
	size_t slot;          /* index in lean.active while not idle */
};

struct lean {
	int fd;
	struct sockaddr_in dst;
	char host[64];
	unsigned port;
	struct luser *u;
	size_t n;
	uint64_t prng;
	lean_done_fn done;
	void *arg;
	uint64_t next_scan;
	size_t *active;       /* users not idle: the timer scan walks only these */
	size_t nactive;
	uint64_t timeout_ms;  /* per request: 64*T1 unless lean_set_timeout */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

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

struct lean *lean_open(const char *bind_url, const char *registrar, size_t nusers, long long seed,
		       lean_done_fn done, void *arg)
{
	struct lean *l = calloc(1, sizeof(*l));
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int buf = 4 << 20;

	if (!l)
		return NULL;
	l->fd = -1;
	l->timeout_ms = TIMEOUT_MS;
	l->u = calloc(nusers, sizeof(*l->u));
	l->active = calloc(nusers, sizeof(*l->active));
	if (!l->u || !l->active || parse_sip_hostport(registrar, &l->dst) < 0 ||
	    parse_sip_hostport(bind_url, &me) < 0)
		goto fail;
	l->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    getsockname(l->fd, (struct sockaddr *)&me, &len) < 0)
		goto fail;
	/* bursts of answers: a larger receive buffer avoids drops + T1 waits */
	setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(l->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	inet_ntop(AF_INET, &me.sin_addr, l->host, sizeof(l->host));
	l->port = ntohs(me.sin_port);
	l->n = nusers;
	l->done = done;
	l->arg = arg;
	if (seed >= 0)
		l->prng = (uint64_t)seed;
	else if (RAND_bytes((unsigned char *)&l->prng, sizeof(l->prng)) != 1)
		goto fail;
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
	free(l->u);
	free(l->active);
	free(l);
}

int lean_user_init(struct lean *l, size_t idx, const struct ue_cfg *cfg)
{
	struct luser *u = &l->u[idx];

	u->cfg = *cfg;
	if (usim_init(&u->usim, &cfg->usim) < 0)
		return -1;
	snprintf(u->call_id, sizeof(u->call_id), "%016llx%zx@%s",
		 (unsigned long long)prng_next(&l->prng), idx, l->host);
	snprintf(u->tag, sizeof(u->tag), "%016llx", (unsigned long long)prng_next(&l->prng));
	snprintf(u->uri, sizeof(u->uri), "sip:%s", cfg->realm);
	u->cseq = 1;
	return 0;
}

/* Writes the REGISTER of the user's current transaction into u->req. */
static int build_register(struct lean *l, size_t idx, const char *authz)
{
	struct luser *u = &l->u[idx];
	const char *at = strchr(u->cfg.impi, '@');
	int ulen = at ? (int)(at - u->cfg.impi) : (int)strlen(u->cfg.impi);
	int n;

	u->txn++;
	u->cseq++;
	n = snprintf(u->req, sizeof(u->req),
		     "REGISTER %s SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%zx.%x;rport\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <%s>;tag=%s\r\n"
		     "To: <%s>\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: %u REGISTER\r\n"
		     "Contact: <sip:%.*s@%s:%u>;expires=%u\r\n"
		     "Expires: %u\r\n"
		     "Supported: path\r\n"
		     "Authorization: %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     u->uri, l->host, l->port, idx, u->txn, u->cfg.impu, u->tag, u->cfg.impu,
		     u->call_id, u->cseq, ulen, u->cfg.impi, l->host, l->port, u->cfg.expires,
		     u->cfg.expires, authz);
	if (n < 0 || (size_t)n >= sizeof(u->req))
		return -1;
	u->req_len = (size_t)n;
	return 0;
}

static void send_req(struct lean *l, struct luser *u)
{
	/* a full socket buffer is a loss like any other: T1 retransmits */
	(void)sendto(l->fd, u->req, u->req_len, 0, (struct sockaddr *)&l->dst, sizeof(l->dst));
	u->st = L_SENT;
	u->rtx_ms = T1_MS;
	u->t_sent = now_ms();
	u->t_next = u->t_sent + T1_MS;
}

static void finish(struct lean *l, size_t idx, int status, const char *error)
{
	struct luser *u = &l->u[idx];
	size_t last = l->active[--l->nactive];

	/* swap-remove from the active list */
	l->active[u->slot] = last;
	l->u[last].slot = u->slot;
	u->st = L_IDLE;
	l->done(l->arg, idx, status, error, u->t_start, u->t_first, now_ns());
}

int lean_start(struct lean *l, size_t idx)
{
	struct luser *u = &l->u[idx];
	char authz[UE_AUTH_HDR_MAX];

	if (u->st != L_IDLE || ue_auth_initial(&u->cfg, u->uri, authz, sizeof(authz)) < 0 ||
	    build_register(l, idx, authz) < 0)
		return -1;
	u->challenges = 0;
	u->t_start = now_ns();
	u->t_first = 0;
	u->slot = l->nactive;
	l->active[l->nactive++] = idx;
	send_req(l, u);
	return 0;
}

/* 401: the USIM and digest of ue_auth.c, then the answer (or after the
 * answer delay, from the timer scan). */
static void on_401(struct lean *l, size_t idx, const char *www)
{
	struct luser *u = &l->u[idx];
	char cnonce[17];
	struct ue_answer_req req = { .method = "REGISTER", .uri = u->uri, .nc = 1, .cnonce = cnonce };

	if (++u->challenges > MAX_CHALLENGES) {
		finish(l, idx, 401, NULL);
		return;
	}
	snprintf(cnonce, sizeof(cnonce), "%016llx", (unsigned long long)prng_next(&l->prng));
	if (!www || ue_challenge_parse(www, &u->ch) < 0) {
		finish(l, idx, 401, "401 without a usable challenge");
		return;
	}
	if (ue_auth_answer(&u->cfg, &u->usim, &u->ch, &req, &u->ans) < 0 ||
	    build_register(l, idx, u->ans.header) < 0) {
		finish(l, idx, 0, "cannot answer the challenge");
		return;
	}
	if (u->cfg.answer_delay_ms) {
		u->st = L_DELAY;
		u->t_next = now_ms() + u->cfg.answer_delay_ms;
		return;
	}
	send_req(l, u);
}

/* Value of header `name` (or its compact form) in a NUL-terminated
 * message, copied to out; NULL when absent. First occurrence only. */
static const char *find_header(const char *msg, const char *name, const char *compact,
			       char *out, size_t outsz)
{
	size_t nl = strlen(name), cl = compact ? strlen(compact) : 0;

	for (const char *p = strstr(msg, "\r\n"); p && p[2] && !(p[2] == '\r' && p[3] == '\n');
	     p = strstr(p + 2, "\r\n")) {
		const char *h = p + 2, *v;
		if (!strncasecmp(h, name, nl) && (h[nl] == ':' || h[nl] == ' '))
			v = h + nl;
		else if (cl && !strncasecmp(h, compact, cl) && (h[cl] == ':' || h[cl] == ' '))
			v = h + cl;
		else
			continue;
		while (*v == ' ' || *v == '\t' || *v == ':')
			v++;
		const char *e = strstr(v, "\r\n");
		size_t len = e ? (size_t)(e - v) : strlen(v);
		if (len >= outsz)
			return NULL;
		memcpy(out, v, len);
		out[len] = '\0';
		return out;
	}
	return NULL;
}

static void on_datagram(struct lean *l, char *msg)
{
	char via[512], www[UE_AUTH_HDR_MAX];
	const char *b;
	unsigned long long idx;
	unsigned txn;
	int status;

	if (strncmp(msg, "SIP/2.0 ", 8) != 0 || !find_header(msg, "Via", "v", via, sizeof(via)) ||
	    !(b = strstr(via, "branch=z9hG4bK")) ||
	    sscanf(b + 14, "%llx.%x", &idx, &txn) != 2 || idx >= l->n)
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
	if (!u->t_first)
		u->t_first = now_ns();
	if (status == 401)
		on_401(l, (size_t)idx, find_header(msg, "WWW-Authenticate", NULL, www, sizeof(www)));
	else
		finish(l, (size_t)idx, status, NULL);
}

/* Retransmissions, timeouts and delayed answers. */
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
		if (u->st != L_DELAY && now - u->t_sent >= l->timeout_ms) {
			finish(l, i, 408, NULL); /* before t_next: a short --timeout is on time */
			continue;
		}
		if (now < u->t_next)
			continue;
		if (u->st == L_DELAY) {
			send_req(l, u);
		} else {
			(void)sendto(l->fd, u->req, u->req_len, 0, (struct sockaddr *)&l->dst, sizeof(l->dst));
			u->rtx_ms = u->rtx_ms * 2 > T2_MS ? T2_MS : u->rtx_ms * 2;
			u->t_next = now + u->rtx_ms;
		}
	}
}

void lean_set_timeout(struct lean *l, unsigned ms)
{
	l->timeout_ms = ms;
}

void lean_poll(struct lean *l, int timeout_ms)
{
	static char buf[65536];
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };

	if (poll(&pfd, 1, timeout_ms) > 0) {
		for (int i = 0; i < 256; i++) { /* drain, but let timers run */
			ssize_t n = recv(l->fd, buf, sizeof(buf) - 1, 0);
			if (n <= 0)
				break;
			buf[n] = '\0';
			on_datagram(l, buf);
		}
	}
	scan_timers(l);
}
