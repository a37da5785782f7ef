#include "ip.h"
#include "esp.h"
#include "gtpu.h"
#include "ip_frag.h"
#include "tcp_reasm.h"

#include <stdlib.h>
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
	if (c->wrap_on) { /* inside GTP-U or ESP tunnel mode: keep the envelope's marks */
		m->gtp = c->wrap.gtp;
		m->teid = c->wrap.teid;
		m->esp = c->wrap.esp;
		m->spi = c->wrap.spi;
		m->esp_icv = c->wrap.esp_icv;
		m->esp_decrypted = c->wrap.esp_decrypted;
	}
}

static void ipv6_payload(struct trace_ctx *c, struct trace_meta *m, int nh,
			 const uint8_t *p, size_t len, int depth);

/* One fragment in; the datagram out when complete. */
static void reassemble(struct trace_ctx *c, struct trace_meta *m, const struct ip_frag_key *k,
		       size_t off, bool more, const uint8_t *p, size_t len, int depth)
{
	uint8_t *dgram;
	size_t dl;

	c->ip_fragments++;
	int rc = ip_frag_add(c, k, off, more, p, len, &dgram, &dl);
	if (rc < 0)
		trace_note(c, "unusable IP fragment at frame %u (beyond 64 KiB or misaligned)",
			   c->cur_frame);
	if (rc != 1)
		return;
	if (k->af == 6)
		ipv6_payload(c, m, k->proto, dgram, dl, depth);
	else
		ip_transport(c, m, k->proto, dgram, dl, depth);
	free(dgram);
}

/* An IP packet the capture holds only the start of (tcpdump -s N, an old
 * default snaplen of 68 or 96 octets): a UDP datagram, ESP packet or
 * fragment cut short would be read as complete (a REGISTER without its
 * Authorization, an ICV over half a packet), so it is not read; TCP goes
 * on, its missing octets are a gap the reassembly reports. */
static bool snap_cut(struct trace_ctx *c, int proto, bool fragment)
{
	if (proto == IPPROTO_TCP_ && !fragment)
		return false;
	if (!c->snap_cut++)
		trace_note(c, "packets cut short by the capture's snaplen are not read (the first "
			   "at frame %u): capture whole packets (tcpdump -s 0)", c->cur_frame);
	c->truncated_frames++;
	return true;
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
	if (tot > len && snap_cut(c, p[9], frag & 0x3fff))
		return;
	meta_init(c, &m, 4);
	memcpy(m.src.ip, p + 12, 4);
	memcpy(m.dst.ip, p + 16, 4);
	if (frag & 0x3fff) { /* MF set or offset != 0: RFC 791 §3.2 */
		struct ip_frag_key k = { .af = 4, .id = be16(p + 4), .proto = p[9] };
		memcpy(k.src, p + 12, 4);
		memcpy(k.dst, p + 16, 4);
		reassemble(c, &m, &k, (size_t)(frag & 0x1fff) * 8, frag & 0x2000, p + hl, len - hl,
			   depth);
		return;
	}
	ip_transport(c, &m, p[9], p + hl, len - hl, depth);
}

static bool ipv6_ext(int nh)
{
	return nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_ROUTING_ || nh == IPPROTO_DSTOPTS_ ||
	       nh == IPPROTO_FRAGMENT_ || nh == IPPROTO_AH_;
}

/* RFC 8200 §4: walks extension headers from p (Next Header nh); a
 * non-atomic Fragment header hands the rest to reassembly. */
static void ipv6_payload(struct trace_ctx *c, struct trace_meta *m, int nh,
			 const uint8_t *p, size_t len, int depth)
{
	size_t off = 0;

	for (int n = 0; ipv6_ext(nh) && n < 16; n++) {
		if (len < off + 8) {
			c->truncated_frames++;
			return;
		}
		size_t el = nh == IPPROTO_FRAGMENT_ ? 8
			  : nh == IPPROTO_AH_ ? ((size_t)p[off + 1] + 2) * 4  /* RFC 4302 §2.2 */
			  : ((size_t)p[off + 1] + 1) * 8;
		if (nh == IPPROTO_FRAGMENT_) {
			uint16_t fo = be16(p + off + 2);
			if (fo & 0xfff9) { /* offset != 0 or M set (RFC 8200 §4.5) */
				struct ip_frag_key k = { .af = 6, .id = be32(p + off + 4),
							 .proto = p[off] };
				memcpy(k.src, m->src.ip, 16);
				memcpy(k.dst, m->dst.ip, 16);
				if (len >= off + 8)
					reassemble(c, m, &k, fo & 0xfff8, fo & 1, p + off + 8,
						   len - off - 8, depth);
				return;
			}
		}
		nh = p[off];
		off += el;
		if (off > len) {
			c->truncated_frames++;
			return;
		}
	}
	if (nh != IPPROTO_NONE_)
		ip_transport(c, m, nh, p + off, len - off, depth);
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
	if (plen + 40 > len && snap_cut(c, p[6], false)) /* extension headers: cut too */
		return;
	meta_init(c, &m, 6);
	memcpy(m.src.ip, p + 8, 16);
	memcpy(m.dst.ip, p + 24, 16);
	ipv6_payload(c, &m, p[6], p + 40, len - 40, depth);
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
	else if ((m->src.port == GTPU_PORT || m->dst.port == GTPU_PORT) &&
		 gtpu_inner(p + 8, len - 8, &(uint32_t){ 0 }) >= 0)
		gtpu_input(c, m, p + 8, len - 8, depth);
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
