/* The validator's every reject path (RFC 6733 §7.1, §7.5), each with the
 * expected Result-Code, Failed-AVP and close flag; plus the error answer
 * built from the verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "diameter/base.h"
#include "diameter/diam.h"
#include "diameter/dict.h"
#include "diameter/validate.h"

#define V3 DIAM_VENDOR_3GPP

enum { F_NONE = 0, F_NO_PUBID = 1, F_TWO_UNAME = 2, F_RESULT = 4, F_BAD_U32 = 8,
       F_UNKNOWN_M = 16, F_UNKNOWN_OPT = 32, F_AVP_BITS = 64, F_P_BIT = 128,
       F_BAD_GROUP = 256, F_BAD_UTF8 = 512, F_SURROGATE = 1024, F_ABOVE_MAX = 2048,
       F_VSAI_S6A = 4096 };

static ssize_t mar(uint8_t *buf, size_t cap, unsigned f)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 7, 9);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf.test;1;1");
	diam_put_vendor_app(&w, V3, f & F_VSAI_S6A ? DIAM_APP_S6A : DIAM_APP_CX);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "scscf.test");
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "test");
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, "test");
	diam_put_str(&w, AVP_USER_NAME, 0, "user@test");
	if (f & F_TWO_UNAME)
		diam_put_str(&w, AVP_USER_NAME, 0, "other@test");
	if (!(f & F_NO_PUBID))
		diam_put_avp_flags(&w, AVP_CX_PUBLIC_IDENTITY,
				   DIAM_AVP_V | DIAM_AVP_M | (f & F_P_BIT ? DIAM_AVP_P : 0), V3,
				   "sip:user@test", 13);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, "Digest-AKAv1-MD5");
	if (f & F_BAD_GROUP)
		diam_put_octets(&w, AVP_CX_SIP_ITEM_NUMBER, V3, "ab", 2);
	diam_group_end(&w);
	if (f & F_BAD_U32)
		diam_put_octets(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, "\0\0\1", 3);
	else
		diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, 1);
	/* RFC 3629 §4: a stray lead octet, a UTF-16 surrogate (U+D800),
	 * a code point above U+10FFFF (issue 16 item 9) */
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3,
		     f & F_BAD_UTF8    ? "sip:\xc3(scscf"
		     : f & F_SURROGATE ? "sip:\xed\xa0\x80scscf"
		     : f & F_ABOVE_MAX ? "sip:\xf4\x90\x80\x80scscf"
				       : "sip:scscf.test");
	if (f & F_RESULT)
		diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	if (f & F_UNKNOWN_M)
		diam_put_avp_flags(&w, 9999, DIAM_AVP_M, 0, "x", 1);
	if (f & F_UNKNOWN_OPT) /* Kamailio's SAR: AVP 494, vendor 50, V without M */
		diam_put_avp_flags(&w, 494, DIAM_AVP_V, 50, "call-id", 7);
	if (f & F_AVP_BITS)
		diam_put_avp_flags(&w, AVP_DESTINATION_HOST, DIAM_AVP_M | 0x01, 0, "h", 1);
	return diam_wr_finish(&w);
}

static int run(uint8_t *buf, size_t len, struct diam_verdict *v)
{
	return diam_validate(buf, len, DIAM_V_FULL, v);
}

static void test_valid(void **state)
{
	uint8_t b[1024];
	struct diam_verdict v;
	ssize_t n;

	(void)state;
	n = mar(b, sizeof(b), F_NONE);
	assert_int_equal(run(b, (size_t)n, &v), 0);
	/* Unknown non-mandatory AVP ignored; P bit on an AVP accepted. */
	n = mar(b, sizeof(b), F_UNKNOWN_OPT | F_P_BIT);
	assert_int_equal(run(b, (size_t)n, &v), 0);
}

