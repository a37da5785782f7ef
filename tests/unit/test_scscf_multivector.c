/* scscf-stub multi-vector MAR (TS 29.229 §6.3.15 SIP-Number-Auth-Items,
 * auth_items = 3): one MAA with three SIP-Auth-Data-Items, sent out of
 * order; the registrar challenges with item 1 (EX1 of digest-example.tsv,
 * TS 35.208 set 1), queues items 2 and 3 and uses them, in SIP-Item-Number
 * order, for the next challenges without a MAR; the queue goes on resync
 * (RFC 3310 §3.4), on expiry, and on de-registration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cx_msg.h"
#include "diameter/codes.h"
#include "diameter/diam.h"
#include "digest/digest.h"
#include "registrar.h"
#include "scscf_config.h"
#include "util/hex.h"
#include "vqueue.h"

#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define IMPI "001010000000001@" REALM
#define IMPU "sip:001010000000001@" REALM
#define NONCE1 "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=" /* EX1 RAND‖AUTN */
#define NONCE2 "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=" /* 32 x 0x02 */
#define NONCE3 "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=" /* 32 x 0x03 */

struct item {
	uint32_t no;
	const char *nonce, *xres;
};
/* Out of SIP-Item-Number order on purpose. */
static const struct item ITEMS[3] = {
	{ 3, NONCE3, "3333333333333333" },
	{ 1, NONCE1, "a54211d5e3ba50bf" }, /* EX1 XRES */
	{ 2, NONCE2, "2222222222222222" },
};

static struct {
	uint8_t buf[4096];
	size_t len;
	void (*fn)(void *, int, const struct diam_msg *, const char *);
	void *arg;
} sent[16];
static size_t nsent;
static int status;
static char www[1024];
static uint64_t now_val = 1000000;

static int fake_send(void *a, const uint8_t *buf, size_t len,
		     void (*fn)(void *, int, const struct diam_msg *, const char *), void *fnarg)
{
	(void)a;
	assert_true(nsent < 16 && len <= sizeof(sent[0].buf));
	memcpy(sent[nsent].buf, buf, len);
	sent[nsent].len = len;
	sent[nsent].fn = fn;
	sent[nsent].arg = fnarg;
	nsent++;
	return 0;
}

static void fake_reply(void *a, void *h, const struct reg_reply *r)
{
	(void)a, (void)h;
	status = r->status;
	snprintf(www, sizeof(www), "%s", r->www_authenticate ? r->www_authenticate : "");
}

static uint64_t fake_now(void) { return now_val; }

static struct scscf_config cfg;
static struct registrar *reg;

static int setup(void **state)
{
	struct reg_ops ops = { .cx_send = fake_send, .reply = fake_reply, .now_ms = fake_now };

	(void)state;
	scscf_config_defaults(&cfg);
	cfg.auth_items = 3;
	nsent = 0;
	reg = registrar_new(&cfg, &ops);
	return reg ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	registrar_free(reg);
	return 0;
}

static const struct reg_contact contact = { .uri = "sip:ue@192.0.2.1:5060", .expires = -1 };

static void send_register(const char *auth, int expires)
{
	struct reg_request q = { .handle = (void *)1, .impu = IMPU, .call_id = "c1@ue",
				 .request_uri = "sip:" REALM, .auth = auth,
				 .auth_len = auth ? strlen(auth) : 0, .contacts = &contact,
				 .n_contacts = 1, .expires = expires };
	registrar_handle(reg, &q);
}

/* The UE's AKAv1-MD5 answer to nonce (RES = the item's XRES as password). */
static void auth_for(const struct item *it, char *out, size_t outsz)
{
	uint8_t res[8];
	struct digest_result dr;
	struct digest_input in = { .username = IMPI, .realm = REALM, .nonce = it->nonce,
				   .uri = "sip:" REALM, .method = "REGISTER",
				   .qop = DIGEST_QOP_AUTH, .nc = "00000001",
				   .cnonce = "0a4f113b" };

	assert_int_equal(hex_decode_exact(it->xres, res, 8), 0);
	assert_int_equal(digest_compute(&in, res, 8, &dr), 0);
	snprintf(out, outsz, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
		 "uri=\"sip:%s\", response=\"%s\", qop=auth, nc=00000001, cnonce=\"0a4f113b\"",
		 IMPI, REALM, it->nonce, REALM, dr.response);
}

