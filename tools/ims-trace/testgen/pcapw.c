#include "pcapw.h"
#include "esp_crypto.h"

#include <arpa/inet.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xffff); }

static void wr_le32(FILE *fp, uint32_t v) { fwrite(&v, 4, 1, fp); } /* host = LE here */
static void wr_le16(FILE *fp, uint16_t v) { fwrite(&v, 2, 1, fp); }

int pcapw_open(struct pcapw *w, const char *path, int link, bool ng)
{
	w->fp = fopen(path, "wb");
	w->link = link;
	w->ng = ng;
	if (!w->fp)
		return -1;
	if (!ng) { /* pcap file header, microsecond timestamps */
		wr_le32(w->fp, 0xa1b2c3d4);
		wr_le16(w->fp, 2);
		wr_le16(w->fp, 4);
		wr_le32(w->fp, 0);
		wr_le32(w->fp, 0);
		wr_le32(w->fp, 65535);
		wr_le32(w->fp, (uint32_t)link);
		return 0;
	}
	/* Section Header Block, then one Interface Description Block */
	wr_le32(w->fp, 0x0a0d0d0a);
	wr_le32(w->fp, 28);
	wr_le32(w->fp, 0x1a2b3c4d);
	wr_le16(w->fp, 1);
	wr_le16(w->fp, 0);
	wr_le32(w->fp, 0xffffffff);
	wr_le32(w->fp, 0xffffffff);
	wr_le32(w->fp, 28);
	wr_le32(w->fp, 1);
	wr_le32(w->fp, 20);
	wr_le16(w->fp, (uint16_t)link);
	wr_le16(w->fp, 0);
	wr_le32(w->fp, 65535);
	wr_le32(w->fp, 20);
	return 0;
}

void pcapw_close(struct pcapw *w)
{
	if (w->fp)
		fclose(w->fp);
	w->fp = NULL;
}

static size_t link_header(const struct pcapw *w, bool v6, uint8_t *h)
{
	uint16_t et = v6 ? 0x86dd : 0x0800;

	switch (w->link) {
	case LINK_ETHERNET:
		memcpy(h, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
		put16(h + 12, et);
		return 14;
	case LINK_SLL:
		memset(h, 0, 16);
		put16(h + 0, 0);    /* packet type: to us */
		put16(h + 2, 1);    /* ARPHRD_ETHER */
		put16(h + 4, 6);
		memcpy(h + 6, "\x02\x00\x00\x00\x00\x01", 6);
		put16(h + 14, et);
		return 16;
	case LINK_SLL2:
		memset(h, 0, 20);
		put16(h + 0, et);
		put32(h + 4, 1);    /* interface index */
		put16(h + 8, 1);    /* ARPHRD_ETHER */
		h[11] = 6;
		memcpy(h + 12, "\x02\x00\x00\x00\x00\x01", 6);
		return 20;
	}
	return 0;
}

void pcapw_ip(struct pcapw *w, double ts, const uint8_t *ip, size_t len)
{
	uint8_t hdr[20];
	size_t hl = link_header(w, ip[0] >> 4 == 6, hdr);
	uint32_t sec = (uint32_t)ts, usec = (uint32_t)((ts - sec) * 1e6 + 0.5);
	uint32_t caplen = (uint32_t)(hl + len);

	if (usec >= 1000000) {
		sec++;
		usec -= 1000000;
	}
	if (!w->ng) {
		wr_le32(w->fp, sec);
		wr_le32(w->fp, usec);
		wr_le32(w->fp, caplen);
		wr_le32(w->fp, caplen);
	} else { /* Enhanced Packet Block, default if_tsresol = microseconds */
		uint32_t pad = (4 - caplen % 4) % 4, blen = 32 + caplen + pad;
		uint64_t t = (uint64_t)sec * 1000000u + usec;
		wr_le32(w->fp, 6);
		wr_le32(w->fp, blen);
		wr_le32(w->fp, 0);
		wr_le32(w->fp, (uint32_t)(t >> 32));
		wr_le32(w->fp, (uint32_t)t);
		wr_le32(w->fp, caplen);
		wr_le32(w->fp, caplen);
		fwrite(hdr, 1, hl, w->fp);
		fwrite(ip, 1, len, w->fp);
		fwrite("\0\0\0", 1, pad, w->fp);
		wr_le32(w->fp, blen);
		return;
	}
	fwrite(hdr, 1, hl, w->fp);
	fwrite(ip, 1, len, w->fp);
}

void endpoint_set(struct endpoint *e, const char *ip, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	e->port = port;
	e->af = strchr(ip, ':') ? 6 : 4;
	inet_pton(e->af == 6 ? AF_INET6 : AF_INET, ip, e->ip);
}

/* RFC 1071 one's complement sum. */
static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	return s;
}

