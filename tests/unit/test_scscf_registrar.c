/* scscf-stub registrar flows without sockets: a fake HSS answers the MAR
 * and SAR the registrar sends (TS 29.229 message layouts), the fake SIP
 * side records the replies. Vector: digest-example.tsv EX1 (TS 35.208
 * set 1), whose UE response is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scscf_config.h"
#include "diameter/codes.h"
#include "diameter/diam.h"
#include "digest/digest.h"
#include "bindings.h"
#include "registrar.h"
#include "util/hex.h"

#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define IMPI "001010000000001@" REALM
#define IMPU "sip:001010000000001@" REALM
#define NONCE "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M="
#define EX1_AUTH                                                                  \
	"Digest username=\"" IMPI "\", realm=\"" REALM "\", nonce=\"" NONCE "\", " \
	"uri=\"sip:" REALM "\", response=\"402ab8df9f3a4d63a9f47c2f90e02938\", "  \
	"qop=auth, nc=00000001, cnonce=\"0a4f113b\", algorithm=AKAv1-MD5"

static const char *const USER_DATA =
	"<?xml version=\"1.0\"?><IMSSubscription><PrivateID>" IMPI "</PrivateID>"
	"<ServiceProfile><PublicIdentity><BarringIndication>0</BarringIndication>"
	"<Identity>" IMPU "</Identity></PublicIdentity><PublicIdentity>"
	"<Identity>tel:+15550000001</Identity></PublicIdentity></ServiceProfile>"
	"</IMSSubscription>";

/* ---- fakes --------------------------------------------------------------- */
struct sent {
	uint8_t buf[4096];
	size_t len;
	void (*fn)(void *, int, const struct diam_msg *, const char *);
	void *arg;
};
static struct sent sent[16];
static size_t nsent;
static int send_rc;

struct got {
	int status;
	char www[1024], contact[2048], sr[256], pau[1024], path[256];
	unsigned retry_after, min_expires;
};
static struct got got;
static int nreplies;
static uint64_t now_val = 1000000;

static int fake_send(void *arg, const uint8_t *buf, size_t len,
		     void (*fn)(void *, int, const struct diam_msg *, const char *), void *fnarg)
{
	(void)arg;
	if (send_rc)
		return send_rc;
	assert_true(nsent < 16 && len <= sizeof(sent[0].buf));
	memcpy(sent[nsent].buf, buf, len);
	sent[nsent].len = len;
	sent[nsent].fn = fn;
	sent[nsent].arg = fnarg;
	nsent++;
	return 0;
}

#define CP(dst, src) snprintf(dst, sizeof(dst), "%s", (src) ? (src) : "")
static void fake_reply(void *arg, void *handle, const struct reg_reply *r)
{
	(void)arg, (void)handle;
	memset(&got, 0, sizeof(got));
	got.status = r->status;
	CP(got.www, r->www_authenticate);
	CP(got.contact, r->contact);
	CP(got.sr, r->service_route);
	CP(got.pau, r->p_associated_uri);
	CP(got.path, r->path);
	got.retry_after = r->retry_after;
	got.min_expires = r->min_expires;
	nreplies++;
}

static uint64_t fake_now(void)
{
	return now_val;
}

static struct scscf_config cfg;
static struct registrar *reg;

