/* Stream framing and buffers for one Diameter connection (RFC 6733 §3:
 * the Message Length field delimits messages on TCP and SCTP alike). No
 * sockets here: the transport (transport.h, or Sofia's su_root in
 * scscf-stub) fills the read buffer and drains the write buffer, so any
 * event loop can use it. Several messages in one segment and a message
 * split over many segments are both normal. */
#ifndef DIAMETER_CONN_H
#define DIAMETER_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct diam_conn {
	uint8_t *rbuf;
	size_t rcap, rlen, rpos; /* [rpos, rlen): received, not yet consumed */
	uint8_t *wbuf;
	size_t wcap, wlen, wpos; /* [wpos, wlen): queued, not yet sent */
	bool eof;                /* the peer closed its side */
	size_t rlimit;           /* != 0: buffer no more than this (a stranger
	                          * before CER); the reader stops there */
};

/* 0 or -ENOMEM. Free with diam_conn_free. */
int diam_conn_init(struct diam_conn *c);
void diam_conn_free(struct diam_conn *c);
/* Drops everything buffered both ways and the eof mark, keeping the
 * buffers (a client reconnecting on the same diam_conn). */
void diam_conn_clear(struct diam_conn *c);

/* Room to read into (at least 4 KiB, more when a long message is being
 * assembled). NULL on -ENOMEM. Then diam_conn_rcommit(n) with what arrived. */
uint8_t *diam_conn_rspace(struct diam_conn *c, size_t *room);
void diam_conn_rcommit(struct diam_conn *c, size_t n);

/* Next complete message: 1 → *msg and *len point into the buffer (valid until
 * diam_conn_rcompact or the next rspace); 0 → need more bytes; -1 → the
 * length field is impossible (framing lost: answer 5011/5015 using the
 * *len (< 20 possible) buffered octets at *msg, then close). */
int diam_conn_next(struct diam_conn *c, const uint8_t **msg, size_t *len);
/* The complete messages diam_conn_next will return, without consuming
 * them (hssd gathers a loop turn's requests before it handles them):
 * *pos = 0 first, then left as returned. 1 → *msg and *len (valid as for
 * diam_conn_next); 0 → no more complete ones (framing errors included:
 * diam_conn_next reports those). */
int diam_conn_peek(const struct diam_conn *c, size_t *pos, const uint8_t **msg, size_t *len);
/* Drops consumed bytes (call once per loop turn, after handling). */
void diam_conn_rcompact(struct diam_conn *c);
/* Octets of an incomplete message still buffered (for "peer left mid-message"). */
size_t diam_conn_partial(const struct diam_conn *c);

/* Appends a message to send. 0 or -ENOMEM. */
int diam_conn_queue(struct diam_conn *c, const uint8_t *buf, size_t len);
/* Builds in place: room for `need` octets at the tail (NULL on -ENOMEM),
 * then diam_conn_wcommit(n) with what was written. */
uint8_t *diam_conn_wreserve(struct diam_conn *c, size_t need);
void diam_conn_wcommit(struct diam_conn *c, size_t n);
/* Unsent octets, and marking n of them sent. */
size_t diam_conn_wpending(const struct diam_conn *c);
const uint8_t *diam_conn_wdata(const struct diam_conn *c);
void diam_conn_wconsume(struct diam_conn *c, size_t n);
/* Truncates the unsent tail back to `mark` (an earlier diam_conn_wmark). */
size_t diam_conn_wmark(const struct diam_conn *c);
void diam_conn_wtruncate(struct diam_conn *c, size_t mark);

#endif