static void test_message_level(void **state)
{
	uint8_t b[1024];
	struct diam_verdict v;
	ssize_t n = mar(b, sizeof(b), F_NONE);

	(void)state;
	assert_int_equal(run(b, 12, &v), DIAM_INVALID_MESSAGE_LENGTH);
	assert_true(v.close);
	assert_int_equal(run(b, (size_t)n - 4, &v), DIAM_INVALID_MESSAGE_LENGTH);
	assert_true(v.close);
	b[0] = 2;
	assert_int_equal(run(b, (size_t)n, &v), DIAM_UNSUPPORTED_VERSION);
	assert_true(v.close);
	b[0] = 1;
	b[4] |= 0x02;
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_HDR_BITS);
	assert_true(v.e_bit);
	assert_false(v.close);
	b[4] = DIAM_FLAG_R | DIAM_FLAG_P;
	b[7] = 99; /* command 0x00012f63 = unknown in Cx */
	assert_int_equal(run(b, (size_t)n, &v), DIAM_COMMAND_UNSUPPORTED);
	assert_true(v.e_bit);
	b[7] = 0x2f;
	b[8] = 0x01; b[11] = 0x77; /* application 0x01000077 */
	assert_int_equal(run(b, (size_t)n, &v), DIAM_APPLICATION_UNSUPPORTED);
}

static void test_avp_level(void **state)
{
	uint8_t b[1024];
	struct diam_verdict v;
	ssize_t n;

	(void)state;
	n = mar(b, sizeof(b), F_NO_PUBID);
	assert_int_equal(run(b, (size_t)n, &v), DIAM_MISSING_AVP);
	assert_true(v.has_failed);
	assert_int_equal(v.failed.code, AVP_CX_PUBLIC_IDENTITY);
	assert_int_equal(v.failed.vendor, V3);
	assert_int_equal(v.failed.flags, DIAM_AVP_V | DIAM_AVP_M);
	assert_int_equal(v.failed.raw_len, 13); /* header + one zero octet */
	assert_non_null(strstr(v.why, "Public-Identity"));

	n = mar(b, sizeof(b), F_TWO_UNAME);
	assert_int_equal(run(b, (size_t)n, &v), DIAM_AVP_OCCURS_TOO_MANY_TIMES);
	assert_int_equal(v.failed.code, AVP_USER_NAME);
	assert_memory_equal(v.failed.data, "other@test", 10); /* the one beyond the max */

	n = mar(b, sizeof(b), F_RESULT);
	assert_int_equal(run(b, (size_t)n, &v), DIAM_AVP_NOT_ALLOWED);
	assert_int_equal(v.failed.code, AVP_RESULT_CODE);

	n = mar(b, sizeof(b), F_BAD_U32);
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_VALUE);
	assert_int_equal(v.failed.code, AVP_CX_SIP_NUMBER_AUTH_ITEMS);
	assert_int_equal(v.failed.len, 3);

	n = mar(b, sizeof(b), F_BAD_GROUP); /* inside SIP-Auth-Data-Item */
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_VALUE);
	assert_int_equal(v.failed.code, AVP_CX_SIP_ITEM_NUMBER);

	for (unsigned f = F_BAD_UTF8; f <= F_ABOVE_MAX; f <<= 1) {
		n = mar(b, sizeof(b), f);
		assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_VALUE);
		assert_int_equal(v.failed.code, AVP_CX_SERVER_NAME);
	}

	n = mar(b, sizeof(b), F_UNKNOWN_M);
	assert_int_equal(run(b, (size_t)n, &v), DIAM_AVP_UNSUPPORTED);
	assert_int_equal(v.failed.code, 9999);
	assert_false(v.e_bit);

	n = mar(b, sizeof(b), F_AVP_BITS);
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_BITS);
	assert_true(v.e_bit);
	assert_int_equal(v.failed.code, AVP_DESTINATION_HOST);

	/* A Cx MAR whose Vendor-Specific-Application-Id names S6a (RFC 6733
	 * §6.11): 5004, the Auth-Application-Id in Failed-AVP */
	n = mar(b, sizeof(b), F_VSAI_S6A);
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_VALUE);
	assert_false(v.e_bit);
	assert_int_equal(v.failed.code, AVP_AUTH_APPLICATION_ID);
	assert_memory_equal(v.failed.data, "\x01\x00\x00\x23", 4);
}

static void test_avp_length(void **state)
{
	uint8_t b[1024];
	struct diam_verdict v;
	ssize_t n = mar(b, sizeof(b), F_NONE);
	/* Session-Id is the first AVP at offset 20: length 8 + 14 = 22. */

	(void)state;
	b[20 + 7] = 7; /* < 8 */
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_LENGTH);
	assert_int_equal(v.failed.code, AVP_SESSION_ID);
	assert_int_equal(v.failed.raw_len, 9);            /* header + one zero octet */
	assert_int_equal(v.failed.raw[7], 9);             /* rewritten: well formed */
	b[20 + 6] = 0x7f; /* overrun */
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_LENGTH);
	b[20 + 6] = 0; b[20 + 7] = 22;
	assert_int_equal(run(b, (size_t)n, &v), 0);
	/* V set with a length of 11 (< 12): turn Session-Id's flags into V|M. */
	b[20 + 4] = DIAM_AVP_V | DIAM_AVP_M;
	b[20 + 7] = 11;
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_AVP_LENGTH);
}

