/* ims-trace-testgen: synthesises the test captures of tests/pcaps/.
 *
 * Each scenario plays real IMS AKA registrations computed with common/aka
 * and common/digest: a UE (the card's keys, its SQN_MS), an S-CSCF (the
 * digest check with the MAA's XRES) and an HSS (the network's keys, SQN_HE,
 * MAR/MAA with real Cx AVPs). Faults are injected on one side (wrong K on
 * the card, OP stored as OPc in the HSS, card SQN ahead, wrong realm) and
 * the messages are framed as the scenario says: UDP or TCP (split across
 * segments, several messages per segment, several UEs interleaved), IPv4
 * or IPv6, ESP-NULL (or "encrypted") after the 401, Ethernet/SLL/SLL2/raw,
 * pcap or pcapng. Deterministic: RANDs come from a seeded stream, so the
 * committed files are reproducible.
 *
 *   ims-trace-testgen OUTDIR          writes every scenario
 *   ims-trace-testgen --udp-dump DIR  writes the good flow's SIP datagrams
 *                                     (for the dumpcap loopback capture) */
#include "pcapw.h"

#include "aka/aka.h"
#include "diameter/diam.h"
#include "digest/digest.h"
#include "util/hex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define MAXQ 64
#define MSGMAX 8192

struct card {           /* the USIM */
	struct aka_keys keys;
	uint64_t sqn_ms;
	bool answer_on_mac_fail;
};

struct hss {            /* the network's view of the subscriber */
	struct aka_keys keys;
	uint64_t sqn_he;
};

struct ue_cfg {
	const char *impi, *impu, *ue_ip, *realm_ue;  /* realm_ue: what the UE puts in */
	const char *uri_ue, *nc_ue;  /* digest uri and nc the UE sends */
	bool mangle_nonce;  /* the UE echoes the nonce with one character changed */
	uint16_t ue_port;
	const char *alg;    /* AKAv1-MD5 / AKAv2-MD5 */
	const char *qop;    /* auth / auth-int */
	bool body;          /* REGISTER carries a body (auth-int hashes it) */
	bool compact;       /* compact header names and a folded Authorization */
	struct card card;
	struct hss hss;
	int n;              /* UE number: Call-ID, tags, hbh */
};

/* One message to emit: SIP (UE <-> S-CSCF) or Diameter (S-CSCF <-> HSS). */
struct item {
	bool diam, to_ue, to_hss, esp;
	uint8_t data[MSGMAX];
	size_t len;
};
struct queue { struct item it[MAXQ]; size_t n; };

static struct aka_seeded seeded;

static struct item *q_add(struct queue *q)
{
	if (q->n == MAXQ) {
		fprintf(stderr, "testgen: queue full\n");
		exit(1);
	}
	struct item *i = &q->it[q->n++];
	memset(i, 0, sizeof(*i));
	return i;
}