static int setup(void **state)
{
	struct reg_ops ops = { .cx_send = fake_send, .reply = fake_reply, .now_ms = fake_now };

	(void)state;
	scscf_config_defaults(&cfg);
	nsent = 0;
	send_rc = 0;
	nreplies = 0;
	reg = registrar_new(&cfg, &ops);
	return reg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	registrar_free(reg);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */
static struct reg_contact contact = { .uri = "sip:ue@192.0.2.1:5060", .params = ";+g.3gpp.smsip",
				      .expires = -1 };

static void send_register(const char *auth, int expires, bool with_contact)
{
	struct reg_request q = {
		.handle = (void *)1, .impu = IMPU, .call_id = "c1@ue",
		.request_uri = "sip:" REALM, .auth = auth, .auth_len = auth ? strlen(auth) : 0,
		.contacts = &contact, .n_contacts = with_contact ? 1 : 0, .expires = expires,
		.path = "<sip:pcscf.example;lr>",
	};
	registrar_handle(reg, &q);
}

/* A REGISTER without credentials from `source` (pending reservation). */
static void register_from(const char *source)
{
	struct reg_request q = {
		.handle = (void *)1, .impu = IMPU, .call_id = "c1@ue",
		.request_uri = "sip:" REALM, .contacts = &contact, .n_contacts = 1,
		.expires = 600, .source = source,
	};
	registrar_handle(reg, &q);
}

static void last_req(struct diam_msg *m)
{
	assert_true(nsent > 0);
	assert_int_equal(diam_msg_parse(sent[nsent - 1].buf, sent[nsent - 1].len, m), 0);
}

static uint32_t req_u32(uint32_t code)
{
	struct diam_msg m;
	uint32_t v = 0;

	last_req(&m);
	assert_int_equal(diam_msg_u32(&m, code, DIAM_VENDOR_3GPP, &v), 0);
	return v;
}

/* Answers the last request: result (Result-Code, or Experimental when
 * exp), plus the EX1 vector for an MAA or User-Data for an SAA. */
static void answer(uint32_t result, bool exp, bool with_payload)
{
	struct diam_msg req, ans;
	struct diam_wr w;
	uint8_t buf[4096], ra[32], xres[8], ck[16], ik[16];
	ssize_t n;

	last_req(&req);
	diam_wr_init(&w, buf, sizeof(buf));
	diam_answer_begin(&w, &req);
	diam_put_vendor_app(&w, DIAM_VENDOR_3GPP, DIAM_APP_CX);
	if (exp)
		diam_put_exp_result(&w, DIAM_VENDOR_3GPP, result);
	else
		diam_put_u32(&w, AVP_RESULT_CODE, 0, result);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "hss." REALM);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	if (with_payload && req.hdr.code == DIAM_CMD_MA) {
		assert_int_equal(b64_decode(NONCE, strlen(NONCE), ra, 32), 32);
		hex_decode_exact("a54211d5e3ba50bf", xres, 8);
		hex_decode_exact("b40ba9a3c58b2a05bbf0d987b21bf8cb", ck, 16);
		hex_decode_exact("f769bcd751044604127672711c6d3441", ik, 16);
		diam_put_str(&w, AVP_USER_NAME, 0, IMPI);
		diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 1);
		diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
		diam_put_u32(&w, AVP_CX_SIP_ITEM_NUMBER, DIAM_VENDOR_3GPP, 1);
		diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP,
			     CX_SCHEME_AKAV1);
		diam_put_octets(&w, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, ra, 32);
		diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, xres, 8);
		diam_put_octets(&w, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, ck, 16);
		diam_put_octets(&w, AVP_CX_INTEGRITY_KEY, DIAM_VENDOR_3GPP, ik, 16);
		diam_group_end(&w);
	}
	if (with_payload && req.hdr.code == DIAM_CMD_SA)
		diam_put_octets(&w, AVP_CX_USER_DATA, DIAM_VENDOR_3GPP, USER_DATA,
				strlen(USER_DATA));
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &ans), 0);
	sent[nsent - 1].fn(sent[nsent - 1].arg, 0, &ans, NULL);
}

/* Initial REGISTER -> MAR -> MAA(EX1) -> 401. */
static void challenge_ex1(void)
{
	struct diam_msg m;
	struct diam_avp item, sch;
	char s[256];

	send_register("Digest username=\"" IMPI "\", realm=\"" REALM "\", nonce=\"\", "
		      "uri=\"sip:" REALM "\", response=\"\"", 600, true);
	last_req(&m);
	assert_int_equal(m.hdr.code, DIAM_CMD_MA);
	assert_int_equal(diam_msg_str(&m, AVP_USER_NAME, 0, s, sizeof(s)), 0);
	assert_string_equal(s, IMPI);
	assert_int_equal(diam_msg_str(&m, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP, s, sizeof(s)), 0);
	assert_string_equal(s, IMPU);
	assert_int_equal(diam_msg_find(&m, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP, &item), 0);
	assert_int_equal(diam_group_find(&item, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP,
					 &sch), 0);
	assert_int_equal(diam_avp_str(&sch, s, sizeof(s)), 0);
	assert_string_equal(s, CX_SCHEME_AKAV1);
	assert_int_equal(registrar_pending(reg), 1);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(registrar_pending(reg), 0);
	assert_int_equal(got.status, 401);
	assert_string_equal(got.www, "Digest realm=\"" REALM "\", nonce=\"" NONCE "\", "
				     "algorithm=AKAv1-MD5, qop=\"auth,auth-int\", "
				     "ck=\"b40ba9a3c58b2a05bbf0d987b21bf8cb\", "
				     "ik=\"f769bcd751044604127672711c6d3441\"");
}

