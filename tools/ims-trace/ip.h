/* IPv4 (RFC 791) and IPv6 (RFC 8200, extension headers walked) down to
 * UDP, TCP, SCTP and ESP. Fragments are reassembled (ip_frag.c): SIP over
 * UDP above the MTU should have moved to TCP (RFC 3261 §18.1.1), but real
 * UEs send large REGISTERs over UDP anyway. */
#ifndef TRACE_IP_H
#define TRACE_IP_H

#include "trace.h"

/* depth guards IP-in-IP / ESP tunnel recursion. */
void ip_input(struct trace_ctx *c, const uint8_t *p, size_t len, int depth);

/* Transport payload `p` of protocol `proto` with addresses in m (ports
 * filled here). Used by ip_input and by esp.c for the inner packet. */
void ip_transport(struct trace_ctx *c, struct trace_meta *m, int proto, const uint8_t *p,
		  size_t len, int depth);

#endif
