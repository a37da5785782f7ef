#include "ip.h"
#include "esp.h"
#include "tcp_reasm.h"

#include <string.h>

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_IPV6_ 41
#define IPPROTO_IPIP_ 4
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ESP_ 50
#define IPPROTO_AH_ 51
#define IPPROTO_NONE_ 59
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_SCTP_ 132

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void meta_init(struct trace_ctx *c, struct trace_meta *m, int af)
{
	memset(m, 0, sizeof(*m));
	m->frame = c->cur_frame;
	m->ts = c->cur_ts;
	m->src.af = m->dst.af = af;
}

static void ipv4_input(struct trace_ctx *c, const uint8_t *p, size_t len, int depth)
{
	struct trace_meta m;

	if (len < 20 || (p[0] & 0x0f) < 5 || (size_t)(p[0] & 0x0f) * 4 > len) {
		c->truncated_frames++;
		return;
	}
	size_t hl = (size_t)(p[0] & 0x0f) * 4, tot = be16(p + 2);
	if (tot < hl) {
		c->truncated_frames++;
		return;
	}
	if (tot < len)
		len = tot; /* Ethernet padding */
	uint16_t frag = be16(p + 6);
	if (frag & 0x3fff) { /* MF set or offset != 0 */
		c->ip_fragments++;
		trace_note(c, "IPv4 fragments are not reassembled (first at frame %u)", c->cur_frame);
		return;
	}
	meta_init(c, &m, 4);
	memcpy(m.src.ip, p + 12, 4);
	memcpy(m.dst.ip, p + 16, 4);
	ip_transport(c, &m, p[9], p + hl, len - hl, depth);
}

static bool ipv6_ext(int nh)
{
	return nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_ROUTING_ || nh == IPPROTO_DSTOPTS_ ||
	       nh == IPPROTO_FRAGMENT_ || nh == IPPROTO_AH_;
}

static void ipv6_input(struct trace_ctx *c, const uint8_t *p, size_t len, int depth)
{
	struct trace_meta m;

	if (len < 40) {
		c->truncated_frames++;
		return;
	}
	size_t plen = be16(p + 4);
	if (plen && plen + 40 < len)
		len = plen + 40;
	meta_init(c, &m, 6);
	memcpy(m.src.ip, p + 8, 16);
	memcpy(m.dst.ip, p + 24, 16);
	int nh = p[6];
	size_t off = 40;
	/* RFC 8200 §4: walk the extension header chain */
	for (int n = 0; ipv6_ext(nh) && n < 16; n++) {
		if (len < off + 8) {
			c->truncated_frames++;
			return;
		}
		size_t el;
		if (nh == IPPROTO_FRAGMENT_) {
			uint16_t fo = be16(p + off + 2);
			if (fo & 0xfff9) { /* offset != 0 or M set */
				c->ip_fragments++;
				trace_note(c, "IPv6 fragments are not reassembled (first at frame %u)",
					   c->cur_frame);
				return;
			}
			el = 8; /* atomic fragment: carry on */
		} else if (nh == IPPROTO_AH_)
			el = ((size_t)p[off + 1] + 2) * 4; /* RFC 4302 §2.2 */
		else
			el = ((size_t)p[off + 1] + 1) * 8;
		nh = p[off];
		off += el;
		if (off > len) {
			c->truncated_frames++;
			return;
		}
	}
	if (nh == IPPROTO_NONE_)
		return;
	ip_transport(c, &m, nh, p + off, len - off, depth);
}

void ip_input(struct trace_ctx *c, const uint8_t *p, size_t len, int depth)
{
	if (len < 1 || depth > 3) {
		c->non_ip++;
		return;
	}
	if (p[0] >> 4 == 4)
		ipv4_input(c, p, len, depth);
	else if (p[0] >> 4 == 6)
		ipv6_input(c, p, len, depth);
	else
		c->non_ip++;
}

/* RFC 3948 §2.2: on UDP 4500 a non-zero first word is an ESP SPI; 0xff
 * alone is a NAT keep-alive; a zero word precedes IKE. */
static bool udp_encap_esp(const struct trace_meta *m, const uint8_t *p, size_t len)
{
	return (m->src.port == 4500 || m->dst.port == 4500) && len >= 8 && be32(p) != 0;
}

static void udp_input(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p, size_t len,
		      int depth)
{
	if (len < 8) {
		c->truncated_frames++;
		return;
	}
	m->src.port = be16(p);
	m->dst.port = be16(p + 2);
	m->tr = TT_UDP;
	size_t ul = be16(p + 4);
	if (ul >= 8 && ul < len)
		len = ul;
	if (udp_encap_esp(m, p + 8, len - 8))
		esp_input(c, m, p + 8, len - 8, depth);
	else
		trace_udp_payload(c, m, p + 8, len - 8);
}

static void tcp_input_hdr(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p,
			  size_t len)
{
	if (len < 20 || (size_t)(p[12] >> 4) * 4 < 20 || (size_t)(p[12] >> 4) * 4 > len) {
		c->truncated_frames++;
		return;
	}
	size_t hl = (size_t)(p[12] >> 4) * 4;
	m->src.port = be16(p);
	m->dst.port = be16(p + 2);
	m->tr = TT_TCP;
	tcp_input(c, m, be32(p + 4), p[13], p + hl, len - hl);
}

/* RFC 9260 §3: common header, then chunks padded to 4 octets. Only DATA
 * (type 0) carries user messages; fragmented ones (B/E not both set) are
 * counted, not reassembled. */
static void sctp_input(struct trace_ctx *c, struct trace_meta *m, const uint8_t *p, size_t len)
{
	if (len < 12) {
		c->truncated_frames++;
		return;
	}
	m->src.port = be16(p);
	m->dst.port = be16(p + 2);
	m->tr = TT_SCTP;
	size_t off = 12;
	while (off + 4 <= len) {
		size_t cl = be16(p + off + 2);
		if (cl < 4 || off + cl > len)
			break;
		if (p[off] == 0 && cl >= 16) {
			c->sctp_chunks++;
			if ((p[off + 1] & 0x03) == 0x03)
				trace_sctp_payload(c, m, be32(p + off + 12), p + off + 16, cl - 16);
			else
				trace_note(c, "fragmented SCTP DATA chunks are not reassembled "
					   "(first at frame %u)", c->cur_frame);
		}
		off += (cl + 3) & ~(size_t)3;
	}
}

void ip_transport(struct trace_ctx *c, struct trace_meta *m, int proto, const uint8_t *p,
		  size_t len, int depth)
{
	switch (proto) {
	case IPPROTO_UDP_: udp_input(c, m, p, len, depth); break;
	case IPPROTO_TCP_: tcp_input_hdr(c, m, p, len); break;
	case IPPROTO_SCTP_: sctp_input(c, m, p, len); break;
	case IPPROTO_ESP_: esp_input(c, m, p, len, depth); break;
	case IPPROTO_IPIP_: case IPPROTO_IPV6_: ip_input(c, p, len, depth + 1); break;
	default: break;
	}
}