/* ---- tests ---------------------------------------------------------------- */
static void test_register_flow(void **state)
{
	(void)state;
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(nsent, 2);
	assert_int_equal(req_u32(AVP_CX_SERVER_ASSIGNMENT_TYPE), CX_SAT_REGISTRATION);
	assert_int_equal(req_u32(AVP_CX_USER_DATA_ALREADY_AVAILABLE), 0);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 200);
	assert_string_equal(got.contact, "<sip:ue@192.0.2.1:5060>;+g.3gpp.smsip;expires=600");
	assert_string_equal(got.sr, "<sip:scscf.ims.mnc001.mcc001.3gppnetwork.org:6060;lr>");
	assert_string_equal(got.pau, "<" IMPU ">, <tel:+15550000001>");
	assert_string_equal(got.path, "<sip:pcscf.example;lr>");
	assert_int_equal(bind_count(registrar_bindings(reg)), 1);

	/* The same credentials again: nc replayed -> 403, nothing sent. */
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(got.status, 403);
	assert_int_equal(nsent, 2);

	/* A query (no Contact) after a fresh challenge: bindings, no SAR. */
	challenge_ex1();
	now_val += 10000;
	send_register(EX1_AUTH, 600, false);
	assert_int_equal(got.status, 200);
	assert_int_equal(nsent, 3);
	assert_string_equal(got.contact, "<sip:ue@192.0.2.1:5060>;+g.3gpp.smsip;expires=590");

	/* Expires: 0 -> SAR USER_DEREGISTRATION -> 200 without Contact. */
	challenge_ex1();
	send_register(EX1_AUTH, 0, true);
	assert_int_equal(req_u32(AVP_CX_SERVER_ASSIGNMENT_TYPE), CX_SAT_USER_DEREGISTRATION);
	answer(DIAM_SUCCESS, false, false);
	assert_int_equal(got.status, 200);
	assert_string_equal(got.contact, "");
	assert_int_equal(bind_count(registrar_bindings(reg)), 0);
}

static void test_wrong_response_no_sar(void **state)
{
	char bad[sizeof(EX1_AUTH)];

	(void)state;
	challenge_ex1();
	snprintf(bad, sizeof(bad), "%s", EX1_AUTH);
	*strstr(bad, "402ab8df") = '5';
	send_register(bad, 600, true);
	assert_int_equal(got.status, 403);
	assert_int_equal(nsent, 1);
	/* The vector is gone: the right answer now gets a stale 401. */
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(nsent, 2);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_non_null(strstr(got.www, "stale=true"));
}

static void test_hss_failures(void **state)
{
	(void)state;
	send_register(NULL, 600, true);
	sent[0].fn(sent[0].arg, -ETIMEDOUT, NULL, NULL);
	assert_int_equal(got.status, 504);
	send_register(NULL, 600, true);
	sent[1].fn(sent[1].arg, -ECONNRESET, NULL, NULL);
	assert_int_equal(got.status, 500);
	assert_int_equal(got.retry_after, cfg.retry_after);
	send_rc = -ENOTCONN;
	send_register(NULL, 600, true);
	assert_int_equal(got.status, 500);
	send_rc = 0;
	send_register(NULL, 600, true);
	answer(CX_ERROR_USER_UNKNOWN, true, false);
	assert_int_equal(got.status, 403);
	send_register(NULL, 600, true);
	answer(DIAM_UNABLE_TO_COMPLY, false, false);
	assert_int_equal(got.status, 500);
	send_register(NULL, 600, true);
	answer(DIAM_SUCCESS, false, false); /* success without a vector */
	assert_int_equal(got.status, 500);
	assert_int_equal(registrar_pending(reg), 0);
}

