/* The Diameter connection object (design note in link.h): socket and
 * transport, buffers, peer state machine. Everything protocol is in
 * peer.c; everything socket is in transport.c; this file only joins them,
 * so hssd, scscf-stub and diam-load cannot drift apart. */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* SCTP one-to-one sockets read like a stream (RFC 6458 §4): the Message
 * Length delimits messages either way, so both share diam_read. */
static ssize_t read_stream(struct diam_link *l) { return diam_read(l->fd, &l->conn); }
static ssize_t flush_tcp(struct diam_link *l) { return diam_flush(l->fd, DIAM_PROTO_TCP, &l->conn); }
static ssize_t flush_sctp(struct diam_link *l)
{
	return diam_flush(l->fd, DIAM_PROTO_SCTP, &l->conn);
}

static const struct diam_xport xport_tcp = { "tcp", read_stream, flush_tcp, NULL };
static const struct diam_xport xport_sctp = { "sctp", read_stream, flush_sctp, NULL };

const struct diam_xport *diam_xport_of(enum diam_proto proto)
{
	return proto == DIAM_PROTO_SCTP ? &xport_sctp : &xport_tcp;
}

/* The peer machine's output (CEA, DWA, DPR …) joins the write queue. */
static int send_cb(void *arg, const uint8_t *buf, size_t len)
{
	struct diam_link *l = arg;

	if (l->tap)
		l->tap(l->tap_arg, ">>", buf, len);
	return diam_conn_queue(&l->conn, buf, len);
}

int diam_link_init(struct diam_link *l, const struct diam_peer_cfg *cfg)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->xp = &xport_tcp;
	diam_peer_init(&l->peer, cfg, send_cb, l);
	return diam_conn_init(&l->conn);
}

void diam_link_free(struct diam_link *l)
{
	diam_link_close(l, NULL);
	diam_conn_free(&l->conn);
}

static void local_ip(int fd, struct diam_host_ip *ip)
{
	if (diam_local_ip(fd, ip) < 0)
		*ip = (struct diam_host_ip){ .family = 1, .len = 4 }; /* 0.0.0.0 */
}

int diam_link_accept(struct diam_link *l, int lfd, enum diam_proto proto, uint64_t now)
{
	struct diam_host_ip ip;
	int fd = diam_accept(lfd, proto, l->addr, sizeof(l->addr));

	if (fd < 0)
		return fd;
	diam_link_close(l, NULL);
	l->fd = fd;
	l->proto = proto;
	l->xp = diam_xport_of(proto);
	local_ip(fd, &ip);
	diam_peer_init(&l->peer, l->peer.cfg, send_cb, l);
	diam_peer_accepted(&l->peer, &ip, now);
	l->conn.rlimit = DIAM_PRE_CER_MAX; /* lifted when the CER is accepted */
	return 0;
}

int diam_link_connect(struct diam_link *l, const struct diam_endpoint *ep, uint64_t now)
{
	int fd;

	diam_link_close(l, NULL);
	diam_peer_init(&l->peer, l->peer.cfg, send_cb, l);
	diam_endpoint_format(ep, l->addr, sizeof(l->addr));
	fd = diam_connect(ep);
	if (fd < 0)
		return fd;
	l->fd = fd;
	l->proto = ep->proto;
	l->xp = diam_xport_of(ep->proto);
	l->connecting = true;
	l->peer.state_since_ms = now;
	return 0;
}

int diam_link_connected(struct diam_link *l, uint64_t now)
{
	struct diam_host_ip ip;
	int rc;

	if (!l->connecting)
		return 0;
	rc = diam_connect_result(l->fd);
	if (rc < 0)
		return rc;
	l->connecting = false;
	local_ip(l->fd, &ip);
	rc = diam_peer_connected(&l->peer, &ip, now);
	if (rc < 0)
		return rc;
	return diam_link_flush(l) < 0 ? -EIO : 0;
}

bool diam_link_want_write(const struct diam_link *l)
{
	return l->fd >= 0 && (l->connecting || diam_conn_wpending(&l->conn) > 0);
}

/* Before its CER a connection is a stranger's: it may not make us hold
 * more than a CER's worth of octets (a message being assembled is
 * otherwise given room up to DIAM_MSG_MAX). */
static bool pre_cer_overflow(const struct diam_link *l)
{
	const struct diam_conn *c = &l->conn;
	ssize_t want;

	if (l->peer.state != DIAM_PS_WAIT_CER)
		return false;
	want = diam_frame_len(c->rbuf + c->rpos, c->rlen - c->rpos);
	return c->rlen - c->rpos >= DIAM_PRE_CER_MAX || want > (ssize_t)DIAM_PRE_CER_MAX;
}

ssize_t diam_link_read(struct diam_link *l, uint64_t now)
{
	ssize_t n;

	(void)now;
	if (l->fd < 0)
		return -ENOTCONN;
	n = l->xp->read(l);
	if (n >= 0 && pre_cer_overflow(l)) {
		snprintf(l->peer.why, sizeof(l->peer.why),
			 "more than %u octets before CER", DIAM_PRE_CER_MAX);
		return -EMSGSIZE;
	}
	return n;
}

