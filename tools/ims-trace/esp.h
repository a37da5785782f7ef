/* ESP (RFC 4303) with NULL encryption (RFC 2410), as VoLTE phones use on
 * Gm after the 401 (TS 33.203 §6-7). Layout:
 *   SPI(4) ‖ Seq(4) ‖ payload ‖ padding ‖ Pad Length(1) ‖ Next Header(1) ‖ ICV
 * NULL has no IV. The ICV length follows from the integrity algorithm
 * negotiated in Security-Client/Server (RFC 3329, TS 33.203 §7.2):
 * hmac-md5-96 and hmac-sha-1-96 give 12 octets. SPIs are learnt from the
 * SIP headers; for an SPI never announced the trailer is probed. */
#ifndef TRACE_ESP_H
#define TRACE_ESP_H

#include "trace.h"

struct sip_msg;

/* m carries the outer addresses; the inner transport is decoded with
 * m->esp set. */
void esp_input(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p, size_t len,
	       int depth);

/* Learns SAs from Security-Client / Security-Server / Security-Verify. */
void esp_learn_sip(struct trace_ctx *c, const struct sip_msg *s);

/* ICV octets for an integrity algorithm name, or -1 when unknown. */
int esp_icv_len(const char *alg);

/* Checks a candidate plaintext trailer: returns the inner length (payload
 * without padding) and *next_header, or -1 (exposed for unit tests). */
long esp_null_trailer(const uint8_t *plain, size_t len, int *next_header);

#endif
