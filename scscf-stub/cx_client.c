/* Cx client (design note in cx_client.h): reconnection and requests in
 * flight around one common/diameter link. Cx content is built and parsed
 * by cx_msg.c. */
#include "cx_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "diameter/base.h"
#include "diameter/codes.h"
#include "diameter/link.h"
#include "diameter/rules.h"
#include "util/esc.h"
#include "util/log.h"

#define TICK_MS 100
#define CEX_TIMEOUT_MS 5000 /* connect + CER/CEA */
#define BACKOFF_MIN_MS 500
#define REQ_ANSWER_ROOM 4096

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
	char name[80];            /* "tcp://IP:PORT", for logs */
	struct diam_local local;  /* what the base messages say about us */
	struct diam_peer_cfg pcfg;
	struct diam_link link;
	int widx;                 /* su_root registration index, 0 = none */
	su_wait_t wait;
	su_timer_t *tick;
	uint64_t reconnect_at;
	unsigned backoff_ms;
	bool warned;              /* this outage was logged already */
	bool stopping;            /* cx_client_disconnect: no reconnect */
	struct pending *pending;
	cx_request_fn req_fn;
	void *req_arg;
};

/* Answers every pending request with `status` (no answer will come). */
static void fail_all(struct cx_client *c, int status, const char *why)
{
	struct pending *p = c->pending;

	c->pending = NULL;
	while (p) {
		struct pending *n = p->next;
		p->fn(p->arg, status, NULL, why);
		free(p);
		p = n;
	}
}

static void close_conn(struct cx_client *c, const char *why)
{
	bool was_open = diam_link_is_open(&c->link);
	char reason[sizeof(c->link.peer.why)];

	snprintf(reason, sizeof(reason), "%s", why);
	/* Warn once per outage, not at every reconnect attempt. */
	if (c->stopping)
		LOGI(LOG_DIAM, "Cx peer %s: closed (%s)", c->name, reason);
	else if (was_open || !c->warned)
		LOGW(LOG_DIAM, "Cx peer %s: connection %s: %s", c->name, was_open ? "lost" : "failed",
		     reason);
	else
		LOGD(LOG_DIAM, "Cx peer %s: %s", c->name, reason);
	c->warned = true;
	if (c->widx > 0)
		su_root_deregister(c->root, c->widx);
	c->widx = 0;
	diam_link_close(&c->link, reason);
	c->reconnect_at = mono_ms() + c->backoff_ms;
	c->backoff_ms = c->backoff_ms * 2 > c->cfg.reconnect_max_s * 1000u
				? c->cfg.reconnect_max_s * 1000u
				: c->backoff_ms * 2;
	fail_all(c, -ECONNRESET, reason);
}

static void update_mask(struct cx_client *c)
{
	int ev = SU_WAIT_IN | SU_WAIT_HUP;

	if (diam_link_want_write(&c->link))
		ev |= SU_WAIT_OUT;
	if (c->widx > 0)
		su_root_eventmask(c->root, c->widx, c->link.fd, ev);
}

/* Writes what is queued; false when the connection was closed. */
static bool flush(struct cx_client *c)
{
	ssize_t n = diam_link_flush(&c->link);

	if (n < 0) {
		close_conn(c, strerror((int)-n));
		return false;
	}
	update_mask(c);
	return true;
}

/* A request from the HSS (RTR): the registrar answers it; anything else
 * gets the §7.2 answer-message with 3001 (E bit). */
static void handle_request(struct cx_client *c, const struct diam_msg *m)
{
	struct diam_verdict v = { .result_code = DIAM_COMMAND_UNSUPPORTED, .e_bit = true };
	uint8_t *buf = malloc(REQ_ANSWER_ROOM);
	ssize_t n = -1;

	if (!buf)
		return;
	if (m->hdr.app_id == DIAM_APP_CX && c->req_fn)
		n = c->req_fn(c->req_arg, m, buf, REQ_ANSWER_ROOM);
	if (n < 0)
		n = diam_build_error_answer(buf, REQ_ANSWER_ROOM, m->raw, m->raw_len, &c->local, &v);
	if (n > 0)
		diam_link_send(&c->link, buf, (size_t)n);
	free(buf);
}