static void test_cer_without_host_ip(void **state)
{
	uint8_t b[512];
	struct diam_wr w;
	struct diam_verdict v;
	ssize_t n;

	(void)state;
	/* Kamailio's CER sometimes lacks Host-IP-Address: accepted. */
	diam_wr_init(&w, b, sizeof(b));
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_CE, 0, 1, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "scscf.test");
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "test");
	diam_put_u32(&w, AVP_VENDOR_ID, 0, V3);
	diam_put_str(&w, AVP_PRODUCT_NAME, 0, "CDiameterPeer");
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	diam_put_u32(&w, AVP_SUPPORTED_VENDOR_ID, 0, V3);
	n = diam_wr_finish(&w);
	assert_int_equal(diam_validate(b, (size_t)n, DIAM_V_FULL, &v), 0);
}

/* An answer with rc / exp (0 = absent) in its head. */
static ssize_t answer(uint8_t *buf, size_t cap, uint32_t cmd, uint32_t rc, uint32_t exp)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_put_hdr(&w, DIAM_FLAG_P, cmd, DIAM_APP_CX, 7, 9);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf.test;1;1");
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	if (rc)
		diam_put_u32(&w, AVP_RESULT_CODE, 0, rc);
	if (exp)
		diam_put_exp_result(&w, V3, exp);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "hss.test");
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "test");
	return diam_wr_finish(&w);
}

/* Answers' outcome (RFC 6733 §7.1, TS 29.229 §6.2): exactly one of
 * Result-Code and Experimental-Result; a 2xxx Experimental-Result only
 * where the command has one (UAA, LIA), never in an MAA or SAA. */
static void test_answer_result(void **state)
{
	uint8_t b[512];
	struct diam_verdict v;
	ssize_t n;

	(void)state;
	n = answer(b, sizeof(b), DIAM_CMD_MA, 2001, 0);
	assert_int_equal(run(b, (size_t)n, &v), 0);
	n = answer(b, sizeof(b), DIAM_CMD_MA, 0, 5001); /* user unknown: experimental */
	assert_int_equal(run(b, (size_t)n, &v), 0);
	n = answer(b, sizeof(b), DIAM_CMD_MA, 0, 2001);
	assert_int_equal(run(b, (size_t)n, &v), 5004);
	assert_true(v.has_failed);
	assert_int_equal(v.failed.code, AVP_EXPERIMENTAL_RESULT);
	assert_non_null(strstr(v.why, "MAA: success 2001 as Experimental-Result"));
	n = answer(b, sizeof(b), DIAM_CMD_SA, 0, 2002);
	assert_int_equal(run(b, (size_t)n, &v), 5004);
	n = answer(b, sizeof(b), DIAM_CMD_UA, 0, 2002); /* SUBSEQUENT_REGISTRATION */
	assert_int_equal(run(b, (size_t)n, &v), 0);
	n = answer(b, sizeof(b), DIAM_CMD_LI, 0, 2003);
	assert_int_equal(run(b, (size_t)n, &v), 0);
	n = answer(b, sizeof(b), DIAM_CMD_MA, 2001, 5001);
	assert_int_equal(run(b, (size_t)n, &v), 5008);
	assert_int_equal(v.failed.code, AVP_EXPERIMENTAL_RESULT);
	n = answer(b, sizeof(b), DIAM_CMD_SA, 0, 0);
	assert_int_equal(run(b, (size_t)n, &v), 5005);
	assert_int_equal(v.failed.code, AVP_RESULT_CODE);
	/* Structure-only checks (what hssd applies to answers) do not judge it. */
	assert_int_equal(diam_validate(b, (size_t)n, DIAM_V_STRUCTURE, &v), 0);
}

