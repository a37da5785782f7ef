/* The pretty-printer against golden text (tests/golden/diameter/):
 * a MAA with key material masked, the same with show_keys, a CER, and a
 * malformed message. UPDATE_GOLDEN=1 rewrites the files (review the diff). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_golden.h"

#include "diameter/diam.h"
#include "diameter/print.h"

#define V3 DIAM_VENDOR_3GPP

static const uint8_t RAND_AUTN[32] = {
	0x7e, 0x2a, 0xe1, 0x0a, 0x71, 0x74, 0xaf, 0xb4, 0xb4, 0x49, 0x29, 0x6b, 0xa8, 0xb1, 0x00, 0xac,
	0xd1, 0xf5, 0xf1, 0xbb, 0xf1, 0x95, 0x80, 0x00, 0x34, 0xf3, 0xcb, 0x9c, 0x48, 0x3d, 0x08, 0xaa,
};
static const uint8_t XRES[8] = { 0xba, 0x9c, 0xb8, 0x8c, 0x41, 0x98, 0x45, 0x9a };
static const uint8_t CK[16] = { 0x2b, 0x01, 0xb7, 0x13, 0xac, 0x9b, 0x6f, 0x76,
				0x0a, 0x12, 0x21, 0xe1, 0xcd, 0xef, 0x54, 0x67 };

static ssize_t maa(uint8_t *b, size_t cap)
{
	struct diam_wr w;

	diam_wr_init(&w, b, cap);
	diam_put_hdr(&w, DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 0x11223344, 0x55667788);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf.ims.test;1;2");
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, 2001);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "hss.ims.test");
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "ims.test");
	diam_put_str(&w, AVP_USER_NAME, 0, "001010000000001@ims.test");
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, "sip:001010000000001@ims.test");
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, 1);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_u32(&w, AVP_CX_SIP_ITEM_NUMBER, V3, 1);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, "Digest-AKAv1-MD5");
	diam_put_octets(&w, AVP_CX_SIP_AUTHENTICATE, V3, RAND_AUTN, 32);
	diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, V3, XRES, 8);
	diam_put_octets(&w, AVP_CX_CONFIDENTIALITY_KEY, V3, CK, 16);
	diam_put_octets(&w, AVP_CX_INTEGRITY_KEY, V3, CK, 16);
	diam_group_end(&w);
	diam_put_avp_flags(&w, 494, DIAM_AVP_V, 50, "abc", 3);
	return diam_wr_finish(&w);
}

static ssize_t cer(uint8_t *b, size_t cap)
{
	struct diam_wr w;
	const uint8_t ip[4] = { 127, 0, 0, 1 };

	diam_wr_init(&w, b, cap);
	diam_put_hdr(&w, DIAM_FLAG_R, DIAM_CMD_CE, 0, 1, 2);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "scscf.ims.test");
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, "ims.test");
	diam_put_addr(&w, AVP_HOST_IP_ADDRESS, 0, 1, ip, 4);
	diam_put_u32(&w, AVP_VENDOR_ID, 0, V3);
	diam_put_str(&w, AVP_PRODUCT_NAME, 0, "CDiameterPeer");
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	diam_put_u32(&w, AVP_AUTH_APPLICATION_ID, 0, DIAM_APP_RELAY);
	diam_put_i32(&w, AVP_DISCONNECT_CAUSE, 0, 2);
	return diam_wr_finish(&w);
}

static void check_golden(const char *name, const char *got)
{
	golden_text("diameter", name, got);
}

static void test_maa_masked(void **state)
{
	uint8_t b[1024];
	char out[8192];
	ssize_t n = maa(b, sizeof(b));

	(void)state;
	assert_int_equal(diam_print_buf(out, sizeof(out), b, (size_t)n, 0), 0);
	assert_null(strstr(out, "ba9cb88c4198459a"));   /* XRES */
	assert_null(strstr(out, "2b01b713ac9b6f76"));   /* CK/IK */
	check_golden("maa_masked.txt", out);
}

static void test_maa_keys(void **state)
{
	uint8_t b[1024];
	char out[8192];
	ssize_t n = maa(b, sizeof(b));

	(void)state;
	assert_int_equal(diam_print_buf(out, sizeof(out), b, (size_t)n, DIAM_PRINT_SHOW_KEYS), 0);
	assert_non_null(strstr(out, "val=ba9cb88c4198459a"));
	check_golden("maa_keys.txt", out);
}

static void test_cer(void **state)
{
	uint8_t b[1024];
	char out[8192];
	ssize_t n = cer(b, sizeof(b));

	(void)state;
	assert_int_equal(diam_print_buf(out, sizeof(out), b, (size_t)n, 0), 0);
	check_golden("cer.txt", out);
}

static void test_malformed(void **state)
{
	uint8_t b[1024];
	char out[8192];
	ssize_t n = cer(b, sizeof(b));

	(void)state;
	b[20 + 6] = 0x01; /* Origin-Host length 0x116 overruns the message */
	assert_int_equal(diam_print_buf(out, sizeof(out), b, (size_t)n, 0), -1);
	check_golden("malformed.txt", out);
	assert_int_equal(diam_print_buf(out, sizeof(out), b, 10, 0), -1);
	assert_non_null(strstr(out, "shorter than a header"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maa_masked), cmocka_unit_test(test_maa_keys),
		cmocka_unit_test(test_cer), cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
