#include "tcp_reasm.h"
#include "diam_in.h"
#include "sip_msg.h"

#include "diameter/diam.h"

#include <stdlib.h>
#include <string.h>

enum flow_kind { FLOW_UNKNOWN, FLOW_SIP, FLOW_DIAM, FLOW_OTHER };

struct seg {
	uint32_t seq;
	uint8_t *data;
	size_t len;
	struct seg *next;
};

struct tcp_flow {
	struct trace_addr src, dst;
	bool esp;
	uint32_t next_seq;
	bool have_seq;
	uint8_t *buf;
	size_t len, cap;
	enum flow_kind kind;
	struct seg *pending;  /* sorted by seq */
	size_t pending_bytes;
	struct tcp_flow *next;
};

/* Serial number arithmetic (RFC 1982) on 32-bit sequence numbers. */
static int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static bool addr_eq(const struct trace_addr *a, const struct trace_addr *b)
{
	return a->af == b->af && a->port == b->port && !memcmp(a->ip, b->ip, 16);
}

static struct tcp_flow *flow_get(struct trace_ctx *c, const struct trace_meta *m)
{
	for (struct tcp_flow *f = c->flows; f; f = f->next)
		if (addr_eq(&f->src, &m->src) && addr_eq(&f->dst, &m->dst) && f->esp == m->esp)
			return f;
	struct tcp_flow *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->src = m->src;
	f->dst = m->dst;
	f->esp = m->esp;
	f->next = c->flows;
	c->flows = f;
	return f;
}

static bool buf_append(struct tcp_flow *f, const uint8_t *p, size_t n)
{
	if (f->len + n > TCP_STREAM_MAX)
		return false;
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		while (cap < f->len + n)
			cap *= 2;
		uint8_t *nb = realloc(f->buf, cap);
		if (!nb)
			return false;
		f->buf = nb;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return true;
}

static bool is_port(const struct tcp_flow *f, int port)
{
	return port > 0 && (f->src.port == port || f->dst.port == port);
}

static void classify(struct trace_ctx *c, struct tcp_flow *f)
{
	size_t skip = 0;

	while (skip < f->len && (f->buf[skip] == '\r' || f->buf[skip] == '\n'))
		skip++;
	if (is_port(f, c->opts.diameter_port))
		f->kind = FLOW_DIAM;
	else if (is_port(f, c->opts.sip_port) || sip_looks_like(f->buf + skip, f->len - skip))
		f->kind = FLOW_SIP;
	else if (diam_looks_like(f->buf, f->len))
		f->kind = FLOW_DIAM;
	else if (memmem(f->buf, f->len, " SIP/2.0\r\n", 10) || memmem(f->buf, f->len, "SIP/2.0 ", 8))
		f->kind = FLOW_SIP; /* joined mid-stream: consume_sip resynchronises */
	else if (f->len >= 2048 || memchr(f->buf, '\n', f->len) || f->len >= 20)
		f->kind = FLOW_OTHER;
}

/* After garbage: the next line that starts a SIP message, or f->len. */
static size_t sip_resync(const struct tcp_flow *f)
{
	for (size_t i = 1; i < f->len; i++)
		if (f->buf[i - 1] == '\n' && sip_looks_like(f->buf + i, f->len - i))
			return i;
	return f->len;
}

static size_t consume_sip(struct trace_ctx *c, struct tcp_flow *f, const struct trace_meta *m)
{
	size_t off = 0;

	for (;;) {
		while (off < f->len && (f->buf[off] == '\r' || f->buf[off] == '\n'))
			off++; /* RFC 5626 §4.4.1 CRLF keep-alives */
		if (off == f->len)
			return off;
		struct sip_msg *s;
		size_t used;
		int rc = sip_msg_parse(f->buf + off, f->len - off, true, &s, &used);
		if (rc == 1) {
			trace_add_sip(c, m, s);
			off += used;
		} else if (rc == SIP_NEED_MORE)
			return off;
		else {
			c->sip_bad++;
			trace_note(c, "unparsable SIP in a TCP stream near frame %u (%s); skipped to "
				   "the next start line", m->frame, sip_strerror(rc));
			struct tcp_flow sub = *f;
			sub.buf += off;
			sub.len -= off;
			off += sip_resync(&sub);
		}
	}
}

/* A plausible Diameter header at p: version 1, sane length, reserved
 * flags clear, a command code of the base, Cx or S6a applications. */
