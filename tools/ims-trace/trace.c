#include "trace.h"
#include "diam_in.h"
#include "ip_frag.h"
#include "sip_msg.h"
#include "tcp_reasm.h"

#include "diameter/diam.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_EVENTS_MAX 200000u /* keeps a hostile capture from eating memory */

void trace_init(struct trace_ctx *c, const struct trace_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->opts = *o;
}

const char *trace_copy_name(enum trace_copy k)
{
	static const char *const n[] = { "original", "forwarded", "retransmission",
					 "same packet", "replay" };
	return n[k];
}

const char *trace_role_name(enum trace_role r)
{
	static const char *const n[] = { "?", "UE", "P-CSCF", "I-CSCF", "S-CSCF", "HSS", "MME",
					 "DRA" };
	return n[r];
}

void trace_free(struct trace_ctx *c)
{
	for (size_t i = 0; i < c->nev; i++) {
		sip_msg_free(c->ev[i].sip);
		free(c->ev[i].diam);
	}
	free(c->ev);
	for (size_t i = 0; i < c->nesp; i++)
		free(c->esp[i].data);
	free(c->esp);
	free(c->sas);
	free(c->nodes);
	tcp_free_all(c);
	ip_frag_finish(c); /* may still add a note: notes are freed after */
	for (size_t i = 0; i < c->nnotes; i++)
		free(c->notes[i]);
	memset(c, 0, sizeof(*c));
}

void trace_note(struct trace_ctx *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* a note's kind is its text up to the first digit: keep one per kind */
	size_t kind = strcspn(buf, "0123456789");
	for (size_t i = 0; i < c->nnotes; i++)
		if (!strncmp(c->notes[i], buf, kind))
			return;
	if (c->nnotes < TRACE_NOTES_MAX)
		c->notes[c->nnotes++] = strdup(buf);
}

static struct trace_event *ev_new(struct trace_ctx *c, const struct trace_meta *m)
{
	if (c->nev == TRACE_EVENTS_MAX) {
		trace_note(c, "more than %u messages: the rest of the capture is ignored",
			   TRACE_EVENTS_MAX);
		return NULL;
	}
	if (c->nev == c->cap_ev) {
		size_t cap = c->cap_ev ? c->cap_ev * 2 : 64;
		struct trace_event *n = realloc(c->ev, cap * sizeof(*n));
		if (!n)
			return NULL;
		c->ev = n;
		c->cap_ev = cap;
	}
	struct trace_event *e = &c->ev[c->nev];
	memset(e, 0, sizeof(*e));
	e->m = *m;
	e->attempt = -1;
	e->copy_first = (int)c->nev;
	e->copy_prev = e->copy_next = -1;
	e->src_node = e->dst_node = -1;
	e->order = (unsigned)c->nev++;
	return e;
}

void trace_add_sip(struct trace_ctx *c, const struct trace_meta *m, struct sip_msg *s)
{
	struct trace_event *e = ev_new(c, m);

	if (!e) {
		sip_msg_free(s);
		return;
	}
	e->kind = EV_SIP;
	e->sip = s;
}

void trace_add_diam(struct trace_ctx *c, const struct trace_meta *m, struct diam_info *d)
{
	struct trace_event *e = ev_new(c, m);

	if (!e) {
		free(d);
		return;
	}
	e->kind = EV_DIAM;
	e->diam = d;
}

/* Time order, then frame order: a capture of several interfaces (dumpcap
 * -i A -i B) holds each interface's packets in the order dumpcap read its
 * buffer, so a response on one interface can come after the next exchange
 * on the other; following a message hop by hop needs the time. */
static int ev_cmp(const void *a, const void *b)
{
	const struct trace_event *x = a, *y = b;

	if (x->m.ts != y->m.ts)
		return x->m.ts < y->m.ts ? -1 : 1;
	if (x->m.frame != y->m.frame)
		return x->m.frame < y->m.frame ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void trace_sort(struct trace_ctx *c)
{
	if (c->nev)
		qsort(c->ev, c->nev, sizeof(*c->ev), ev_cmp);
	for (size_t i = 0; i < c->nev; i++) {
		c->ev[i].order = (unsigned)i;
		c->ev[i].copy_first = (int)i;
	}
}

static bool port_is(const struct trace_meta *m, int port)
{
	return port > 0 && (m->src.port == port || m->dst.port == port);
}

void trace_udp_payload(struct trace_ctx *c, const struct trace_meta *m, const uint8_t *p,
		       size_t len)
{
	struct sip_msg *s;
	size_t used;

	size_t crlf = 0;
	while (crlf < len && (p[crlf] == '\r' || p[crlf] == '\n'))
		crlf++;
	if (crlf == len)
		return; /* RFC 5626 keep-alive (or empty) */
	if (!port_is(m, c->opts.sip_port) && !sip_looks_like(p, len)) {
		c->not_sip_udp++;
		return;
	}
	int rc = sip_msg_parse(p, len, false, &s, &used);
	if (rc != 1) {
		c->sip_bad++;
		trace_note(c, "unparsable SIP datagram at frame %u: %s", m->frame,
			   rc == SIP_NEED_MORE ? "incomplete" : sip_strerror(rc));
		return;
	}
	if (s->body_truncated)
		trace_note(c, "SIP datagram at frame %u is shorter than its Content-Length "
			   "(truncated capture or snaplen)", m->frame);
	trace_add_sip(c, m, s);
}

/* RFC 4960 PPID 46 = Diameter, 47 = Diameter over DTLS (RFC 6733 §2.1). */
void trace_sctp_payload(struct trace_ctx *c, const struct trace_meta *m, uint32_t ppid,
			const uint8_t *p, size_t len)
{
	if (ppid == 46 || port_is(m, c->opts.diameter_port) || diam_looks_like(p, len)) {
		ssize_t fl = diam_frame_len(p, len);
		struct diam_info *d = malloc(sizeof(*d));
		if (fl <= 0 || (size_t)fl > len || !d || diam_info_parse(p, (size_t)fl, d) < 0) {
			free(d);
			c->diam_bad++;
			trace_note(c, "unparsable Diameter in SCTP DATA at frame %u", m->frame);
			return;
		}
		trace_add_diam(c, m, d);
	} else if (sip_looks_like(p, len))
		trace_udp_payload(c, m, p, len);
}

const char *trace_addr_str(const struct trace_addr *a, char *buf, size_t sz)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(a->af == 6 ? AF_INET6 : AF_INET, a->ip, ip, sizeof(ip));
	if (a->af == 6)
		snprintf(buf, sz, "[%s]:%u", ip, a->port);
	else
		snprintf(buf, sz, "%s:%u", ip, a->port);
	return buf;
}
