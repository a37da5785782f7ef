/* The /metrics listener (metrics.h): non-blocking sockets whose readiness
 * the owner's event loop reports. Sockets come from the one TCP helper of
 * the tree (diameter/transport.h): listen, accept, endpoint syntax. */
#include "metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diameter/transport.h"
#include "log.h"

#define IDLE_MS 5000

struct mconn {
	int fd; /* -1: free slot */
	struct mhttp http;
	uint64_t last_ms;
	int events;
	char addr[64];
};

struct metrics_srv {
	struct metrics *m;
	struct metrics_srv_ops ops;
	int lfd;
	unsigned port;
	struct mconn conn[METRICS_SRV_MAX_CONN];
};

int metrics_uri_check(const char *uri, char *err, size_t errsz)
{
	struct diam_endpoint ep;
	const char *p = uri + 6;

	if (diam_endpoint_parse(uri, &ep) < 0 || ep.proto != DIAM_PROTO_TCP ||
	    !(*p == '[' ? strstr(p, "]:") != NULL : strchr(p, ':') != NULL)) {
		snprintf(err, errsz, "'%s' is not tcp://IP:PORT (IPv6 as tcp://[addr]:PORT)", uri);
		return -EINVAL;
	}
	return 0;
}

int metrics_srv_open(struct metrics_srv **out, const char *uri, struct metrics *m,
		     const struct metrics_srv_ops *ops, char *err, size_t errsz)
{
	struct metrics_srv *s;
	struct diam_endpoint ep;
	uint16_t port = 0;
	int rc;

	*out = NULL;
	if ((rc = metrics_uri_check(uri, err, errsz)) < 0)
		return rc;
	diam_endpoint_parse(uri, &ep);
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < METRICS_SRV_MAX_CONN; i++)
		s->conn[i].fd = -1;
	s->m = m;
	s->ops = *ops;
	s->lfd = diam_listen(&ep, &port);
	if (s->lfd < 0) {
		rc = s->lfd;
		snprintf(err, errsz, "cannot listen on %s: %s", uri, strerror(-rc));
		free(s);
		return rc;
	}
	s->port = port;
	rc = s->ops.watch(s->ops.arg, s->lfd, METRICS_EV_IN);
	if (rc < 0) {
		snprintf(err, errsz, "cannot watch the listener: %s", strerror(-rc));
		close(s->lfd);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static void conn_close(struct metrics_srv *s, struct mconn *c)
{
	s->ops.watch(s->ops.arg, c->fd, 0);
	close(c->fd);
	mhttp_free(&c->http);
	c->fd = -1;
}

void metrics_srv_free(struct metrics_srv *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < METRICS_SRV_MAX_CONN; i++)
		if (s->conn[i].fd >= 0)
			conn_close(s, &s->conn[i]);
	s->ops.watch(s->ops.arg, s->lfd, 0);
	close(s->lfd);
	free(s);
}

unsigned metrics_srv_port(const struct metrics_srv *s)
{
	return s->port;
}

int metrics_srv_listen_fd(const struct metrics_srv *s)
{
	return s->lfd;
}

static void set_events(struct metrics_srv *s, struct mconn *c, int ev)
{
	if (c->events != ev && s->ops.watch(s->ops.arg, c->fd, ev) == 0)
		c->events = ev;
}

static void accept_all(struct metrics_srv *s, uint64_t now_ms)
{
	for (;;) {
		char addr[64];
		int fd = diam_accept(s->lfd, DIAM_PROTO_TCP, addr, sizeof(addr));
		struct mconn *c = NULL;

		if (fd < 0) {
			if (fd != -EAGAIN && fd != -ECONNABORTED)
				LOGW(LOG_MAIN, "metrics: accept: %s", strerror(-fd));
			return;
		}
		for (size_t i = 0; i < METRICS_SRV_MAX_CONN && !c; i++)
			if (s->conn[i].fd < 0)
				c = &s->conn[i];
		if (!c) { /* a scraper that opens more than 16 at once waits its turn */
			close(fd);
			continue;
		}
		c->fd = fd;
		c->last_ms = now_ms;
		c->events = 0;
		snprintf(c->addr, sizeof(c->addr), "%s", addr);
		mhttp_init(&c->http);
		set_events(s, c, METRICS_EV_IN);
		if (c->events != METRICS_EV_IN)
			conn_close(s, c);
	}
}

static void conn_read(struct metrics_srv *s, struct mconn *c)
{
	char buf[2048];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	mhttp_input(&c->http, buf, n > 0 ? (size_t)n : 0, n <= 0, s->m);
}

static void conn_write(struct mconn *c)
{
	size_t len;
	const char *p = mhttp_output(&c->http, &len);
	ssize_t n;

	if (!p)
		return;
	n = send(c->fd, p, len, MSG_NOSIGNAL);
	if (n > 0)
		mhttp_sent(&c->http, (size_t)n);
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		c->http.state = MHTTP_DONE;
}

void metrics_srv_event(struct metrics_srv *s, int fd, int events, uint64_t now_ms)
{
	struct mconn *c = NULL;

	if (fd == s->lfd) {
		accept_all(s, now_ms);
		return;
	}
	for (size_t i = 0; i < METRICS_SRV_MAX_CONN && !c; i++)
		if (s->conn[i].fd == fd)
			c = &s->conn[i];
	if (!c)
		return;
	c->last_ms = now_ms;
	if (events & METRICS_EV_IN)
		conn_read(s, c);
	if (c->http.state == MHTTP_WRITING)
		conn_write(c); /* most answers leave in this first write */
	if (c->http.state == MHTTP_DONE) {
		LOGD(LOG_MAIN, "metrics: %s answered %d", c->addr, c->http.status);
		conn_close(s, c);
		return;
	}
	set_events(s, c, c->http.state == MHTTP_WRITING ? METRICS_EV_OUT : METRICS_EV_IN);
}

void metrics_srv_tick(struct metrics_srv *s, uint64_t now_ms)
{
	for (size_t i = 0; s && i < METRICS_SRV_MAX_CONN; i++)
		if (s->conn[i].fd >= 0 && now_ms - s->conn[i].last_ms > IDLE_MS)
			conn_close(s, &s->conn[i]);
}