static bool diam_header_at(const uint8_t *p, size_t left)
{
	if (left < 20 || !diam_looks_like(p, left))
		return false;
	uint32_t code = (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	return code == DIAM_CMD_CE || code == DIAM_CMD_DW || code == DIAM_CMD_DP ||
	       (code >= DIAM_CMD_UA && code <= DIAM_CMD_PP) ||
	       (code >= DIAM_CMD_UL && code <= DIAM_CMD_NO);
}

/* Out of step (capture joined mid-message, or a hole): the next offset
 * that looks like a message start, or f->len. */
static size_t diam_resync(const struct tcp_flow *f, size_t from)
{
	for (size_t i = from + 1; i + 20 <= f->len; i++)
		if (diam_header_at(f->buf + i, f->len - i))
			return i;
	return f->len;
}

static size_t consume_diam(struct trace_ctx *c, struct tcp_flow *f, const struct trace_meta *m)
{
	size_t off = 0;

	while (off < f->len) {
		ssize_t fl = diam_frame_len(f->buf + off, f->len - off);
		if (fl == 0 || (fl > 0 && (size_t)fl > f->len - off))
			return off;
		struct diam_info *d = fl > 0 ? malloc(sizeof(*d)) : NULL;
		if (!d || diam_info_parse(f->buf + off, (size_t)fl, d) < 0) {
			free(d);
			c->diam_bad++;
			trace_note(c, "Diameter stream out of step near frame %u: skipped to the next "
				   "message header", m->frame);
			off = diam_resync(f, off);
			continue;
		}
		if (d->malformed) {
			c->diam_bad++;
			trace_note(c, "malformed AVPs in a Diameter message at frame %u (read as far "
				   "as possible)", m->frame);
		}
		trace_add_diam(c, m, d);
		off += (size_t)fl;
	}
	return off;
}

static void consume(struct trace_ctx *c, struct tcp_flow *f, const struct trace_meta *m)
{
	size_t used = 0;

	if (!f->len)
		return; /* nothing held (and no buffer yet: f->buf may be NULL) */
	if (f->kind == FLOW_UNKNOWN)
		classify(c, f);
	if (f->kind == FLOW_SIP)
		used = consume_sip(c, f, m);
	else if (f->kind == FLOW_DIAM)
		used = consume_diam(c, f, m);
	else if (f->kind == FLOW_OTHER)
		used = f->len;
	if (used) {
		memmove(f->buf, f->buf + used, f->len - used);
		f->len -= used;
	}
}

static void pending_add(struct tcp_flow *f, uint32_t seq, const uint8_t *p, size_t len)
{
	struct seg **pp = &f->pending;

	while (*pp && seq_diff((*pp)->seq, seq) < 0)
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == seq && (*pp)->len >= len)
		return; /* duplicate */
	struct seg *s = malloc(sizeof(*s));
	uint8_t *d = malloc(len);
	if (!s || !d) {
		free(s);
		free(d);
		return;
	}
	memcpy(d, p, len);
	*s = (struct seg){ .seq = seq, .data = d, .len = len, .next = *pp };
	*pp = s;
	f->pending_bytes += len;
}

/* Appends data at `seq`, trimming what the stream already has. */
static void deliver(struct tcp_flow *f, uint32_t seq, const uint8_t *p, size_t len)
{
	int32_t d = seq_diff(f->next_seq, seq);
	if (d < 0 || (size_t)d >= len)
		return;
	if (f->kind != FLOW_OTHER && !buf_append(f, p + d, len - (size_t)d))
		f->kind = FLOW_OTHER; /* runaway stream: stop buffering */
	f->next_seq += (uint32_t)(len - (size_t)d);
}

static void drain_pending(struct tcp_flow *f)
{
	while (f->pending && seq_diff(f->pending->seq, f->next_seq) <= 0) {
		struct seg *s = f->pending;
		f->pending = s->next;
		f->pending_bytes -= s->len;
		deliver(f, s->seq, s->data, s->len);
		free(s->data);
		free(s);
	}
}

/* The hole will not fill: drop the partial message and jump to the first
 * held segment. */
static void skip_gap(struct trace_ctx *c, struct tcp_flow *f, unsigned frame)
{
	c->tcp_gaps++;
	trace_note(c, "TCP segment(s) missing from the capture before frame %u: partial message "
		   "dropped, reading resumes at the next message", frame);
	f->len = 0;
	if (f->pending)
		f->next_seq = f->pending->seq;
	drain_pending(f);
}

void tcp_input(struct trace_ctx *c, const struct trace_meta *m, uint32_t seq, uint8_t flags,
	       const uint8_t *p, size_t len)
{
	struct tcp_flow *f = flow_get(c, m);

	if (!f)
		return;
	if (flags & TCP_SYN) {
		f->next_seq = seq + 1;
		f->have_seq = true;
		f->len = 0;
		f->kind = FLOW_UNKNOWN;
		seq++;
	}
	if (!len)
		return;
	if (!f->have_seq) { /* capture started mid-connection */
		f->next_seq = seq;
		f->have_seq = true;
	}
	if (seq_diff(seq, f->next_seq) > 0) {
		pending_add(f, seq, p, len);
		if (f->pending_bytes > TCP_PENDING_MAX)
			skip_gap(c, f, m->frame);
		else
			return;
	} else {
		deliver(f, seq, p, len);
		drain_pending(f);
	}
	consume(c, f, m);
}

void tcp_finish(struct trace_ctx *c)
{
	for (struct tcp_flow *f = c->flows; f; f = f->next) {
		char a[64], b[64];
		if (f->pending) {
			c->tcp_gaps++;
			trace_note(c, "TCP stream %s -> %s ends with a hole (segments not captured)",
				   trace_addr_str(&f->src, a, sizeof(a)),
				   trace_addr_str(&f->dst, b, sizeof(b)));
		}
		if (f->len && (f->kind == FLOW_SIP || f->kind == FLOW_DIAM))
			trace_note(c, "TCP stream %s -> %s ends inside a %s message (%zu octets unread)",
				   trace_addr_str(&f->src, a, sizeof(a)),
				   trace_addr_str(&f->dst, b, sizeof(b)),
				   f->kind == FLOW_SIP ? "SIP" : "Diameter", f->len);
	}
}

void tcp_free_all(struct trace_ctx *c)
{
	while (c->flows) {
		struct tcp_flow *f = c->flows;
		c->flows = f->next;
		while (f->pending) {
			struct seg *s = f->pending;
			f->pending = s->next;
			free(s->data);
			free(s);
		}
		free(f->buf);
		free(f);
	}
}