static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Transport checksum with the IPv4/IPv6 pseudo-header (RFC 768, 8200 §8.1). */
static uint16_t l4_csum(const struct endpoint *s, const struct endpoint *d, int proto,
			const uint8_t *seg, size_t n)
{
	size_t al = s->af == 6 ? 16 : 4;
	uint8_t ph[8] = { 0 };
	uint32_t sum = csum_add(0, s->ip, al);

	sum = csum_add(sum, d->ip, al);
	put32(ph, (uint32_t)n);
	ph[7] = (uint8_t)proto;
	sum = csum_add(sum, ph, 8);
	return csum_fold(csum_add(sum, seg, n));
}

static size_t ip_header(uint8_t *out, const struct endpoint *s, const struct endpoint *d,
			int proto, size_t plen)
{
	static uint16_t ipid = 1;

	if (s->af == 6) {
		memset(out, 0, 40);
		out[0] = 0x60;
		put16(out + 4, (uint16_t)plen);
		out[6] = (uint8_t)proto;
		out[7] = 64;
		memcpy(out + 8, s->ip, 16);
		memcpy(out + 24, d->ip, 16);
		return 40;
	}
	memset(out, 0, 20);
	out[0] = 0x45;
	put16(out + 2, (uint16_t)(20 + plen));
	put16(out + 4, ipid++);
	put16(out + 6, 0x4000); /* DF */
	out[8] = 64;
	out[9] = (uint8_t)proto;
	memcpy(out + 12, s->ip, 4);
	memcpy(out + 16, d->ip, 4);
	put16(out + 10, csum_fold(csum_add(0, out, 20)));
	return 20;
}

/* Wraps a transport segment into ESP: SPI, Seq, [IV], segment, padding
 * 1..n to the cipher block (4 for NULL), Pad Length, Next Header, ICV
 * (RFC 4303 §2). */
static size_t esp_wrap(uint8_t *out, struct esp_sa *sa, int nh, const uint8_t *seg, size_t n)
{
	enum esp_enc enc = (enum esp_enc)sa->enc;
	size_t blk = esp_enc_block(enc), iv = esp_enc_iv_len(enc);
	size_t pad = (blk - (n + 2) % blk) % blk, off = 8 + iv;
	uint8_t key[ESP_KEY_MAX], icv[ESP_ICV_LEN];

	put32(out, sa->spi);
	put32(out + 4, ++sa->seq);
	for (size_t i = 0; i < iv; i++) /* a fixed IV pattern keeps the captures reproducible */
		out[8 + i] = (uint8_t)(sa->seq * 31 + i * 7);
	memcpy(out + off, seg, n);
	off += n;
	for (size_t i = 1; i <= pad; i++)
		out[off++] = (uint8_t)i;
	out[off++] = (uint8_t)pad;
	out[off++] = (uint8_t)nh;
	if (enc != ESP_ENC_NULL) {
		esp_enc_key(enc, sa->ck, key);
		esp_cbc(enc, true, key, out + 8, out + 8 + iv, off - 8 - iv, out + 8 + iv);
	}
	size_t kl = esp_auth_key((enum esp_auth)sa->auth, sa->ik, key);
	if (kl && !esp_icv((enum esp_auth)sa->auth, key, kl, out, off, icv))
		memcpy(out + off, icv, ESP_ICV_LEN);
	else
		memset(out + off, 0xa5, sa->icv_len);
	if (sa->bad_icv)
		out[off] ^= 0x01;
	off += sa->icv_len;
	return off;
}

static size_t finish(uint8_t *out, size_t cap, const struct endpoint *s,
		     const struct endpoint *d, int proto, const uint8_t *seg, size_t n,
		     struct esp_sa *esp)
{
	uint8_t tmp[70000];
	size_t hl = s->af == 6 ? 40 : 20;

	if (esp) {
		n = esp_wrap(tmp, esp, proto, seg, n);
		seg = tmp;
		proto = 50;
	}
	if (hl + n > cap)
		return 0;
	ip_header(out, s, d, proto, n);
	memcpy(out + hl, seg, n);
	return hl + n;
}

size_t build_udp(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		 const uint8_t *pl, size_t n, struct esp_sa *esp)
{
	uint8_t seg[65536];

	if (n + 8 > sizeof(seg))
		return 0;
	put16(seg, s->port);
	put16(seg + 2, d->port);
	put16(seg + 4, (uint16_t)(n + 8));
	put16(seg + 6, 0);
	if (n)
		memcpy(seg + 8, pl, n);
	uint16_t c = l4_csum(s, d, 17, seg, n + 8);
	put16(seg + 6, c ? c : 0xffff);
	return finish(out, cap, s, d, 17, seg, n + 8, esp);
}

size_t build_tcp(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		 uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *pl, size_t n,
		 struct esp_sa *esp)
{
	uint8_t seg[65536];

