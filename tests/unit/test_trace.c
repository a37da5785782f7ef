/* ims-trace: SIP reader (compact forms, folding, several messages per
 * stream buffer), ESP-NULL trailer, TCP reassembly out of order, pcapng
 * with interfaces of different link types, and the
 * verdict pipeline on a registration built from TS 35.208 test set 1
 * (K 465b5ce8…, RAND 23553cbe…, SQN ff9bb4d0b607, AMF b9b9 → MAC-A
 * 4a9ffac354dfafb3, RES a54211d5e3ba50bf, AK aa689c648370). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esp.h"
#include "hops.h"
#include "ip.h"
#include "ip_frag.h"
#include "pair.h"
#include "pcap_in.h"
#include "sip_msg.h"
#include "tcp_reasm.h"
#include "trace.h"
#include "verdict.h"

#include "digest/digest.h"
#include "aka/aka.h"
#include "util/hex.h"

#define K1 "465b5ce8b199b49faa5f0a2ee238a6bc"
#define OP1 "cdc202d5123e20f62b6d676ac72cb318"
#define OPC1 "cd63cb71954a9f4e48a5994e37a02baf"
#define RAND1 "23553cbe9637a89d218ae64dae47bf35"
#define AUTN1 "55f328b43577b9b94a9ffac354dfafb3" /* (SQN ⊕ AK) ‖ AMF ‖ MAC-A */
#define RES1 "a54211d5e3ba50bf"
#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define IMPI "001010000000001@" REALM

static void test_sip_compact_folding(void **state)
{
	static const char msg[] =
		"REGISTER sip:" REALM " SIP/2.0\r\n"
		"v: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK1\r\n"
		"i: abc@host\r\n"
		"CSeq: 7 REGISTER\r\n"
		"Authorization: Digest username=\"u\",\r\n  realm=\"r\"\r\n"
		"l: 4\r\n\r\nBODYSIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n"
		"SIP/2.0 100 Trying\r\nContent-Length: 5\r\n\r\nab";
	struct sip_msg *m;
	size_t used, off = 0;
	uint32_t n;
	char meth[16];

	(void)state;
	assert_int_equal(sip_msg_parse((const uint8_t *)msg, strlen(msg), true, &m, &used), 1);
	assert_true(m->request);
	assert_string_equal(m->method, "REGISTER");
	assert_string_equal(m->ruri, "sip:" REALM);
	assert_string_equal(sip_hdr(m, "Call-ID"), "abc@host");
	assert_string_equal(sip_hdr(m, "via"), "SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK1");
	/* folding: CR LF become spaces, the continuation's indent stays */
	assert_string_equal(sip_hdr(m, "Authorization"), "Digest username=\"u\",    realm=\"r\"");
	assert_int_equal(sip_cseq(m, &n, meth, sizeof(meth)), 0);
	assert_int_equal(n, 7);
	assert_int_equal(m->body_len, 4);
	assert_memory_equal(m->body, "BODY", 4);
	off += used;
	sip_msg_free(m);
	assert_int_equal(sip_msg_parse((const uint8_t *)msg + off, strlen(msg) - off, true, &m,
				       &used), 1);
	assert_int_equal(m->status, 200);
	assert_string_equal(m->reason, "OK");
	off += used;
	sip_msg_free(m);
	/* the third message is short of its body: a stream waits */
	assert_int_equal(sip_msg_parse((const uint8_t *)msg + off, strlen(msg) - off, true, &m,
				       &used), SIP_NEED_MORE);
	/* as a datagram it is taken, flagged truncated */
	assert_int_equal(sip_msg_parse((const uint8_t *)msg + off, strlen(msg) - off, false, &m,
				       &used), 1);
	assert_true(m->body_truncated);
	sip_msg_free(m);
	assert_int_equal(sip_msg_parse((const uint8_t *)"\x01\x00\x00\x14", 4, false, &m, &used),
			 SIP_ENOTSIP);
}

