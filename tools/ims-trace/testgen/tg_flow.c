/* The registration flow of ims-trace-testgen: a UE (the card's keys, its
 * SQN_MS), an S-CSCF (the digest check with the MAA's XRES) and an HSS
 * (the network's keys, SQN_HE, MAR/MAA with real Cx AVPs), computed with
 * common/aka and common/digest, as a queue of messages for tg_emit.c. */
#include "tg.h"

#include "digest/digest.h"
#include "util/hex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct aka_seeded seeded;

void tg_seed(uint64_t seed)
{
	aka_seeded_init(&seeded, seed);
}

void tg_rand(uint8_t *buf, size_t n)
{
	aka_seeded_rand(&seeded, buf, n);
}

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

void sec_server(const struct ue_cfg *u, bool esp, bool enc, const char *name,
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
	char *spi = u->bad_verify ? strstr(sec, "spi-s=") : NULL;
	if (spi) /* a UE that echoes another SPI than it received (RFC 3329 §2.3.1) */
		spi[6] = spi[6] == '9' ? '8' : (char)(spi[6] + 1);
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
	memcpy(q->it[q->n - 1].ck, u->ck, 16);
	memcpy(q->it[q->n - 1].ik, u->ik, 16);
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
	memcpy(q->it[q->n - 1].ck, u->ck, 16);
	memcpy(q->it[q->n - 1].ik, u->ik, 16);
}

/* --- Diameter (Cx MAR/MAA, TS 29.229 §6.1.7-8) --------------------------- */

void diam_item(struct queue *q, bool to_hss, struct diam_wr *w)
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

void cx_head(struct diam_wr *w, const char *host)
{
	diam_put_vendor_app(w, DIAM_VENDOR_3GPP, DIAM_APP_CX);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, host);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, REALM);
}

void tg_mar_build(struct diam_wr *w, uint8_t *buf, const char *impi, const char *impu,
		  const char *scheme, uint32_t hbh, const uint8_t *resync)
{
	char sid[96], pi[256];

	snprintf(sid, sizeof(sid), "scscf." REALM ";1700000000;%u", hbh);
	snprintf(pi, sizeof(pi), "sip:%s", impu);
	diam_wr_init(w, buf, MSGMAX);
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, hbh, hbh ^ 0x5a5a0000);
	diam_put_str(w, AVP_SESSION_ID, 0, sid);
	cx_head(w, "scscf." REALM);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, REALM);
	diam_put_str(w, AVP_USER_NAME, 0, impi);
	diam_put_str(w, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP, pi);
	diam_group_begin(w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_str(w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP, scheme);
	if (resync)
		diam_put_octets(w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, resync, 30);
	diam_group_end(w);
	diam_put_u32(w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 1);
	diam_put_str(w, AVP_CX_SERVER_NAME, DIAM_VENDOR_3GPP, "sip:scscf." REALM ":6060");
}

