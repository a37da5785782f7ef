/* Hops and roles (issue 12 §2). A real lab captures one registration on
 * several hops — UE → P-CSCF → I-CSCF → S-CSCF and back, the UE's packets
 * once more inside GTP-U, the Cx/S6a legs to the HSS. This module works
 * out, over the sorted events:
 *
 *   copies   the same SIP message (Call-ID, CSeq, start line) seen again,
 *            linked in time order and classed: forwarded (another hop),
 *            retransmitted (same hop, transaction still open), the same
 *            packet at another capture point (GTP-U and plain), or
 *            replayed (a request sent again on its hop after its final
 *            response came back);
 *   nodes    network elements from addresses: one node per IP, unless an
 *            IP talks to itself (several elements on one host, loopback
 *            labs) — then per port, with a UE's or P-CSCF's protected
 *            ports (Security-Client/Server) and a proxy's sending port
 *            (the sender of a forwarded copy received the copy before)
 *            joined to their element;
 *   roles    from Diameter first (MAR/SAR sender S-CSCF, UAR/LIR sender
 *            I-CSCF, AIR/ULR sender MME, the answerer HSS, a node that
 *            forwards requests DRA), then from the REGISTER chain (the
 *            sender of a one-Via REGISTER is the UE; a forwarder that adds
 *            Path is the P-CSCF, TS 24.229 §5.2.2.1; a later forwarder the
 *            I-CSCF; the element that answers the S-CSCF; a lone element
 *            answering a UE with Security-Server is the P-CSCF). */
#ifndef TRACE_HOPS_H
#define TRACE_HOPS_H

#include "trace.h"

/* Fills copy_first/prev/next/copy, retrans, src_node/dst_node and
 * c->nodes. Call after trace_sort. 0 or -ENOMEM. */
int hops_build(struct trace_ctx *c);

/* Via entries of a message (header instances and comma lists). */
int hops_via_count(const struct sip_msg *s);

/* The copy a forwarded copy ev was made from: the latest earlier copy that
 * is no repeat (a retransmission on the hop before may come between), -1
 * when ev is no forwarded copy. */
int hops_forwarded_from(const struct trace_ctx *c, int ev);
/* The last copy of ev's message (in time). */
int hops_last(const struct trace_ctx *c, int ev);
/* The copy of ev's message received by a node of role r, else -1. */
int hops_to_role(const struct trace_ctx *c, int ev, enum trace_role r);
/* The role of an event's sender / receiver (ROLE_UNKNOWN when none). */
enum trace_role hops_src_role(const struct trace_ctx *c, int ev);
enum trace_role hops_dst_role(const struct trace_ctx *c, int ev);
/* "P-CSCF 10.10.0.5" or the address; buf >= 96. */
const char *hops_label(const struct trace_ctx *c, int node, char *buf, size_t sz);

#endif