static void sip_item(struct queue *q, bool to_ue, bool esp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void sip_item(struct queue *q, bool to_ue, bool esp, const char *fmt, ...)
{
	struct item *i = q_add(q);
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf((char *)i->data, sizeof(i->data), fmt, ap);
	va_end(ap);
	i->len = (size_t)n;
	i->to_ue = to_ue;
	i->esp = esp;
}

/* --- SIP ---------------------------------------------------------------- */

static const char *body_text =
	"<?xml version=\"1.0\"?>\r\n<reg-info xmlns=\"urn:example:testgen\" state=\"full\"/>\r\n";

static void sec_client(const struct ue_cfg *u, bool esp, char *out, size_t sz)
{
	if (!esp) {
		out[0] = '\0';
		return;
	}
	snprintf(out, sz, "Security-Client: ipsec-3gpp; alg=hmac-sha-1-96; ealg=null; "
		 "spi-c=%u; spi-s=%u; port-c=5062; port-s=5064, ipsec-3gpp; alg=hmac-md5-96; "
		 "ealg=null; spi-c=%u; spi-s=%u; port-c=5062; port-s=5064\r\nRequire: sec-agree\r\n"
		 "Proxy-Require: sec-agree\r\n", 1111u + (unsigned)u->n, 2222u + (unsigned)u->n,
		 1111u + (unsigned)u->n, 2222u + (unsigned)u->n);
}

static const char *ealg_of(bool encrypted)
{
	return encrypted ? "aes-cbc" : "null";
}

static void sec_server(const struct ue_cfg *u, bool esp, bool enc, const char *name,
		       char *out, size_t sz)
{
	if (!esp) {
		out[0] = '\0';
		return;
	}
	snprintf(out, sz, "%s: ipsec-3gpp; q=0.1; alg=hmac-sha-1-96; ealg=%s; spi-c=%u; "
		 "spi-s=%u; port-c=5066; port-s=5068\r\n", name, ealg_of(enc),
		 3333u + (unsigned)u->n, 4444u + (unsigned)u->n);
}

static void register_msg(struct queue *q, const struct ue_cfg *u, unsigned cseq,
			 const char *authz, bool esp, bool enc)
{
	char sec[512];
	const char *b = u->body ? body_text : "";
	bool c = u->compact;

	if (cseq == 1)
		sec_client(u, esp, sec, sizeof(sec));
	else
		sec_server(u, esp, enc, "Security-Verify", sec, sizeof(sec));
	sip_item(q, false, esp && cseq > 1,
		 "REGISTER sip:%s SIP/2.0\r\n"
		 "%s SIP/2.0/%s %s:%u;branch=z9hG4bK-ue%d-%u\r\n"
		 "Max-Forwards: 70\r\n"
		 "%s <sip:%s>;tag=ue%d\r\n"
		 "%s <sip:%s>\r\n"
		 "%s reg-%d@%s\r\n"
		 "CSeq: %u REGISTER\r\n"
		 "%s <sip:%s:%u>;expires=600000;+sip.instance=\"<urn:gsma:imei:35000000-000000-%d>\"\r\n"
		 "%s"
		 "Authorization: %s\r\n"
		 "Supported: path, sec-agree\r\n"
		 "Expires: 600000\r\n"
		 "%s%s"
		 "%s %zu\r\n\r\n%s",
		 REALM, c ? "v:" : "Via:", "UDP", u->ue_ip, u->ue_port, u->n, cseq,
		 c ? "f:" : "From:", u->impu, u->n, c ? "t:" : "To:", u->impu,
		 c ? "i:" : "Call-ID:", u->n, u->ue_ip, cseq, c ? "m:" : "Contact:", u->ue_ip,
		 u->ue_port, u->n, sec, authz, u->body ? (c ? "c: " : "Content-Type: ") : "",
		 u->body ? "application/reginfo+xml\r\n" : "", c ? "l:" : "Content-Length:",
		 strlen(b), b);
}

static void response_msg(struct queue *q, const struct ue_cfg *u, unsigned cseq, int status,
			 const char *reason, const char *extra, bool esp)
{
	sip_item(q, true, esp,
		 "SIP/2.0 %d %s\r\n"
		 "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-ue%d-%u;received=%s\r\n"
		 "From: <sip:%s>;tag=ue%d\r\n"
		 "To: <sip:%s>;tag=scscf%d\r\n"
		 "Call-ID: reg-%d@%s\r\n"
		 "CSeq: %u REGISTER\r\n"
		 "%s"
		 "Content-Length: 0\r\n\r\n",
		 status, reason, u->ue_ip, u->ue_port, u->n, cseq, u->ue_ip, u->impu, u->n,
		 u->impu, u->n, u->n, u->ue_ip, cseq, extra);
}

/* --- Diameter (Cx MAR/MAA, TS 29.229 §6.1.7-8) --------------------------- */

static void diam_item(struct queue *q, bool to_hss, struct diam_wr *w)
{
	struct item *i = q_add(q);
	ssize_t n = diam_wr_finish(w);

	if (n < 0) {
		fprintf(stderr, "testgen: diameter build: %s\n", diam_strerror((int)n));
		exit(1);
	}
	memcpy(i->data, w->buf, (size_t)n);
	i->len = (size_t)n;
	i->diam = true;
	i->to_hss = to_hss;
}

static void cx_head(struct diam_wr *w, const char *host)
{
	diam_put_vendor_app(w, DIAM_VENDOR_3GPP, DIAM_APP_CX);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, REALM);
}

static void mar(struct queue *q, const struct ue_cfg *u, uint32_t hbh, const uint8_t *resync,
		uint8_t *buf)
{
	struct diam_wr w;
	char sid[96];

	snprintf(sid, sizeof(sid), "scscf." REALM ";1700000000;%u", hbh);
	diam_wr_init(&w, buf, MSGMAX);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, hbh, hbh ^ 0x5a5a0000);
	diam_put_str(&w, AVP_SESSION_ID, 0, sid);
	cx_head(&w, "scscf." REALM);
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, REALM);
	diam_put_str(&w, AVP_USER_NAME, 0, u->impi);
	char impu[256];
	snprintf(impu, sizeof(impu), "sip:%s", u->impu);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP, impu);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP,
		     strcmp(u->alg, "AKAv2-MD5") ? CX_SCHEME_AKAV1 : CX_SCHEME_AKAV2);
	if (resync)
		diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, resync, 30);
	diam_group_end(&w);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 1);
	diam_put_str(&w, AVP_CX_SERVER_NAME, DIAM_VENDOR_3GPP, "sip:scscf." REALM ":6060");
	diam_item(q, true, &w);
}

