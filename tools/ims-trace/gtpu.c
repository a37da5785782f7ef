#include "gtpu.h"
#include "ip.h"

#include <string.h>

#define GTP_GPDU 0xff

long gtpu_inner(const uint8_t *p, size_t len, uint32_t *teid)
{
	if (len < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != GTP_GPDU)
		return -1; /* version 1, PT=1 (GTP, not GTP'), G-PDU */
	size_t plen = (size_t)p[2] << 8 | p[3], off = 8;
	*teid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	if (plen + 8 < len)
		len = plen + 8; /* the Length field counts what follows the 8 octets */
	if (p[0] & 0x07) { /* E, S or PN: sequence, N-PDU number, next extension type */
		if (len < 12)
			return -1;
		uint8_t next = p[11];
		off = 12;
		for (int n = 0; next && n < 16; n++) { /* §5.2: extension headers */
			if (off >= len || !p[off])
				return -1;
			size_t el = (size_t)p[off] * 4;
			if (off + el > len)
				return -1;
			next = p[off + el - 1];
			off += el;
		}
		if (next)
			return -1;
	}
	return off < len ? (long)off : -1;
}

void gtpu_input(struct trace_ctx *c, const struct trace_meta *m, const uint8_t *p, size_t len,
		int depth)
{
	uint32_t teid;
	long off = gtpu_inner(p, len, &teid);

	if (off < 0)
		return; /* echo, error indication, end marker, or not GTP-U */
	c->gtp_pdus++;
	size_t plen = (size_t)p[2] << 8 | p[3];
	size_t end = plen + 8 < len ? plen + 8 : len;
	struct trace_meta saved = c->wrap;
	int on = c->wrap_on;
	c->wrap = *m;
	c->wrap.gtp = true;
	c->wrap.teid = teid;
	if (on) { /* keep the marks of an outer envelope */
		c->wrap.esp = saved.esp;
		c->wrap.spi = saved.spi;
		c->wrap.esp_icv = saved.esp_icv;
		c->wrap.esp_decrypted = saved.esp_decrypted;
	}
	c->wrap_on = 1;
	ip_input(c, p + off, end - (size_t)off, depth + 1);
	c->wrap = saved;
	c->wrap_on = on;
}