	if (n + 20 > sizeof(seg))
		return 0;
	memset(seg, 0, 20);
	put16(seg, s->port);
	put16(seg + 2, d->port);
	put32(seg + 4, seq);
	put32(seg + 8, ack);
	seg[12] = 5 << 4;
	seg[13] = flags;
	put16(seg + 14, 65535);
	if (n)
		memcpy(seg + 20, pl, n);
	put16(seg + 16, l4_csum(s, d, 6, seg, n + 20));
	return finish(out, cap, s, d, 6, seg, n + 20, esp);
}

size_t build_gtpu(uint8_t *out, size_t cap, const struct endpoint *s, const struct endpoint *d,
		  uint32_t teid, const uint8_t *inner, size_t n)
{
	uint8_t g[65536];

	if (n + 8 > sizeof(g))
		return 0;
	g[0] = 0x30;                /* version 1, PT 1, no E/S/PN */
	g[1] = 0xff;                /* G-PDU */
	put16(g + 2, (uint16_t)n);  /* octets after the mandatory 8 */
	put32(g + 4, teid);
	memcpy(g + 8, inner, n);
	return build_udp(out, cap, s, d, g, n + 8, NULL);
}

/* SCTP checksum is CRC32c (RFC 9260 Appendix A). */
static uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffff;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
	}
	return ~c;
}

size_t build_sctp_data(uint8_t *out, size_t cap, const struct endpoint *s,
		       const struct endpoint *d, uint32_t tsn, uint32_t ppid, const uint8_t *pl,
		       size_t n)
{
	uint8_t seg[65536];
	size_t cl = 16 + n, pad = (4 - cl % 4) % 4;

	if (12 + cl + pad > sizeof(seg))
		return 0;
	memset(seg, 0, 12 + cl + pad);
	put16(seg, s->port);
	put16(seg + 2, d->port);
	put32(seg + 4, 0x01020304); /* verification tag */
	seg[12] = 0;                /* DATA */
	seg[13] = 0x03;             /* B + E: unfragmented */
	put16(seg + 14, (uint16_t)cl);
	put32(seg + 16, tsn);
	put32(seg + 24, ppid);
	memcpy(seg + 28, pl, n);
	uint32_t crc = crc32c(seg, 12 + cl + pad);
	/* CRC32c goes on the wire least significant octet first */
	seg[8] = crc & 0xff;
	seg[9] = (crc >> 8) & 0xff;
	seg[10] = (crc >> 16) & 0xff;
	seg[11] = crc >> 24;
	return finish(out, cap, s, d, 132, seg, 12 + cl + pad, NULL);
}

/* One fragment of the datagram ip/len: payload octets [off, off+n). */
static size_t make_fragment(uint8_t *out, const uint8_t *ip, size_t off, size_t n, bool more,
			    uint32_t id)
{
	if (ip[0] >> 4 == 4) {
		size_t hl = (size_t)(ip[0] & 0x0f) * 4;
		memcpy(out, ip, hl);
		put16(out + 2, (uint16_t)(hl + n));
		put16(out + 6, (uint16_t)((more ? 0x2000 : 0) | off / 8));
		put16(out + 10, 0);
		put16(out + 10, csum_fold(csum_add(0, out, hl)));
		memcpy(out + hl, ip + hl + off, n);
		return hl + n;
	}
	memcpy(out, ip, 40);
	put16(out + 4, (uint16_t)(8 + n));
	out[6] = 44;                 /* Fragment header follows */
	out[40] = ip[6];             /* Next Header of the fragmentable part */
	out[41] = 0;
	put16(out + 42, (uint16_t)(off | (more ? 1 : 0)));
	put32(out + 44, id);
	memcpy(out + 48, ip + 40 + off, n);
	return 48 + n;
}

void pcapw_ip_mtu(struct pcapw *w, double ts, const uint8_t *ip, size_t len, size_t mtu,
		  bool reverse)
{
	static uint8_t frag[16][2048];
	static uint32_t id = 0x51a0;
	size_t fl[16], nf = 0;
	bool v4 = ip[0] >> 4 == 4;
	size_t hl = v4 ? (size_t)(ip[0] & 0x0f) * 4 : 40;
	size_t chunk = ((mtu - hl - (v4 ? 0 : 8)) / 8) * 8, plen = len - hl;

	if (len <= mtu || mtu > 2000 || chunk == 0) {
		pcapw_ip(w, ts, ip, len);
		return;
	}
	id++;
	if (v4)
		put16((uint8_t *)ip + 4, (uint16_t)id); /* the datagram's identification */
	for (size_t off = 0; off < plen && nf < 16; off += chunk) {
		size_t n = plen - off < chunk ? plen - off : chunk;
		fl[nf] = make_fragment(frag[nf], ip, off, n, off + n < plen, id);
		nf++;
	}
	for (size_t i = 0; i < nf; i++) {
		size_t k = reverse ? nf - 1 - i : i;
		pcapw_ip(w, ts + i * 0.00001, frag[k], fl[k]);
	}
}
