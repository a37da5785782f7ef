#include "esp.h"
#include "ip.h"
#include "sip_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static struct trace_sa *sa_find(struct trace_ctx *c, uint32_t spi)
{
	for (size_t i = 0; i < c->nsa; i++)
		if (c->sa[i].spi == spi)
			return &c->sa[i];
	return NULL;
}

static void sa_set(struct trace_ctx *c, uint32_t spi, const char *alg, const char *ealg,
		   bool authoritative)
{
	struct trace_sa *sa = sa_find(c, spi);

	if (!sa) {
		if (c->nsa == TRACE_SA_MAX)
			return;
		sa = &c->sa[c->nsa++];
		memset(sa, 0, sizeof(*sa));
		sa->spi = spi;
	} else if (!authoritative)
		return;
	sa->chosen = authoritative;
	snprintf(sa->alg, sizeof(sa->alg), "%s", alg);
	snprintf(sa->ealg, sizeof(sa->ealg), "%s", ealg);
	int icv = esp_icv_len(alg);
	sa->icv_len = icv < 0 ? 12 : (size_t)icv;
}

/* One mechanism entry "ipsec-3gpp; alg=..; ealg=..; spi-c=..; spi-s=..".
 * A server (Security-Server, Security-Verify) choice overrides a client
 * offer; the client lists one entry per offered algorithm with the same
 * SPIs, so only its first offer is kept until the server chooses. */
static void learn_entry(struct trace_ctx *c, const char *e, bool server)
{
	char alg[24] = "", ealg[24] = "", v[24];
	const char *spis[] = { "spi-c", "spi-s" };

	if (strncasecmp(e, "ipsec-3gpp", 10))
		return;
	sip_hdr_param(e, "alg", alg, sizeof(alg));
	if (!sip_hdr_param(e, "ealg", ealg, sizeof(ealg)))
		snprintf(ealg, sizeof(ealg), "null"); /* TS 33.203 §7.2: absent = NULL */
	for (size_t i = 0; i < 2; i++)
		if (sip_hdr_param(e, spis[i], v, sizeof(v)))
			sa_set(c, (uint32_t)strtoul(v, NULL, 10), alg, ealg, server);
	/* the server's choice applies to the client's SPIs offered just before
	 * (those not yet settled by a server header) */
	if (server)
		for (size_t i = 0; i < c->nsa; i++) {
			if (c->sa[i].chosen)
				continue;
			c->sa[i].chosen = true;
			snprintf(c->sa[i].alg, sizeof(c->sa[i].alg), "%s", alg);
			snprintf(c->sa[i].ealg, sizeof(c->sa[i].ealg), "%s", ealg);
			int icv = esp_icv_len(alg);
			c->sa[i].icv_len = icv < 0 ? 12 : (size_t)icv;
		}
}

static void learn_header(struct trace_ctx *c, const char *val, bool server)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", val);
	/* comma-separated mechanisms (RFC 3329 §2.2) */
	for (char *save, *e = strtok_r(buf, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		while (*e == ' ')
			e++;
		learn_entry(c, e, server);
		if (!server)
			break;
	}
}

void esp_learn_sip(struct trace_ctx *c, const struct sip_msg *s)
{
	static const struct { const char *h; bool server; } hs[] = {
		{ "Security-Client", false }, { "Security-Server", true },
		{ "Security-Verify", true },
	};
	for (size_t i = 0; i < 3; i++) {
		const char *v;
		for (size_t n = 0; (v = sip_hdr_nth(s, hs[i].h, n)); n++)
			learn_header(c, v, hs[i].server && n == 0);
	}
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

static bool try_icv(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p, size_t len,
		    size_t icv, int depth)
{
	int nh;

	if (len < 8 + icv + 2)
		return false;
	const uint8_t *plain = p + 8;
	long il = esp_null_trailer(plain, len - 8 - icv, &nh);
	if (il < 0 || !inner_plausible(nh, plain, (size_t)il))
		return false;
	struct trace_meta im = *m;
	im.esp = true;
	im.spi = be32(p);
	if (nh == 4 || nh == 41)
		ip_input(c, plain, (size_t)il, depth + 1);
	else
		ip_transport(c, &im, nh, plain, (size_t)il, depth + 1);
	return true;
}

void esp_input(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p, size_t len,
	       int depth)
{
	static const size_t probe[] = { 12, 16, 0 };

	if (len < 8 || depth > 3) {
		c->truncated_frames++;
		return;
	}
	uint32_t spi = be32(p);
	struct trace_sa *sa = sa_find(c, spi);
	if (sa && sa->ealg[0] && strcasecmp(sa->ealg, "null")) {
		c->esp_encrypted++;
		trace_note(c, "ESP SPI %u is encrypted (ealg=%s): its SIP cannot be read; "
			   "capture with ealg=null or decrypt first", spi, sa->ealg);
		return;
	}
	if (sa && try_icv(c, m, p, len, sa->icv_len, depth))
		return;
	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		if (try_icv(c, m, p, len, probe[i], depth)) {
			if (!sa)
				trace_note(c, "ESP SPI %u was never announced in Security-Client/Server; "
					   "read as ESP-NULL with a %zu-octet ICV", spi, probe[i]);
			return;
		}
	c->esp_encrypted++;
	trace_note(c, "ESP SPI %u (first at frame %u) does not parse as ESP-NULL: encrypted, "
		   "it cannot be read", spi, c->cur_frame);
}
