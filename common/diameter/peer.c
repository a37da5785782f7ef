/* RFC 6733 §5.6 peer state machine (design note in peer.h). Every received
 * message is validated first (validate.h): a rejected request is answered
 * here with the RFC 6733 code, so the application layer only ever sees
 * well-formed messages of an OPEN peer. */
#include "peer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codes.h"

#define BUF_BASE 2048 /* any base message we build fits */

const char *diam_peer_state_name(enum diam_peer_state s)
{
	static const char *const n[] = { "CLOSED", "WAIT_CER", "WAIT_CEA", "OPEN", "CLOSING" };

	return (unsigned)s < 5 ? n[s] : "?";
}

static unsigned tw_init(const struct diam_peer *p)
{
	return p->cfg->tw_ms ? p->cfg->tw_ms : 30000;
}

/* RFC 3539 §3.4.1: Tw = Twinit + jitter, jitter uniform in [-2 s, +2 s]
 * (Twinit >= 6 s there); a shorter Twinit (tests) gets ±Twinit/4. The
 * jitter only de-synchronises peers: a small PRNG is enough. */
static unsigned jitter_rand(void)
{
	static uint64_t x;

	if (!x)
		x = (diam_next_e2e() | 1ull) * 0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (unsigned)(x >> 33);
}

static void arm_watchdog(struct diam_peer *p)
{
	unsigned ti = tw_init(p), j = ti / 4 < 2000 ? ti / 4 : 2000;

	p->tw_cur_ms = ti - j + (j ? jitter_rand() % (2 * j + 1) : 0);
}

static unsigned tw(const struct diam_peer *p) { return p->tw_cur_ms ? p->tw_cur_ms : tw_init(p); }

unsigned diam_peer_cex_timeout(const struct diam_peer *p)
{
	return p->cfg->cex_timeout_ms ? p->cfg->cex_timeout_ms : tw_init(p);
}

static void set_state(struct diam_peer *p, enum diam_peer_state s, uint64_t now)
{
	p->state = s;
	p->state_since_ms = now;
}

void diam_peer_init(struct diam_peer *p, const struct diam_peer_cfg *cfg, diam_send_fn send,
		    void *send_arg)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->send = send;
	p->send_arg = send_arg;
	arm_watchdog(p);
}

void diam_peer_accepted(struct diam_peer *p, const struct diam_host_ip *local_ip, uint64_t now)
{
	if (local_ip)
		p->local_ip = *local_ip;
	p->last_rx_ms = now;
	set_state(p, DIAM_PS_WAIT_CER, now);
}

int diam_peer_connected(struct diam_peer *p, const struct diam_host_ip *local_ip, uint64_t now)
{
	uint8_t buf[BUF_BASE];
	ssize_t n;

	if (local_ip)
		p->local_ip = *local_ip;
	n = diam_build_cer(buf, sizeof(buf), p->cfg->local, &p->local_ip, diam_next_hbh(),
			   diam_next_e2e());
	if (n < 0)
		return (int)n;
	p->last_rx_ms = now;
	set_state(p, DIAM_PS_WAIT_CEA, now);
	return p->send(p->send_arg, buf, (size_t)n);
}

static bool in_list(const char *const *list, size_t n, const char *host)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(list[i], host))
			return true;
	return false;
}

bool diam_peer_is_agent(const struct diam_peer_cfg *cfg, const char *host)
{
	return in_list(cfg->agents, cfg->nagents, host);
}

bool diam_peer_allowed(const struct diam_peer_cfg *cfg, const char *host)
{
	return cfg->accept_any || in_list(cfg->allowed, cfg->nallowed, host) ||
	       diam_peer_is_agent(cfg, host);
}

/* A protocol error (E bit) quoting the AVP at a. */
static uint32_t route_error(const struct diam_avp *a, uint32_t result, const char *what,
			    struct diam_verdict *v)
{
	struct diam_avp f = *a; /* a may be in v (v->route) */
	int n = f.len > 80 ? 80 : (int)f.len;

	memset(v, 0, sizeof(*v));
	v->result_code = result;
	v->e_bit = true;
	v->has_failed = true;
	v->failed = f;
	snprintf(v->why, sizeof(v->why), "%s '%.*s'", what, n, (const char *)f.data);
	return result;
}

/* DiameterIdentities compare without regard to case (§4.3.1: FQDN). */
static bool same_id(const struct diam_avp *a, const char *s)
{
	return a->len == strlen(s) && (!memcmp(a->data, s, a->len) || /* as usually spelt */
				       !strncasecmp((const char *)a->data, s, a->len));
}

/* The routing AVPs come from the validator's walk (v->route), so a request
 * is not walked a second time for them. */
