/* common/diameter codec: builder/parser round trips, framing, typed
 * getters, iterator rejects (RFC 6733 §3, §4.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diameter/diam.h"
#include "diameter/dict.h"

static const char *const SID = "scscf.ims.mnc001.mcc001.3gppnetwork.org;1;2";

static ssize_t build_mar(uint8_t *buf, size_t cap)
{
	struct diam_wr w;
	static const uint8_t rand_auts[30] = { 1, 2, 3 };

	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 0x11223344,
		     0x55667788);
	diam_put_str(&w, AVP_SESSION_ID, 0, SID);
	diam_put_vendor_app(&w, DIAM_VENDOR_3GPP, DIAM_APP_CX);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "scscf.ims.mnc001.mcc001.3gppnetwork.org");
	diam_put_str(&w, AVP_USER_NAME, 0, "001010000000001@ims.mnc001.mcc001.3gppnetwork.org");
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP, "Digest-AKAv1-MD5");
	diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, rand_auts, 30);
	diam_group_end(&w);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, 3);
	diam_put_u64(&w, AVP_S6A_ITEM_NUMBER, DIAM_VENDOR_3GPP, 0x0102030405060708ull);
	return diam_wr_finish(&w);
}

static void test_round_trip(void **state)
{
	uint8_t buf[1024];
	struct diam_msg m;
	struct diam_avp a, b;
	char s[128];
	uint32_t u;
	uint64_t u64;
	ssize_t n = build_mar(buf, sizeof(buf));

	(void)state;
	assert_true(n > 0);
	assert_int_equal(n % 4, 0);
	assert_int_equal(diam_frame_len(buf, (size_t)n), n);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &m), 0);
	assert_int_equal(m.hdr.version, 1);
	assert_int_equal(m.hdr.length, n);
	assert_int_equal(m.hdr.flags, 0xc0);
	assert_int_equal(m.hdr.code, 303);
	assert_int_equal(m.hdr.app_id, 16777216);
	assert_int_equal(m.hdr.hbh, 0x11223344);
	assert_int_equal(m.hdr.e2e, 0x55667788);
	assert_int_equal(diam_msg_str(&m, AVP_SESSION_ID, 0, s, sizeof(s)), 0);
	assert_string_equal(s, SID);
	assert_int_equal(diam_msg_u32(&m, AVP_AUTH_SESSION_STATE, 0, &u), 0);
	assert_int_equal(u, 1);
	assert_int_equal(diam_msg_u32(&m, AVP_CX_SIP_NUMBER_AUTH_ITEMS, DIAM_VENDOR_3GPP, &u), 0);
	assert_int_equal(u, 3);
	/* Session-Id: 8 + 44 = 52, no vendor, M set by the dictionary. */
	assert_int_equal(diam_msg_find(&m, AVP_SESSION_ID, 0, &a), 0);
	assert_int_equal(a.flags, DIAM_AVP_M);
	assert_int_equal(a.raw_len, 8 + strlen(SID));
	/* Grouped: VSAI = 8 + 2 * 12 = 32. */
	assert_int_equal(diam_msg_find(&m, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, &a), 0);
	assert_int_equal(a.raw_len, 32);
	assert_int_equal(diam_group_find(&a, AVP_VENDOR_ID, 0, &b), 0);
	assert_int_equal(diam_avp_u32(&b, &u), 0);
	assert_int_equal(u, 10415);
	/* Vendor AVP: V+M, vendor id, nested OctetString with padding. */
	assert_int_equal(diam_msg_find(&m, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP, &a), 0);
	assert_int_equal(a.flags, DIAM_AVP_V | DIAM_AVP_M);
	assert_int_equal(a.vendor, 10415);
	assert_int_equal(diam_group_find(&a, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, &b), 0);
	assert_int_equal(b.len, 30);
	assert_int_equal(b.data[0], 1);
	assert_int_equal(b.data[2], 3);
	/* 12 + 16 + 12 + 30 (+2 pad) = 72 for the group (header 12). */
	assert_int_equal(a.raw_len, 12 + 28 + 44);
	assert_int_equal(diam_msg_find(&m, AVP_S6A_ITEM_NUMBER, DIAM_VENDOR_3GPP, &a), 0);
	assert_int_equal(diam_avp_u64(&a, &u64), 0);
	assert_true(u64 == 0x0102030405060708ull);
	assert_int_equal(diam_avp_u32(&a, &u), DIAM_ETYPE);
	assert_int_equal(diam_msg_find(&m, AVP_DESTINATION_HOST, 0, &a), DIAM_ENOENT);
	assert_int_equal(diam_msg_count(&m, AVP_USER_NAME, 0), 1);
}

