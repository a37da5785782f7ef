/* Cx client: one TCP connection to the HSS in the su_root loop (see the
 * design note in cx_client.h). Sockets, stream framing and buffers are the
 * common transport.h/conn.h; base messages (CER, DWR/DWA, DPR/DPA) come
 * from the common builders (base.h); Cx content is built and parsed by
 * cx_msg.c. */
#include "cx_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "diameter/base.h"
#include "diameter/codes.h"
#include "diameter/conn.h"
#include "diameter/transport.h"
#include "util/log.h"

#define TICK_MS 100
#define CONNECT_TIMEOUT_MS 5000
#define BACKOFF_MIN_MS 500

enum cx_state { CX_IDLE, CX_CONNECTING, CX_WAIT_CEA, CX_OPEN };
static const char *const state_names[] = { "IDLE", "CONNECTING", "WAIT_CEA", "OPEN" };

struct pending {
	uint32_t hbh;
	uint64_t deadline;
	cx_answer_fn fn;
	void *arg;
	struct pending *next;
};

struct cx_client {
	su_root_t *root;
	struct cx_client_cfg cfg;
	enum cx_state state;
	int fd;
	int widx;                 /* su_root registration index, 0 = none */
	su_wait_t wait;
	su_timer_t *tick;
	uint64_t state_deadline;  /* CONNECTING/WAIT_CEA give-up time */
	uint64_t reconnect_at;
	unsigned backoff_ms;
	uint64_t last_rx;
	uint64_t dwr_sent;        /* 0 = no DWR outstanding */
	bool warned;              /* this outage was logged already */
	struct diam_local local;  /* what the base messages say about us */
	struct diam_conn conn;
	struct pending *pending;
	cx_request_fn req_fn;
	void *req_arg;
};

static void set_state(struct cx_client *c, enum cx_state s)
{
	if (c->state != s)
		LOGD(LOG_DIAM, "Cx peer %s:%u: %s -> %s", c->cfg.host, c->cfg.port,
		     state_names[c->state], state_names[s]);
	c->state = s;
}

/* Answers every pending request with `status` (no answer will come). */
static void fail_all(struct cx_client *c, int status)
{
	struct pending *p = c->pending;

	c->pending = NULL;
	while (p) {
		struct pending *n = p->next;
		p->fn(p->arg, status, NULL);
		free(p);
		p = n;
	}
}

static void close_conn(struct cx_client *c, const char *why)
{
	/* Warn once per outage, not at every reconnect attempt. */
	if (c->state == CX_OPEN || !c->warned)
		LOGW(LOG_DIAM, "Cx peer %s:%u: connection %s: %s", c->cfg.host, c->cfg.port,
		     c->state == CX_OPEN ? "lost" : "failed", why);
	else
		LOGD(LOG_DIAM, "Cx peer %s:%u: %s", c->cfg.host, c->cfg.port, why);
	c->warned = true;
	if (c->widx > 0)
		su_root_deregister(c->root, c->widx);
	c->widx = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	diam_conn_clear(&c->conn);
	c->dwr_sent = 0;
	set_state(c, CX_IDLE);
	c->reconnect_at = mono_ms() + c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > c->cfg.reconnect_max_s * 1000u
				? c->cfg.reconnect_max_s * 1000u
				: c->backoff_ms * 2;
	fail_all(c, -ECONNRESET);
}

static void update_mask(struct cx_client *c)
{
	int ev = SU_WAIT_IN | SU_WAIT_HUP;

	if (diam_conn_wpending(&c->conn) || c->state == CX_CONNECTING)
		ev |= SU_WAIT_OUT;
	if (c->widx > 0)
		su_root_eventmask(c->root, c->widx, c->fd, ev);
}

static int flush(struct cx_client *c)
{
	ssize_t n = diam_flush(c->fd, DIAM_PROTO_TCP, &c->conn);

	if (n < 0)
		return (int)n;
	update_mask(c);
	return 0;
}