uint32_t diam_peer_check_routing(const struct diam_peer *p, struct diam_verdict *v)
{
	const struct diam_local *l = p->cfg->local;
	const struct diam_avp *oh = &v->route[DIAM_ROUTE_ORIGIN_HOST];
	const struct diam_avp *dr = &v->route[DIAM_ROUTE_DEST_REALM];
	const struct diam_avp *dh = &v->route[DIAM_ROUTE_DEST_HOST];

	if (!p->agent && oh->raw && !same_id(oh, p->host))
		return route_error(oh, DIAM_UNKNOWN_PEER,
				   "Origin-Host is not the peer's CER identity:", v);
	if (dr->raw && !same_id(dr, l->origin_realm))
		return route_error(dr, DIAM_REALM_NOT_SERVED, "realm not served:", v);
	if (dh->raw && !same_id(dh, l->origin_host))
		return route_error(dh, DIAM_UNABLE_TO_DELIVER, "Destination-Host is not this node:",
				   v);
	return 0;
}

static enum diam_peer_act send_or_close(struct diam_peer *p, const uint8_t *buf, ssize_t n,
					enum diam_peer_act ok)
{
	if (n < 0 || p->send(p->send_arg, buf, (size_t)n) < 0) {
		snprintf(p->why, sizeof(p->why), "send failed");
		return DIAM_PA_CLOSE;
	}
	return ok;
}

static void remember_identity(struct diam_peer *p, const struct diam_msg *m)
{
	uint32_t osi;

	diam_msg_str(m, AVP_ORIGIN_HOST, 0, p->host, sizeof(p->host));
	diam_msg_str(m, AVP_ORIGIN_REALM, 0, p->realm, sizeof(p->realm));
	if (diam_msg_u32(m, AVP_ORIGIN_STATE_ID, 0, &osi) == 0)
		p->peer_state_id = osi;
}

/* §5.3: CER → allow-list (3010), common applications (5010), CEA 2001. */
static enum diam_peer_act on_cer(struct diam_peer *p, const struct diam_msg *m, uint64_t now)
{
	uint8_t buf[BUF_BASE];
	char host[256];
	ssize_t n;

	if (diam_msg_str(m, AVP_ORIGIN_HOST, 0, host, sizeof(host)) != 0)
		host[0] = '\0';
	if (!diam_peer_allowed(p->cfg, host)) {
		snprintf(p->why, sizeof(p->why), "CER from unknown peer '%s' refused (3010)", host);
		p->rejected = DIAM_UNKNOWN_PEER;
		n = diam_build_cea(buf, sizeof(buf), m, p->cfg->local, &p->local_ip,
				   DIAM_UNKNOWN_PEER, "peer not in the allow-list");
		send_or_close(p, buf, n, DIAM_PA_CLOSE);
		return DIAM_PA_CLOSE;
	}
	if (diam_common_apps(m, p->cfg->local, &p->app_mask, &p->relay) == 0) {
		snprintf(p->why, sizeof(p->why), "CER from '%s': no common application (5010)", host);
		p->rejected = DIAM_NO_COMMON_APPLICATION;
		n = diam_build_cea(buf, sizeof(buf), m, p->cfg->local, &p->local_ip,
				   DIAM_NO_COMMON_APPLICATION, "no common application");
		send_or_close(p, buf, n, DIAM_PA_CLOSE);
		return DIAM_PA_CLOSE;
	}
	remember_identity(p, m);
	p->agent = diam_peer_is_agent(p->cfg, p->host);
	n = diam_build_cea(buf, sizeof(buf), m, p->cfg->local, &p->local_ip, DIAM_SUCCESS, NULL);
	set_state(p, DIAM_PS_OPEN, now);
	arm_watchdog(p);
	snprintf(p->why, sizeof(p->why), "peer '%s' open%s%s", p->host,
		 p->relay ? " (relay)" : "", p->agent ? " (agent)" : "");
	return send_or_close(p, buf, n, DIAM_PA_OPENED);
}

static enum diam_peer_act on_cea(struct diam_peer *p, const struct diam_msg *m, uint64_t now)
{
	uint32_t rc = 0;

	diam_msg_u32(m, AVP_RESULT_CODE, 0, &rc);
	if (rc < 2000 || rc >= 3000) {
		snprintf(p->why, sizeof(p->why), "CEA result %u", rc);
		return DIAM_PA_CLOSE;
	}
	if (diam_common_apps(m, p->cfg->local, &p->app_mask, &p->relay) == 0) {
		snprintf(p->why, sizeof(p->why), "CEA: no common application");
		return DIAM_PA_CLOSE;
	}
	remember_identity(p, m);
	set_state(p, DIAM_PS_OPEN, now);
	arm_watchdog(p);
	snprintf(p->why, sizeof(p->why), "peer '%s' open", p->host);
	return DIAM_PA_OPENED;
}

