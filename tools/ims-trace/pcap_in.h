/* Capture input: pcap through libpcap, pcapng through pcapng_in.c, and
 * the link layers real UE traces come with: Ethernet (+802.1Q), Linux
 * cooked SLL and SLL2, raw IPv4/IPv6, BSD loopback. */
#ifndef TRACE_PCAP_IN_H
#define TRACE_PCAP_IN_H

#include "trace.h"

#include <stdio.h>

enum pcap_in_err {
	PCAP_IN_OK = 0,
	PCAP_IN_EOPEN = -1,     /* not a capture file / unreadable header */
	PCAP_IN_ELINK = -2,     /* link type we do not decode */
	PCAP_IN_ETRUNC = -3,    /* read error mid-file (truncated/corrupt) */
};

/* Reads every frame of `fp` (which it takes over and closes) into c.
 * On error err holds a one-line reason; frames read before a mid-file
 * error stay in c. */
int pcap_in_read(struct trace_ctx *c, FILE *fp, char *err, size_t errsz);

/* One frame of link type `dlt` (a DLT_* value). Exposed for tests. */
void pcap_in_frame(struct trace_ctx *c, int dlt, const uint8_t *data, size_t caplen,
		   size_t wirelen);
/* One packet at time `ts` (seconds): frame number, first time, then
 * pcap_in_frame(). Both readers go through it. */
void pcap_in_packet(struct trace_ctx *c, int dlt, double ts, const uint8_t *data, size_t caplen,
		    size_t wirelen);
/* true when `dlt` is one we decode. */
bool pcap_in_link_supported(int dlt);
/* "link type N (NAME) is not supported (...)" into err. */
void pcap_in_link_error(int dlt, char *err, size_t errsz);

#endif
