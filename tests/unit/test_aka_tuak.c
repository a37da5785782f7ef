/* TUAK (TS 35.231) against every TS 35.233 test set (tests/vectors/
 * tuak.tsv as handed out, and tuak-ts35233.tsv with all 6): each function
 * on its own, through aka_compute()/aka_keys_derive_opc(), and, where the
 * MAC fits AUTN, as vectors the USIM model accepts and resynchronises
 * with. The Keccak-f[1600] permutation is checked first against OpenSSL's
 * SHA3 (one sponge block each). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "aka/aka.h"
#include "aka/keccak.h"
#include "aka/tuak.h"
#include "util/hex.h"
#include "test_aka_tsv.h"

struct set {
	struct tuak_params p;
	uint8_t k[32], rand[16], sqn[6], amf[2], top[32], topc[32];
	uint8_t mac_a[32], mac_s[32], res[32], ck[32], ik[32], ak[6], ak_s[6];
};

/* Hex of any allowed width; returns the octet count. */
static size_t get_hex(const struct tsv *t, size_t r, const char *col, uint8_t *out, size_t max)
{
	const char *v = tsv_get(t, r, col);
	size_t n = 0;

	if (hex_decode(v, out, max, &n) || !n)
		fail_msg("row %zu column %s: bad hex '%s'", r, col, v);
	return n;
}

static void load_set(const struct tsv *t, size_t r, struct set *s)
{
	s->p.k_len = get_hex(t, r, "k", s->k, 32);
	get_hex(t, r, "rand", s->rand, 16);
	get_hex(t, r, "sqn", s->sqn, 6);
	get_hex(t, r, "amf", s->amf, 2);
	assert_int_equal(get_hex(t, r, "top", s->top, 32), 32);
	assert_int_equal(get_hex(t, r, "topc", s->topc, 32), 32);
	s->p.mac_len = get_hex(t, r, "mac_a", s->mac_a, 32);
	assert_int_equal(get_hex(t, r, "mac_s", s->mac_s, 32), s->p.mac_len);
	s->p.res_len = get_hex(t, r, "res", s->res, 32);
	s->p.ck_len = get_hex(t, r, "ck", s->ck, 32);
	s->p.ik_len = get_hex(t, r, "ik", s->ik, 32);
	get_hex(t, r, "ak", s->ak, 6);
	get_hex(t, r, "ak_s", s->ak_s, 6);
	s->p.iterations = (unsigned)atoi(tsv_get(t, r, "iterations"));
	assert_int_equal(tuak_params_check(&s->p), 0);
}

/* Each function on its own (TS 35.231 §6 naming). */
static void check_functions(const struct set *s)
{
	uint8_t topc[32], mac[32], res[32], ck[32], ik[32], ak[6];

	assert_int_equal(tuak_topc(&s->p, s->k, s->top, topc), 0);
	assert_memory_equal(topc, s->topc, 32);
	assert_int_equal(tuak_f1(&s->p, s->k, topc, s->rand, s->sqn, s->amf, mac), 0);
	assert_memory_equal(mac, s->mac_a, s->p.mac_len);
	assert_int_equal(tuak_f1star(&s->p, s->k, topc, s->rand, s->sqn, s->amf, mac), 0);
	assert_memory_equal(mac, s->mac_s, s->p.mac_len);
	assert_int_equal(tuak_f2345(&s->p, s->k, topc, s->rand, res, ck, ik, ak), 0);
	assert_memory_equal(res, s->res, s->p.res_len);
	assert_memory_equal(ck, s->ck, s->p.ck_len);
	assert_memory_equal(ik, s->ik, s->p.ik_len);
	assert_memory_equal(ak, s->ak, 6);
	assert_int_equal(tuak_f5star(&s->p, s->k, topc, s->rand, ak), 0);
	assert_memory_equal(ak, s->ak_s, 6);
}

static void keys_of(const struct set *s, struct aka_keys *keys)
{
	memset(keys, 0, sizeof(*keys));
	keys->algo = AKA_ALGO_TUAK;
	memcpy(keys->k, s->k, s->p.k_len);
	keys->res_len = s->p.res_len;
	keys->tuak = (struct aka_tuak){ .k_len = s->p.k_len, .mac_len = s->p.mac_len,
					.ck_len = s->p.ck_len, .ik_len = s->p.ik_len,
					.iterations = s->p.iterations };
}