/* The header of a message the peer machine refused, for matching its
 * hop-by-hop id (diam_msg_parse may have refused it too). */
static void raw_msg(const uint8_t *buf, size_t len, struct diam_msg *m)
{
	if (diam_msg_parse(buf, len, m) == 0)
		return;
	memset(m, 0, sizeof(*m));
	m->raw = buf;
	m->raw_len = len;
	if (len >= DIAM_HDR_LEN) {
		m->hdr.flags = buf[4];
		m->hdr.code = (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 | buf[7];
		m->hdr.app_id = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
				(uint32_t)buf[10] << 8 | buf[11];
		m->hdr.hbh = (uint32_t)buf[12] << 24 | (uint32_t)buf[13] << 16 |
			     (uint32_t)buf[14] << 8 | buf[15];
	}
}

static enum diam_link_ev peer_closed(struct diam_link *l)
{
	size_t part = diam_conn_partial(&l->conn);

	if (part)
		snprintf(l->peer.why, sizeof(l->peer.why),
			 "peer closed mid-message (%zu octets dropped)", part);
	else
		snprintf(l->peer.why, sizeof(l->peer.why), "peer closed the connection");
	l->peer.state = DIAM_PS_CLOSED;
	return DIAM_LE_CLOSE;
}

enum diam_link_ev diam_link_next(struct diam_link *l, uint64_t now, struct diam_msg *m)
{
	const uint8_t *buf;
	size_t len;
	int r;

	while (l->fd >= 0 && (r = diam_conn_next(&l->conn, &buf, &len)) != 0) {
		enum diam_peer_act act;

		if (r > 0 && l->tap)
			l->tap(l->tap_arg, "<<", buf, len);
		act = diam_peer_rx(&l->peer, buf, len, now);
		if (r < 0) /* framing lost: the peer machine answered 5011/5015 */
			return DIAM_LE_CLOSE;
		switch (act) {
		case DIAM_PA_DELIVER:
			diam_msg_parse(buf, len, m);
			return (m->hdr.flags & DIAM_FLAG_R) ? DIAM_LE_REQUEST : DIAM_LE_ANSWER;
		case DIAM_PA_BAD_ANSWER:
			raw_msg(buf, len, m);
			return DIAM_LE_BAD_ANSWER;
		case DIAM_PA_OPENED:
			l->conn.rlimit = 0;
			return DIAM_LE_OPENED;
		case DIAM_PA_CLOSE:
			return DIAM_LE_CLOSE;
		case DIAM_PA_NONE:
			if (l->peer.rejected) {
				l->peer.rejected = 0;
				return DIAM_LE_REJECTED;
			}
			break;
		}
	}
	return l->fd >= 0 && l->conn.eof ? peer_closed(l) : DIAM_LE_NONE;
}

void diam_link_compact(struct diam_link *l)
{
	diam_conn_rcompact(&l->conn);
}

int diam_link_send(struct diam_link *l, const uint8_t *buf, size_t len)
{
	if (l->tap)
		l->tap(l->tap_arg, ">>", buf, len);
	return diam_conn_queue(&l->conn, buf, len);
}

uint8_t *diam_link_reserve(struct diam_link *l, size_t need)
{
	return diam_conn_wreserve(&l->conn, need);
}

void diam_link_commit(struct diam_link *l, size_t n)
{
	if (l->tap) {
		const uint8_t *p = diam_conn_wdata(&l->conn) + diam_conn_wpending(&l->conn);

		for (size_t off = 0; off < n;) {
			ssize_t ml = diam_frame_len(p + off, n - off);

			if (ml <= 0 || (size_t)ml > n - off)
				break;
			l->tap(l->tap_arg, ">>", p + off, (size_t)ml);
			off += (size_t)ml;
		}
	}
	diam_conn_wcommit(&l->conn, n);
}

ssize_t diam_link_flush(struct diam_link *l)
{
	if (l->fd < 0)
		return -ENOTCONN;
	if (l->connecting || !diam_conn_wpending(&l->conn))
		return (ssize_t)diam_conn_wpending(&l->conn);
	return l->xp->flush(l);
}

enum diam_peer_act diam_link_tick(struct diam_link *l, uint64_t now)
{
	if (l->fd < 0)
		return DIAM_PA_NONE;
	if (l->connecting) {
		/* The capabilities-exchange timeout covers the TCP/SCTP connect. */
		if (now - l->peer.state_since_ms < diam_peer_cex_timeout(&l->peer))
			return DIAM_PA_NONE;
		snprintf(l->peer.why, sizeof(l->peer.why), "connect timed out");
		return DIAM_PA_CLOSE;
	}
	return diam_peer_tick(&l->peer, now);
}

enum diam_peer_act diam_link_disconnect(struct diam_link *l, int32_t cause, uint64_t now)
{
	if (l->fd < 0)
		return DIAM_PA_CLOSE;
	return diam_peer_disconnect(&l->peer, cause, now);
}

void diam_link_close(struct diam_link *l, const char *why)
{
	if (l->xp && l->xp->close)
		l->xp->close(l);
	l->xp_state = NULL;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->connecting = false;
	diam_conn_clear(&l->conn);
	diam_peer_lost(&l->peer, why);
}