static void test_error_answer(void **state)
{
	uint8_t b[1024], a[1024];
	struct diam_verdict v;
	struct diam_local l = { .origin_host = "hss.test", .origin_realm = "test" };
	struct diam_msg m;
	struct diam_avp fa, inner;
	uint32_t rc;
	char s[64];
	ssize_t n = mar(b, sizeof(b), F_NO_PUBID);

	(void)state;
	assert_int_equal(run(b, (size_t)n, &v), DIAM_MISSING_AVP);
	n = diam_build_error_answer(a, sizeof(a), b, (size_t)n, &l, &v);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(a, (size_t)n, &m), 0);
	assert_int_equal(m.hdr.flags, DIAM_FLAG_P); /* 5xxx: no E bit */
	assert_int_equal(m.hdr.hbh, 7);
	assert_int_equal(m.hdr.e2e, 9);
	assert_int_equal(diam_msg_u32(&m, AVP_RESULT_CODE, 0, &rc), 0);
	assert_int_equal(rc, 5005);
	assert_int_equal(diam_msg_str(&m, AVP_SESSION_ID, 0, s, sizeof(s)), 0);
	assert_string_equal(s, "scscf.test;1;1");
	assert_int_equal(diam_msg_find(&m, AVP_FAILED_AVP, 0, &fa), 0);
	assert_int_equal(diam_group_find(&fa, AVP_CX_PUBLIC_IDENTITY, V3, &inner), 0);
	/* The answer itself passes structural validation. */
	assert_int_equal(diam_validate(a, (size_t)n, DIAM_V_STRUCTURE, &v), 0);

	/* 3008 → E bit set. */
	n = mar(b, sizeof(b), F_NONE);
	b[4] |= 0x01;
	assert_int_equal(run(b, (size_t)n, &v), DIAM_INVALID_HDR_BITS);
	n = diam_build_error_answer(a, sizeof(a), b, (size_t)n, &l, &v);
	assert_int_equal(diam_msg_parse(a, (size_t)n, &m), 0);
	assert_int_equal(m.hdr.flags, DIAM_FLAG_P | DIAM_FLAG_E);
}

/* Issue 16 item 5: a 3,000-octet bad AVP is quoted cut to
 * DIAM_FAILED_QUOTE_MAX octets (AVP Length rewritten), a long Session-Id
 * is echoed whole, and diam_error_answer_room() always fits. */
static void test_error_answer_bounded(void **state)
{
	static uint8_t b[8192], a[8192];
	static char sid[2200], bad[3000];
	struct diam_local l = { .origin_host = "hss.test", .origin_realm = "test" };
	struct diam_verdict v;
	struct diam_wr w;
	struct diam_msg m;
	struct diam_avp fa, q;
	size_t room;
	ssize_t n;

	(void)state;
	memset(sid, 'x', sizeof(sid) - 1);
	memset(bad, 0xff, sizeof(bad));
	diam_wr_init(&w, b, sizeof(b));
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 7, 9);
	diam_put_str(&w, AVP_SESSION_ID, 0, sid);
	diam_put_octets(&w, AVP_USER_NAME, 0, bad, sizeof(bad));
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	memset(&v, 0, sizeof(v));
	v.result_code = DIAM_INVALID_AVP_VALUE;
	v.has_failed = true;
	assert_int_equal(diam_msg_parse(b, (size_t)n, &m), 0);
	assert_int_equal(diam_msg_find(&m, AVP_USER_NAME, 0, &v.failed), 0);
	room = diam_error_answer_room(b, (size_t)n);
	assert_true(room > sizeof(sid) && room <= 2048 + sizeof(sid) + 16);
	n = diam_build_error_answer(a, room, b, (size_t)n, &l, &v);
	assert_true(n > 0 && (size_t)n <= room);
	assert_int_equal(diam_msg_parse(a, (size_t)n, &m), 0);
	assert_int_equal(diam_msg_find(&m, AVP_SESSION_ID, 0, &q), 0);
	assert_int_equal(q.len, sizeof(sid) - 1);
	assert_int_equal(diam_msg_find(&m, AVP_FAILED_AVP, 0, &fa), 0);
	assert_int_equal(diam_group_find(&fa, AVP_USER_NAME, 0, &q), 0);
	assert_int_equal(q.len, DIAM_FAILED_QUOTE_MAX);
	assert_memory_equal(q.data, bad, DIAM_FAILED_QUOTE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),        cmocka_unit_test(test_message_level),
		cmocka_unit_test(test_avp_level),    cmocka_unit_test(test_avp_length),
		cmocka_unit_test(test_cer_without_host_ip), cmocka_unit_test(test_error_answer),
		cmocka_unit_test(test_answer_result), cmocka_unit_test(test_error_answer_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
