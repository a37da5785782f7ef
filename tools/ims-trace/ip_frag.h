/* IP fragment reassembly for captures (RFC 791 §3.2, RFC 8200 §4.5):
 * VoLTE REGISTERs over UDP often exceed the MTU, so the UE's or P-CSCF's
 * stack fragments them. Fragments are keyed by (addresses, protocol,
 * identification); a datagram is complete when the last fragment (MF=0)
 * fixed its length and every 8-octet block below it arrived. At most
 * IP_FRAG_MAX datagrams are pending; the oldest is dropped (and reported)
 * when a new one does not fit. */
#ifndef TRACE_IP_FRAG_H
#define TRACE_IP_FRAG_H

#include "trace.h"

#define IP_FRAG_MAX 64
#define IP_FRAG_LEN 65535

struct ip_frag_key {
	int af;
	uint8_t src[16], dst[16];
	uint32_t id;
	int proto;   /* IPv4 protocol / IPv6 Next Header of the fragmentable part */
};

/* Adds a fragment at byte offset `off`; more = MF/M flag. Returns 1 with
 * *out (malloc'd, caller frees) and *outlen when the datagram is complete,
 * 0 while incomplete, -1 when the fragment is unusable (beyond 64 KiB). */
int ip_frag_add(struct trace_ctx *c, const struct ip_frag_key *k, size_t off, bool more,
		const uint8_t *p, size_t len, uint8_t **out, size_t *outlen);
/* End of capture: reports incomplete datagrams; frees everything. */
void ip_frag_finish(struct trace_ctx *c);

#endif
