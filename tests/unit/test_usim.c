/* ue-sim USIM model: AUTN checks against network-side vectors built from
 * TS 35.208 test set 1, the deliberate faults, resync AUTS and the
 * --usim-state file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aka/aka.h"
#include "usim.h"
#include "util/hex.h"

/* TS 35.208 §4.3 test set 1 */
#define SET1_K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OP "cdc202d5123e20f62b6d676ac72cb318"
#define SET1_OPC "cd63cb71954a9f4e48a5994e37a02baf"
#define SET1_RAND "23553cbe9637a89d218ae64dae47bf35"
#define SET1_RES "a54211d5e3ba50bf"
#define SET1_CK "b40ba9a3c58b2a05bbf0d987b21bf8cb"
#define SET1_IK "f769bcd751044604127672711c6d3441"
#define SET1_SQN 0xff9bb4d0b607ull

static void set1_cfg(struct usim_cfg *c, bool use_op)
{
	usim_cfg_default(c);
	assert_int_equal(hex_decode_exact(SET1_K, c->k, 16), 0);
	assert_int_equal(hex_decode_exact(use_op ? SET1_OP : SET1_OPC, c->op, 16), 0);
	c->op_is_opc = !use_op;
	c->amf[0] = 0xb9, c->amf[1] = 0xb9;
	c->sqn_set = true;
	c->sqn_ms = SET1_SQN - 32; /* one SEQ below the set's SQN, same IND */
}

/* Network side: the vector the HSS would send for set 1. */
static void set1_vector(struct aka_vector *v, uint64_t sqn)
{
	struct aka_keys keys = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	uint8_t rand[16], amf[2] = { 0xb9, 0xb9 };

	hex_decode_exact(SET1_K, keys.k, 16);
	hex_decode_exact(SET1_OPC, keys.opc, 16);
	hex_decode_exact(SET1_RAND, rand, 16);
	assert_int_equal(aka_vector_make_rand(&keys, sqn, amf, rand, v), AKA_OK);
}

static void assert_hex(const uint8_t *v, size_t len, const char *want)
{
	char got[65];

	hex_encode(v, len, got);
	assert_string_equal(got, want);
}

static void test_set1_ok_with_op_and_opc(void **state)
{
	(void)state;
	for (int use_op = 0; use_op <= 1; use_op++) {
		struct usim_cfg c;
		struct usim u;
		struct aka_vector v;
		struct aka_usim_result r;

		set1_cfg(&c, use_op);
		assert_int_equal(usim_init(&u, &c), AKA_OK);
		assert_hex(u.keys.opc, 16, SET1_OPC);
		set1_vector(&v, SET1_SQN);
		assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_OK);
		assert_int_equal(r.sqn, SET1_SQN);
		assert_int_equal(r.res_len, 8);
		assert_hex(r.res, 8, SET1_RES);
		assert_hex(r.ck, 16, SET1_CK);
		assert_hex(r.ik, 16, SET1_IK);
		assert_int_equal(aka_usim_sqn_ms(&u.sqn), SET1_SQN);
	}
}

static void test_faults_give_mac_failure(void **state)
{
	static const unsigned faults[] = { USIM_FAULT_WRONG_K, USIM_FAULT_OPC_AS_OP };
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct usim_cfg c;
		struct usim u;
		struct aka_vector v;
		struct aka_usim_result r;

		set1_cfg(&c, false);
		c.faults = faults[i];
		assert_int_equal(usim_init(&u, &c), AKA_OK);
		set1_vector(&v, SET1_SQN);
		assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_EMAC);
		assert_int_equal(aka_usim_sqn_ms(&u.sqn), SET1_SQN - 32); /* unchanged */
		/* the card's own AK = f5(K', RAND) and SQN = (SQN⊕AK) ⊕ AK', not zeros
		 * (ue-sim --explain shows them) */
		struct aka_out o;
		uint8_t zero[6] = { 0 }, sqn_b[6];
		assert_int_equal(aka_compute(&u.keys, v.rand, zero, v.autn + 6, &o), AKA_OK);
		assert_memory_equal(r.ak, o.ak, 6);
		assert_memory_not_equal(r.ak, zero, 6);
		for (int j = 0; j < 6; j++)
			sqn_b[j] = v.autn[j] ^ o.ak[j];
		assert_int_equal(r.sqn, aka_sqn_get(sqn_b));
		assert_true(r.sqn != SET1_SQN);
	}
	/* OP typed where OPc was meant: the card uses OP as OPc */
	struct usim_cfg c;
	struct usim u;
	set1_cfg(&c, true);
	c.faults = USIM_FAULT_OP_AS_OPC;
	assert_int_equal(usim_init(&u, &c), AKA_OK);
	assert_hex(u.keys.opc, 16, SET1_OP);
	assert_int_equal(usim_fault_parse("wrong-k"), USIM_FAULT_WRONG_K);
	assert_int_equal(usim_fault_parse("nope"), -1);
}

/* Replay of the same AUTN is a sync failure; the AUTS carries SQN_MS and
 * verifies on the HSS side (TS 33.102 §6.3.5). */
static void test_replay_gives_auts(void **state)
{
	struct usim_cfg c;
	struct usim u;
	struct aka_vector v;
	struct aka_usim_result r;
	struct aka_keys hss = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	uint64_t sqn_ms = 0;

	(void)state;
	set1_cfg(&c, false);
	assert_int_equal(usim_init(&u, &c), AKA_OK);
	set1_vector(&v, SET1_SQN);
	assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_OK);
	assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_ESYNC);
	hex_decode_exact(SET1_K, hss.k, 16);
	hex_decode_exact(SET1_OPC, hss.opc, 16);
	assert_int_equal(aka_auts_check(&hss, v.rand, r.auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, SET1_SQN);
}