static void test_sip_params(void **state)
{
	char v[64];

	(void)state;
	assert_true(sip_hdr_param("<sip:a@b;lr>;tag=xyz;expires=5", "tag", v, sizeof(v)));
	assert_string_equal(v, "xyz");
	assert_false(sip_hdr_param("<sip:a@b;lr>;tag=xyz", "lr", v, sizeof(v)));
	assert_true(sip_uri_userhost("\"A\" <sip:alice@example.com:5060;transport=tcp>", v,
				     sizeof(v)));
	assert_string_equal(v, "alice@example.com");
}

static void test_esp_trailer(void **state)
{
	/* UDP header (len 10) + 2 payload octets, pad 1 2, pad len 2, NH 17 */
	uint8_t p[] = { 0x13, 0xc4, 0x13, 0xc4, 0x00, 0x0a, 0x00, 0x00, 'h', 'i', 1, 2, 2, 17 };
	int nh = 0;

	(void)state;
	assert_int_equal(esp_null_trailer(p, sizeof(p), &nh), 10);
	assert_int_equal(nh, 17);
	p[11] = 3; /* padding must be 1, 2, ... (RFC 4303 §2.4) */
	assert_int_equal(esp_null_trailer(p, sizeof(p), &nh), -1);
	assert_int_equal(esp_icv_len("hmac-sha-1-96"), 12);
	assert_int_equal(esp_icv_len("HMAC-MD5-96"), 12);
	assert_int_equal(esp_icv_len("des-cbc"), -1);
}

static struct trace_meta meta(uint16_t sport, uint16_t dport, unsigned frame)
{
	struct trace_meta m;

	memset(&m, 0, sizeof(m));
	m.src.af = m.dst.af = 4;
	m.src.ip[0] = 10;
	m.dst.ip[0] = 10;
	m.dst.ip[3] = 1;
	m.src.port = sport;
	m.dst.port = dport;
	m.tr = TT_TCP;
	m.frame = frame;
	return m;
}

static void test_tcp_out_of_order(void **state)
{
	static const char a[] = "OPTIONS sip:x SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n";
	static const char b[] = "OPTIONS sip:y SIP/2.0\r\nCall-ID: 2\r\nl: 0\r\n\r\n";
	char all[256];
	struct trace_ctx c;
	struct trace_opts o = { 0, 3868 };
	struct trace_meta m = meta(40000, 5060, 1);
	size_t la = strlen(a), n;

	(void)state;
	n = (size_t)snprintf(all, sizeof(all), "%s%s", a, b);
	trace_init(&c, &o);
	tcp_input(&c, &m, 999, TCP_SYN, NULL, 0);
	/* old data before anything was held: nothing to read (and no buffer
	 * to look into: UBSan once caught NULL + 0 in classify()) */
	tcp_input(&c, &m, 990, 0x18, (const uint8_t *)all, 5);
	assert_int_equal(c.nev, 0);
	/* second half first, then a retransmitted overlap, then the start */
	tcp_input(&c, &m, 1000 + 30, 0x18, (const uint8_t *)all + 30, n - 30);
	assert_int_equal(c.nev, 0);
	tcp_input(&c, &m, 1000 + 10, 0x18, (const uint8_t *)all + 10, 30);
	tcp_input(&c, &m, 1000, 0x18, (const uint8_t *)all, 12);
	assert_int_equal(c.nev, 2);
	assert_string_equal(sip_hdr(c.ev[0].sip, "Call-ID"), "1");
	assert_string_equal(sip_hdr(c.ev[1].sip, "Call-ID"), "2");
	assert_int_equal(c.ev[0].sip->wire_len, la);
	tcp_finish(&c);
	assert_int_equal(c.tcp_gaps, 0);
	trace_free(&c);
}

/* IPv6 with a Destination Options header before UDP (RFC 8200 §4.6), and
 * the same datagram in two IPv4 fragments arriving out of order. */