void tg_maa_build(struct diam_wr *w, uint8_t *buf, const uint8_t *req, size_t reqlen,
		  const char *impi, const char *scheme, const struct aka_vector *v)
{
	struct diam_msg m;
	uint8_t sa[32];

	diam_msg_parse(req, reqlen, &m);
	diam_wr_init(w, buf, MSGMAX);
	diam_answer_begin(w, &m);
	cx_head(w, "hss." REALM);
	diam_put_u32(w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_put_str(w, AVP_USER_NAME, 0, impi);
	diam_put_u32(w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 1);
	diam_group_begin(w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_u32(w, AVP_CX_SIP_ITEM_NUMBER, DIAM_VENDOR_3GPP, 1);
	diam_put_str(w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP, scheme);
	memcpy(sa, v->rand, 16);
	memcpy(sa + 16, v->autn, 16);
	diam_put_octets(w, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, sa, 32);
	diam_put_octets(w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, v->xres, v->xres_len);
	diam_put_octets(w, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, v->ck, 16);
	diam_put_octets(w, AVP_CX_INTEGRITY_KEY, DIAM_VENDOR_3GPP, v->ik, 16);
	diam_group_end(w);
}

static const char *scheme_of(const struct ue_cfg *u)
{
	return strcmp(u->alg, "AKAv2-MD5") ? CX_SCHEME_AKAV1 : CX_SCHEME_AKAV2;
}

static void mar(struct queue *q, const struct ue_cfg *u, uint32_t hbh, const uint8_t *resync,
		uint8_t *buf)
{
	struct diam_wr w;

	tg_mar_build(&w, buf, u->impi, u->impu, scheme_of(u), hbh, resync);
	diam_item(q, true, &w);
}

static void maa(struct queue *q, const struct ue_cfg *u, const uint8_t *req, size_t reqlen,
		const struct aka_vector *v, uint8_t *buf)
{
	struct diam_wr w;

	tg_maa_build(&w, buf, req, reqlen, u->impi, scheme_of(u), v);
	diam_item(q, false, &w);
}

/* --- The registration flow ---------------------------------------------- */


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
	char ck[33], ik[33], sec[256] = "", extra[1024];

	hex_encode(v->ck, 16, ck);
	hex_encode(v->ik, 16, ik);
	if (!fo->multihop) /* in a chain the P-CSCF adds it (tg_hops.c) */
		sec_server(u, fo->esp, fo->enc, "Security-Server", sec, sizeof(sec));
	snprintf(extra, sizeof(extra), "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", "
		 "algorithm=%s, qop=\"auth,auth-int\", ck=\"%s\", ik=\"%s\"\r\n%s", REALM, nonce,
		 u->alg, ck, ik, sec);
	response_msg(q, u, cseq, 401, "Unauthorized", extra, false);
	q->it[q->n - 1].challenge = true;
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

/* TS 29.229 §6.1.8: an unknown IMPI is answered with
 * Experimental-Result-Code 5001; the S-CSCF refuses with 403. */
static void unknown_user(struct queue *q, const struct ue_cfg *u, uint8_t *mbuf, uint8_t *abuf)
{
	struct diam_wr w;
	struct diam_msg m;

	mar(q, u, 0x10000u * (uint32_t)u->n, NULL, mbuf);
	diam_msg_parse(q->it[q->n - 1].data, q->it[q->n - 1].len, &m);
	diam_wr_init(&w, abuf, MSGMAX);
	diam_answer_begin(&w, &m);
	cx_head(&w, "hss." REALM);
	diam_group_begin(&w, AVP_EXPERIMENTAL_RESULT, 0);
	diam_put_u32(&w, AVP_VENDOR_ID, 0, DIAM_VENDOR_3GPP);
	diam_put_u32(&w, AVP_EXPERIMENTAL_RESULT_CODE, 0, 5001);
	diam_group_end(&w);
	diam_put_str(&w, AVP_USER_NAME, 0, u->impi);
	diam_item(q, false, &w);
	response_msg(q, u, 1, 403, "Forbidden", "", false);
}

/* After a 200: the same REGISTER again, 2 s later (a replay, not a
 * retransmission: its transaction is over, and no retransmission timer
 * runs that long after a final response could have crossed it), then a
 * new one reusing nonce and nc. The S-CSCF of this scenario wrongly
 * accepts both. */
static void replay(struct queue *q, struct ue_cfg *u, const struct flow_opts *fo, unsigned cseq,
		   const char *authz, const char *ok_extra)
{
	struct item again = q->it[q->n - 2];

	again.delay = 2.0;
	*q_add(q) = again;
	response_msg(q, u, cseq, 200, "OK", ok_extra, fo->esp);
	register_msg(q, u, cseq + 1, authz, fo->esp, fo->enc);
	response_msg(q, u, cseq + 1, 200, "OK", ok_extra, fo->esp);
}

static void final_answer(struct queue *q, struct ue_cfg *u, const struct flow_opts *fo,
			 unsigned cseq, const char *authz, bool accepted)
{
	char extra[512];

	if (u->cut) /* the capture ends here */
		return;
	if (!accepted || u->hop_alter) { /* hop_alter: the S-CSCF got another response */
		response_msg(q, u, cseq, 403, "Forbidden", "", fo->esp);
		return;
	}
	snprintf(extra, sizeof(extra), "Service-Route: <sip:orig@scscf.%s;lr>\r\n"
		 "P-Associated-URI: <sip:%s>\r\nContact: <sip:%s:%u>;expires=600000\r\n",
		 REALM, u->impu, u->ue_ip, u->ue_port);
	response_msg(q, u, cseq, 200, "OK", extra, fo->esp);
	if (u->replay)
		replay(q, u, fo, cseq, authz, extra);
}

/* One round: MAR/MAA (with RAND ‖ AUTS after a sync failure), the 401, the
 * card's reaction and the UE's answer. Returns true when it resynchronised
 * (another round follows). */
static bool round_run(struct queue *q, struct ue_cfg *u, const struct flow_opts *fo, int round,
		      unsigned *cseq, uint8_t rs[30], bool resync)
{
	static const uint8_t amf[2] = { 0x80, 0x00 };
	uint8_t mbuf[MSGMAX], abuf[MSGMAX], auts[14], pw[64], rnd[16];
	char authz[1200], nonce[64], cnonce[32], resp[33], auts_b64[32], echo[64];
	struct aka_vector v;
	struct aka_out o;
	size_t pwl = 0;

	mar(q, u, 0x10000u * (uint32_t)u->n + (uint32_t)round, resync ? rs : NULL, mbuf);
	if (resync) { /* TS 33.102 §6.3.5 at the HSS */
		uint64_t sqn_ms;
		if (aka_auts_check(&u->hss.keys, rs, rs + 16, &sqn_ms) == AKA_OK)
			u->hss.sqn_he = sqn_ms;
	}
	u->hss.sqn_he = next_sqn(u->hss.sqn_he);
	aka_seeded_rand(&seeded, rnd, 16);
	aka_vector_make_rand(&u->hss.keys, u->hss.sqn_he, amf, rnd, &v);
	memcpy(u->ck, v.ck, 16); /* the SAs of this 401 use its CK/IK (TS 33.203 §7.1) */
	memcpy(u->ik, v.ik, 16);
	maa(q, u, q->it[q->n - 1].data, q->it[q->n - 1].len, &v, abuf);
	nonce_encode(v.rand, v.autn, NULL, 0, nonce, sizeof(nonce));
	challenge_401(q, u, *cseq, fo, nonce, &v);
	int r = card_run(&u->card, v.rand, v.autn, &o, auts);
	snprintf(echo, sizeof(echo), "%s", nonce);
	if (u->mangle_nonce) /* a UE that lost a character of the nonce */
		echo[3] = echo[3] == 'A' ? 'B' : 'A';
	snprintf(cnonce, sizeof(cnonce), "c%04x%02u", u->n * 0x111, *cseq);
	++*cseq;
	if (r == 2) {
		b64_encode(auts, 14, auts_b64);
		digest_of(u, u->realm_ue, echo, cnonce, pw, 0, resp); /* empty password */
		authz_text(u, echo, cnonce, resp, auts_b64, authz, sizeof(authz));
		register_msg(q, u, *cseq, authz, fo->esp, fo->enc);
		memcpy(rs, v.rand, 16);
		memcpy(rs + 16, auts, 14);
		return true;
	}
	resp[0] = '\0';
	if (r == 0 || u->card.answer_on_mac_fail) {
		pw_of(u->alg, o.res, o.res_len, o.ik, o.ck, pw, &pwl);
		digest_of(u, u->realm_ue, echo, cnonce, pw, pwl, resp);
	}
	authz_text(u, echo, cnonce, resp, NULL, authz, sizeof(authz));
	register_msg(q, u, *cseq, authz, fo->esp, fo->enc);
	final_answer(q, u, fo, *cseq, authz, resp[0] && scscf_accepts(u, nonce, cnonce, &v, resp));
	return false;
}

void ue_flow(struct queue *q, struct ue_cfg *u, const struct flow_opts *fo)
{
	uint8_t mbuf[MSGMAX], abuf[MSGMAX], rs[30];
	char authz[1200];
	unsigned cseq = 1;
	bool resync = false;

	snprintf(authz, sizeof(authz), "Digest username=\"%s\", realm=\"%s\", nonce=\"\", "
		 "uri=\"sip:%s\", response=\"\"", u->impi, u->realm_ue, REALM);
	register_msg(q, u, cseq, authz, fo->esp, fo->enc);
	if (u->hss.unknown) {
		unknown_user(q, u, mbuf, abuf);
		return;
	}
	for (int round = 0; round < 3 && (round == 0 || resync); round++)
		resync = round_run(q, u, fo, round, &cseq, rs, resync);
}

void keys_set(struct aka_keys *k, const char *khex, const char *ophex, bool op_as_opc)
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