static void maa(struct queue *q, const struct ue_cfg *u, const uint8_t *req, size_t reqlen,
		const struct aka_vector *v, uint8_t *buf)
{
	struct diam_wr w;
	struct diam_msg m;
	uint8_t sa[32];

	diam_msg_parse(req, reqlen, &m);
	diam_wr_init(&w, buf, MSGMAX);
	diam_answer_begin(&w, &m);
	cx_head(&w, "hss." REALM);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_put_str(&w, AVP_USER_NAME, 0, u->impi);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 1);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_u32(&w, AVP_CX_SIP_ITEM_NUMBER, DIAM_VENDOR_3GPP, 1);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP,
		     strcmp(u->alg, "AKAv2-MD5") ? CX_SCHEME_AKAV1 : CX_SCHEME_AKAV2);
	memcpy(sa, v->rand, 16);
	memcpy(sa + 16, v->autn, 16);
	diam_put_octets(&w, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, sa, 32);
	diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, v->xres, v->xres_len);
	diam_put_octets(&w, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, v->ck, 16);
	diam_put_octets(&w, AVP_CX_INTEGRITY_KEY, DIAM_VENDOR_3GPP, v->ik, 16);
	diam_group_end(&w);
	diam_item(q, false, &w);
}

/* --- The registration flow ---------------------------------------------- */

struct flow_opts { bool esp, enc; };

static uint64_t next_sqn(uint64_t sqn_he)
{
	return ((sqn_he >> 5) + 1) << 5; /* SEQ + 1, IND 0 (TS 33.102 C.1.1) */
}

/* The card's reaction (TS 33.102 §6.3.3): 0 = RES, 1 = MAC failure, 2 = sync failure. */
static int card_run(struct card *c, const uint8_t rand[16], const uint8_t autn[16],
		    struct aka_out *o, uint8_t auts[14])
{
	static const uint8_t z6[6], z2[2];
	uint8_t sqn[6];

	aka_compute(&c->keys, rand, z6, z2, o);
	for (int i = 0; i < 6; i++)
		sqn[i] = autn[i] ^ o->ak[i];
	aka_compute(&c->keys, rand, sqn, autn + 6, o);
	if (memcmp(o->mac_a, autn + 8, 8))
		return 1;
	uint64_t s = aka_sqn_get(sqn);
	if (s <= c->sqn_ms) {
		aka_auts_make(&c->keys, rand, c->sqn_ms, auts);
		return 2;
	}
	c->sqn_ms = s;
	return 0;
}

static bool digest_of(const struct ue_cfg *u, const char *realm, const char *nonce,
		      const char *cnonce, const uint8_t *pw, size_t pwl, char out[33])
{
	struct digest_input in = {
		.username = u->impi, .realm = realm, .nonce = nonce, .uri = u->uri_ue,
		.method = "REGISTER", .qop = (enum digest_qop)digest_qop_parse(u->qop),
		.nc = u->nc_ue, .cnonce = cnonce,
		.body = u->body ? (const uint8_t *)body_text : NULL,
		.body_len = u->body ? strlen(body_text) : 0,
	};
	struct digest_result r;

	if (digest_compute(&in, pw, pwl, &r))
		return false;
	memcpy(out, r.response, 33);
	return true;
}

static void pw_of(const char *alg, const uint8_t *res, size_t rl, const uint8_t *ik,
		  const uint8_t *ck, uint8_t *pw, size_t *pwl)
{
	digest_password((enum digest_alg)digest_alg_parse(alg), NULL, res, rl, ik, ck, pw, pwl);
}

static void authz_text(const struct ue_cfg *u, const char *nonce, const char *cnonce,
		       const char *resp, const char *auts, char *out, size_t sz)
{
	const char *sep = u->compact ? ",\r\n   " : ", "; /* folded (RFC 3261 §7.3.1) */
	char a[64] = "";

	if (auts)
		snprintf(a, sizeof(a), "%sauts=\"%s\"", sep, auts);
	snprintf(out, sz, "Digest username=\"%s\"%srealm=\"%s\"%snonce=\"%s\"%suri=\"%s\"%s"
		 "response=\"%s\"%salgorithm=%s%sqop=%s%snc=%s%scnonce=\"%s\"%s",
		 u->impi, sep, u->realm_ue, sep, nonce, sep, u->uri_ue, sep, resp, sep, u->alg, sep,
		 u->qop, sep, u->nc_ue, sep, cnonce, a);
}