/* The public API: TOPc from TOP, then every output with its length. */
static void check_api(const struct set *s)
{
	struct aka_keys keys;
	struct aka_out o;

	keys_of(s, &keys);
	assert_int_equal(aka_keys_derive_opc(&keys, s->top), 0);
	assert_memory_equal(keys.opc, s->topc, 32);
	assert_int_equal(aka_compute(&keys, s->rand, s->sqn, s->amf, &o), 0);
	assert_int_equal(o.mac_len, s->p.mac_len);
	assert_memory_equal(o.mac_a, s->mac_a, s->p.mac_len);
	assert_memory_equal(o.mac_s, s->mac_s, s->p.mac_len);
	assert_int_equal(o.res_len, s->p.res_len);
	assert_memory_equal(o.res, s->res, s->p.res_len);
	assert_int_equal(o.ck_len, s->p.ck_len);
	assert_memory_equal(o.ck, s->ck, s->p.ck_len);
	assert_int_equal(o.ik_len, s->p.ik_len);
	assert_memory_equal(o.ik, s->ik, s->p.ik_len);
	assert_memory_equal(o.ak, s->ak, 6);
	assert_memory_equal(o.ak_s, s->ak_s, 6);
}

/* A vector (AUTN has a 64-bit MAC: the sets with MAC 8) and the USIM's
 * answer to it: RES, and CK/IK reduced to their 128 least significant
 * bits, the same on both sides. */
static void check_vector(const struct set *s)
{
	struct aka_keys keys;
	struct aka_vector v;
	struct aka_usim_sqn us;
	struct aka_usim_result r;
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	uint64_t sqn = aka_sqn_get(s->sqn);

	keys_of(s, &keys);
	memcpy(keys.opc, s->topc, 32);
	if (s->p.mac_len != 8) {
		assert_int_equal(aka_vector_make_rand(&keys, sqn, s->amf, s->rand, &v), AKA_EINVAL);
		return;
	}
	assert_int_equal(aka_vector_make_rand(&keys, sqn, s->amf, s->rand, &v), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(v.autn[i], s->sqn[i] ^ s->ak[i]);
	assert_memory_equal(v.autn + 6, s->amf, 2);
	assert_memory_equal(v.autn + 8, s->mac_a, 8);
	assert_int_equal(v.xres_len, s->p.res_len);
	assert_memory_equal(v.xres, s->res, s->p.res_len);
	assert_memory_equal(v.ck, s->ck + s->p.ck_len - 16, 16);
	assert_memory_equal(v.ik, s->ik + s->p.ik_len - 16, 16);

	cfg.delta = 0; /* the sets' SQNs are far from a new card's 0 */
	aka_usim_sqn_init(&us, &cfg);
	assert_int_equal(aka_usim_authenticate(&keys, &us, v.rand, v.autn, &r), AKA_OK);
	assert_int_equal(r.sqn, sqn);
	assert_int_equal(r.res_len, s->p.res_len);
	assert_memory_equal(r.res, s->res, s->p.res_len);
	assert_memory_equal(r.ck, v.ck, 16);
	assert_memory_equal(r.ik, v.ik, 16);
}

static size_t run_file(const char *name)
{
	struct tsv t;
	struct set s;

	tsv_load_vectors(&t, name);
	for (size_t r = 0; r < t.nrows; r++) {
		memset(&s, 0, sizeof(s));
		load_set(&t, r, &s);
		check_functions(&s);
		check_api(&s);
		check_vector(&s);
	}
	tsv_free(&t);
	return t.nrows;
}

static void test_shipped_sets(void **state)
{
	(void)state;
	assert_int_equal(run_file("tuak.tsv"), 2);
}

static void test_all_ts35233_sets(void **state)
{
	(void)state;
	assert_int_equal(run_file("tuak-ts35233.tsv"), 6);
}

/* SHA3-n of a message shorter than one block is Π applied once to
 * M ‖ 0x06 ‖ 0…0 ‖ 0x80 (FIPS 202 padding, rate 200 - 2n/8 octets): the
 * same permutation, checked against OpenSSL's. */
static void sha3_via_keccak(const uint8_t *m, size_t len, size_t out_len, uint8_t *out)
{
	uint8_t st[KECCAK_STATE_LEN] = { 0 };
	size_t rate = KECCAK_STATE_LEN - 2 * out_len;

	memcpy(st, m, len);
	st[len] ^= 0x06;
	st[rate - 1] ^= 0x80;
	keccak_f1600(st);
	memcpy(out, st, out_len);
}

static void test_keccak_vs_openssl_sha3(void **state)
{
	static const struct { const char *name; size_t len; } md[] = {
		{ "SHA3-224", 28 }, { "SHA3-256", 32 }, { "SHA3-384", 48 }, { "SHA3-512", 64 },
	};
	uint8_t m[150], want[64], got[64];
	unsigned int n;

	(void)state;
	for (size_t i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 37 + 11);
	for (size_t d = 0; d < 4; d++) {
		size_t rate = KECCAK_STATE_LEN - 2 * md[d].len;

		for (size_t len = 0; len < rate; len += 7) {
			assert_int_equal(EVP_Digest(m, len, want, &n, EVP_get_digestbyname(md[d].name),
						    NULL), 1);
			sha3_via_keccak(m, len, md[d].len, got);
			assert_memory_equal(got, want, md[d].len);
		}
	}
}

/* TS 35.231 §5.1 lengths: refused by the table every program uses, by
 * aka_compute and by the vector/AUTS code that needs a 64-bit MAC. */
static void test_params(void **state)
{
	struct aka_keys keys = { .algo = AKA_ALGO_TUAK };
	uint8_t z[32] = { 0 }, auts[AKA_AUTS_LEN];
	struct aka_out o;
	struct aka_vector v;
	uint64_t sqn_ms;
	const char *why = NULL;

	(void)state;
	assert_int_equal(aka_algo_parse("TUAK"), AKA_ALGO_TUAK);
	assert_string_equal(aka_algo_name(AKA_ALGO_TUAK), "tuak");
	assert_int_equal(aka_res_len(&keys), 8);
	assert_int_equal(aka_k_len(&keys), 16);
	assert_int_equal(aka_op_len(&keys), 32);
	assert_int_equal(aka_mac_len(&keys), 8);
	assert_int_equal(aka_compute(&keys, z, z, z, &o), 0);
	assert_int_equal(o.ck_len, 16);
	assert_null(aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_RES_LEN, 32));
	assert_non_null(aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_RES_LEN, 12));
	assert_non_null(aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_K_LEN, 24));
	assert_non_null(aka_param_check(AKA_ALGO_TUAK, AKA_PARAM_ITERATIONS, 0));
	assert_null(aka_param_check(AKA_ALGO_XOR, AKA_PARAM_RES_LEN, 12));
	assert_non_null(aka_param_check(AKA_ALGO_MILENAGE, AKA_PARAM_RES_LEN, 4));
	assert_int_equal(aka_param_set(&keys, AKA_PARAM_MAC_LEN, 12, &why), -1);
	assert_non_null(strstr(why, "8, 16 or 32"));
	keys.res_len = 12;
	assert_int_equal(aka_compute(&keys, z, z, z, &o), AKA_EINVAL);
	keys.res_len = 0;
	keys.tuak.iterations = 0;
	keys.tuak.ck_len = 24;
	assert_int_equal(aka_compute(&keys, z, z, z, &o), AKA_EINVAL);
	keys.tuak.ck_len = 32;
	assert_int_equal(aka_param_set(&keys, AKA_PARAM_MAC_LEN, 16, &why), 0);
	assert_int_equal(aka_compute(&keys, z, z, z, &o), 0);
	assert_int_equal(o.mac_len, 16);
	assert_int_equal(aka_vector_make_rand(&keys, 1, z, z, &v), AKA_EINVAL);
	assert_int_equal(aka_auts_make(&keys, z, 1, auts), AKA_EINVAL);
	assert_int_equal(aka_auts_check(&keys, z, auts, &sqn_ms), AKA_EINVAL);
}

