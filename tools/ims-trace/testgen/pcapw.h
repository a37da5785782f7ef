/* A tiny capture writer for ims-trace's test captures: classic pcap or
 * pcapng (SHB + IDB + EPB, draft-ietf-opsawg-pcapng), link types
 * Ethernet, SLL, SLL2 and raw IP, and IPv4/IPv6 + UDP/TCP/SCTP/ESP-NULL
 * packet builders with real checksums (so Wireshark shows no errors). */
#ifndef TRACE_TESTGEN_PCAPW_H
#define TRACE_TESTGEN_PCAPW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LINK_ETHERNET 1
#define LINK_RAW 101
#define LINK_SLL 113
#define LINK_SLL2 276

struct pcapw {
	FILE *fp;
	int link;
	bool ng;
};

int pcapw_open(struct pcapw *w, const char *path, int link, bool ng);
void pcapw_close(struct pcapw *w);
/* Writes one IP packet (v4 or v6 by its first nibble) with the link header. */
void pcapw_ip(struct pcapw *w, double ts, const uint8_t *ip, size_t len);
/* Same, fragmented to `mtu` when larger (RFC 791 §3.2 / RFC 8200 §4.5 with a
 * Fragment header); the last fragment is written first when `reverse`. */
void pcapw_ip_mtu(struct pcapw *w, double ts, const uint8_t *ip, size_t len, size_t mtu,
		  bool reverse);

struct endpoint {
	int af;          /* 4 or 6 */
	uint8_t ip[16];
	uint16_t port;
};
void endpoint_set(struct endpoint *e, const char *ip, uint16_t port);

/* Optional ESP-NULL wrapping (transport mode, RFC 4303 + RFC 2410). */
struct esp_sa {
	uint32_t spi;
	uint32_t seq;
	size_t icv_len;  /* 12 for hmac-md5-96 / hmac-sha-1-96 */
	bool encrypted;  /* fill the payload with noise instead (ealg != null) */
};

/* Builders return the IP packet length written into out (cap octets). */
size_t build_udp(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		 const uint8_t *pl, size_t n, struct esp_sa *esp);
size_t build_tcp(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		 uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *pl, size_t n,
		 struct esp_sa *esp);
size_t build_sctp_data(uint8_t *out, size_t cap, const struct endpoint *s,
		       const struct endpoint *d, uint32_t tsn, uint32_t ppid, const uint8_t *pl,
		       size_t n);

#endif