static void challenge_401(struct queue *q, const struct ue_cfg *u, unsigned cseq,
			  const struct flow_opts *fo, const char *nonce, const struct aka_vector *v)
{
	char ck[33], ik[33], sec[256], extra[1024];

	hex_encode(v->ck, 16, ck);
	hex_encode(v->ik, 16, ik);
	sec_server(u, fo->esp, fo->enc, "Security-Server", sec, sizeof(sec));
	snprintf(extra, sizeof(extra), "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", "
		 "algorithm=%s, qop=\"auth,auth-int\", ck=\"%s\", ik=\"%s\"\r\n%s", REALM, nonce,
		 u->alg, ck, ik, sec);
	response_msg(q, u, cseq, 401, "Unauthorized", extra, false);
}

/* The S-CSCF's digest check with the MAA's XRES (RFC 3310 §3.3). */
static bool scscf_accepts(const struct ue_cfg *u, const char *nonce, const char *cnonce,
			  const struct aka_vector *v, const char *resp)
{
	uint8_t pw[64];
	size_t pwl = 0;
	char exp[33];

	pw_of(u->alg, v->xres, v->xres_len, v->ik, v->ck, pw, &pwl);
	return digest_of(u, REALM, nonce, cnonce, pw, pwl, exp) && !strcmp(exp, resp);
}

static void ue_flow(struct queue *q, struct ue_cfg *u, const struct flow_opts *fo)
{
	static const uint8_t amf[2] = { 0x80, 0x00 };
	uint8_t mbuf[MSGMAX], abuf[MSGMAX], rs[30], auts[14], pw[64], rnd[16];
	char authz[1200], nonce[64], cnonce[32], resp[33], auts_b64[32];
	unsigned cseq = 1;
	bool resync = false;

	snprintf(authz, sizeof(authz), "Digest username=\"%s\", realm=\"%s\", nonce=\"\", "
		 "uri=\"sip:%s\", response=\"\"", u->impi, u->realm_ue, REALM);
	register_msg(q, u, cseq, authz, fo->esp, fo->enc);
	for (int round = 0; round < 3; round++) {
		struct aka_vector v;
		struct aka_out o;
		uint32_t hbh = 0x10000u * (uint32_t)u->n + (uint32_t)round;
		mar(q, u, hbh, resync ? rs : NULL, mbuf);
		if (resync) { /* TS 33.102 §6.3.5 at the HSS */
			uint64_t sqn_ms;
			if (aka_auts_check(&u->hss.keys, rs, rs + 16, &sqn_ms) == AKA_OK)
				u->hss.sqn_he = sqn_ms;
		}
		u->hss.sqn_he = next_sqn(u->hss.sqn_he);
		aka_seeded_rand(&seeded, rnd, 16);
		aka_vector_make_rand(&u->hss.keys, u->hss.sqn_he, amf, rnd, &v);
		maa(q, u, q->it[q->n - 1].data, q->it[q->n - 1].len, &v, abuf);
		nonce_encode(v.rand, v.autn, NULL, 0, nonce, sizeof(nonce));
		challenge_401(q, u, cseq, fo, nonce, &v);
		int r = card_run(&u->card, v.rand, v.autn, &o, auts);
		char echo[64];
		snprintf(echo, sizeof(echo), "%s", nonce);
		if (u->mangle_nonce) /* a UE that lost a character of the nonce */
			echo[3] = echo[3] == 'A' ? 'B' : 'A';
		snprintf(cnonce, sizeof(cnonce), "c%04x%02u", u->n * 0x111, cseq);
		size_t pwl = 0;
		cseq++;
		if (r == 2) {
			b64_encode(auts, 14, auts_b64);
			digest_of(u, u->realm_ue, echo, cnonce, pw, 0, resp); /* empty password */
			authz_text(u, echo, cnonce, resp, auts_b64, authz, sizeof(authz));
			register_msg(q, u, cseq, authz, fo->esp, fo->enc);
			memcpy(rs, v.rand, 16);
			memcpy(rs + 16, auts, 14);
			resync = true;
			continue;
		}
		resp[0] = '\0';
		if (r == 0 || u->card.answer_on_mac_fail) {
			pw_of(u->alg, o.res, o.res_len, o.ik, o.ck, pw, &pwl);
			digest_of(u, u->realm_ue, echo, cnonce, pw, pwl, resp);
		}
		authz_text(u, echo, cnonce, resp, NULL, authz, sizeof(authz));
		register_msg(q, u, cseq, authz, fo->esp, fo->enc);
		if (resp[0] && scscf_accepts(u, nonce, cnonce, &v, resp)) {
			char extra[512];
			snprintf(extra, sizeof(extra), "Service-Route: <sip:orig@scscf.%s;lr>\r\n"
				 "P-Associated-URI: <sip:%s>\r\nContact: <sip:%s:%u>;expires=600000\r\n",
				 REALM, u->impu, u->ue_ip, u->ue_port);
			response_msg(q, u, cseq, 200, "OK", extra, fo->esp);
		} else
			response_msg(q, u, cseq, 403, "Forbidden", "", fo->esp);
		break;
	}
}

