/* TCP reassembly for captures: one byte stream per direction, in sequence
 * order, retransmissions trimmed, out-of-order segments held until the
 * hole fills. A hole that never fills (segment not captured) is reported
 * and skipped; the SIP reader then resynchronises on the next start line.
 * Each stream is classified once: Diameter (port or content), SIP
 * (--sip-port or content) or other (ignored). */
#ifndef TRACE_TCP_REASM_H
#define TRACE_TCP_REASM_H

#include "trace.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04

#define TCP_PENDING_MAX (256u * 1024u)  /* held out-of-order octets before giving up */
#define TCP_STREAM_MAX (4u << 20)       /* unconsumed octets per stream */

void tcp_input(struct trace_ctx *c, const struct trace_meta *m, uint32_t seq, uint8_t flags,
	       const uint8_t *p, size_t len);
/* End of capture: reports streams that still hold a partial message. */
void tcp_finish(struct trace_ctx *c);
void tcp_free_all(struct trace_ctx *c);

#endif
