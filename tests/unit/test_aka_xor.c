/* The XOR test algorithm (TS 34.108 §8.1.2) through the aka.h interface.
 * Known answers worked out by hand from the §8.1.2 steps (XDOUT = K ⊕ RAND,
 * RES = XDOUT[0..n-1], CK/IK = XDOUT rotated by 1/2 octets, AK = XDOUT[3..8],
 * MAC = XDOUT[0..7] ⊕ (SQN ‖ AMF)) and cross-checked with osmo-auc-gen
 * -a xor (libosmocore 1.7.0; it subtracts 32 from -s, so -s SQN+32). Case A
 * is also osmo-hlr's test_gen_vectors_3g_xor. */
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

static void expect_hex(const uint8_t *v, size_t n, const char *want)
{
	char got[65];

	hex_encode(v, n, got);
	assert_string_equal(got, want);
}

static void keys_xor(struct aka_keys *keys, const char *k, size_t res_len)
{
	memset(keys, 0, sizeof(*keys));
	keys->algo = AKA_ALGO_XOR;
	keys->res_len = res_len;
	h(k, keys->k, 16);
}

/* Case A: K = 00..0f, RAND b503.., SQN 0, AMF 0000, RES 128 bits. */
static void test_case_a(void **state)
{
	struct aka_keys keys;
	uint8_t rnd[16], amf[2] = { 0, 0 };
	struct aka_vector v;

	(void)state;
	keys_xor(&keys, "000102030405060708090a0b0c0d0e0f", 16);
	h("b5039c57e4a75051551d1a390a71ce48", rnd, 16);
	assert_int_equal(aka_vector_make_rand(&keys, 0, amf, rnd, &v), 0);
	assert_int_equal(v.xres_len, 16);
	expect_hex(v.xres, 16, "b5029e54e0a256565d141032067cc047");
	/* no length given: the default of every tool, 8 octets */
	keys.res_len = 0;
	assert_int_equal(aka_vector_make_rand(&keys, 0, amf, rnd, &v), 0);
	assert_int_equal(v.xres_len, AKA_XOR_RES_LEN_DEFAULT);
	assert_int_equal(AKA_XOR_RES_LEN_DEFAULT, 8);
	expect_hex(v.xres, 8, "b5029e54e0a25656");
	expect_hex(v.ck, 16, "029e54e0a256565d141032067cc047b5");
	expect_hex(v.ik, 16, "9e54e0a256565d141032067cc047b502");
	expect_hex(v.ak, 6, "54e0a256565d");
	expect_hex(v.autn, 16, "54e0a256565d0000b5029e54e0a25656");
}

/* Case B: TS 35.208 set 1 K/RAND/SQN/AMF run through XOR, RES 64 bits. */
static void test_case_b(void **state)
{
	struct aka_keys keys;
	uint8_t rnd[16], sqn[6], amf[2];
	struct aka_out o;
	struct aka_vector v;

	(void)state;
	keys_xor(&keys, "465b5ce8b199b49faa5f0a2ee238a6bc", 8);
	h("23553cbe9637a89d218ae64dae47bf35", rnd, 16);
	h("ff9bb4d0b607", sqn, 6);
	h("b9b9", amf, 2);
	assert_int_equal(aka_compute(&keys, rnd, sqn, amf, &o), 0);
	assert_int_equal(o.res_len, 8);
	expect_hex(o.res, 8, "650e605627ae1c02");
	expect_hex(o.ck, 16, "0e605627ae1c028bd5ec634c7f198965");
	expect_hex(o.ik, 16, "605627ae1c028bd5ec634c7f1989650e");
	expect_hex(o.ak, 6, "5627ae1c028b");
	expect_hex(o.ak_s, 6, "5627ae1c028b"); /* f5* = f5 */
	expect_hex(o.mac_a, 8, "9a95d48691a9a5bb");
	assert_int_equal(aka_vector_make_rand(&keys, aka_sqn_get(sqn), amf, rnd, &v), 0);
	expect_hex(v.autn, 16, "a9bc1accb48cb9b99a95d48691a9a5bb");
}

/* AUTS with XOR: (SQN_MS ⊕ AK) ‖ XDOUT[0..7] ⊕ (SQN_MS ‖ 0000); osmo-auc-gen
 * -a xor -A accepts this value and reports SQN.MS = ff9bb4d0b607. */
static void test_auts(void **state)
{
	struct aka_keys keys;
	uint8_t rnd[16], auts[14];
	uint64_t sqn_ms = 0;

	(void)state;
	keys_xor(&keys, "465b5ce8b199b49faa5f0a2ee238a6bc", 8);
	h("23553cbe9637a89d218ae64dae47bf35", rnd, 16);
	assert_int_equal(aka_auts_make(&keys, rnd, 0xff9bb4d0b607ULL, auts), 0);
	expect_hex(auts, 14, "a9bc1accb48c9a95d48691a91c02");
	assert_int_equal(aka_auts_check(&keys, rnd, auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 0xff9bb4d0b607ULL);
}

/* RES lengths 4..16 are XDOUT prefixes; others are refused. */
static void test_res_lengths(void **state)
{
	struct aka_keys keys;
	uint8_t rnd[16] = { 0 }, sqn[6] = { 0 }, amf[2] = { 0 };
	struct aka_out o;

	(void)state;
	keys_xor(&keys, "465b5ce8b199b49faa5f0a2ee238a6bc", 4);
	assert_int_equal(aka_compute(&keys, rnd, sqn, amf, &o), 0);
	assert_int_equal(o.res_len, 4);
	expect_hex(o.res, 4, "465b5ce8");
	keys.res_len = 3;
	assert_int_equal(aka_compute(&keys, rnd, sqn, amf, &o), AKA_EINVAL);
	keys.res_len = 17;
	assert_int_equal(aka_compute(&keys, rnd, sqn, amf, &o), AKA_EINVAL);
}

/* A test USIM running XOR against the network side: accept, then replay
 * gives AUTS whose SQN_MS the HSS recovers. */
static void test_usim_flow(void **state)
{
	struct aka_keys keys;
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	struct aka_usim_sqn card;
	struct aka_usim_result r;
	struct aka_vector v;
	uint8_t rnd[16], amf[2] = { 0x80, 0x00 };
	uint64_t sqn_ms = 0;

	(void)state;
	keys_xor(&keys, "465b5ce8b199b49faa5f0a2ee238a6bc", 8);
	h("23553cbe9637a89d218ae64dae47bf35", rnd, 16);
	aka_usim_sqn_init(&card, &cfg);
	assert_int_equal(aka_vector_make_rand(&keys, 64, amf, rnd, &v), 0);
	assert_int_equal(aka_usim_authenticate(&keys, &card, v.rand, v.autn, &r), AKA_OK);
	assert_memory_equal(r.res, v.xres, 8);
	assert_int_equal(aka_usim_authenticate(&keys, &card, v.rand, v.autn, &r), AKA_ESYNC);
	assert_int_equal(aka_auts_check(&keys, v.rand, r.auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_a),
		cmocka_unit_test(test_case_b),
		cmocka_unit_test(test_auts),
		cmocka_unit_test(test_res_lengths),
		cmocka_unit_test(test_usim_flow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