static int send_bytes(struct cx_client *c, const uint8_t *buf, size_t len)
{
	if (c->fd < 0)
		return -ENOTCONN;
	if (diam_conn_queue(&c->conn, buf, len))
		return -ENOMEM;
	return flush(c);
}

static void send_cer(struct cx_client *c)
{
	uint8_t buf[1024];
	struct diam_host_ip ip;
	ssize_t n;

	if (diam_local_ip(c->fd, &ip))
		ip = (struct diam_host_ip){ .family = 1, .len = 4 }; /* 0.0.0.0 */
	n = diam_build_cer(buf, sizeof(buf), &c->local, &ip, diam_next_hbh(), diam_next_e2e());
	if (n < 0 || send_bytes(c, buf, (size_t)n)) {
		close_conn(c, "cannot send CER");
		return;
	}
	set_state(c, CX_WAIT_CEA);
	c->state_deadline = mono_ms() + CONNECT_TIMEOUT_MS;
}

/* DWA, DPA, or the §7.2 answer-message (E bit) for a command we do not serve. */
static void answer_base(struct cx_client *c, const struct diam_msg *m)
{
	struct diam_verdict v = { .result_code = DIAM_COMMAND_UNSUPPORTED, .e_bit = true };
	uint8_t buf[512];
	ssize_t n;

	if (m->hdr.code == DIAM_CMD_DW)
		n = diam_build_dwa(buf, sizeof(buf), m, &c->local, DIAM_SUCCESS);
	else if (m->hdr.code == DIAM_CMD_DP)
		n = diam_build_dpa(buf, sizeof(buf), m, &c->local, DIAM_SUCCESS);
	else
		n = diam_build_error_answer(buf, sizeof(buf), m->raw, m->raw_len, &c->local, &v);
	if (n > 0)
		send_bytes(c, buf, (size_t)n);
}

static void handle_request(struct cx_client *c, const struct diam_msg *m)
{
	uint8_t *buf;
	ssize_t n = -1;

	/* DPR (RFC 6733 §5.4): answer, then the peer closes. */
	if (m->hdr.code == DIAM_CMD_DW || m->hdr.code == DIAM_CMD_DP) {
		answer_base(c, m);
		return;
	}
	if (m->hdr.app_id == DIAM_APP_CX && c->req_fn && (buf = malloc(4096))) {
		n = c->req_fn(c->req_arg, m, buf, 4096);
		if (n > 0)
			send_bytes(c, buf, (size_t)n);
		free(buf);
	}
	if (n < 0)
		answer_base(c, m);
}

static void handle_cea(struct cx_client *c, const struct diam_msg *m)
{
	struct cx_result r;

	if (cx_get_result(m, &r) || !cx_result_ok(&r)) {
		LOGE(LOG_DIAM, "CEA from %s:%u refused us (Result-Code %u)", c->cfg.host,
		     c->cfg.port, r.code);
		close_conn(c, "CEA not successful");
		return;
	}
	set_state(c, CX_OPEN);
	LOGN(LOG_DIAM, "Cx peer %s:%u: open (CEA %u)", c->cfg.host, c->cfg.port, r.code);
	c->backoff_ms = BACKOFF_MIN_MS;
	c->warned = false;
}

static void handle_answer(struct cx_client *c, const struct diam_msg *m)
{
	struct pending **pp = &c->pending, *p;

	if (m->hdr.code == DIAM_CMD_CE) {
		if (c->state == CX_WAIT_CEA)
			handle_cea(c, m);
		return;
	}
	if (m->hdr.code == DIAM_CMD_DW) {
		c->dwr_sent = 0;
		return;
	}
	while (*pp && (*pp)->hbh != m->hdr.hbh)
		pp = &(*pp)->next;
	if (!(p = *pp)) {
		LOGW(LOG_DIAM, "answer with unknown hop-by-hop 0x%08x dropped (late?)", m->hdr.hbh);
		return;
	}
	*pp = p->next;
	p->fn(p->arg, 0, m);
	free(p);
}

