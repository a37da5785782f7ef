/* MILENAGE against every TS 35.208 §4.3 test set (tests/vectors/
 * milenage.tsv as handed out, and milenage-ts35208.tsv with all 20), each
 * f-function on its own and through aka_compute()/aka_vector_make_rand(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "aka/aka.h"
#include "aka/milenage.h"
#include "util/hex.h"
#include "test_aka_tsv.h"

struct set {
	uint8_t k[16], rand[16], sqn[6], amf[2], op[16], opc[16];
	uint8_t mac_a[8], mac_s[8], res[8], ck[16], ik[16], ak[6], ak_s[6];
};

static void get_hex(const struct tsv *t, size_t r, const char *col, uint8_t *out, size_t n)
{
	const char *v = tsv_get(t, r, col);

	if (hex_decode_exact(v, out, n))
		fail_msg("row %zu column %s: bad hex '%s'", r, col, v);
}

static void load_set(const struct tsv *t, size_t r, struct set *s)
{
	get_hex(t, r, "K", s->k, 16);
	get_hex(t, r, "RAND", s->rand, 16);
	get_hex(t, r, "SQN", s->sqn, 6);
	get_hex(t, r, "AMF", s->amf, 2);
	get_hex(t, r, "OP", s->op, 16);
	get_hex(t, r, "OPc", s->opc, 16);
	get_hex(t, r, "MAC_A", s->mac_a, 8);
	get_hex(t, r, "MAC_S", s->mac_s, 8);
	get_hex(t, r, "RES", s->res, 8);
	get_hex(t, r, "CK", s->ck, 16);
	get_hex(t, r, "IK", s->ik, 16);
	get_hex(t, r, "AK", s->ak, 6);
	get_hex(t, r, "AK_S", s->ak_s, 6);
}

/* Each of the seven functions on its own (TS 35.206 naming). */
static void check_functions(const struct set *s)
{
	uint8_t opc[16], mac[8], res[8], ck[16], ik[16], ak[6];

	assert_int_equal(milenage_opc(s->k, s->op, opc), 0);
	assert_memory_equal(opc, s->opc, 16);
	assert_int_equal(milenage_f1(s->k, opc, s->rand, s->sqn, s->amf, mac), 0);
	assert_memory_equal(mac, s->mac_a, 8);
	assert_int_equal(milenage_f1star(s->k, opc, s->rand, s->sqn, s->amf, mac), 0);
	assert_memory_equal(mac, s->mac_s, 8);
	assert_int_equal(milenage_f2345(s->k, opc, s->rand, res, ck, ik, ak), 0);
	assert_memory_equal(res, s->res, 8);
	assert_memory_equal(ck, s->ck, 16);
	assert_memory_equal(ik, s->ik, 16);
	assert_memory_equal(ak, s->ak, 6);
	assert_int_equal(milenage_f5star(s->k, opc, s->rand, ak), 0);
	assert_memory_equal(ak, s->ak_s, 6);
}

/* The public API: aka_compute and a full vector with AUTN. */
static void check_api(const struct set *s)
{
	struct aka_keys keys = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	struct aka_out o;
	struct aka_vector v;

	memcpy(keys.k, s->k, 16);
	assert_int_equal(aka_opc_from_op(s->k, s->op, keys.opc), 0);
	assert_int_equal(aka_compute(&keys, s->rand, s->sqn, s->amf, &o), 0);
	assert_memory_equal(o.mac_a, s->mac_a, 8);
	assert_memory_equal(o.mac_s, s->mac_s, 8);
	assert_int_equal(o.res_len, 8);
	assert_memory_equal(o.res, s->res, 8);
	assert_memory_equal(o.ck, s->ck, 16);
	assert_memory_equal(o.ik, s->ik, 16);
	assert_memory_equal(o.ak, s->ak, 6);
	assert_memory_equal(o.ak_s, s->ak_s, 6);

	assert_int_equal(aka_vector_make_rand(&keys, aka_sqn_get(s->sqn), s->amf, s->rand, &v), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(v.autn[i], s->sqn[i] ^ s->ak[i]);
	assert_memory_equal(v.autn + 6, s->amf, 2);
	assert_memory_equal(v.autn + 8, s->mac_a, 8);
	assert_int_equal(v.xres_len, 8);
	assert_memory_equal(v.xres, s->res, 8);
	assert_memory_equal(v.ck, s->ck, 16);
	assert_memory_equal(v.ik, s->ik, 16);
	assert_int_equal(v.sqn, aka_sqn_get(s->sqn));
}

static size_t run_file(const char *name)
{
	struct tsv t;
	struct set s;

	tsv_load_vectors(&t, name);
	for (size_t r = 0; r < t.nrows; r++) {
		load_set(&t, r, &s);
		check_functions(&s);
		check_api(&s);
	}
	tsv_free(&t);
	return t.nrows;
}

static void test_shipped_sets(void **state)
{
	(void)state;
	assert_int_equal(run_file("milenage.tsv"), 4);
}

static void test_all_ts35208_sets(void **state)
{
	(void)state;
	assert_int_equal(run_file("milenage-ts35208.tsv"), 20);
}

/* TS 35.208 §4.3: test set 2 is printed with the values of set 1. */
static void test_set2_equals_set1(void **state)
{
	char path[512];
	struct tsv t;

	(void)state;
	snprintf(path, sizeof(path), "%s/milenage-ts35208.tsv", VECTORS_DIR);
	assert_int_equal(tsv_load(&t, path), 0);
	for (size_t c = 1; c < t.ncols; c++)
		assert_string_equal(t.rows[0][c], t.rows[1][c]);
	tsv_free(&t);
}

/* MILENAGE produces exactly 64 bits of RES; other lengths are refused. */
static void test_res_len(void **state)
{
	struct aka_keys keys = { .algo = AKA_ALGO_MILENAGE };
	uint8_t z[16] = { 0 };
	struct aka_out o;

	(void)state;
	assert_int_equal(aka_res_len(&keys), 8);
	keys.res_len = 16;
	assert_int_equal(aka_compute(&keys, z, z, z, &o), AKA_EINVAL);
	keys.algo = 7;
	keys.res_len = 8;
	assert_int_equal(aka_compute(&keys, z, z, z, &o), AKA_EINVAL);
	assert_int_equal(aka_algo_parse("MILENAGE"), AKA_ALGO_MILENAGE);
	assert_int_equal(aka_algo_parse("xor"), AKA_ALGO_XOR);
	assert_int_equal(aka_algo_parse("tuak"), AKA_ALGO_TUAK);
	assert_int_equal(aka_algo_parse("tuak2"), -1);
	assert_string_equal(aka_algo_name(AKA_ALGO_XOR), "xor");
}

static void test_sqn_codec(void **state)
{
	uint8_t b[6];

	(void)state;
	aka_sqn_put(0xff9bb4d0b607ULL, b);
	assert_memory_equal(b, "\xff\x9b\xb4\xd0\xb6\x07", 6);
	assert_int_equal(aka_sqn_get(b), 0xff9bb4d0b607ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_sets),
		cmocka_unit_test(test_all_ts35208_sets),
		cmocka_unit_test(test_set2_equals_set1),
		cmocka_unit_test(test_res_len),
		cmocka_unit_test(test_sqn_codec),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	aka_thread_cleanup();
	return rc;
}