/* --- Framing and emission ------------------------------------------------ */

struct stream {          /* one TCP direction */
	struct endpoint src, dst;
	uint32_t seq;
	uint8_t buf[65536];
	size_t len;
	unsigned ues;        /* bitmask of UEs with bytes in buf */
};

struct scen {
	const char *file;
	int link;
	bool ng, v6, tcp, esp, enc, sctp;  /* sctp: Cx over SCTP (PPID 46) */
	size_t mtu;          /* fragment IP packets above it (0 = never) */
	size_t seg;          /* TCP segment size for SIP */
	struct ue_cfg ue[4];
	int nue;
	bool stray;          /* add messages that belong to no attempt */
};

struct emitter {
	struct pcapw w;
	const struct scen *s;
	double t;
	struct endpoint ue[4], scscf, scscf_d, hss, scscf_esp, ue_esp[4];
	struct stream up, down, d_up, d_down;   /* SIP and Diameter TCP */
	uint8_t pkt[70000];
};

static void emit(struct emitter *e, size_t n)
{
	if (!n) {
		fprintf(stderr, "testgen: packet too large\n");
		exit(1);
	}
	if (e->s->mtu) /* IPv4 fragments out of order, IPv6 in order */
		pcapw_ip_mtu(&e->w, e->t, e->pkt, n, e->s->mtu, e->pkt[0] >> 4 == 4);
	else
		pcapw_ip(&e->w, e->t, e->pkt, n);
	e->t += 0.000731;
}

static void tcp_seg(struct emitter *e, struct stream *s, struct stream *peer, uint8_t flags,
		    const uint8_t *p, size_t n)
{
	uint32_t ack = flags == 0x02 ? 0 : peer->seq; /* a bare SYN acks nothing */
	emit(e, build_tcp(e->pkt, sizeof(e->pkt), &s->src, &s->dst, s->seq, ack, flags, p, n,
			  NULL));
	s->seq += (uint32_t)n + ((flags & 0x03) ? 1 : 0); /* SYN and FIN count */
}

static void tcp_open(struct emitter *e, struct stream *a, struct stream *b)
{
	tcp_seg(e, a, b, 0x02, NULL, 0);        /* SYN */
	tcp_seg(e, b, a, 0x12, NULL, 0);        /* SYN+ACK */
	tcp_seg(e, a, b, 0x10, NULL, 0);        /* ACK */
}