static void test_header_rejects(void **state)
{
	uint8_t buf[1024];
	struct diam_msg m;
	ssize_t n = build_mar(buf, sizeof(buf));

	(void)state;
	assert_true(n > 0);
	assert_int_equal(diam_frame_len(buf, 3), 0);
	buf[0] = 2;
	assert_int_equal(diam_frame_len(buf, (size_t)n), -1);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &m), DIAM_EVERSION);
	buf[0] = 1;
	buf[4] |= 0x01; /* reserved bit */
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &m), DIAM_EBITS);
	buf[4] = DIAM_FLAG_R | DIAM_FLAG_E; /* E on a request */
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &m), DIAM_EBITS);
	buf[4] = DIAM_FLAG_R;
	assert_int_equal(diam_msg_parse(buf, (size_t)n - 4, &m), DIAM_ELENGTH);
	assert_int_equal(diam_msg_parse(buf, 12, &m), DIAM_ESHORT);
	buf[1] = 0; buf[2] = 0; buf[3] = 19;
	assert_int_equal(diam_frame_len(buf, 4), -1);
	buf[1] = 0x10; buf[2] = 0; buf[3] = 4; /* 1 MiB + 4 */
	assert_int_equal(diam_frame_len(buf, 4), -1);
}

static void test_iter_rejects(void **state)
{
	struct diam_iter it;
	struct diam_avp a;
	uint8_t short_len[12] = { 0, 0, 1, 7, 0x40, 0, 0, 7 };         /* len 7 < 8 */
	uint8_t v_short[12] = { 0, 0, 2, 0x58, 0xc0, 0, 0, 11 };      /* V with 11 */
	uint8_t overrun[12] = { 0, 0, 1, 1, 0x40, 0, 0, 13 };         /* 13 > 12 */
	uint8_t tail[4] = { 0 };

	(void)state;
	diam_iter_init(&it, short_len, sizeof(short_len));
	assert_int_equal(diam_iter_next(&it, &a), DIAM_ELENGTH);
	diam_iter_init(&it, v_short, sizeof(v_short));
	assert_int_equal(diam_iter_next(&it, &a), DIAM_ELENGTH);
	diam_iter_init(&it, overrun, sizeof(overrun));
	assert_int_equal(diam_iter_next(&it, &a), DIAM_ELENGTH);
	diam_iter_init(&it, tail, sizeof(tail));
	assert_int_equal(diam_iter_next(&it, &a), DIAM_ESHORT);
	diam_iter_init(&it, tail, 0);
	assert_int_equal(diam_iter_next(&it, &a), 0);
}

static void test_builder_overflow_sticky(void **state)
{
	uint8_t buf[64];
	struct diam_wr w;

	(void)state;
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_R, 280, 0, 1, 2);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "a-name-that-is-too-long-for-the-buffer.example.org");
	assert_int_equal(w.err, DIAM_ENOSPC);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001); /* no-op after the error */
	assert_int_equal(w.len, 20);
	assert_int_equal(diam_wr_finish(&w), DIAM_ENOSPC);

	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_R, 280, 0, 1, 2);
	diam_group_begin(&w, AVP_PROXY_INFO, 0);
	assert_int_equal(diam_wr_finish(&w), DIAM_EDEPTH);
}

static void test_typed_getters(void **state)
{
	uint8_t buf[256];
	struct diam_wr w;
	struct diam_msg m;
	struct diam_avp a;
	uint8_t v4[4] = { 127, 0, 0, 1 }, out[16];
	uint16_t fam;
	size_t alen;
	int32_t i;
	char s[4];
	ssize_t n;

	(void)state;
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, 0, 257, 0, 1, 2);
	diam_put_addr(&w, AVP_HOST_IP_ADDRESS, 0, 1, v4, 4);
	diam_put_i32(&w, AVP_DISCONNECT_CAUSE, 0, -2);
	diam_put_str(&w, AVP_PRODUCT_NAME, 0, "hssd");
	diam_put_octets(&w, AVP_USER_NAME, 0, "a\0b", 3);
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &m), 0);
	assert_int_equal(diam_msg_find(&m, AVP_HOST_IP_ADDRESS, 0, &a), 0);
	assert_int_equal(diam_avp_addr(&a, &fam, out, &alen), 0);
	assert_int_equal(fam, 1);
	assert_int_equal(alen, 4);
	assert_memory_equal(out, v4, 4);
	assert_int_equal(diam_msg_find(&m, AVP_DISCONNECT_CAUSE, 0, &a), 0);
	assert_int_equal(diam_avp_i32(&a, &i), 0);
	assert_int_equal(i, -2);
	/* Product-Name: M must not (RFC 6733 §5.3.7 table). */
	assert_int_equal(diam_msg_find(&m, AVP_PRODUCT_NAME, 0, &a), 0);
	assert_int_equal(a.flags, 0);
	assert_int_equal(diam_avp_str(&a, s, sizeof(s)), DIAM_ENOSPC);
	assert_int_equal(diam_msg_find(&m, AVP_USER_NAME, 0, &a), 0);
	assert_int_equal(diam_avp_str(&a, s, sizeof(s)), DIAM_ETYPE);
}