static void test_resync_mar(void **state)
{
	struct diam_msg m;
	struct diam_avp item, az;
	uint8_t auts[14] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
	char b64[32], a[1024];

	(void)state;
	challenge_ex1();
	b64_encode(auts, 14, b64);
	snprintf(a, sizeof(a), "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"sip:%s\", "
		 "response=\"\", auts=\"%s\"", IMPI, REALM, NONCE, REALM, b64);
	send_register(a, 600, true);
	last_req(&m);
	assert_int_equal(m.hdr.code, DIAM_CMD_MA);
	assert_int_equal(diam_msg_find(&m, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP, &item), 0);
	assert_int_equal(diam_group_find(&item, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, &az), 0);
	assert_int_equal(az.len, 30);
	uint8_t rand[16];
	hex_decode_exact("23553cbe9637a89d218ae64dae47bf35", rand, 16);
	assert_memory_equal(az.data, rand, 16);
	assert_memory_equal(az.data + 16, auts, 14);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_null(strstr(got.www, "stale"));
}

static void test_bad_input(void **state)
{
	struct reg_request q = { .handle = (void *)1, .impu = IMPU, .request_uri = "sip:" REALM,
				 .expires = -1 };

	(void)state;
	registrar_handle(reg, &q); /* no Call-ID */
	assert_int_equal(got.status, 400);
	q.call_id = "x";
	q.auth = "Digest username=\"unterminated";
	q.auth_len = strlen(q.auth);
	registrar_handle(reg, &q);
	assert_int_equal(got.status, 400);
	q.auth = "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==";
	q.auth_len = strlen(q.auth);
	registrar_handle(reg, &q);
	assert_int_equal(got.status, 400);
	q.auth = "Digest username=\"" IMPI "\", realm=\"evil.example\", nonce=\"\", response=\"\"";
	q.auth_len = strlen(q.auth);
	registrar_handle(reg, &q);
	assert_int_equal(got.status, 403);
	q.auth = NULL;
	q.star = true;
	q.expires = 5;
	registrar_handle(reg, &q);
	assert_int_equal(got.status, 400);
	q.star = false;
	q.impu = "tel:+15550000001"; /* no IMPI to derive */
	registrar_handle(reg, &q);
	assert_int_equal(got.status, 403);
	q.impu = IMPU;
	q.oversized = true; /* the glue found a Contact longer than we store */
	registrar_handle(reg, &q);
	assert_int_equal(got.status, 400);
	q.oversized = false;
	q.too_many = true; /* a 17th Contact: refused, not dropped (issue 16) */
	registrar_handle(reg, &q);
	assert_int_equal(got.status, 503);
	assert_int_equal(nsent, 0);
	assert_int_equal(nreplies, 8);
}

/* The one expiry parser (issue 16 item 6): saturates, never wraps. */
static void test_delta_seconds(void **state)
{
	(void)state;
	assert_int_equal(reg_delta_seconds("0"), 0);
	assert_int_equal(reg_delta_seconds("600"), 600);
	assert_int_equal(reg_delta_seconds(" 60 "), 60);
	assert_int_equal(reg_delta_seconds("2147483648"), 2147483648L);
	assert_int_equal(reg_delta_seconds("4294967295"), REG_DELTA_MAX);
	assert_int_equal(reg_delta_seconds("4294967296"), REG_DELTA_MAX);
	assert_int_equal(reg_delta_seconds("18446744073709551616"), REG_DELTA_MAX);
	assert_int_equal(reg_delta_seconds("99999999999999999999999999"), REG_DELTA_MAX);
	assert_int_equal(reg_delta_seconds("abc"), 3600); /* RFC 3261 §10.2.1.1 */
	assert_int_equal(reg_delta_seconds("-1"), 3600);
	assert_int_equal(reg_delta_seconds("12x"), 3600);
	assert_int_equal(reg_delta_seconds(""), 3600);
}

/* A binding that runs out -> SAR TIMEOUT_DEREGISTRATION, record gone. */
static void test_binding_timeout(void **state)
{
	(void)state;
	contact.expires = 60;
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	contact.expires = -1;
	assert_int_equal(got.status, 200);
	assert_non_null(strstr(got.contact, ";expires=60"));
	now_val += 59000;
	registrar_tick(reg);
	assert_int_equal(nsent, 2);
	now_val += 1000;
	registrar_tick(reg);
	assert_int_equal(nsent, 3);
	assert_int_equal(req_u32(AVP_CX_SERVER_ASSIGNMENT_TYPE), CX_SAT_TIMEOUT_DEREGISTRATION);
	assert_int_equal(bind_count(registrar_bindings(reg)), 0);
	answer(DIAM_SUCCESS, false, false);
	assert_int_equal(registrar_pending(reg), 0);
}