/* Sends whole segments of `seg` octets; with all, the rest too. */
static void tcp_flush(struct emitter *e, struct stream *s, struct stream *peer, size_t seg,
		      bool all)
{
	size_t off = 0;

	while (s->len - off >= seg || (all && off < s->len)) {
		size_t n = s->len - off < seg ? s->len - off : seg;
		tcp_seg(e, s, peer, 0x18, s->buf + off, n); /* PSH+ACK */
		off += n;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	if (!s->len)
		s->ues = 0;
}

static void stream_put(struct stream *s, const struct item *it, int ue)
{
	memcpy(s->buf + s->len, it->data, it->len);
	s->len += it->len;
	s->ues |= 1u << ue;
}

static void emit_sip_udp(struct emitter *e, const struct item *it, int ue)
{
	struct esp_sa sa = { .icv_len = 12, .encrypted = e->s->enc };
	const struct endpoint *src = it->to_ue ? &e->scscf : &e->ue[ue];
	const struct endpoint *dst = it->to_ue ? &e->ue[ue] : &e->scscf;

	if (it->esp) { /* protected ports and the peer's inbound SPI (TS 33.203 §7.4) */
		src = it->to_ue ? &e->scscf_esp : &e->ue_esp[ue];
		dst = it->to_ue ? &e->ue_esp[ue] : &e->scscf_esp;
		sa.spi = it->to_ue ? 2222u + (unsigned)e->s->ue[ue].n : 4444u + (unsigned)e->s->ue[ue].n;
		sa.seq = (uint32_t)(e->t * 1000) & 0xffff;
	}
	emit(e, build_udp(e->pkt, sizeof(e->pkt), src, dst, it->data, it->len,
			  it->esp ? &sa : NULL));
}

static void emit_item(struct emitter *e, const struct item *it, int ue)
{
	if (it->diam && e->s->sctp) {
		static uint32_t tsn = 100;
		const struct endpoint *src = it->to_hss ? &e->scscf_d : &e->hss;
		const struct endpoint *dst = it->to_hss ? &e->hss : &e->scscf_d;
		emit(e, build_sctp_data(e->pkt, sizeof(e->pkt), src, dst, tsn++, 46, it->data,
					it->len));
	} else if (it->diam) {
		struct stream *s = it->to_hss ? &e->d_up : &e->d_down;
		struct stream *peer = it->to_hss ? &e->d_down : &e->d_up;
		stream_put(s, it, ue);
		tcp_flush(e, s, peer, it->len > 200 ? it->len / 2 + 1 : 4096, true);
	} else if (!e->s->tcp)
		emit_sip_udp(e, it, ue);
	else {
		struct stream *s = it->to_ue ? &e->down : &e->up;
		struct stream *o = it->to_ue ? &e->up : &e->down;
		if (o->ues & (1u << ue)) /* causality: the UE's previous message first */
			tcp_flush(e, o, s, e->s->seg, true);
		stream_put(s, it, ue);
		tcp_flush(e, s, o, e->s->seg, false);
	}
	e->t += 0.0042;
}

static void endpoints(struct emitter *e)
{
	const struct scen *s = e->s;
	const char *sc = s->v6 ? "2001:db8:1::10" : "10.10.0.10";

	endpoint_set(&e->scscf, sc, 5060);
	endpoint_set(&e->scscf_esp, sc, 5068);
	endpoint_set(&e->scscf_d, sc, 40001);
	endpoint_set(&e->hss, s->v6 ? "2001:db8:1::20" : "10.10.0.20", 3868);
	for (int i = 0; i < s->nue; i++) {
		endpoint_set(&e->ue[i], s->ue[i].ue_ip, s->tcp ? (uint16_t)(40100 + i) : s->ue[i].ue_port);
		endpoint_set(&e->ue_esp[i], s->ue[i].ue_ip, 5062);
	}
	e->up = (struct stream){ .src = e->ue[0], .dst = e->scscf, .seq = 1000 };
	e->down = (struct stream){ .src = e->scscf, .dst = e->ue[0], .seq = 9000 };
	e->d_up = (struct stream){ .src = e->scscf_d, .dst = e->hss, .seq = 50000 };
	e->d_down = (struct stream){ .src = e->hss, .dst = e->scscf_d, .seq = 70000 };
}

static void stray(struct emitter *e)
{
	static const char ok[] =
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.10.9.9:5060;branch=z9hG4bK-lost\r\n"
		"From: <sip:lost@" REALM ">;tag=x\r\nTo: <sip:lost@" REALM ">;tag=y\r\n"
		"Call-ID: lost-call@10.10.9.9\r\nCSeq: 7 REGISTER\r\nContent-Length: 0\r\n\r\n";
	static const char opt[] =
		"OPTIONS sip:" REALM " SIP/2.0\r\nVia: SIP/2.0/UDP 10.10.9.9:5060;branch=z9hG4bK-o\r\n"
		"From: <sip:ping@" REALM ">;tag=p\r\nTo: <sip:" REALM ">\r\nCall-ID: ping@10.10.9.9\r\n"
		"CSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";
	struct endpoint a;

	endpoint_set(&a, e->s->v6 ? "2001:db8:9::9" : "10.10.9.9", 5060);
	emit(e, build_udp(e->pkt, sizeof(e->pkt), &e->scscf, &a, (const uint8_t *)ok,
			  strlen(ok), NULL));
	emit(e, build_udp(e->pkt, sizeof(e->pkt), &a, &e->scscf, (const uint8_t *)opt,
			  strlen(opt), NULL));
}

static int run_scen(const char *dir, struct scen *s)
{
	static struct queue q[4];
	static struct emitter e;
	char path[512];
	struct flow_opts fo = { s->esp, s->enc };

	memset(&e, 0, sizeof(e));
	e.s = s;
	e.t = 1764331200.0;
	snprintf(path, sizeof(path), "%s/%s", dir, s->file);
	if (pcapw_open(&e.w, path, s->link, s->ng)) {
		perror(path);
		return -1;
	}
	aka_seeded_init(&seeded, 7);
	for (int i = 0; i < s->nue; i++) {
		q[i].n = 0;
		ue_flow(&q[i], &s->ue[i], &fo);
	}
	endpoints(&e);
	if (!s->sctp)
		tcp_open(&e, &e.d_up, &e.d_down);
	if (s->tcp)
		tcp_open(&e, &e.up, &e.down);
	size_t pos[4] = { 0 };
	for (bool more = true; more;) {
		more = false;
		for (int i = 0; i < s->nue; i++)
			if (pos[i] < q[i].n) {
				emit_item(&e, &q[i].it[pos[i]++], i);
				more = true;
			}
	}
	if (s->tcp) {
		tcp_flush(&e, &e.up, &e.down, s->seg, true);
		tcp_flush(&e, &e.down, &e.up, s->seg, true);
	}
	if (s->stray)
		stray(&e);
	pcapw_close(&e.w);
	printf("wrote %s\n", path);
	return 0;
}

/* --- Scenarios ------------------------------------------------------------ */

/* TS 35.208 test set 1 (the subscriber) and set 3 (another card). */
#define K1 "465b5ce8b199b49faa5f0a2ee238a6bc"
#define OP1 "cdc202d5123e20f62b6d676ac72cb318"
#define K3 "fec86ba6eb707ed08905757b1bb44b8f"

static void keys_set(struct aka_keys *k, const char *khex, const char *ophex, bool op_as_opc)
{
	uint8_t op[16];

	memset(k, 0, sizeof(*k));
	k->algo = AKA_ALGO_MILENAGE;
	k->res_len = 8;
	hex_decode_exact(khex, k->k, 16);
	hex_decode_exact(ophex, op, 16);
	if (op_as_opc)
		memcpy(k->opc, op, 16);
	else
		aka_opc_from_op(k->k, op, k->opc);
}

static struct ue_cfg ue_default(int n)
{
	static char impi[4][96], impu[4][96], ip[4][48];
	struct ue_cfg u;

	memset(&u, 0, sizeof(u));
	snprintf(impi[n], sizeof(impi[n]), "00101000000000%d@" REALM, n);
	snprintf(impu[n], sizeof(impu[n]), "00101000000000%d@" REALM, n);
	snprintf(ip[n], sizeof(ip[n]), "10.10.1.%d", n);
	u.impi = impi[n];
	u.impu = impu[n];
	u.ue_ip = ip[n];
	u.ue_port = 5060;
	u.realm_ue = REALM;
	u.uri_ue = "sip:" REALM;
	u.nc_ue = "00000001";
	u.alg = "AKAv1-MD5";
	u.qop = "auth";
	u.n = n;
	keys_set(&u.card.keys, K1, OP1, false);
	keys_set(&u.hss.keys, K1, OP1, false);
	u.card.sqn_ms = 0x20 * 9;
	u.hss.sqn_he = 0x20 * 10;
	return u;
}

static struct scen base(const char *file, int link)
{
	struct scen s;

	memset(&s, 0, sizeof(s));
	s.file = file;
	s.link = link;
	s.nue = 1;
	s.seg = 1400;
	s.ue[0] = ue_default(1);
	return s;
}

static void v6_addr(struct ue_cfg *u, int n)
{
	static char ip[4][48];
	snprintf(ip[n], sizeof(ip[n]), "2001:db8:2::%d", n);
	u->ue_ip = ip[n];
}

static int all_scenarios(const char *dir)
{
	struct scen s[20];
	int n = 0;

	s[n++] = base("good.pcap", LINK_ETHERNET);
	s[n] = base("good.pcapng", LINK_ETHERNET);
	s[n++].ng = true;
	s[n] = base("wrong_k.pcap", LINK_ETHERNET);
	keys_set(&s[n].ue[0].card.keys, K3, OP1, false);
	s[n++].ue[0].card.answer_on_mac_fail = true;
	s[n] = base("mac_fail.pcap", LINK_ETHERNET);
	keys_set(&s[n++].ue[0].card.keys, K3, OP1, false);
	s[n] = base("op_opc_swap.pcap", LINK_ETHERNET);
	keys_set(&s[n].ue[0].hss.keys, K1, OP1, true); /* OP provisioned as OPc */
	s[n++].ue[0].card.answer_on_mac_fail = true;
	s[n] = base("resync.pcap", LINK_ETHERNET);
	s[n++].ue[0].card.sqn_ms = 0x20ull * 1011;     /* SEQ 1011 vs the HSS's next 11 */
	s[n] = base("wrong_realm.pcap", LINK_ETHERNET);
	s[n++].ue[0].realm_ue = "ims.example.net";
	s[n] = base("auth_int_tcp_sll.pcap", LINK_SLL);
	s[n].tcp = true;
	s[n].seg = 137;
	s[n].ue[0].qop = "auth-int";
	s[n++].ue[0].body = true;
	s[n] = base("akav2_sll2.pcap", LINK_SLL2);
	s[n++].ue[0].alg = "AKAv2-MD5";
	s[n] = base("ipv6_esp_raw.pcap", LINK_RAW);
	s[n].v6 = s[n].esp = true;
	v6_addr(&s[n++].ue[0], 1);
	s[n] = base("esp_encrypted.pcap", LINK_ETHERNET);
	s[n].enc = true;
	s[n++].esp = true;
	s[n] = base("multi_ue_tcp.pcap", LINK_ETHERNET);
	s[n].tcp = s[n].stray = true;
	s[n].seg = 300;
	s[n].nue = 3;
	s[n].ue[1] = ue_default(2);
	keys_set(&s[n].ue[1].card.keys, K3, OP1, false);
	s[n].ue[1].card.answer_on_mac_fail = true;
	s[n].ue[2] = ue_default(3);
	s[n].ue[2].compact = true;
	s[n].ue[2].qop = "auth-int";
	s[n++].ue[2].body = true;
	s[n] = base("ipv6_tcp_multi.pcapng", LINK_ETHERNET);
	s[n].tcp = s[n].v6 = s[n].ng = true;
	s[n].seg = 211;
	s[n].nue = 2;
	v6_addr(&s[n].ue[0], 1);
	s[n].ue[1] = ue_default(2);
	v6_addr(&s[n].ue[1], 2);
	s[n++].ue[1].card.sqn_ms = 0x20ull * 40;
	s[n] = base("wrong_uri_sctp.pcap", LINK_ETHERNET);
	s[n].sctp = true;
	s[n++].ue[0].uri_ue = "sip:pcscf.visited.example.net";
	s[n] = base("fragmented_v6.pcap", LINK_ETHERNET);
	s[n].v6 = true;
	s[n].mtu = 576;       /* every REGISTER and 401 in two or three fragments */
	s[n].ue[0].qop = "auth-int";
	s[n].ue[0].body = true;
	v6_addr(&s[n++].ue[0], 1);
	s[n] = base("fragmented_v4.pcap", LINK_ETHERNET);
	s[n++].mtu = 576;
	s[n] = base("bad_nonce_echo.pcap", LINK_ETHERNET);
	s[n++].ue[0].mangle_nonce = true;
	s[n] = base("bad_nc.pcap", LINK_ETHERNET);
	s[n++].ue[0].nc_ue = "1";
	for (int i = 0; i < n; i++)
		if (run_scen(dir, &s[i]))
			return 1;
	return 0;
}

/* truncated.pcap: good.pcap cut inside a record; joined_late.pcap: good.pcap
 * from inside the MAR on; corrupt.pcap: a record header claiming more than
 * the snaplen. */
static int broken_files(const char *dir)
{
	char in[512], out[512];
	static uint8_t buf[1 << 16];

	snprintf(in, sizeof(in), "%s/good.pcap", dir);
	FILE *f = fopen(in, "rb");
	if (!f)
		return 1;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	snprintf(out, sizeof(out), "%s/truncated.pcap", dir);
	if (!(f = fopen(out, "wb")))
		return 1;
	fwrite(buf, 1, n * 2 / 3, f);
	fclose(f);
	/* joined_late.pcap: the capture starts inside the MAR (records 6..) */
	snprintf(out, sizeof(out), "%s/joined_late.pcap", dir);
	if (!(f = fopen(out, "wb")))
		return 1;
	size_t off = 24;
	for (int rec = 0; rec < 5 && off + 16 <= n; rec++) {
		uint32_t cl;
		memcpy(&cl, buf + off + 8, 4); /* little-endian, as written */
		off += 16 + cl;
	}
	fwrite(buf, 1, 24, f);
	fwrite(buf + off, 1, n - off, f);
	fclose(f);
	snprintf(out, sizeof(out), "%s/corrupt.pcap", dir);
	if (!(f = fopen(out, "wb")))
		return 1;
	memset(buf + 24 + 8, 0xff, 8); /* caplen/len of the first record: 4 GiB */
	fwrite(buf, 1, n < 600 ? n : 600, f);
	fclose(f);
	printf("wrote truncated.pcap, joined_late.pcap, corrupt.pcap\n");
	return 0;
}

/* The good flow's SIP datagrams, for a loopback replay under dumpcap. */
static int udp_dump(const char *dir)
{
	static struct queue q;
	struct ue_cfg u = ue_default(1);
	struct flow_opts fo = { false, false };
	char path[512];

	aka_seeded_init(&seeded, 7);
	ue_flow(&q, &u, &fo);
	for (size_t i = 0, k = 0; i < q.n; i++) {
		if (q.it[i].diam)
			continue;
		snprintf(path, sizeof(path), "%s/%02zu-%s.sip", dir, ++k, q.it[i].to_ue ? "down" : "up");
		FILE *f = fopen(path, "wb");
		if (!f)
			return 1;
		fwrite(q.it[i].data, 1, q.it[i].len, f);
		fclose(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--udp-dump"))
		return udp_dump(argv[2]);
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: ims-trace-testgen OUTDIR | --udp-dump DIR\n");
		return 2;
	}
	return all_scenarios(argv[1]) || broken_files(argv[1]);
}
