/* Request templates for diam-load. Building a MAR through the typed
 * builder costs about 3 µs here (snprintf, dictionary look-ups for the AVP
 * flags): on a 2-core box that time is taken from hssd. Requests of a run
 * differ only in the IMSI digits (all IMSIs have the same width), the
 * Session-Id and the hop-by-hop/end-to-end ids, so one request is built,
 * the places of those fields are recorded, and later requests are copies
 * with the fields overwritten. tmpl_init() proves the shortcut on the last
 * user against a real build and switches it off if the bytes differ. */
#include "load.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_digits10(uint8_t *p, uint32_t v)
{
	for (int i = 9; i >= 0; i--, v /= 10)
		p[i] = (uint8_t)('0' + v % 10);
}

static ssize_t build_real(const struct req_tmpl *t, const struct load_cfg *c, uint8_t *out,
			  size_t cap, unsigned user, uint32_t sid_lo, uint32_t hbh, uint32_t e2e)
{
	char sid[sizeof(t->sid_prefix) + 12];
	struct diam_wr w;

	snprintf(sid, sizeof(sid), TMPL_SID_FMT, t->sid_prefix, sid_lo);
	diam_wr_init(&w, out, cap);
	c->req->build(&w, c, user, sid, hbh, e2e);
	return diam_wr_finish(&w);
}

size_t tmpl_emit(const struct req_tmpl *t, const struct load_cfg *c, uint8_t *out, unsigned user,
		 uint32_t sid_lo, uint32_t hbh, uint32_t e2e)
{
	char imsi[24];

	memcpy(out, t->buf, t->len);
	put_be32(out + 12, hbh);
	put_be32(out + 16, e2e);
	put_digits10(out + t->sid_off, sid_lo);
	load_imsi(c, user, imsi, sizeof(imsi));
	for (unsigned i = 0; i < t->nimsi; i++)
		memcpy(out + t->imsi_off[i], imsi, c->imsi_digits);
	return t->len;
}

/* Records where user 0's IMSI and the Session-Id counter sit in t->buf. */
static bool find_fields(struct req_tmpl *t, const struct load_cfg *c)
{
	char imsi[24], sid[sizeof(t->sid_prefix) + 12];
	const uint8_t *p = t->buf, *end = t->buf + t->len, *hit;

	snprintf(sid, sizeof(sid), TMPL_SID_FMT, t->sid_prefix, 0u);
	hit = memmem(t->buf, t->len, sid, strlen(sid));
	if (!hit)
		return false;
	t->sid_off = (size_t)(hit - t->buf) + strlen(t->sid_prefix);
	load_imsi(c, 0, imsi, sizeof(imsi));
	t->nimsi = 0;
	while ((hit = memmem(p, (size_t)(end - p), imsi, c->imsi_digits)) != NULL) {
		if (t->nimsi == TMPL_MAX_IMSI)
			return false;
		t->imsi_off[t->nimsi++] = (size_t)(hit - t->buf);
		p = hit + c->imsi_digits;
	}
	return true;
}

void tmpl_init(struct req_tmpl *t, const struct load_cfg *c)
{
	uint8_t real[sizeof(t->buf)], fast[sizeof(t->buf)];
	unsigned last = c->users - 1;
	ssize_t n;

	t->ok = false;
	/* RFC 6733 §8.8: <DiameterIdentity>;<high 32 bits>;<low 32 bits>. */
	snprintf(t->sid_prefix, sizeof(t->sid_prefix), "%s;%u;", c->origin_host,
		 (unsigned)time(NULL));
	n = build_real(t, c, t->buf, sizeof(t->buf), 0, 0, 0, 0);
	if (n <= 0)
		return;
	t->len = (size_t)n;
	if (!find_fields(t, c))
		return;
	n = build_real(t, c, real, sizeof(real), last, 4000000123u, 0x01020304, 0xa0b0c0d0);
	if (n != (ssize_t)t->len)
		return;
	tmpl_emit(t, c, fast, last, 4000000123u, 0x01020304, 0xa0b0c0d0);
	t->ok = !memcmp(real, fast, t->len);
}
