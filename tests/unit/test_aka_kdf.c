/* TS 33.220 Annex B KDF and KASME (TS 33.401 A.2), with the srsRAN_4G
 * known answer (lib/test/common/test_security_kdf.cc test_generate_k_asme,
 * reproduced with Python hmac), and the PLMN (SN id) encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aka/aka.h"
#include "util/hex.h"

static void h(const char *hex, uint8_t *out, size_t n)
{
	assert_int_equal(hex_decode_exact(hex, out, n), 0);
}

static void test_kasme_srsran(void **state)
{
	uint8_t ck[16], ik[16], sqn[6], ak[6], sqn_ak[6], plmn[3], kasme[32], want[32];

	(void)state;
	h("7bc15d69309cf3ec5d324404edd6f0f9", ck, 16);
	h("c15d69309cf3ec5d324404edd6f0f97b", ik, 16);
	h("0000000012d9", sqn, 6);
	h("5d69309cf3ec", ak, 6);
	h("d5ef4d8f33266902295d42f322a2f2cf11fb2ccc124c09b4d88d361597037990", want, 32);
	for (int i = 0; i < 6; i++)
		sqn_ak[i] = sqn[i] ^ ak[i];
	assert_int_equal(aka_plmn_encode("001", "01", plmn), 0);
	assert_int_equal(aka_kasme(ck, ik, plmn, sqn_ak, kasme), 0);
	assert_memory_equal(kasme, want, 32);
}

/* The generic KDF with the same input gives the same key. */
static void test_kdf_generic(void **state)
{
	uint8_t key[32], out[32], k2[32], plmn[3] = { 0x00, 0xf1, 0x10 };
	uint8_t sqn_ak[6] = { 0x5d, 0x69, 0x30, 0x9c, 0xe1, 0x35 };
	struct aka_kdf_param p[2] = { { plmn, 3 }, { sqn_ak, 6 } };

	(void)state;
	h("7bc15d69309cf3ec5d324404edd6f0f9c15d69309cf3ec5d324404edd6f0f97b", key, 32);
	assert_int_equal(aka_kdf(key, 32, 0x10, p, 2, out), 0);
	assert_int_equal(aka_kasme(key, key + 16, plmn, sqn_ak, k2), 0);
	assert_memory_equal(out, k2, 32);
	struct aka_kdf_param big = { plmn, 5000 };
	assert_int_equal(aka_kdf(key, 32, 0x10, &big, 1, out), AKA_EINVAL);
}

static void test_plmn(void **state)
{
	uint8_t p[3];

	(void)state;
	assert_int_equal(aka_plmn_encode("001", "01", p), 0);
	assert_memory_equal(p, "\x00\xf1\x10", 3);
	assert_int_equal(aka_plmn_encode("310", "410", p), 0);
	assert_memory_equal(p, "\x13\x00\x14", 3);
	assert_int_equal(aka_plmn_encode("262", "01", p), 0);
	assert_memory_equal(p, "\x62\xf2\x10", 3);
	assert_int_equal(aka_plmn_encode("01", "01", p), AKA_EINVAL);
	assert_int_equal(aka_plmn_encode("0a1", "01", p), AKA_EINVAL);
	assert_int_equal(aka_plmn_encode("001", "1", p), AKA_EINVAL);
	assert_int_equal(aka_plmn_encode("001", "0123", p), AKA_EINVAL);
	assert_int_equal(aka_plmn_encode("001", "x1", p), AKA_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kasme_srsran),
		cmocka_unit_test(test_kdf_generic),
		cmocka_unit_test(test_plmn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