/* Returns false if the connection was closed while handling. */
static bool handle_frame(struct cx_client *c, const uint8_t *buf, size_t len)
{
	struct diam_msg m;
	int rc = diam_msg_parse(buf, len, &m);

	if (rc) {
		close_conn(c, diam_strerror(rc));
		return false;
	}
	c->last_rx = mono_ms();
	if (m.hdr.flags & DIAM_FLAG_R)
		handle_request(c, &m);
	else
		handle_answer(c, &m);
	return c->fd >= 0;
}

static void on_readable(struct cx_client *c)
{
	const uint8_t *msg;
	size_t len;
	ssize_t n = diam_read(c->fd, &c->conn);
	int rc;

	if (n < 0) {
		close_conn(c, strerror((int)-n));
		return;
	}
	/* What arrived before a close is still handled (a DPA, an answer). */
	while ((rc = diam_conn_next(&c->conn, &msg, &len)) == 1)
		if (!handle_frame(c, msg, len))
			return;
	if (rc < 0)
		close_conn(c, "bad Diameter framing");
	else if (c->conn.eof)
		close_conn(c, "peer closed");
	else
		diam_conn_rcompact(&c->conn);
}

static int on_socket(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
	struct cx_client *c = arg;
	int ev = su_wait_events(w, c->fd), err;

	(void)magic;
	if (c->state == CX_CONNECTING && (ev & (SU_WAIT_OUT | SU_WAIT_HUP | SU_WAIT_ERR))) {
		if ((err = diam_connect_result(c->fd))) {
			close_conn(c, strerror(-err));
			return 0;
		}
		send_cer(c);
		return 0;
	}
	if (ev & SU_WAIT_IN)
		on_readable(c);
	else if (ev & (SU_WAIT_HUP | SU_WAIT_ERR))
		close_conn(c, "hang-up");
	if (c->fd >= 0 && (ev & SU_WAIT_OUT) && flush(c))
		close_conn(c, "send failed");
	return 0;
}

static void start_connect(struct cx_client *c)
{
	struct diam_endpoint ep = { .proto = DIAM_PROTO_TCP, .port = (uint16_t)c->cfg.port };
	int fd;

	if (snprintf(ep.host, sizeof(ep.host), "%s", c->cfg.host) >= (int)sizeof(ep.host))
		return;
	fd = diam_connect(&ep);
	if (fd == -EINVAL)
		return; /* not an IP literal: the configuration check says so */
	if (fd < 0) {
		close_conn(c, strerror(-fd));
		return;
	}
	c->fd = fd;
	set_state(c, CX_CONNECTING);
	c->state_deadline = mono_ms() + CONNECT_TIMEOUT_MS;
	su_wait_create(&c->wait, c->fd, SU_WAIT_OUT | SU_WAIT_IN | SU_WAIT_HUP);
	c->widx = su_root_register(c->root, &c->wait, on_socket, c, su_pri_normal);
	if (c->widx <= 0)
		close_conn(c, "su_root_register failed");
}

static void expire_pending(struct cx_client *c, uint64_t now)
{
	struct pending **pp = &c->pending;

	while (*pp) {
		struct pending *p = *pp;
		if (p->deadline > now) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		LOGW(LOG_DIAM, "no answer to hop-by-hop 0x%08x within %u ms", p->hbh,
		     c->cfg.timeout_ms);
		p->fn(p->arg, -ETIMEDOUT, NULL);
		free(p);
	}
}

/* RFC 3539 §3.4.1: DWR after Tw of silence; a second Tw without any
 * traffic means the peer is gone. */
