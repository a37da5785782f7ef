/* GTP-U (TS 29.281 §5) on UDP 2152: a G-PDU (message type 255) carries one
 * user-plane IP packet — a capture on S1-U/S5/N3 holds the UE's SIP and
 * ESP inside it. The header is 8 octets, plus 4 when any of E/S/PN is set,
 * plus the extension header chain when E is set (each: length in 4-octet
 * units, content, next type; 0 ends it). Other message types (echo, error
 * indication, end marker) carry no user packet and are skipped. */
#ifndef TRACE_GTPU_H
#define TRACE_GTPU_H

#include "trace.h"

#define GTPU_PORT 2152

/* Offset of the inner packet in p (a UDP payload), or -1 when p is not a
 * G-PDU; *teid set. Exposed for the unit test and the fuzzer. */
long gtpu_inner(const uint8_t *p, size_t len, uint32_t *teid);

/* Reads the inner IP packet of a G-PDU as if captured on its own, marked
 * gtp/teid. m: the outer UDP meta. */
void gtpu_input(struct trace_ctx *c, const struct trace_meta *m, const uint8_t *p, size_t len,
		int depth);

#endif