/* The head of an HSS-initiated Cx request to us (TS 29.229 §6.1.9, §6.1.13),
 * Hop-by-Hop hbh. */
static void hss_request_head(struct diam_wr *w, uint8_t *buf, size_t cap, uint32_t cmd,
			     uint32_t hbh)
{
	diam_wr_init(w, buf, cap);
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, DIAM_APP_CX, hbh, hbh + 1);
	diam_put_str(w, AVP_SESSION_ID, 0, "hss;1;2");
	diam_put_vendor_app(w, DIAM_VENDOR_3GPP, DIAM_APP_CX);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, "hss." REALM);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_str(w, AVP_DESTINATION_HOST, 0, cfg.origin_host);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, REALM);
}

/* RTR (TS 29.228 §6.1.3) naming only the tel: IMPU drops the binding of
 * its implicit set (registered as the sip: IMPU) and answers 2001. */
static void test_rtr(void **state)
{
	struct diam_wr w;
	struct diam_msg req, rta;
	uint8_t buf[1024], out[1024];
	uint32_t rc = 0;
	ssize_t n;

	(void)state;
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(bind_count(registrar_bindings(reg)), 1);
	hss_request_head(&w, buf, sizeof(buf), DIAM_CMD_RT, 7);
	diam_put_str(&w, AVP_USER_NAME, 0, IMPI);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP, "tel:+15550000002");
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &req), 0);
	/* An IMPU outside the set: nothing dropped, still 2001. */
	n = registrar_on_rtr(reg, &req, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(bind_count(registrar_bindings(reg)), 1);
	/* The tel: IMPU of the set. */
	char *tel = memmem(buf, sizeof(buf), "tel:+15550000002", 16);
	assert_non_null(tel);
	tel[15] = '1';
	n = registrar_on_rtr(reg, &req, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(bind_count(registrar_bindings(reg)), 0);
	assert_int_equal(diam_msg_parse(out, (size_t)n, &rta), 0);
	assert_int_equal(rta.hdr.code, DIAM_CMD_RT);
	assert_int_equal(rta.hdr.flags & DIAM_FLAG_R, 0);
	assert_int_equal(rta.hdr.hbh, 7);
	assert_int_equal(diam_msg_u32(&rta, AVP_RESULT_CODE, 0, &rc), 0);
	assert_int_equal(rc, DIAM_SUCCESS);
}

/* A PPR (TS 29.229 §6.1.13) for IMPI with User-Data and/or charging names;
 * returns the PPA's result code (experimental in *exp). */
static uint32_t push(const char *impi, const char *user_data, const char *ecf, bool *exp)
{
	struct diam_wr w;
	struct diam_msg req, ppa;
	uint8_t buf[2048], out[1024];
	uint32_t rc = 0;
	ssize_t n;

	hss_request_head(&w, buf, sizeof(buf), DIAM_CMD_PP, 9);
	if (impi)
		diam_put_str(&w, AVP_USER_NAME, 0, impi);
	if (user_data)
		diam_put_octets(&w, AVP_CX_USER_DATA, DIAM_VENDOR_3GPP, user_data,
				strlen(user_data));
	if (ecf) {
		diam_group_begin(&w, AVP_CX_CHARGING_INFORMATION, DIAM_VENDOR_3GPP);
		diam_put_str(&w, AVP_CX_PRIMARY_ECF_NAME, DIAM_VENDOR_3GPP, ecf);
		diam_group_end(&w);
	}
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &req), 0);
	n = registrar_on_ppr(reg, &req, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(out, (size_t)n, &ppa), 0);
	assert_int_equal(ppa.hdr.code, DIAM_CMD_PP);
	assert_int_equal(ppa.hdr.flags & DIAM_FLAG_R, 0);
	assert_int_equal(ppa.hdr.hbh, 9);
	assert_int_equal(diam_msg_result(&ppa, &rc, exp), 0);
	return rc;
}