static void last_req(struct diam_msg *m)
{
	assert_true(nsent > 0);
	assert_int_equal(diam_msg_parse(sent[nsent - 1].buf, sent[nsent - 1].len, m), 0);
}

/* A success answer to req; an MAA carries ITEMS. */
static void build_answer(const struct diam_msg *req, uint8_t *buf, size_t cap,
			 struct diam_msg *ans)
{
	struct diam_wr w;
	uint8_t ra[32], xres[8], ck[16] = { 0 }, ik[16] = { 0 };
	ssize_t n;

	diam_wr_init(&w, buf, cap);
	diam_answer_begin(&w, req);
	diam_put_vendor_app(&w, DIAM_VENDOR_3GPP, DIAM_APP_CX);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "hss." REALM);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, REALM);
	if (req->hdr.code == DIAM_CMD_MA) {
		diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 3);
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(b64_decode(ITEMS[i].nonce, strlen(ITEMS[i].nonce), ra,
						    32), 32);
			hex_decode_exact(ITEMS[i].xres, xres, 8);
			diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
			diam_put_u32(&w, AVP_CX_SIP_ITEM_NUMBER, DIAM_VENDOR_3GPP, ITEMS[i].no);
			diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP,
				     CX_SCHEME_AKAV1);
			diam_put_octets(&w, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, ra, 32);
			diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, xres, 8);
			diam_put_octets(&w, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, ck, 16);
			diam_put_octets(&w, AVP_CX_INTEGRITY_KEY, DIAM_VENDOR_3GPP, ik, 16);
			diam_group_end(&w);
		}
	}
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, ans), 0);
}

static void answer(void)
{
	struct diam_msg req, ans;
	uint8_t buf[4096];

	last_req(&req);
	build_answer(&req, buf, sizeof(buf), &ans);
	sent[nsent - 1].fn(sent[nsent - 1].arg, 0, &ans, NULL);
}

static void assert_nonce(const char *nonce)
{
	char want[128];

	snprintf(want, sizeof(want), "nonce=\"%s\"", nonce);
	assert_int_equal(status, 401);
	assert_non_null(strstr(www, want));
}

/* Initial REGISTER -> one MAR asking 3 -> 401 with item 1, 2 queued. */
static void first_challenge(void)
{
	struct diam_msg m;
	uint32_t v = 0;
	size_t before = nsent;

	send_register(NULL, 600);
	assert_int_equal(nsent, before + 1);
	last_req(&m);
	assert_int_equal(m.hdr.code, DIAM_CMD_MA);
	assert_int_equal(diam_msg_u32(&m, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, &v), 0);
	assert_int_equal(v, 3);
	answer();
	assert_nonce(NONCE1);
	assert_int_equal(vqueue_count_impi(registrar_queue(reg), IMPI), 2);
}

static void register_with(const struct item *it)
{
	char a[1024];
	size_t before = nsent;

	auth_for(it, a, sizeof(a));
	send_register(a, 600);
	assert_int_equal(nsent, before + 1); /* the SAR */
	answer();
	assert_int_equal(status, 200);
}