static struct pending *take_pending(struct cx_client *c, uint32_t hbh)
{
	struct pending **pp = &c->pending, *p;

	while (*pp && (*pp)->hbh != hbh)
		pp = &(*pp)->next;
	if ((p = *pp))
		*pp = p->next;
	return p;
}

/* An answer (defective or not) to one of our requests. */
static void handle_answer(struct cx_client *c, const struct diam_msg *m, bool bad)
{
	struct pending *p = take_pending(c, m->hdr.hbh);
	const char *defect = c->link.peer.verdict.why;

	if (bad)
		LOGW(LOG_DIAM, "Cx peer %s: defective answer (command %u, hop-by-hop 0x%08x, "
		     "would be %u): %s", c->name, m->hdr.code, m->hdr.hbh,
		     c->link.peer.verdict.result_code, defect);
	if (!p) {
		if (m->hdr.code != DIAM_CMD_DW && m->hdr.code != DIAM_CMD_DP)
			LOGW(LOG_DIAM, "answer with unknown hop-by-hop 0x%08x dropped (late?)",
			     m->hdr.hbh);
		return;
	}
	p->fn(p->arg, bad ? -EBADMSG : 0, m, bad ? defect : NULL);
	free(p);
}

static void on_opened(struct cx_client *c)
{
	LOGN(LOG_DIAM, "Cx peer %s: open (CEA %u), peer '%s'", c->name, DIAM_SUCCESS,
	     ESC(c->link.peer.host));
	c->backoff_ms = BACKOFF_MIN_MS;
	c->warned = false;
}

/* Handles everything buffered; false when the connection was closed. */
static bool drain(struct cx_client *c, uint64_t now)
{
	struct diam_msg m;

	for (;;) {
		switch (diam_link_next(&c->link, now, &m)) {
		case DIAM_LE_NONE:
			diam_link_compact(&c->link);
			return true;
		case DIAM_LE_REQUEST:
			handle_request(c, &m);
			break;
		case DIAM_LE_ANSWER:
			handle_answer(c, &m, false);
			break;
		case DIAM_LE_BAD_ANSWER:
			handle_answer(c, &m, true);
			break;
		case DIAM_LE_OPENED:
			on_opened(c);
			break;
		case DIAM_LE_REJECTED:
			LOGW(LOG_DIAM, "Cx peer %s: %s", c->name, ESC(c->link.peer.why));
			break;
		case DIAM_LE_CLOSE:
			flush(c); /* a last DPA or error answer, best effort */
			if (c->link.fd >= 0)
				close_conn(c, c->link.peer.why);
			return false;
		}
		if (c->link.fd < 0) /* a callback freed or closed us */
			return false;
	}
}

static int on_socket(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
	struct cx_client *c = arg;
	int ev = su_wait_events(w, c->link.fd), rc;
	uint64_t now = mono_ms();
	ssize_t n;

	(void)magic;
	if (c->link.connecting) {
		if (ev & (SU_WAIT_OUT | SU_WAIT_HUP | SU_WAIT_ERR)) {
			if ((rc = diam_link_connected(&c->link, now)))
				close_conn(c, strerror(-rc));
			else
				update_mask(c);
		}
		return 0;
	}
	if (ev & SU_WAIT_IN) {
		n = diam_link_read(&c->link, now);
		if (n < 0) {
			close_conn(c, strerror((int)-n));
			return 0;
		}
		/* What arrived before a close is still handled (a DPA, an answer). */
		if (!drain(c, now))
			return 0;
	} else if (ev & (SU_WAIT_HUP | SU_WAIT_ERR)) {
		close_conn(c, "hang-up");
		return 0;
	}
	flush(c);
	return 0;
}

static void start_connect(struct cx_client *c)
{
	int rc = diam_link_connect(&c->link, &c->cfg.hss, mono_ms());

	if (rc == -EINVAL)
		return; /* not an IP literal: the configuration check says so */
	if (rc < 0) {
		close_conn(c, strerror(-rc));
		return;
	}
	su_wait_create(&c->wait, c->link.fd, SU_WAIT_OUT | SU_WAIT_IN | SU_WAIT_HUP);
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
		/* The registrar reports a stalling HSS once (reg_cx.c). */
		LOGD(LOG_DIAM, "no answer to hop-by-hop 0x%08x within %u ms", p->hbh,
		     c->cfg.timeout_ms);
		p->fn(p->arg, -ETIMEDOUT, NULL, NULL);
		free(p);
	}
}

