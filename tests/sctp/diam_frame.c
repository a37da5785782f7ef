/* Minimal Diameter framing for the SCTP tests; see diam_frame.h. */
#include "diam_frame.h"

#include <string.h>

static void put_be(struct df_writer *w, uint32_t v, int octets)
{
	if (w->err || w->len + (size_t)octets > w->cap) {
		w->err = 1;
		return;
	}
	for (int i = octets - 1; i >= 0; i--)
		w->buf[w->len++] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_be(const uint8_t *p, int octets)
{
	uint32_t v = 0;
	for (int i = 0; i < octets; i++)
		v = (v << 8) | p[i];
	return v;
}

static void patch24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

void df_begin(struct df_writer *w, uint8_t *buf, size_t cap, uint8_t flags, uint32_t cmd,
	      uint32_t app, uint32_t hbh, uint32_t e2e)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	put_be(w, 1, 1);          /* RFC 6733 §3: Version 1 */
	put_be(w, 0, 3);          /* length, patched by df_finish */
	put_be(w, flags, 1);
	put_be(w, cmd, 3);
	put_be(w, app, 4);
	put_be(w, hbh, 4);
	put_be(w, e2e, 4);
}

/* AVP header (§4.1): code, flags, 24-bit length, optional Vendor-Id. The
 * M bit is set on everything we send: all AVPs used here are "must". */
static void avp_head(struct df_writer *w, uint32_t code, uint32_t vendor, size_t datalen)
{
	size_t hl = vendor ? 12 : 8;
	put_be(w, code, 4);
	put_be(w, DF_AVP_M | (vendor ? DF_AVP_V : 0), 1);
	put_be(w, (uint32_t)(hl + datalen), 3);
	if (vendor)
		put_be(w, vendor, 4);
}

static void pad(struct df_writer *w)
{
	while (!w->err && (w->len & 3))
		put_be(w, 0, 1);
}

void df_put_octets(struct df_writer *w, uint32_t code, uint32_t vendor, const void *p, size_t n)
{
	avp_head(w, code, vendor, n);
	if (w->err || w->len + n > w->cap) {
		w->err = 1;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	pad(w);
}

void df_put_u32(struct df_writer *w, uint32_t code, uint32_t vendor, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	df_put_octets(w, code, vendor, b, 4);
}

void df_put_str(struct df_writer *w, uint32_t code, uint32_t vendor, const char *s)
{
	df_put_octets(w, code, vendor, s, strlen(s));
}

void df_put_ipv4(struct df_writer *w, uint32_t code, const uint8_t ip[4])
{
	uint8_t b[6] = {0, 1, ip[0], ip[1], ip[2], ip[3]};
	df_put_octets(w, code, 0, b, sizeof(b));
}

void df_group_begin(struct df_writer *w, uint32_t code, uint32_t vendor)
{
	if (w->depth >= DF_MAX_DEPTH) {
		w->err = 1;
		return;
	}
	w->open[w->depth++] = w->len;
	avp_head(w, code, vendor, 0);
}

void df_group_end(struct df_writer *w)
{
	if (w->err || w->depth == 0) {
		w->err = 1;
		return;
	}
	size_t at = w->open[--w->depth];
	patch24(w->buf + at + 5, (uint32_t)(w->len - at));
}

long df_finish(struct df_writer *w)
{
	if (w->err || w->depth != 0 || w->len > 0xffffff)
		return -1;
	patch24(w->buf + 1, (uint32_t)w->len);
	return (long)w->len;
}

int df_parse(const uint8_t *p, size_t n, struct df_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (n < 20)
		return -1;
	m->version = p[0];
	m->len = get_be(p + 1, 3);
	m->flags = p[4];
	m->cmd = get_be(p + 5, 3);
	m->app = get_be(p + 8, 4);
	m->hbh = get_be(p + 12, 4);
	m->e2e = get_be(p + 16, 4);
	if (m->version != 1 || m->len != n || (m->len & 3))
		return -1;
	m->avps = p + 20;
	m->avps_len = n - 20;
	return 0;
}

/* Walks one AVP list level: the length of the `nth` AVP (code, vendor) or
 * -1; counts matches into *count. -1 as well when the list is malformed. */
static long walk(const uint8_t *p, size_t len, uint32_t code, uint32_t vendor, int nth,
		 const uint8_t **data, int *count)
{
	long found = -1;
	int seen = 0;
	while (len > 0) {
		if (len < 8)
			return -1;
		uint32_t c = get_be(p, 4), l = get_be(p + 5, 3), v = 0;
		size_t hl = (p[4] & DF_AVP_V) ? 12 : 8;
		size_t padded = ((size_t)l + 3) & ~(size_t)3;
		if (l < hl || l > len)
			return -1;
		if (hl == 12)
			v = get_be(p + 8, 4);
		if (c == code && v == vendor) {
			if (seen++ == nth) {
				found = (long)(l - hl);
				if (data)
					*data = p + hl;
			}
			if (count)
				(*count)++;
		}
		if (padded > len)
			padded = len;
		p += padded;
		len -= padded;
	}
	return found;
}

long df_find(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor,
	     const uint8_t **data)
{
	return walk(avps, len, code, vendor, 0, data, NULL);
}

long df_find_nth(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor, int n,
		 const uint8_t **data)
{
	return walk(avps, len, code, vendor, n, data, NULL);
}

long long df_find_u32(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor)
{
	const uint8_t *d;
	if (df_find(avps, len, code, vendor, &d) != 4)
		return -1;
	return get_be(d, 4);
}

int df_count(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor)
{
	int n = 0;
	if (walk(avps, len, code, vendor, -1, NULL, &n) < 0 && n == 0)
		return 0;
	return n;
}
