#include "esp.h"
#include "ip.h"

#include "util/ct.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ESP_KEPT_MAX 100000u /* keeps a hostile capture from eating memory */

static const struct { const char *alg; int icv; } icv_table[] = {
	{ "hmac-md5-96", 12 },       /* RFC 2403, TS 33.203 */
	{ "hmac-sha-1-96", 12 },     /* RFC 2404, TS 33.203 */
	{ "hmac-sha-256-128", 16 },  /* RFC 4868 */
	{ "aes-gmac", 16 },          /* RFC 4543 (TS 33.203 Rel-15) */
};

int esp_icv_len(const char *alg)
{
	for (size_t i = 0; i < sizeof(icv_table) / sizeof(icv_table[0]); i++)
		if (!strcasecmp(alg, icv_table[i].alg))
			return icv_table[i].icv;
	return -1;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void esp_input(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p, size_t len,
	       int depth)
{
	if (len < 8 || depth > 3) {
		c->truncated_frames++;
		return;
	}
	if (c->nesp == ESP_KEPT_MAX) {
		trace_note(c, "more than %u ESP packets: the rest are not read", ESP_KEPT_MAX);
		return;
	}
	if (c->nesp == c->cap_esp) {
		size_t cap = c->cap_esp ? c->cap_esp * 2 : 32;
		struct esp_pkt *n = realloc(c->esp, cap * sizeof(*n));
		if (!n)
			return;
		c->esp = n;
		c->cap_esp = cap;
	}
	struct esp_pkt *k = &c->esp[c->nesp];
	memset(k, 0, sizeof(*k));
	if (!(k->data = malloc(len)))
		return;
	memcpy(k->data, p, len);
	k->len = len;
	k->m = *m;
	k->m.frame = c->cur_frame;
	k->m.ts = c->cur_ts;
	k->m.spi = be32(p);
	k->depth = depth;
	k->sa = -1;
	c->nesp++;
}

long esp_null_trailer(const uint8_t *plain, size_t len, int *next_header)
{
	if (len < 2)
		return -1;
	size_t padlen = plain[len - 2];
	int nh = plain[len - 1];
	if (padlen + 2 > len)
		return -1;
	/* RFC 4303 §2.4: default padding is 1, 2, 3, ... */
	for (size_t i = 0; i < padlen; i++)
		if (plain[len - 2 - padlen + i] != (uint8_t)(i + 1))
			return -1;
	if (nh != 6 && nh != 17 && nh != 4 && nh != 41 && nh != 132)
		return -1;
	*next_header = nh;
	return (long)(len - 2 - padlen);
}

/* A decoded inner header must agree with the trailer (UDP length). */
static bool inner_plausible(int nh, const uint8_t *p, size_t len)
{
	if (nh == 17)
		return len >= 8 && (size_t)(p[4] << 8 | p[5]) == len;
	if (nh == 6)
		return len >= 20 && (p[12] >> 4) >= 5 && (size_t)(p[12] >> 4) * 4 <= len;
	if (nh == 4 || nh == 41)
		return len >= 20 && (p[0] >> 4) == (nh == 4 ? 4 : 6);
	return len >= 12;
}

/* The plaintext (payload ‖ padding ‖ pad length ‖ next header) of pkt:
 * its inner packet into c, marked with pkt's ESP state. */
static bool read_plain(struct trace_ctx *c, struct esp_pkt *pkt, const uint8_t *plain,
		       size_t n)
{
	int nh;
	long il = esp_null_trailer(plain, n, &nh);

	if (il < 0 || !inner_plausible(nh, plain, (size_t)il))
		return false;
	struct trace_meta im = pkt->m, saved = c->wrap;
	int on = c->wrap_on;
	im.esp = true;
	im.esp_icv = pkt->icv;
	c->cur_frame = pkt->m.frame;
	c->cur_ts = pkt->m.ts;
	c->wrap = im;
	c->wrap_on = 1;
	if (nh == 4 || nh == 41) /* tunnel mode */
		ip_input(c, plain, (size_t)il, pkt->depth + 1);
	else
		ip_transport(c, &im, nh, plain, (size_t)il, pkt->depth + 1);
	c->wrap = saved;
	c->wrap_on = on;
	pkt->readable = true;
	return true;
}

static void check_icv(struct esp_pkt *pkt, const struct esp_keys *k)
{
	uint8_t icv[ESP_ICV_LEN];

	if (!k->iklen || k->auth == ESP_AUTH_UNKNOWN || pkt->len < 8 + k->icv_len ||
	    k->icv_len != ESP_ICV_LEN)
		return;
	if (esp_icv(k->auth, k->ik, k->iklen, pkt->data, pkt->len - k->icv_len, icv))
		return;
	pkt->icv = ct_equal(icv, pkt->data + pkt->len - k->icv_len, ESP_ICV_LEN) ? 1 : -1;
}

void esp_open(struct trace_ctx *c, struct esp_pkt *pkt, const struct esp_keys *k)
{
	size_t iv = esp_enc_iv_len(k->enc), body;

	check_icv(pkt, k);
	if (pkt->len < 8 + iv + k->icv_len + 2) {
		snprintf(pkt->why, sizeof(pkt->why), "shorter than its header and ICV");
		return;
	}
	body = pkt->len - 8 - iv - k->icv_len;
	if (k->enc == ESP_ENC_NULL) {
		pkt->m.esp_decrypted = false;
		if (!read_plain(c, pkt, pkt->data + 8, body))
			snprintf(pkt->why, sizeof(pkt->why), "does not parse as ESP-NULL with a "
				 "%zu-octet ICV", k->icv_len);
		return;
	}
	if (k->enc == ESP_ENC_UNKNOWN || !k->cklen) {
		snprintf(pkt->why, sizeof(pkt->why), k->enc == ESP_ENC_UNKNOWN ?
			 "ealg=%s is not one ims-trace decrypts" : "ealg=%s and no CK to decrypt it",
			 k->ealg);
		return;
	}
	uint8_t *plain = malloc(body ? body : 1);
	if (!plain)
		return;
	if (esp_cbc(k->enc, false, k->ck, pkt->data + 8, pkt->data + 8 + iv, body, plain)) {
		snprintf(pkt->why, sizeof(pkt->why), "%s: %zu octets are not whole cipher blocks",
			 k->ealg, body);
	} else {
		pkt->m.esp_decrypted = true;
		if (!read_plain(c, pkt, plain, body))
			snprintf(pkt->why, sizeof(pkt->why), "decrypted with %s but the trailer is not "
				 "valid: CK is not the SA's key", k->ealg);
	}
	memset(plain, 0, body);
	free(plain);
}

void esp_probe(struct trace_ctx *c, struct esp_pkt *pkt)
{
	static const size_t probe[] = { 12, 16, 0 };

	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		if (pkt->len < 8 + probe[i] + 2)
			continue;
		if (read_plain(c, pkt, pkt->data + 8, pkt->len - 8 - probe[i])) {
			trace_note(c, "ESP SPI %u was never announced in Security-Client/Server; "
				   "read as ESP-NULL with a %zu-octet ICV (not verified)",
				   pkt->m.spi, probe[i]);
			return;
		}
	}
	snprintf(pkt->why, sizeof(pkt->why), "SPI never announced in Security-Client/Server and "
		 "not ESP-NULL: encrypted with unknown keys");
}