/* PPR: the registered binding takes the pushed profile (barring, a new
 * IMPU of the set, the iFC's AS, charging); an unknown IMPI is 5001, a
 * User-Data that is no IMS subscription 5009, no User-Name 5005. */
static void test_ppr(void **state)
{
	static const char *const PUSHED =
		"<?xml version=\"1.0\"?><IMSSubscription><PrivateID>" IMPI "</PrivateID>"
		"<ServiceProfile><PublicIdentity><BarringIndication>0</BarringIndication>"
		"<Identity>" IMPU "</Identity></PublicIdentity><PublicIdentity>"
		"<BarringIndication>1</BarringIndication><Identity>tel:+15550000001</Identity>"
		"</PublicIdentity><PublicIdentity><Identity>sip:alias@" REALM "</Identity>"
		"</PublicIdentity><InitialFilterCriteria><Priority>0</Priority>"
		"<ApplicationServer><ServerName>sip:as." REALM "</ServerName>"
		"</ApplicationServer></InitialFilterCriteria></ServiceProfile></IMSSubscription>";
	struct binding_rec *b;
	bool exp = true;

	(void)state;
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	b = bind_find(registrar_bindings(reg), IMPU);
	assert_non_null(b);
	assert_string_equal(b->assoc, "<" IMPU ">, <tel:+15550000001>");
	assert_string_equal(b->profile.barred, "");
	assert_int_equal(b->profile.ifc, 0);

	assert_int_equal(push(IMPI, PUSHED, NULL, &exp), DIAM_SUCCESS);
	assert_false(exp);
	assert_string_equal(b->assoc, "<" IMPU ">, <tel:+15550000001>, <sip:alias@" REALM ">");
	assert_string_equal(b->profile.barred, "<tel:+15550000001>");
	assert_int_equal(b->profile.ifc, 1);
	assert_string_equal(b->profile.as, "sip:as." REALM);
	assert_int_equal(b->profile.pushed, 1);
	assert_int_equal(push(IMPI, NULL, "aaa://ecf." REALM, &exp), DIAM_SUCCESS);
	assert_string_equal(b->profile.ecf, "aaa://ecf." REALM);
	assert_string_equal(b->profile.ccf, "");
	assert_string_equal(b->profile.barred, "<tel:+15550000001>"); /* kept */
	assert_int_equal(b->profile.pushed, 2);

	assert_int_equal(push("nobody@" REALM, PUSHED, NULL, &exp), CX_ERROR_USER_UNKNOWN);
	assert_true(exp);
	assert_int_equal(push(IMPI, "<html>not a profile</html>", NULL, &exp), 5009);
	assert_true(exp);
	assert_int_equal(b->profile.pushed, 2); /* nothing applied */
	assert_int_equal(push(NULL, PUSHED, NULL, &exp), DIAM_MISSING_AVP);
	assert_false(exp);
}

/* A nonce past nonce-ttl -> new MAR, 401 with stale=true. */
static void test_stale_nonce(void **state)
{
	(void)state;
	challenge_ex1();
	now_val += (uint64_t)cfg.nonce_ttl * 1000u;
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(nsent, 2);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_non_null(strstr(got.www, ", stale=true"));
}

/* A REGISTER answered 200, then retransmitted (its 200 lost, the UE's
 * Timer E after nta's Timer J let it through): within nonce-ttl its nc is
 * a replay (403, no Diameter); past nonce-ttl, while the registrar keeps
 * the answered nonce's tombstone for the grace (vectors.c: no key
 * material left), and after the grace, a 401 stale=true with a new MAR:
 * the same answers as when the whole vector stayed 90 s. */
static void test_answered_retransmitted(void **state)
{
	struct vstore *vs = registrar_vectors(reg);

	(void)state;
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 200);
	now_val += 6000;
	registrar_tick(reg);
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(got.status, 403);
	assert_int_equal(nsent, 2);
	now_val += (uint64_t)cfg.nonce_ttl * 1000u;
	registrar_tick(reg);
	assert_int_equal(vstore_count(vs), 1);
	assert_true(vstore_is_expired(vs, NONCE, now_val));
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(nsent, 3);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_non_null(strstr(got.www, ", stale=true"));
	/* That 401 carried EX1's nonce again: answered, then left past
	 * nonce-ttl and the grace at once. */
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 200);
	now_val += (uint64_t)cfg.nonce_ttl * 1000u + 60000u;
	registrar_tick(reg); /* past nonce-ttl and the grace at once: freed */
	assert_int_equal(vstore_count(vs), 0);
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_non_null(strstr(got.www, ", stale=true"));
}