/* Resynchronisation with a 256-bit K: AUTS from the card's SQN_MS and
 * f5* and f1* over AMF 0000, checked and recovered by the HSS side. */
static void test_resync_256(void **state)
{
	struct aka_keys keys = { .algo = AKA_ALGO_TUAK, .res_len = 16,
				 .tuak = { .k_len = 32, .ck_len = 32, .ik_len = 32 } };
	uint8_t top[32], rand[16], auts[AKA_AUTS_LEN];
	uint64_t sqn_ms = 0;

	(void)state;
	for (int i = 0; i < 32; i++) {
		keys.k[i] = (uint8_t)(0xa0 + i);
		top[i] = (uint8_t)(0x11 * i);
	}
	memset(rand, 0x5a, sizeof(rand));
	assert_int_equal(aka_keys_derive_opc(&keys, top), 0);
	assert_int_equal(aka_auts_make(&keys, rand, 0x000000001234ULL, auts), 0);
	assert_int_equal(aka_auts_check(&keys, rand, auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 0x1234);
	auts[13] ^= 1;
	assert_int_equal(aka_auts_check(&keys, rand, auts, &sqn_ms), AKA_EMAC);
}

static void test_key128(void **state)
{
	uint8_t k[32], out[16];

	(void)state;
	for (int i = 0; i < 32; i++)
		k[i] = (uint8_t)i;
	aka_key128(k, 32, out);
	assert_memory_equal(out, k + 16, 16);
	aka_key128(k, 16, out);
	assert_memory_equal(out, k, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keccak_vs_openssl_sha3),
		cmocka_unit_test(test_shipped_sets),
		cmocka_unit_test(test_all_ts35233_sets),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_resync_256),
		cmocka_unit_test(test_key128),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	aka_thread_cleanup();
	return rc;
}