/* cx_build_mar_n asks for n; cx_parse_maa_items sorts by SIP-Item-Number. */
static void test_parse_items_sorted(void **state)
{
	struct cx_ident id = { .origin_host = "scscf." REALM, .origin_realm = REALM,
			       .dest_realm = REALM, .server_name = "sip:scscf." REALM };
	struct cx_maa m[4];
	struct diam_msg req, ans;
	uint8_t rb[1024], ab[4096], ra[32];
	uint32_t v = 0;
	ssize_t n;

	(void)state;
	n = cx_build_mar_n(rb, sizeof(rb), &id, "s;1", 1, 2, IMPI, IMPU, CX_SCHEME_AKAV1, NULL, 0,
			   3);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(rb, (size_t)n, &req), 0);
	assert_int_equal(diam_msg_u32(&req, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, &v), 0);
	assert_int_equal(v, 3);
	build_answer(&req, ab, sizeof(ab), &ans);
	assert_int_equal(cx_parse_maa_items(&ans, m, 4), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct item *want = &ITEMS[i == 0 ? 1 : i == 1 ? 2 : 0];
		assert_int_equal(b64_decode(want->nonce, strlen(want->nonce), ra, 32), 32);
		assert_int_equal(m[i].authenticate_len, 32);
		assert_memory_equal(m[i].authenticate, ra, 32);
		assert_int_equal(m[i].res.code, DIAM_SUCCESS);
	}
	/* max cuts after sorting: the lowest item numbers stay. */
	assert_int_equal(cx_parse_maa_items(&ans, m, 1), 1);
	assert_int_equal(m[0].authorization_len, 8);
	assert_memory_equal(m[0].authorization, "\xa5\x42\x11\xd5\xe3\xba\x50\xbf", 8);
}

static void test_queue_used_in_order(void **state)
{
	(void)state;
	first_challenge();
	register_with(&ITEMS[1]); /* item 1: SAR, 200 */
	assert_int_equal(nsent, 2);
	/* challenge=every: the used nonce gets a new 401 from the queue. */
	send_register(NULL, 600);
	assert_int_equal(nsent, 2); /* no MAR */
	assert_nonce(NONCE2);
	register_with(&ITEMS[2]);
	assert_int_equal(nsent, 3); /* only the SAR */
	send_register(NULL, 600);
	assert_int_equal(nsent, 3);
	assert_nonce(NONCE3);
	assert_int_equal(vqueue_count(registrar_queue(reg)), 0);
	register_with(&ITEMS[0]);
	/* Queue empty: the next challenge asks the HSS again. */
	send_register(NULL, 600);
	assert_int_equal(nsent, 5);
}

static void test_resync_drops_queue(void **state)
{
	char a[512];

	(void)state;
	first_challenge();
	snprintf(a, sizeof(a), "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
		 "uri=\"sip:%s\", response=\"\", auts=\"AQIDBAUGBwgJCgsMDQ4=\"",
		 IMPI, REALM, NONCE1, REALM);
	send_register(a, 600);
	assert_int_equal(nsent, 2); /* MAR with RAND ‖ AUTS */
	assert_int_equal(vqueue_count(registrar_queue(reg)), 0);
	answer();
	assert_nonce(NONCE1); /* the fresh answer's item 1 */
	assert_int_equal(vqueue_count_impi(registrar_queue(reg), IMPI), 2);
}

static void test_queue_expires(void **state)
{
	(void)state;
	first_challenge();
	now_val += (uint64_t)cfg.nonce_ttl * 1000u;
	registrar_tick(reg);
	assert_int_equal(vqueue_count(registrar_queue(reg)), 0);
	send_register(NULL, 600);
	assert_int_equal(nsent, 2); /* a new MAR */
}

static void test_vqueue_basics(void **state)
{
	struct vqueue *q = vqueue_new(4);
	struct cx_maa a = { .authorization_len = 1 }, b = { .authorization_len = 2 }, out;

	(void)state;
	assert_non_null(q);
	assert_int_equal(vqueue_push(q, "x", &a, 100), 0);
	assert_int_equal(vqueue_push(q, "y", &a, 100), 0);
	assert_int_equal(vqueue_push(q, "x", &b, 200), 0);
	assert_int_equal(vqueue_count(q), 3);
	assert_int_equal(vqueue_pop(q, "x", 50, &out), 1);
	assert_int_equal(out.authorization_len, 1); /* first in, first out */
	assert_int_equal(vqueue_pop(q, "y", 150, &out), 0); /* expired: dropped */
	assert_int_equal(vqueue_count(q), 1);
	assert_int_equal(vqueue_del_impi(q, "x"), 1);
	assert_int_equal(vqueue_pop(q, "x", 0, &out), 0);
	vqueue_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parse_items_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_used_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resync_drops_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_expires, setup, teardown),
		cmocka_unit_test(test_vqueue_basics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