/* The error answer to a request, in a buffer that always fits it (a long
 * Session-Id must not cost the connection: issue 16 item 5). */
static enum diam_peer_act send_error_answer(struct diam_peer *p, const uint8_t *buf, size_t len,
					    const struct diam_verdict *v)
{
	uint8_t stack[BUF_BASE * 2], *out = stack;
	size_t room = diam_error_answer_room(buf, len);
	enum diam_peer_act act;

	if (room > sizeof(stack) && !(out = malloc(room)))
		return DIAM_PA_NONE; /* no memory now: no answer, the peer retries */
	act = send_or_close(p, out,
			    diam_build_error_answer(out, room > sizeof(stack) ? room : sizeof(stack),
						    buf, len, p->cfg->local, v),
			    DIAM_PA_NONE);
	if (out != stack)
		free(out);
	return act;
}

/* A request the validator rejected: answer it; close when framing is lost. */
static enum diam_peer_act reject(struct diam_peer *p, const uint8_t *buf, size_t len,
				 const struct diam_verdict *v)
{
	p->verdict = *v;
	if (len >= DIAM_HDR_LEN && !(buf[4] & DIAM_FLAG_R)) {
		/* Never answer an answer: report it, so its request fails. */
		snprintf(p->why, sizeof(p->why), "defective answer (%u): %s", v->result_code,
			 v->why);
		if (v->close || (p->state != DIAM_PS_OPEN && p->state != DIAM_PS_CLOSING))
			return DIAM_PA_CLOSE; /* a bad CEA ends the attempt */
		return DIAM_PA_BAD_ANSWER;
	}
	snprintf(p->why, sizeof(p->why), "rejected with %u: %s", v->result_code, v->why);
	p->rejected = v->result_code;
	if (len < DIAM_HDR_LEN)
		return v->close ? DIAM_PA_CLOSE : DIAM_PA_NONE;
	if (send_error_answer(p, buf, len, v) == DIAM_PA_CLOSE || v->close)
		return DIAM_PA_CLOSE;
	/* Before capabilities are agreed nothing else may be talked. */
	return p->state == DIAM_PS_OPEN || p->state == DIAM_PS_CLOSING ? DIAM_PA_NONE
								       : DIAM_PA_CLOSE;
}

static enum diam_peer_act on_base(struct diam_peer *p, const struct diam_msg *m, uint64_t now)
{
	uint8_t buf[BUF_BASE];
	bool req = m->hdr.flags & DIAM_FLAG_R;

	switch (m->hdr.code) {
	case DIAM_CMD_CE:
		if (req && p->state == DIAM_PS_WAIT_CER)
			return on_cer(p, m, now);
		if (!req && p->state == DIAM_PS_WAIT_CEA)
			return on_cea(p, m, now);
		if (req) /* a second CER on an open connection (§5.6: not expected) */
			return send_or_close(p, buf, diam_build_cea(buf, sizeof(buf), m,
					     p->cfg->local, &p->local_ip, DIAM_UNABLE_TO_COMPLY,
					     "capabilities already exchanged"), DIAM_PA_NONE);
		return DIAM_PA_NONE;
	case DIAM_CMD_DW:
		if (!req) {
			if (p->dwr_pending)
				arm_watchdog(p);
			p->dwr_pending = false;
			return DIAM_PA_NONE;
		}
		return send_or_close(p, buf, diam_build_dwa(buf, sizeof(buf), m, p->cfg->local,
							     DIAM_SUCCESS), DIAM_PA_NONE);
	case DIAM_CMD_DP:
		if (!req) {
			if (p->state != DIAM_PS_CLOSING)
				return DIAM_PA_NONE;
			snprintf(p->why, sizeof(p->why), "DPA from '%s'", p->host);
			return DIAM_PA_CLOSE;
		}
		snprintf(p->why, sizeof(p->why), "DPR from '%s'", p->host);
		send_or_close(p, buf, diam_build_dpa(buf, sizeof(buf), m, p->cfg->local,
						     DIAM_SUCCESS), DIAM_PA_CLOSE);
		return DIAM_PA_CLOSE;
	}
	return DIAM_PA_DELIVER;
}

