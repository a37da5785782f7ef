/* ims-trace: Diameter extraction (Cx MAR resync, MAA vector, S6a AIA
 * E-UTRAN-Vector) from messages built with common/diameter (key lookup
 * from the store: test_trace_keydb.c). Values: TS 35.208 test set 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "diam_in.h"

#include "diameter/diam.h"
#include "util/hex.h"

#define IMPI "001010000000001@ims.mnc001.mcc001.3gppnetwork.org"

static const char *const rand_hex = "23553cbe9637a89d218ae64dae47bf35";
static const char *const autn_hex = "55f328b43577b9b94a9ffac354dfafb3";
static const char *const res_hex = "a54211d5e3ba50bf";
static const char *const ck_hex = "b40ba9a3c58b2a05bbf0d987b21bf8cb";

static void test_cx_mar_resync_and_maa(void **state)
{
	uint8_t buf[2048], ra[30], sa[32], xres[8], ck[16];
	struct diam_wr w;
	struct diam_info d;

	(void)state;
	hex_decode_exact(rand_hex, ra, 16);
	memset(ra + 16, 0x5c, 14); /* AUTS */
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 7, 8);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf;1;2");
	diam_put_str(&w, AVP_USER_NAME, 0, IMPI);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP, CX_SCHEME_AKAV1);
	diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, ra, 30);
	diam_group_end(&w);
	ssize_t n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_info_parse(buf, (size_t)n, &d), 0);
	assert_true(d.request);
	assert_int_equal(d.hbh, 7);
	assert_string_equal(d.user_name, IMPI);
	assert_string_equal(d.scheme, CX_SCHEME_AKAV1);
	assert_true(d.has_resync);
	assert_memory_equal(d.resync, ra, 30);

	hex_decode_exact(rand_hex, sa, 16);
	hex_decode_exact(autn_hex, sa + 16, 16);
	hex_decode_exact(res_hex, xres, 8);
	hex_decode_exact(ck_hex, ck, 16);
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 7, 8);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf;1;2");
	diam_put_exp_result(&w, DIAM_VENDOR_3GPP, CX_ERROR_USER_UNKNOWN);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_octets(&w, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, sa, 32);
	diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, xres, 8);
	diam_put_octets(&w, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, ck, 16);
	diam_group_end(&w);
	n = diam_wr_finish(&w);
	assert_int_equal(diam_info_parse(buf, (size_t)n, &d), 0);
	assert_false(d.request);
	assert_int_equal(diam_info_result(&d), 5001);
	assert_int_equal(d.nvec, 1);
	assert_memory_equal(d.vec[0].rand, sa, 16);
	assert_memory_equal(d.vec[0].autn, sa + 16, 16);
	assert_int_equal(d.vec[0].xres_len, 8);
	assert_memory_equal(d.vec[0].xres, xres, 8);
	assert_true(d.vec[0].has_ck);
	assert_false(d.vec[0].has_ik);
	char name[32];
	assert_string_equal(diam_info_name(&d, name, sizeof(name)), "MAA");
	/* truncated by one octet: the header check refuses it */
	assert_true(diam_info_parse(buf, (size_t)n - 1, &d) < 0);
}

static void test_s6a_aia_vector(void **state)
{
	uint8_t buf[1024], r[16], a[16], x[8], kasme[32];
	struct diam_wr w;
	struct diam_info d;

	(void)state;
	hex_decode_exact(rand_hex, r, 16);
	hex_decode_exact(autn_hex, a, 16);
	hex_decode_exact(res_hex, x, 8);
	memset(kasme, 0x11, 32);
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_P, DIAM_CMD_AI, DIAM_APP_S6A, 1, 2);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_group_begin(&w, AVP_S6A_AUTHENTICATION_INFO, DIAM_VENDOR_3GPP);
	diam_group_begin(&w, AVP_S6A_EUTRAN_VECTOR, DIAM_VENDOR_3GPP);
	diam_put_octets(&w, AVP_S6A_RAND, DIAM_VENDOR_3GPP, r, 16);
	diam_put_octets(&w, AVP_S6A_XRES, DIAM_VENDOR_3GPP, x, 8);
	diam_put_octets(&w, AVP_S6A_AUTN, DIAM_VENDOR_3GPP, a, 16);
	diam_put_octets(&w, AVP_S6A_KASME, DIAM_VENDOR_3GPP, kasme, 32);
	diam_group_end(&w);
	diam_group_end(&w);
	ssize_t n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_info_parse(buf, (size_t)n, &d), 0);
	assert_int_equal(diam_info_result(&d), 2001);
	assert_int_equal(d.nvec, 1);
	assert_string_equal(d.vec[0].scheme, "E-UTRAN-Vector");
	assert_memory_equal(d.vec[0].rand, r, 16);
	assert_memory_equal(d.vec[0].autn, a, 16);
	assert_memory_equal(d.vec[0].xres, x, 8);
	assert_true(d.vec[0].has_kasme);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cx_mar_resync_and_maa),
		cmocka_unit_test(test_s6a_aia_vector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