static void watchdog(struct cx_client *c, uint64_t now)
{
	uint64_t tw = (uint64_t)c->cfg.watchdog_s * 1000u;
	uint8_t buf[512];
	ssize_t n;

	if (c->dwr_sent && now - c->dwr_sent >= tw) {
		close_conn(c, "watchdog: no DWA");
		return;
	}
	if (c->dwr_sent || now - c->last_rx < tw)
		return;
	n = diam_build_dwr(buf, sizeof(buf), &c->local, diam_next_hbh(), diam_next_e2e());
	if (n > 0 && !send_bytes(c, buf, (size_t)n))
		c->dwr_sent = now;
}

static void on_tick(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	struct cx_client *c = arg;
	uint64_t now = mono_ms();

	(void)magic, (void)t;
	expire_pending(c, now);
	if (c->state == CX_IDLE && now >= c->reconnect_at)
		start_connect(c);
	else if ((c->state == CX_CONNECTING || c->state == CX_WAIT_CEA) &&
		 now >= c->state_deadline)
		close_conn(c, "no CEA in time");
	else if (c->state == CX_OPEN)
		watchdog(c, now);
}

static const struct diam_app cx_apps[] = { { DIAM_VENDOR_3GPP, DIAM_APP_CX } };

struct cx_client *cx_client_new(su_root_t *root, const struct cx_client_cfg *cfg)
{
	struct cx_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->root = root;
	c->cfg = *cfg;
	c->fd = -1;
	c->backoff_ms = BACKOFF_MIN_MS;
	/* RFC 6733 §5.3.1: Cx advertised the way 3GPP peers expect it. */
	c->local = (struct diam_local){ .origin_host = cfg->id.origin_host,
					.origin_realm = cfg->id.origin_realm,
					.product_name = "scscf-stub",
					.vendor_id = DIAM_VENDOR_3GPP,
					.origin_state_id = cfg->id.origin_state_id,
					.apps = cx_apps,
					.napps = 1 };
	c->tick = su_timer_create(su_root_task(root), TICK_MS);
	if (!c->tick || diam_conn_init(&c->conn)) {
		if (c->tick)
			su_timer_destroy(c->tick);
		free(c);
		return NULL;
	}
	return c;
}

void cx_client_on_request(struct cx_client *c, cx_request_fn fn, void *arg)
{
	c->req_fn = fn;
	c->req_arg = arg;
}

int cx_client_start(struct cx_client *c)
{
	c->reconnect_at = 0;
	start_connect(c);
	return su_timer_run(c->tick, on_tick, c); /* periodic, TICK_MS */
}

bool cx_client_is_open(const struct cx_client *c)
{
	return c->state == CX_OPEN;
}

int cx_client_request(struct cx_client *c, const uint8_t *buf, size_t len, cx_answer_fn fn,
		      void *arg)
{
	struct diam_msg m;
	struct pending *p;
	int rc;

	if (c->state != CX_OPEN)
		return -ENOTCONN;
	if (diam_msg_parse(buf, len, &m))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	rc = send_bytes(c, buf, len);
	if (rc) {
		free(p);
		close_conn(c, "send failed");
		return -ENOTCONN;
	}
	*p = (struct pending){ .hbh = m.hdr.hbh, .fn = fn, .arg = arg,
			       .deadline = mono_ms() + c->cfg.timeout_ms, .next = c->pending };
	c->pending = p;
	return 0;
}

void cx_client_free(struct cx_client *c)
{
	uint8_t buf[512];
	ssize_t n;

	if (!c)
		return;
	if (c->state == CX_OPEN) {
		n = diam_build_dpr(buf, sizeof(buf), &c->local, 0 /* REBOOTING */, diam_next_hbh(),
				   diam_next_e2e());
		if (n > 0)
			send_bytes(c, buf, (size_t)n); /* best effort, no wait for DPA */
	}
	fail_all(c, -ECANCELED);
	if (c->widx > 0)
		su_root_deregister(c->root, c->widx);
	if (c->fd >= 0)
		close(c->fd);
	su_timer_destroy(c->tick);
	diam_conn_free(&c->conn);
	free(c);
}