static void test_ip_ext_and_fragments(void **state)
{
	static const char sip[] = "OPTIONS sip:x SIP/2.0\r\nCall-ID: v6\r\nl: 0\r\n\r\n";
	uint8_t p[200] = { 0 };
	size_t sl = strlen(sip), ul = 8 + sl;
	struct trace_ctx c;
	struct trace_opts o = { 0, 3868 };

	(void)state;
	p[0] = 0x60;
	p[4] = (uint8_t)((8 + ul) >> 8);
	p[5] = (uint8_t)(8 + ul);
	p[6] = 60;               /* next: Destination Options */
	p[8] = 0x20;             /* 2000::/16 source */
	p[39] = 1;
	p[40] = 17;              /* options header: next UDP, length 0 (8 octets) */
	p[42] = 1;               /* PadN, 4 octets */
	p[43] = 4;
	p[48] = 0x13; p[49] = 0xc4; p[50] = 0x13; p[51] = 0xc4; /* 5060 -> 5060 */
	p[52] = (uint8_t)(ul >> 8);
	p[53] = (uint8_t)ul;
	memcpy(p + 56, sip, sl);
	trace_init(&c, &o);
	ip_input(&c, p, 56 + sl, 0);
	assert_int_equal(c.nev, 1);
	assert_int_equal(c.ev[0].m.src.af, 6);
	assert_int_equal(c.ev[0].m.dst.port, 5060);
	assert_string_equal(sip_hdr(c.ev[0].sip, "Call-ID"), "v6");
	/* the same SIP over IPv4 in two fragments: UDP header + 16 octets, MF;
	 * then the rest at offset 24 (3 blocks of 8) */
	uint8_t f1[20 + 24] = { 0x45, 0, 0, 44, 0x12, 0x34, 0x20, 0, 64, 17 };
	uint8_t f2[200] = { 0x45, 0, 0, 0, 0x12, 0x34, 0x00, 3, 64, 17 };
	size_t rest = ul - 24;
	f1[12] = f2[12] = 10;
	f1[16] = f2[16] = 10;
	memcpy(f1 + 20, p + 48, 24);
	f2[2] = (uint8_t)((20 + rest) >> 8);
	f2[3] = (uint8_t)(20 + rest);
	memcpy(f2 + 20, p + 48 + 24, rest);
	ip_input(&c, f2, 20 + rest, 0); /* last fragment first */
	assert_int_equal(c.nev, 1);
	ip_input(&c, f1, sizeof(f1), 0);
	assert_int_equal(c.ip_fragments, 2);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.ev[1].m.src.af, 4);
	assert_string_equal(sip_hdr(c.ev[1].sip, "Call-ID"), "v6");
	/* a lone first fragment stays pending and is reported at the end */
	f1[5] = 0x99;
	ip_input(&c, f1, sizeof(f1), 0);
	assert_int_equal(c.nev, 2);
	ip_frag_finish(&c);
	assert_int_equal(c.nnotes, 1);
	assert_non_null(strstr(c.notes[0], "fragments missing"));
	trace_free(&c);
}

/* --- verdict on TS 35.208 set 1 ------------------------------------------ */

static void add_sip(struct trace_ctx *c, const char *text, unsigned frame)
{
	struct sip_msg *s;
	size_t used;
	struct trace_meta m = meta(5060, 5060, frame);

	m.tr = TT_UDP;
	m.ts = frame / 100.0;
	assert_int_equal(sip_msg_parse((const uint8_t *)text, strlen(text), false, &s, &used), 1);
	trace_add_sip(c, &m, s);
}