/* EX1's answer with nonce-count nc (RES as the AKAv1 password). */
static void ex1_auth_nc(unsigned nc, char *out, size_t outsz)
{
	uint8_t res[8];
	char ncs[9];
	struct digest_result dr;
	struct digest_input in = { .username = IMPI, .realm = REALM, .nonce = NONCE,
				   .uri = "sip:" REALM, .method = "REGISTER",
				   .qop = DIGEST_QOP_AUTH, .nc = ncs, .cnonce = "0a4f113b" };

	snprintf(ncs, sizeof(ncs), "%08x", nc);
	hex_decode_exact("a54211d5e3ba50bf", res, 8);
	assert_int_equal(digest_compute(&in, res, 8, &dr), 0);
	snprintf(out, outsz, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
		 "uri=\"sip:%s\", response=\"%s\", qop=auth, nc=%s, cnonce=\"0a4f113b\"",
		 IMPI, REALM, NONCE, REALM, dr.response, ncs);
}

/* challenge=initial: the nonce stays good with a rising nc, no new MAR;
 * challenge=every: the same credentials get a fresh 401. */
static void test_challenge_policy(void **state)
{
	char a[1024];

	(void)state;
	cfg.challenge = SCSCF_CHALLENGE_INITIAL;
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 200);
	ex1_auth_nc(2, a, sizeof(a));
	send_register(a, 600, true);
	assert_int_equal(nsent, 3); /* SAR, no MAR */
	assert_int_equal(req_u32(AVP_CX_SERVER_ASSIGNMENT_TYPE), CX_SAT_RE_REGISTRATION);
	answer(DIAM_SUCCESS, false, false); /* no User-Data: the set is kept */
	assert_int_equal(got.status, 200);
	assert_string_equal(got.pau, "<" IMPU ">, <tel:+15550000001>");
	cfg.challenge = SCSCF_CHALLENGE_EVERY;
	ex1_auth_nc(3, a, sizeof(a));
	send_register(a, 600, true);
	assert_int_equal(nsent, 4);
	{
		struct diam_msg m;
		last_req(&m);
		assert_int_equal(m.hdr.code, DIAM_CMD_MA);
	}
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_null(strstr(got.www, "stale"));
}

/* ---- SIP fault rules (fault.h) through the registrar --------------------- */
static void set_faults(const char *rule)
{
	char err[256];

	assert_int_equal(registrar_set_faults(reg, &rule, rule ? 1 : 0, err, sizeof(err)), 0);
}

/* status:CODE answers without asking the HSS; `on=initial` leaves answers
 * alone, count=1 is spent after one. */
static void test_fault_status(void **state)
{
	(void)state;
	set_faults("status:503 retry-after=7 on=initial count=1");
	send_register(NULL, 600, true);
	assert_int_equal(got.status, 503);
	assert_int_equal(got.retry_after, 7);
	assert_int_equal(nsent, 0);
	challenge_ex1(); /* spent: the next one is challenged */
	set_faults("status:423 min-expires=900");
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(got.status, 423);
	assert_int_equal(got.min_expires, 900);
	set_faults("status:423");
	send_register(NULL, 600, true);
	assert_int_equal(got.min_expires, cfg.min_expires);
	set_faults("drop user=*999*");   /* another user: not dropped */
	send_register(NULL, 600, true);
	assert_int_equal(nsent, 2);
	answer(DIAM_SUCCESS, false, true);
	set_faults("drop every=2");
	nreplies = 0;
	send_register(NULL, 600, true); /* 1st: through (MAR) */
	assert_int_equal(nsent, 3);
	answer(DIAM_SUCCESS, false, true);
	nreplies = 0;
	send_register(NULL, 600, true); /* 2nd: dropped, status 0 = no response */
	assert_int_equal(nreplies, 1);
	assert_int_equal(got.status, 0);
	assert_int_equal(nsent, 3);
}