/* A card far ahead of the HSS (SQN ahead fault): sync failure. */
static void test_card_ahead(void **state)
{
	struct usim_cfg c;
	struct usim u;
	struct aka_vector v;
	struct aka_usim_result r;

	(void)state;
	set1_cfg(&c, false);
	c.sqn_ms = SET1_SQN + (1000 << 5);
	assert_int_equal(usim_init(&u, &c), AKA_OK);
	set1_vector(&v, SET1_SQN);
	assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_ESYNC);
}

static void test_state_file_round_trip(void **state)
{
	char path[] = "/tmp/test_usim_stateXXXXXX";
	int fd = mkstemp(path);
	struct usim_cfg c;
	struct usim u, u2;
	struct aka_vector v;
	struct aka_usim_result r;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	set1_cfg(&c, false);
	c.state_path = path;
	assert_int_equal(usim_init(&u, &c), AKA_OK); /* no file yet */
	set1_vector(&v, SET1_SQN);
	assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_OK);
	/* A new run of the card: SQN_MS comes back from the file. */
	c.sqn_set = false;
	assert_int_equal(usim_init(&u2, &c), AKA_OK);
	assert_int_equal(aka_usim_sqn_ms(&u2.sqn), SET1_SQN);
	assert_int_equal(usim_authenticate(&u2, v.rand, v.autn, &r), AKA_ESYNC);
	/* garbage in the file is an error, not a silent reset */
	FILE *fp = fopen(path, "w");
	fputs("seq banana\n", fp);
	fclose(fp);
	assert_int_equal(usim_init(&u2, &c), USIM_ESTATE);
	unlink(path);
}

/* TS 35.233 test set 2's K (256 bits) and TOP; TOPc from the same set. */
#define T2_K "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0"
#define T2_TOP "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define T2_TOPC "305425427e18c503c8a4b294ea72c95d0c36c6c6b29d0c65de5974d5977f8524"

static void tuak_cfg(struct usim_cfg *c, bool use_top)
{
	usim_cfg_default(c);
	c->algo = AKA_ALGO_TUAK;
	assert_int_equal(hex_decode_exact(T2_K, c->k, 32), 0);
	c->k_len = 32;
	assert_int_equal(hex_decode_exact(use_top ? T2_TOP : T2_TOPC, c->op, 32), 0);
	c->op_len = 32;
	c->op_is_opc = !use_top;
	c->res_len = 16;
	c->tuak.ck_len = c->tuak.ik_len = 32;
}

/* A TUAK card with a 256-bit K answers the HSS's vector (TOPc derived on
 * the card from TOP, or given), hands back the 128-bit CK/IK the network
 * holds, and its AUTS after a replay verifies on the HSS side. */
static void test_tuak_card(void **state)
{
	struct aka_keys hss = { .algo = AKA_ALGO_TUAK, .res_len = 16,
				.tuak = { .k_len = 32, .ck_len = 32, .ik_len = 32 } };
	uint8_t rand[16] = { 1, 2, 3 }, amf[2] = { 0x80, 0 };
	struct usim_cfg c;
	struct usim u;
	struct aka_vector v;
	struct aka_usim_result r;
	uint64_t sqn_ms = 0;

	(void)state;
	hex_decode_exact(T2_K, hss.k, 32);
	hex_decode_exact(T2_TOPC, hss.opc, 32);
	assert_int_equal(aka_vector_make_rand(&hss, 64, amf, rand, &v), AKA_OK);
	for (int use_top = 0; use_top < 2; use_top++) {
		tuak_cfg(&c, use_top);
		assert_int_equal(usim_init(&u, &c), AKA_OK);
		assert_hex(u.keys.opc, 32, T2_TOPC);
		assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_OK);
		assert_int_equal(r.res_len, 16);
		assert_memory_equal(r.res, v.xres, 16);
		assert_memory_equal(r.ck, v.ck, 16);
		assert_memory_equal(r.ik, v.ik, 16);
	}
	assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_ESYNC);
	assert_int_equal(aka_auts_check(&hss, v.rand, r.auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 64);
	tuak_cfg(&c, false);
	c.faults = USIM_FAULT_WRONG_K;
	assert_int_equal(usim_init(&u, &c), AKA_OK);
	assert_int_equal(usim_authenticate(&u, v.rand, v.autn, &r), AKA_EMAC);
}

/* Lengths against the algorithm, named for the option that set them. */
static void test_cfg_check(void **state)
{
	struct usim_cfg c;
	struct usim u;
	const char *what = NULL;

	(void)state;
	tuak_cfg(&c, false);
	assert_null(usim_cfg_check(&c, &what));
	c.tuak.mac_len = 16;
	assert_non_null(strstr(usim_cfg_check(&c, &what), "64-bit MAC"));
	assert_string_equal(what, "mac-len");
	assert_int_equal(usim_init(&u, &c), AKA_EINVAL);
	tuak_cfg(&c, false);
	c.op_len = 16;
	assert_non_null(usim_cfg_check(&c, &what));
	assert_string_equal(what, "op");
	tuak_cfg(&c, false);
	c.res_len = 12;
	assert_non_null(usim_cfg_check(&c, &what));
	assert_string_equal(what, "res-len");
	set1_cfg(&c, false);
	c.k_len = 32;
	assert_non_null(usim_cfg_check(&c, &what));
	assert_string_equal(what, "k");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuak_card),
		cmocka_unit_test(test_cfg_check),
		cmocka_unit_test(test_set1_ok_with_op_and_opc),
		cmocka_unit_test(test_faults_give_mac_failure),
		cmocka_unit_test(test_replay_gives_auts),
		cmocka_unit_test(test_card_ahead),
		cmocka_unit_test(test_state_file_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