static void registration(struct trace_ctx *c, const char *res_hex, const char *realm,
			 int status)
{
	uint8_t rand[16], autn[16], res[8];
	char nonce[64], buf[1400];
	struct digest_result r;

	hex_decode_exact(RAND1, rand, 16);
	hex_decode_exact(AUTN1, autn, 16);
	hex_decode_exact(res_hex, res, 8);
	nonce_encode(rand, autn, NULL, 0, nonce, sizeof(nonce));
	struct digest_input in = { .username = IMPI, .realm = realm, .nonce = nonce,
				   .uri = "sip:" REALM, .method = "REGISTER",
				   .qop = DIGEST_QOP_AUTH, .nc = "00000001", .cnonce = "cn" };
	assert_int_equal(digest_compute(&in, res, 8, &r), 0);
	add_sip(c, "REGISTER sip:" REALM " SIP/2.0\r\nCall-ID: t1\r\nCSeq: 1 REGISTER\r\n"
		"Authorization: Digest username=\"" IMPI "\", realm=\"" REALM "\", nonce=\"\", "
		"uri=\"sip:" REALM "\", response=\"\"\r\nContent-Length: 0\r\n\r\n", 1);
	snprintf(buf, sizeof(buf), "SIP/2.0 401 Unauthorized\r\nCall-ID: t1\r\nCSeq: 1 REGISTER\r\n"
		 "WWW-Authenticate: Digest realm=\"" REALM "\", nonce=\"%s\", algorithm=AKAv1-MD5, "
		 "qop=\"auth,auth-int\"\r\nContent-Length: 0\r\n\r\n", nonce);
	add_sip(c, buf, 2);
	snprintf(buf, sizeof(buf), "REGISTER sip:" REALM " SIP/2.0\r\nCall-ID: t1\r\n"
		 "CSeq: 2 REGISTER\r\nAuthorization: Digest username=\"" IMPI "\", realm=\"%s\", "
		 "nonce=\"%s\", uri=\"sip:" REALM "\", response=\"%s\", algorithm=AKAv1-MD5, "
		 "qop=auth, nc=00000001, cnonce=\"cn\"\r\nContent-Length: 0\r\n\r\n", realm, nonce,
		 r.response);
	add_sip(c, buf, 3);
	snprintf(buf, sizeof(buf), "SIP/2.0 %d X\r\nCall-ID: t1\r\nCSeq: 2 REGISTER\r\n"
		 "Content-Length: 0\r\n\r\n", status);
	add_sip(c, buf, 4);
}

struct keyarg { const char *op; bool is_opc; const char *k; };

static int lookup(void *arg, const char *impi, struct trace_keys *out)
{
	const struct keyarg *ka = arg;

	assert_string_equal(impi, IMPI);
	memset(out, 0, sizeof(*out));
	out->algo = AKA_ALGO_MILENAGE;
	hex_decode_exact(ka->k ? ka->k : K1, out->k, 16);
	hex_decode_exact(ka->op, out->op, 16);
	out->is_opc = ka->is_opc;
	out->have_aka = true;
	snprintf(out->source, sizeof(out->source), "test");
	return 1;
}

static void run_verdict(const char *res, const char *realm, int status, struct keyarg *ka,
			struct verdict *v)
{
	struct trace_ctx c;
	struct trace_opts o = { 0, 3868 };
	struct pairing p;

