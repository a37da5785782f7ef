/* pcapng files, read here: every interface with its own link type and
 * timestamp resolution (libpcap refuses mixed link types). Called by
 * pcap_in_read() for a file whose first octet is 0x0A. */
#ifndef TRACE_PCAPNG_IN_H
#define TRACE_PCAPNG_IN_H

#include "trace.h"

#include <stdio.h>

/* As pcap_in_read(): takes fp over and closes it; PCAP_IN_* codes. */
int pcapng_in_read(struct trace_ctx *c, FILE *fp, char *err, size_t errsz);

#endif