/* challenge-twice / stale-nonce: a right answer gets a new 401 from a new
 * MAR; the answer to that one registers (not faulted twice). */
static void test_fault_rechallenge(void **state)
{
	(void)state;
	set_faults("stale-nonce");
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(nsent, 2);
	assert_int_equal(req_u32(AVP_CX_SIP_NUMBER_AUTH_ITEMS), 1); /* a MAR, not a SAR */
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_non_null(strstr(got.www, "stale=true"));
	send_register(EX1_AUTH, 600, true);
	assert_int_equal(req_u32(AVP_CX_SERVER_ASSIGNMENT_TYPE), CX_SAT_REGISTRATION);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 200);
	set_faults("challenge-twice");
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 401);
	assert_null(strstr(got.www, "stale"));
}

static void test_fault_omit_and_deregister(void **state)
{
	(void)state;
	set_faults("omit:Service-Route");
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 200);
	assert_string_equal(got.sr, "");
	assert_string_equal(got.pau, "<" IMPU ">, <tel:+15550000001>");
	set_faults("deregister-after:5 count=1");
	challenge_ex1();
	send_register(EX1_AUTH, 600, true);
	answer(DIAM_SUCCESS, false, true);
	assert_int_equal(got.status, 200);
	assert_int_equal(bind_count(registrar_bindings(reg)), 1);
	now_val += 4000;
	registrar_tick(reg);
	assert_int_equal(bind_count(registrar_bindings(reg)), 1);
	now_val += 1500;
	registrar_tick(reg); /* due: bindings gone, the HSS told */
	assert_int_equal(bind_count(registrar_bindings(reg)), 0);
	assert_int_equal(req_u32(AVP_CX_SERVER_ASSIGNMENT_TYPE),
			 CX_SAT_ADMINISTRATIVE_DEREGISTRATION);
	answer(DIAM_SUCCESS, false, false);
	assert_int_equal(registrar_pending(reg), 0);
}

/* Issue 16: one source fills max_pending; the reserve (25 % more) is for
 * the sources holding fewer than the reserve, so a normal load keeps
 * going while a flood from another address waits for the HSS. A single
 * source (a P-CSCF) gets max_pending as before. */
static void test_pending_reserve(void **state)
{
	(void)state;
	registrar_free(reg);
	cfg.max_pending = 8; /* reserve: 2 */
	reg = registrar_new(&cfg, &(struct reg_ops){ .cx_send = fake_send, .reply = fake_reply,
						     .now_ms = fake_now });
	assert_non_null(reg);
	for (int i = 0; i < 8; i++)
		register_from("192.0.2.66");
	assert_int_equal(registrar_pending(reg), 8);
	assert_int_equal(nreplies, 0);
	register_from("192.0.2.66"); /* the flood: max_pending is its limit */
	assert_int_equal(got.status, 503);
	assert_int_equal(got.retry_after, cfg.retry_after);
	assert_int_equal(nreplies, 1);
	register_from("192.0.2.1"); /* another source: into the reserve */
	register_from("192.0.2.1");
	assert_int_equal(registrar_pending(reg), 10);
	assert_int_equal(nreplies, 1);
	register_from("192.0.2.2"); /* the reserve is full too */
	assert_int_equal(got.status, 503);
	assert_int_equal(nreplies, 2);
	sent[8].fn(sent[8].arg, -ETIMEDOUT, NULL, NULL); /* one of 192.0.2.1's ends */
	assert_int_equal(registrar_pending(reg), 9);
	register_from("192.0.2.66"); /* still over max_pending: refused */
	assert_int_equal(got.status, 503);
	register_from("192.0.2.2");
	assert_int_equal(registrar_pending(reg), 10);
	for (size_t i = 0; i < 8; i++) /* the flood's MARs end */
		sent[i].fn(sent[i].arg, -ETIMEDOUT, NULL, NULL);
	assert_int_equal(registrar_pending(reg), 2);
	register_from("192.0.2.66");
	assert_int_equal(registrar_pending(reg), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_response_no_sar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hss_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resync_mar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binding_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ppr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_nonce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_answered_retransmitted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_challenge_policy, setup, teardown),
		cmocka_unit_test(test_delta_seconds),
		cmocka_unit_test_setup_teardown(test_fault_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_rechallenge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_omit_and_deregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_reserve, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