static void test_answer_begin(void **state)
{
	uint8_t req[512], ans[512];
	struct diam_msg m, am;
	struct diam_wr w;
	char s[128];
	ssize_t n = build_mar(req, sizeof(req));

	(void)state;
	assert_int_equal(diam_msg_parse(req, (size_t)n, &m), 0);
	diam_wr_init(&w, ans, sizeof(ans));
	diam_answer_begin(&w, &m);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	n = diam_wr_finish(&w);
	assert_int_equal(diam_msg_parse(ans, (size_t)n, &am), 0);
	assert_int_equal(am.hdr.flags, DIAM_FLAG_P);
	assert_int_equal(am.hdr.code, 303);
	assert_int_equal(am.hdr.app_id, DIAM_APP_CX);
	assert_int_equal(am.hdr.hbh, 0x11223344);
	assert_int_equal(am.hdr.e2e, 0x55667788);
	assert_int_equal(diam_msg_str(&am, AVP_SESSION_ID, 0, s, sizeof(s)), 0);
	assert_string_equal(s, SID);
}

static void test_ids(void **state)
{
	char a[128], b[128];
	uint32_t e1, e2;

	(void)state;
	diam_session_id("hss.example", a, sizeof(a));
	diam_session_id("hss.example", b, sizeof(b));
	assert_string_not_equal(a, b);
	assert_memory_equal(a, "hss.example;", 12);
	assert_int_not_equal(diam_next_hbh(), diam_next_hbh());
	e1 = diam_next_e2e();
	e2 = diam_next_e2e();
	assert_int_not_equal(e1, e2);
	assert_int_equal(e1 >> 20, e2 >> 20);
}

static void test_dict(void **state)
{
	const struct diam_dict_avp *d;

	(void)state;
	d = diam_dict_avp(AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP);
	assert_non_null(d);
	assert_string_equal(d->name, "Confidentiality-Key");
	assert_true(d->secret);
	assert_null(diam_dict_avp(494, 50));
	assert_int_equal(diam_dict_flags(AVP_CX_SAR_FLAGS, DIAM_VENDOR_3GPP), DIAM_AVP_V);
	assert_int_equal(diam_dict_flags(AVP_ERROR_MESSAGE, 0), 0);
	assert_string_equal(diam_dict_cmd_abbrev(DIAM_APP_CX, 303, true), "MAR");
	assert_string_equal(diam_dict_cmd_abbrev(DIAM_APP_S6A, 318, false), "AIA");
	assert_true(diam_dict_app_known(DIAM_APP_CX));
	assert_false(diam_dict_app_known(DIAM_APP_RELAY));
	assert_string_equal(diam_result_name(5005), "DIAMETER_MISSING_AVP");
	assert_string_equal(diam_dict_avp_by_name("KASME")->name, "KASME");
}

/* diam_msg_result: Result-Code first, else Experimental-Result-Code
 * (TS 29.229 §6.2.2 DIAMETER_ERROR_USER_UNKNOWN 5001), else none. */
static ssize_t build_answer(uint8_t *buf, size_t cap, int kind)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 1, 2);
	diam_put_str(&w, AVP_SESSION_ID, 0, SID);
	if (kind == 1)
		diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	else if (kind == 2)
		diam_put_exp_result(&w, DIAM_VENDOR_3GPP, 5001);
	return diam_wr_finish(&w);
}

static void test_msg_result(void **state)
{
	static const uint32_t want[3] = { 0, 2001, 5001 };
	uint8_t buf[256];
	struct diam_msg m;
	uint32_t code;
	bool exp;

	(void)state;
	for (int kind = 0; kind < 3; kind++) {
		ssize_t n = build_answer(buf, sizeof(buf), kind);

		assert_true(n > 0);
		assert_int_equal(diam_msg_parse(buf, (size_t)n, &m), 0);
		code = 0;
		exp = true;
		assert_int_equal(diam_msg_result(&m, &code, &exp), kind ? 0 : DIAM_ENOENT);
		assert_int_equal(code, want[kind]);
		assert_int_equal(exp, kind == 2);
	}
	assert_int_equal(diam_msg_result(&m, &code, NULL), 0); /* NULL flag allowed */
	assert_int_equal(code, 5001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_header_rejects),
		cmocka_unit_test(test_iter_rejects),    cmocka_unit_test(test_builder_overflow_sticky),
		cmocka_unit_test(test_typed_getters),   cmocka_unit_test(test_answer_begin),
		cmocka_unit_test(test_ids),             cmocka_unit_test(test_dict),
		cmocka_unit_test(test_msg_result),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