static void on_tick(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	struct cx_client *c = arg;
	uint64_t now = mono_ms();

	(void)magic, (void)t;
	expire_pending(c, now);
	if (c->link.fd < 0) {
		if (now >= c->reconnect_at && !c->stopping)
			start_connect(c);
		return;
	}
	/* Watchdog (RFC 3539), CER/CEA and connect timeouts: the link's. */
	if (diam_link_tick(&c->link, now) == DIAM_PA_CLOSE)
		close_conn(c, c->link.peer.why);
	else
		flush(c);
}

static const struct diam_app cx_apps[] = { { DIAM_VENDOR_3GPP, DIAM_APP_CX } };
static const struct diam_rule_set *const cx_rules[] = { &diam_rules_cx, NULL };

struct cx_client *cx_client_new(su_root_t *root, const struct cx_client_cfg *cfg)
{
	struct cx_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->root = root;
	c->cfg = *cfg;
	c->backoff_ms = BACKOFF_MIN_MS;
	diam_endpoint_format(&cfg->hss, c->name, sizeof(c->name));
	/* RFC 6733 §5.3.1: Cx advertised the way 3GPP peers expect it. */
	c->local = (struct diam_local){ .origin_host = cfg->id.origin_host,
					.origin_realm = cfg->id.origin_realm,
					.product_name = "scscf-stub",
					.vendor_id = DIAM_VENDOR_3GPP,
					.origin_state_id = cfg->id.origin_state_id,
					.apps = cx_apps,
					.napps = 1 };
	/* The HSS is the one peer we talk to, whatever it calls itself. */
	c->pcfg = (struct diam_peer_cfg){ .local = &c->local, .accept_any = true,
					  .tw_ms = cfg->watchdog_s * 1000u,
					  .cex_timeout_ms = CEX_TIMEOUT_MS, .check_answers = true,
					  .rules = cx_rules };
	if (diam_link_init(&c->link, &c->pcfg) ||
	    !(c->tick = su_timer_create(su_root_task(root), TICK_MS))) {
		diam_link_free(&c->link); /* fd -1 from diam_link_init */
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
	return diam_link_is_open(&c->link);
}

int cx_client_request(struct cx_client *c, const uint8_t *buf, size_t len, cx_answer_fn fn,
		      void *arg)
{
	struct diam_msg m;
	struct pending *p;

	if (!diam_link_is_open(&c->link))
		return -ENOTCONN;
	if (diam_msg_parse(buf, len, &m))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (diam_link_send(&c->link, buf, len) || !flush(c)) {
		free(p);
		if (c->link.fd >= 0)
			close_conn(c, "send failed");
		return -ENOTCONN;
	}
	*p = (struct pending){ .hbh = m.hdr.hbh, .fn = fn, .arg = arg,
			       .deadline = mono_ms() + c->cfg.timeout_ms, .next = c->pending };
	c->pending = p;
	return 0;
}

bool cx_client_disconnect(struct cx_client *c)
{
	c->stopping = true;
	if (!diam_link_is_open(&c->link))
		return false;
	if (diam_link_disconnect(&c->link, 0 /* REBOOTING */, mono_ms()) != DIAM_PA_NONE) {
		close_conn(c, "shutting down");
		return false;
	}
	return flush(c);
}

bool cx_client_closing(const struct cx_client *c)
{
	return c->link.fd >= 0;
}

void cx_client_free(struct cx_client *c)
{
	if (!c)
		return;
	/* Best effort DPR (cause REBOOTING), no wait for the DPA. */
	if (diam_link_is_open(&c->link) &&
	    diam_link_disconnect(&c->link, 0, mono_ms()) == DIAM_PA_NONE)
		diam_link_flush(&c->link);
	fail_all(c, -ECANCELED, "shutting down");
	if (c->widx > 0)
		su_root_deregister(c->root, c->widx);
	su_timer_destroy(c->tick);
	diam_link_free(&c->link);
	free(c);
}
