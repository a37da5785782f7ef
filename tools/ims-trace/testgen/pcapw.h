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

/* Optional ESP wrapping (transport mode, RFC 4303), keyed as TS 33.203
 * Annex I says (esp_crypto.c): ICV hmac-md5-96 / hmac-sha-1-96 over the
 * packet, payload NULL (RFC 2410) or AES-CBC encrypted with a
 * deterministic IV. */
struct esp_sa {
	uint32_t spi;
	uint32_t seq;
	size_t icv_len;  /* 12 for hmac-md5-96 / hmac-sha-1-96 */
	int auth;        /* enum esp_auth */
	int enc;         /* enum esp_enc */
	uint8_t ik[16], ck[16];  /* IK_IM, CK_IM */
	bool bad_icv;    /* send a wrong ICV (the receiver must drop it) */
};

/* Builders return the IP packet length written into out (cap octets). */
size_t build_udp(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		 const uint8_t *pl, size_t n, struct esp_sa *esp);
size_t build_tcp(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		 uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *pl, size_t n,
		 struct esp_sa *esp);
/* A GTP-U G-PDU (TS 29.281, no optional fields) carrying the IP packet
 * `inner` over UDP 2152 between s and d. */
size_t build_gtpu(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		  uint32_t teid, const uint8_t *inner, size_t n);
size_t build_sctp_data(uint8_t *out, size_t cap, const struct endpoint *s,
		       const struct endpoint *d, uint32_t tsn, uint32_t ppid, const uint8_t *pl,
		       size_t n);

#endif