enum diam_peer_act diam_peer_rx(struct diam_peer *p, const uint8_t *buf, size_t len,
				uint64_t now)
{
	struct diam_verdict v;
	struct diam_msg m;
	bool req = len >= 5 && (buf[4] & DIAM_FLAG_R);
	bool base;

	p->last_rx_ms = now;
	/* Answers are checked for structure only unless asked: we cannot
	 * answer them, and a slightly odd answer from a peer is still worth
	 * delivering to a server. */
	if (diam_validate_in(buf, len,
			     req || p->cfg->check_answers ? DIAM_V_FULL : DIAM_V_STRUCTURE,
			     p->cfg->rules, &v) != 0)
		return reject(p, buf, len, &v);
	diam_msg_parse(buf, len, &m);
	base = m.hdr.code == DIAM_CMD_CE || m.hdr.code == DIAM_CMD_DW || m.hdr.code == DIAM_CMD_DP;
	if (p->state == DIAM_PS_WAIT_CER && !(base && m.hdr.code == DIAM_CMD_CE && req)) {
		snprintf(p->why, sizeof(p->why), "command %u before CER", m.hdr.code);
		return DIAM_PA_CLOSE;
	}
	if (p->state == DIAM_PS_WAIT_CEA && !(base && m.hdr.code == DIAM_CMD_CE && !req)) {
		snprintf(p->why, sizeof(p->why), "command %u before CEA", m.hdr.code);
		return DIAM_PA_CLOSE;
	}
	if (p->state == DIAM_PS_CLOSED)
		return DIAM_PA_CLOSE;
	if (base)
		return on_base(p, &m, now);
	if (req && p->cfg->check_routing && diam_peer_check_routing(p, &v))
		return reject(p, buf, len, &v);
	return DIAM_PA_DELIVER;
}

enum diam_peer_act diam_peer_tick(struct diam_peer *p, uint64_t now)
{
	uint8_t buf[BUF_BASE];

	switch (p->state) {
	case DIAM_PS_WAIT_CER:
	case DIAM_PS_WAIT_CEA:
		if (now - p->state_since_ms >= diam_peer_cex_timeout(p)) {
			snprintf(p->why, sizeof(p->why), "no %s within %u ms",
				 p->state == DIAM_PS_WAIT_CER ? "CER" : "CEA", diam_peer_cex_timeout(p));
			return DIAM_PA_CLOSE;
		}
		return DIAM_PA_NONE;
	case DIAM_PS_OPEN:
		if (p->dwr_pending && now - p->dwr_sent_ms >= tw(p)) {
			snprintf(p->why, sizeof(p->why), "watchdog: no DWA from '%s'", p->host);
			return DIAM_PA_CLOSE;
		}
		if (!p->dwr_pending && now - p->last_rx_ms >= tw(p)) {
			p->dwr_pending = true;
			p->dwr_sent_ms = now;
			return send_or_close(p, buf, diam_build_dwr(buf, sizeof(buf), p->cfg->local,
								     diam_next_hbh(), diam_next_e2e()),
					     DIAM_PA_NONE);
		}
		return DIAM_PA_NONE;
	case DIAM_PS_CLOSING:
		if (now - p->state_since_ms >= (p->cfg->dpa_wait_ms ? p->cfg->dpa_wait_ms : 2000)) {
			snprintf(p->why, sizeof(p->why), "no DPA from '%s'", p->host);
			return DIAM_PA_CLOSE;
		}
		return DIAM_PA_NONE;
	default:
		return DIAM_PA_NONE;
	}
}

uint64_t diam_peer_next_timer(const struct diam_peer *p, uint64_t now)
{
	uint64_t at;

	switch (p->state) {
	case DIAM_PS_WAIT_CER: case DIAM_PS_WAIT_CEA:
		at = p->state_since_ms + diam_peer_cex_timeout(p);
		break;
	case DIAM_PS_OPEN:
		at = p->dwr_pending ? p->dwr_sent_ms + tw(p) : p->last_rx_ms + tw(p);
		break;
	case DIAM_PS_CLOSING:
		at = p->state_since_ms + (p->cfg->dpa_wait_ms ? p->cfg->dpa_wait_ms : 2000);
		break;
	default:
		return UINT64_MAX;
	}
	return at > now ? at - now : 0;
}

enum diam_peer_act diam_peer_disconnect(struct diam_peer *p, int32_t cause, uint64_t now)
{
	uint8_t buf[BUF_BASE];
	ssize_t n;

	if (p->state != DIAM_PS_OPEN)
		return DIAM_PA_CLOSE;
	p->dpr_hbh = diam_next_hbh();
	n = diam_build_dpr(buf, sizeof(buf), p->cfg->local, cause, p->dpr_hbh, diam_next_e2e());
	set_state(p, DIAM_PS_CLOSING, now);
	return send_or_close(p, buf, n, DIAM_PA_NONE);
}

void diam_peer_lost(struct diam_peer *p, const char *why)
{
	if (why)
		snprintf(p->why, sizeof(p->why), "%s", why);
	p->state = DIAM_PS_CLOSED;
}
