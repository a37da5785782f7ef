/* ESP (RFC 4303) as VoLTE phones use it on Gm after the 401 (TS 33.203
 * §6-7). Layout:
 *   SPI(4) ‖ Seq(4) ‖ [IV] ‖ payload ‖ padding ‖ Pad Length(1) ‖ Next Header(1) ‖ ICV
 * The transforms and keys are only known once the SIP around the packets
 * has been read (Security-Client/Server, the 401's nonce and ck/ik), and
 * the sec-agree of a re-registration travels inside earlier ESP. So during
 * the read a packet is only kept (esp_input); esp_sa.c then walks the kept
 * packets in order, learning SAs as it goes, and opens each one here:
 * ICV verified when IK is known, decrypted when CK is known, the inner
 * UDP/TCP read with the message marked esp/spi/icv. */
#ifndef TRACE_ESP_H
#define TRACE_ESP_H

#include "esp_crypto.h"
#include "trace.h"

/* During the read: keeps the packet (m: outer addresses) for later. */
void esp_input(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p, size_t len,
	       int depth);

/* ICV octets for an integrity algorithm name, or -1 when unknown. */
int esp_icv_len(const char *alg);

/* Checks a candidate plaintext trailer: returns the inner length (payload
 * without padding) and *next_header, or -1 (exposed for unit tests). */
long esp_null_trailer(const uint8_t *plain, size_t len, int *next_header);

/* The transforms and keys of one SA direction. */
struct esp_keys {
	enum esp_auth auth;
	enum esp_enc enc;
	size_t icv_len;
	uint8_t ik[ESP_KEY_MAX], ck[ESP_KEY_MAX];
	size_t iklen, cklen;      /* 0 = key not known */
	char alg[24], ealg[24];
};

/* Opens one kept packet with k: ICV (pkt->icv), decryption, the inner
 * packet read into c; pkt->readable / pkt->why say what happened. */
void esp_open(struct trace_ctx *c, struct esp_pkt *pkt, const struct esp_keys *k);
/* A packet of no known SA: read as ESP-NULL if a 12-, 16- or 0-octet ICV
 * gives a valid trailer and a plausible inner header; else unreadable. */
void esp_probe(struct trace_ctx *c, struct esp_pkt *pkt);

#endif