	trace_init(&c, &o);
	registration(&c, res, realm, status);
	struct trace_keyring kr = { lookup, ka };
	trace_sort(&c);
	assert_int_equal(hops_build(&c), 0);
	assert_int_equal(pair_run(&c, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.a[0].chal, 1);
	assert_int_equal(p.a[0].auth, 2);
	assert_int_equal(p.a[0].final, 3);
	assert_int_equal(verdict_run(&c, &p.a[0], &kr, v), 0);
	pair_free(&p);
	trace_free(&c);
}

/* --- pcapng: interfaces of different link types (dumpcap -i eth0 -i any),
 * both byte orders, timestamp resolutions, SPB, unknown blocks skipped --- */
struct ngw {
	uint8_t b[2048];
	size_t n;
	bool be; /* this section's byte order */
};

static void ng_u32(struct ngw *w, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		w->b[w->n++] = (uint8_t)(w->be ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void ng_u16(struct ngw *w, uint16_t v)
{
	w->b[w->n++] = (uint8_t)(w->be ? v >> 8 : v);
	w->b[w->n++] = (uint8_t)(w->be ? v : v >> 8);
}

/* One block: type, length, body (padded to 4), length. */
static void ng_block(struct ngw *w, uint32_t type, const uint8_t *body, size_t len)
{
	size_t pad = (4 - len % 4) % 4, total = 12 + len + pad;

	ng_u32(w, type);
	ng_u32(w, (uint32_t)total);
	memcpy(w->b + w->n, body, len);
	memset(w->b + w->n + len, 0, pad);
	w->n += len + pad;
	ng_u32(w, (uint32_t)total);
}

static void ng_shb(struct ngw *w, bool be)
{
	w->be = be;
	ng_u32(w, 0x0A0D0D0A);
	ng_u32(w, 28);
	ng_u32(w, 0x1A2B3C4D);
	ng_u16(w, 1);
	ng_u16(w, 0);
	ng_u32(w, 0xffffffff); /* section length -1: not given */
	ng_u32(w, 0xffffffff);
	ng_u32(w, 28);
}

/* IDB with link type and, when tsresol is not 6, an if_tsresol option. */
static void ng_idb(struct ngw *w, uint16_t link, uint8_t tsresol)
{
	struct ngw body = { .be = w->be };

	ng_u16(&body, link);
	ng_u16(&body, 0);
	ng_u32(&body, 0);
	if (tsresol != 6) {
		ng_u16(&body, 9);
		ng_u16(&body, 1);
		ng_u32(&body, (uint32_t)tsresol << (w->be ? 24 : 0));
		ng_u32(&body, 0); /* opt_endofopt */
	}
	ng_block(w, 1, body.b, body.n);
}

static void ng_epb(struct ngw *w, uint32_t ifn, uint64_t ts, const uint8_t *d, size_t len)
{
	struct ngw body = { .be = w->be };

	ng_u32(&body, ifn);
	ng_u32(&body, (uint32_t)(ts >> 32));
	ng_u32(&body, (uint32_t)ts);
	ng_u32(&body, (uint32_t)len);
	ng_u32(&body, (uint32_t)len);
	memcpy(body.b + body.n, d, len);
	ng_block(w, 6, body.b, body.n + len);
}

/* IPv4/UDP 5060 -> 5060 carrying an OPTIONS with Call-ID `id`, after
 * `hl` octets of link header (zeros but for the protocol field at `proto`). */
static size_t sip_frame(uint8_t *f, size_t hl, size_t proto, const char *id)
{
	char sip[128];
	size_t sl = (size_t)snprintf(sip, sizeof(sip),
				     "OPTIONS sip:x SIP/2.0\r\nCall-ID: %s\r\nl: 0\r\n\r\n", id);
	uint8_t *ip = f + hl;

	memset(f, 0, hl + 28);
	if (hl) {
		f[proto] = 0x08; /* 0x0800: IPv4 */
		f[proto + 1] = 0x00;
	}
	ip[0] = 0x45;
	ip[2] = (uint8_t)((28 + sl) >> 8);
	ip[3] = (uint8_t)(28 + sl);
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = ip[16] = 10;
	ip[15] = 1;
	ip[19] = 2;
	ip[20] = ip[22] = 0x13;
	ip[21] = ip[23] = 0xc4;
	ip[24] = (uint8_t)((8 + sl) >> 8);
	ip[25] = (uint8_t)(8 + sl);
	memcpy(ip + 28, sip, sl);
	return hl + 28 + sl;
}

static void test_pcapng_mixed_links(void **state)
{
	static const uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct trace_opts o = { 0, 3868 };
	struct trace_ctx c;
	struct ngw w = { .n = 0 };
	uint8_t f[256];
	char err[256] = "";
	size_t n, cut;

	(void)state;
	/* section 1, big-endian: Ethernet in ns, raw IP (LINKTYPE_RAW 101) in us */
	ng_shb(&w, true);
	ng_idb(&w, 1, 9);
	ng_idb(&w, 101, 6);
	ng_block(&w, 0x00000BAD, junk, sizeof(junk)); /* unknown: skipped */
	n = sip_frame(f, 0, 0, "raw");
	ng_epb(&w, 1, 1700000000000000ULL + 2000, f, n);            /* t0 + 2 ms */
	n = sip_frame(f, 14, 12, "eth");
	ng_epb(&w, 0, 1700000000000000000ULL + 1000000, f, n);      /* t0 + 1 ms */
	/* section 2, little-endian: Linux cooked v2 (protocol at 0) */
	ng_shb(&w, false);
	ng_idb(&w, 276, 6);
	n = sip_frame(f, 20, 0, "sll2");
	ng_epb(&w, 0, 1700000000000000ULL + 3000, f, n);
	cut = w.n;

	trace_init(&c, &o);
	assert_int_equal(pcap_in_read(&c, fmemopen(w.b, w.n, "rb"), err, sizeof(err)), PCAP_IN_OK);
	assert_int_equal(c.frames, 3);
	assert_int_equal(c.nev, 3);
	trace_sort(&c);
	assert_string_equal(sip_hdr(c.ev[0].sip, "Call-ID"), "eth");
	assert_string_equal(sip_hdr(c.ev[1].sip, "Call-ID"), "raw");
	assert_string_equal(sip_hdr(c.ev[2].sip, "Call-ID"), "sll2");
	assert_true(c.ev[2].m.ts - c.ev[0].m.ts > 0.0019 && c.ev[2].m.ts - c.ev[0].m.ts < 0.0021);
	trace_free(&c);

	/* cut inside the last block: what came before stays, the rest is an error */
	trace_init(&c, &o);
	assert_int_equal(pcap_in_read(&c, fmemopen(w.b, cut - 10, "rb"), err, sizeof(err)),
			 PCAP_IN_ETRUNC);
	assert_int_equal(c.frames, 2);
	assert_non_null(strstr(err, "capture unreadable after frame 2: truncated block"));
	trace_free(&c);

	/* no interface we decode: refused as before */
	w.n = 0;
	ng_shb(&w, false);
	ng_idb(&w, 147, 6); /* LINKTYPE_USER0 */
	trace_init(&c, &o);
	assert_int_equal(pcap_in_read(&c, fmemopen(w.b, w.n, "rb"), err, sizeof(err)),
			 PCAP_IN_ELINK);
	assert_non_null(strstr(err, "link type 147"));
	trace_free(&c);
}

static void test_verdict_set1(void **state)
{
	struct keyarg op = { OP1, false, NULL }, opc = { OPC1, true, NULL };
	struct verdict v;

	(void)state;
	run_verdict(RES1, REALM, 200, &op, &v);
	assert_int_equal(v.kind, VK_CONSISTENT);
	assert_int_equal(v.key_variant, 0);
	assert_true(v.have_sqn);
	assert_int_equal(v.sqn, 0xff9bb4d0b607ULL);
	assert_non_null(strstr(v.sentence, "200 OK was correct"));
	run_verdict(RES1, REALM, 200, &opc, &v);
	assert_int_equal(v.kind, VK_CONSISTENT);
	/* the network answered 403 to a right answer: wrong */
	run_verdict(RES1, REALM, 403, &opc, &v);
	assert_int_equal(v.kind, VK_MISMATCH);
	assert_true(v.have_right);
	assert_false(v.right);
	/* realm differs: named first */
	run_verdict(RES1, "other.realm", 403, &opc, &v);
	assert_string_equal(v.first_diff, "realm");
	assert_true(v.right);
	/* a RES of set 3's card */
	run_verdict("8011c48c0c214ed2", REALM, 403, &opc, &v);
	assert_string_equal(v.first_diff, "response");
	assert_non_null(strstr(v.sentence, "403 was correct — the UE answered wrongly: the UE's "
				"response does not match XRES = f2(K, RAND) although MAC-A verifies"));
}

static void test_verdict_op_opc_swap(void **state)
{
	struct keyarg op_as_opc = { OP1, true, NULL };  /* OP given where OPc was meant */
	struct keyarg opc_as_op = { OPC1, false, NULL }; /* and vice versa */
	struct verdict v;

	(void)state;
	run_verdict(RES1, REALM, 200, &op_as_opc, &v);
	assert_int_equal(v.key_variant, 1);
	assert_int_equal(v.sqn, 0xff9bb4d0b607ULL);
	assert_string_equal(v.first_diff, "MAC-A");
	assert_non_null(strstr(v.chk[0].detail, "the OPc value treated as OP"));
	run_verdict(RES1, REALM, 200, &opc_as_op, &v);
	assert_int_equal(v.key_variant, 1);
	assert_non_null(strstr(v.chk[0].detail, "the OP value treated as OPc"));
}

/* Causes told apart (issue 12 §5): keys that are not the subscriber's
 * (set 3's K: MAC-A fails, yet the network accepted the UE's RES of set 1)
 * vs the network's keys not being the keys given (the UE answered with set
 * 3's RES, refused). */
static void test_verdict_causes(void **state)
{
	struct keyarg other = { OP1, false, "fec86ba6eb707ed08905757b1bb44b8f" };
	struct verdict v;

	(void)state;
	run_verdict(RES1, REALM, 200, &other, &v);
	assert_int_equal(v.kind, VK_MISMATCH);
	assert_int_equal(v.key_variant, -1);
	assert_int_equal(v.chk[0].kind, FK_KEYS_NOT_SUBSCRIBER);
	assert_string_equal(v.cause, "the keys you gave are not this subscriber's");
	assert_non_null(strstr(v.sentence, "200 OK was"));
	/* set 3's RES with set 3's keys given: the network holds other keys */
	struct aka_keys k3 = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	uint8_t op[16], rand[16], autn[16], sqn[6];
	struct aka_out o;
	char res[17];
	hex_decode_exact("fec86ba6eb707ed08905757b1bb44b8f", k3.k, 16);
	hex_decode_exact(OP1, op, 16);
	aka_opc_from_op(k3.k, op, k3.opc);
	hex_decode_exact(RAND1, rand, 16);
	hex_decode_exact(AUTN1, autn, 16);
	memset(sqn, 0, 6);
	aka_compute(&k3, rand, sqn, autn + 6, &o);
	hex_encode(o.res, 8, res);
	run_verdict(res, REALM, 403, &other, &v);
	assert_int_equal(v.chk[0].kind, FK_MAC_A_MISMATCH);
	assert_string_equal(v.cause, "the network's keys are not the keys you gave");
	assert_true(v.right);
}

/* Resync on set 1: the card is at SQN_MS = SQN + 3 SEQ steps (IND 5 bits);
 * a valid AUTS must be answered by a new 401, a 403 is the network's fault. */
static void resync_verdict(int status, struct verdict *v)
{
	static const struct keyarg op = { OP1, false, NULL };
	uint8_t rand[16], autn[16], auts[14];
	char nonce[64], auts_b64[32], buf[1400];
	struct digest_result r;
	struct aka_keys k = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	uint8_t opv[16];
	struct trace_ctx c;
	struct trace_opts o = { 0, 3868 };
	struct pairing p;

	hex_decode_exact(K1, k.k, 16);
	hex_decode_exact(OP1, opv, 16);
	aka_opc_from_op(k.k, opv, k.opc);
	hex_decode_exact(RAND1, rand, 16);
	hex_decode_exact(AUTN1, autn, 16);
	assert_int_equal(aka_auts_make(&k, rand, 0xff9bb4d0b607ULL + (3 << 5), auts), 0);
	b64_encode(auts, 14, auts_b64);
	nonce_encode(rand, autn, NULL, 0, nonce, sizeof(nonce));
	struct digest_input in = { .username = IMPI, .realm = REALM, .nonce = nonce,
				   .uri = "sip:" REALM, .method = "REGISTER",
				   .qop = DIGEST_QOP_AUTH, .nc = "00000001", .cnonce = "cn" };
	assert_int_equal(digest_compute(&in, (const uint8_t *)"", 0, &r), 0);
	trace_init(&c, &o);
	add_sip(&c, "REGISTER sip:" REALM " SIP/2.0\r\nCall-ID: t1\r\nCSeq: 1 REGISTER\r\n"
		"Content-Length: 0\r\n\r\n", 1);
	snprintf(buf, sizeof(buf), "SIP/2.0 401 Unauthorized\r\nCall-ID: t1\r\nCSeq: 1 REGISTER\r\n"
		 "WWW-Authenticate: Digest realm=\"" REALM "\", nonce=\"%s\", algorithm=AKAv1-MD5, "
		 "qop=\"auth\"\r\nContent-Length: 0\r\n\r\n", nonce);
	add_sip(&c, buf, 2);
	snprintf(buf, sizeof(buf), "REGISTER sip:" REALM " SIP/2.0\r\nCall-ID: t1\r\n"
		 "CSeq: 2 REGISTER\r\nAuthorization: Digest username=\"" IMPI "\", realm=\""
		 REALM "\", nonce=\"%s\", uri=\"sip:" REALM "\", response=\"%s\", "
		 "algorithm=AKAv1-MD5, qop=auth, nc=00000001, cnonce=\"cn\", auts=\"%s\"\r\n"
		 "Content-Length: 0\r\n\r\n", nonce, r.response, auts_b64);
	add_sip(&c, buf, 3);
	snprintf(buf, sizeof(buf), "SIP/2.0 %d X\r\nCall-ID: t1\r\nCSeq: 2 REGISTER\r\n%s"
		 "Content-Length: 0\r\n\r\n", status, status == 401 ?
		 "WWW-Authenticate: Digest realm=\"" REALM "\", nonce=\"bmV3\"\r\n" : "");
	add_sip(&c, buf, 4);
	struct trace_keyring kr = { lookup, (void *)&op };
	trace_sort(&c);
	assert_int_equal(hops_build(&c), 0);
	assert_int_equal(pair_run(&c, &p), 0);
	assert_true(p.n >= 1);
	assert_int_equal(verdict_run(&c, &p.a[0], &kr, v), 0);
	pair_free(&p);
	trace_free(&c);
}

static void test_verdict_resync(void **state)
{
	struct verdict v;

	(void)state;
	resync_verdict(401, &v);
	assert_true(v.resync);
	assert_true(v.mac_s_ok);
	assert_int_equal(v.sqn_ms, 0xff9bb4d0b607ULL + (3 << 5));
	assert_int_equal(v.seq_delta, 3);
	assert_int_equal(v.kind, VK_CONSISTENT);
	assert_non_null(strstr(v.sentence, "card's SQN is 3 ahead"));
	resync_verdict(403, &v);
	assert_int_equal(v.kind, VK_MISMATCH);
	assert_false(v.right);
	assert_non_null(strstr(v.sentence, "to a valid AUTS; expected a new 401"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip_compact_folding),
		cmocka_unit_test(test_sip_params),
		cmocka_unit_test(test_esp_trailer),
		cmocka_unit_test(test_tcp_out_of_order),
		cmocka_unit_test(test_ip_ext_and_fragments),
		cmocka_unit_test(test_pcapng_mixed_links),
		cmocka_unit_test(test_verdict_set1),
		cmocka_unit_test(test_verdict_op_opc_swap),
		cmocka_unit_test(test_verdict_resync),
		cmocka_unit_test(test_verdict_causes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
