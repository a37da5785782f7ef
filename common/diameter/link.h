/* One Diameter connection: the object hssd (per accepted peer), scscf-stub
 * (its HSS) and diam-load (each load connection) all hold. It owns the
 * socket with its transport (struct diam_xport: TCP and SCTP today; TLS
 * would be one more diam_xport, chosen in diam_link_accept/_connect, with
 * no change to callers), the stream buffers (conn.h) and the RFC 6733 peer
 * state machine (peer.h) that every message passes through.
 *
 * Loop-agnostic: the caller registers diam_link_fd() with its loop (epoll,
 * su_root, poll) and calls
 *   readable     → diam_link_read(), then diam_link_next() until NONE
 *   writable     → diam_link_connected() while connecting, else diam_link_flush()
 *   timer (≥1/s) → diam_link_tick()
 *   safe point   → diam_link_compact() (messages returned by diam_link_next
 *                  point into the read buffer until then)
 * diam_link_close() ends the connection but keeps the object and its
 * buffers, so a client reconnects on the same link. */
#ifndef DIAMETER_LINK_H
#define DIAMETER_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conn.h"
#include "peer.h"
#include "transport.h"

struct diam_link;

/* How bytes move for one transport: between l->fd and l->conn. A transport
 * with per-connection state of its own (a TLS session) keeps it in
 * l->xp_state and frees it in close. */
struct diam_xport {
	const char *name;                         /* "tcp", "sctp" */
	ssize_t (*read)(struct diam_link *l);     /* as diam_read() */
	ssize_t (*flush)(struct diam_link *l);    /* as diam_flush() */
	void (*close)(struct diam_link *l);       /* may be NULL */
};
const struct diam_xport *diam_xport_of(enum diam_proto proto);

/* Optional: sees every message sent (dir ">>") and received ("<<"), for
 * debug dumps. */
typedef void (*diam_link_tap_fn)(void *arg, const char *dir, const uint8_t *buf, size_t len);

struct diam_link {
	int fd;                        /* -1 when closed */
	const struct diam_xport *xp;
	void *xp_state;                /* the transport's own (NULL for TCP, SCTP) */
	enum diam_proto proto;
	bool connecting;               /* non-blocking connect in progress */
	struct diam_conn conn;
	struct diam_peer peer;
	char addr[64];                 /* remote "IP:port" */
	diam_link_tap_fn tap;
	void *tap_arg;
};

enum diam_link_ev {
	DIAM_LE_NONE = 0,   /* nothing more to handle now */
	DIAM_LE_REQUEST,    /* *m: an application request of an OPEN peer (validated) */
	DIAM_LE_ANSWER,     /* *m: an answer (validated as cfg->check_answers says) */
	DIAM_LE_BAD_ANSWER, /* *m: a defective answer; l->peer.verdict names the defect */
	DIAM_LE_OPENED,     /* capabilities exchanged (l->peer.host, .why) */
	DIAM_LE_REJECTED,   /* a received request was answered with an error by the
	                     * peer machine (l->peer.why); nothing else to do */
	DIAM_LE_CLOSE,      /* the connection must close (l->peer.why says why) */
};

/* Buffers and peer machine; fd -1. 0 or -ENOMEM. cfg is borrowed. */
int diam_link_init(struct diam_link *l, const struct diam_peer_cfg *cfg);
/* Closes (no DPR) and frees. */
void diam_link_free(struct diam_link *l);

/* Responder: accepts one connection from listener lfd: 0, -EAGAIN when
 * none is pending, or -errno (-EMFILE/-ENFILE: out of descriptors). */
int diam_link_accept(struct diam_link *l, int lfd, enum diam_proto proto, uint64_t now);
/* Initiator: starts a non-blocking connect. 0 (wait for writable, then
 * diam_link_connected) or -errno. */
int diam_link_connect(struct diam_link *l, const struct diam_endpoint *ep, uint64_t now);
/* The socket became writable while connecting: checks the result and
 * sends the CER. 0, or -errno (the caller closes). */
int diam_link_connected(struct diam_link *l, uint64_t now);

static inline int diam_link_fd(const struct diam_link *l) { return l->fd; }
static inline bool diam_link_is_open(const struct diam_link *l)
{
	return l->fd >= 0 && l->peer.state == DIAM_PS_OPEN;
}
/* True while there is something to write (or a connect to complete). */
bool diam_link_want_write(const struct diam_link *l);

/* Most octets a responder buffers before the peer's CER: a CER is a few
 * hundred octets; anything longer is a stranger filling our memory. */
#define DIAM_PRE_CER_MAX (16u * 1024)

/* Reads what the socket has (bounded per call). Octets read (0 = none
 * now), or -errno: the caller closes (-EMSGSIZE: more than
 * DIAM_PRE_CER_MAX octets before the CER; l->peer.why says so). The peer closing is seen through
 * diam_link_next (DIAM_LE_CLOSE once every complete message is handled). */
ssize_t diam_link_read(struct diam_link *l, uint64_t now);
/* The next event from buffered input; see enum diam_link_ev. */
enum diam_link_ev diam_link_next(struct diam_link *l, uint64_t now, struct diam_msg *m);
/* Drops consumed input: invalidates messages returned by diam_link_next. */
void diam_link_compact(struct diam_link *l);

/* Queues one complete message. 0 or -ENOMEM. */
int diam_link_send(struct diam_link *l, const uint8_t *buf, size_t len);
/* In-place building: room for `need` octets (NULL: -ENOMEM), then
 * diam_link_commit(n) (n complete messages' octets; tapped). */
uint8_t *diam_link_reserve(struct diam_link *l, size_t need);
void diam_link_commit(struct diam_link *l, size_t n);
/* Writes what is queued. Octets still queued (0 = all), or -errno. */
ssize_t diam_link_flush(struct diam_link *l);
static inline size_t diam_link_pending(const struct diam_link *l)
{
	return diam_conn_wpending(&l->conn);
}

/* Timers (watchdog, capabilities exchange, DPA wait): NONE or CLOSE. */
enum diam_peer_act diam_link_tick(struct diam_link *l, uint64_t now);
/* Graceful close: DPR sent (cause per RFC 6733 §5.4.3) unless the peer is
 * not OPEN; CLOSE then means "close now", NONE "wait for the DPA". */
enum diam_peer_act diam_link_disconnect(struct diam_link *l, int32_t cause, uint64_t now);
/* Closes the socket now and forgets buffered bytes; the link can connect
 * again. why (may be NULL) goes to l->peer.why. */
void diam_link_close(struct diam_link *l, const char *why);

#endif
