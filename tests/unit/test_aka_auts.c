/* AUTS (TS 33.102 §6.3.3/§6.3.5) and the USIM's AUTN check, end to end
 * between the network side (aka_vector_make*) and the card model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aka/aka.h"
#include "util/hex.h"

static void h(const char *hex, uint8_t *out, size_t n)
{
	assert_int_equal(hex_decode_exact(hex, out, n), 0);
}

/* TS 35.208 set 1 subscriber. */
static void set1(struct aka_keys *k)
{
	memset(k, 0, sizeof(*k));
	k->algo = AKA_ALGO_MILENAGE;
	h("465b5ce8b199b49faa5f0a2ee238a6bc", k->k, 16);
	h("cd63cb71954a9f4e48a5994e37a02baf", k->opc, 16);
}

/* Known answer: TS 35.208 set 20 keys and RAND, SQN_MS = 1, MAC-S over
 * AMF 0000 (hostap tests/test-milenage.c milenage_auts case; osmo-auc-gen
 * -A reports SQN.MS 1 for it). */
static void test_auts_known_answer(void **state)
{
	struct aka_keys k = { .algo = AKA_ALGO_MILENAGE };
	uint8_t rnd[16], auts[14], want[14];
	uint64_t sqn_ms = 0;

	(void)state;
	h("90dca4eda45b53cf0f12d7c9c3bc6a89", k.k, 16);
	h("cb9cccc4b9258e6dca4760379fb82581", k.opc, 16);
	h("9fddc72092c6ad036b6e464789315b78", rnd, 16);
	h("4f2039392ddd4bb4316ed4a14688", want, 14);
	assert_int_equal(aka_auts_make(&k, rnd, 1, auts), 0);
	assert_memory_equal(auts, want, 14);
	assert_int_equal(aka_auts_check(&k, rnd, want, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 1);
}

static void test_auts_round_trip_and_corruption(void **state)
{
	struct aka_keys k;
	uint8_t rnd[16], auts[14];
	uint64_t sqn_ms = 0;

	(void)state;
	set1(&k);
	h("23553cbe9637a89d218ae64dae47bf35", rnd, 16);
	assert_int_equal(aka_auts_make(&k, rnd, 0x123456789aULL, auts), 0);
	assert_int_equal(aka_auts_check(&k, rnd, auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 0x123456789aULL);
	/* A flipped bit in MAC-S, or the wrong RAND: MAC failure. */
	auts[13] ^= 0x01;
	assert_int_equal(aka_auts_check(&k, rnd, auts, &sqn_ms), AKA_EMAC);
	auts[13] ^= 0x01;
	rnd[0] ^= 0x80;
	assert_int_equal(aka_auts_check(&k, rnd, auts, &sqn_ms), AKA_EMAC);
	rnd[0] ^= 0x80;
	/* A flipped bit in the concealed SQN also breaks MAC-S. */
	auts[5] ^= 0x01;
	assert_int_equal(aka_auts_check(&k, rnd, auts, &sqn_ms), AKA_EMAC);
	assert_int_equal(aka_auts_make(&k, rnd, AKA_SQN_MAX + 1, auts), AKA_EINVAL);
}

/* MAC-S in AUTS is f1* over AMF 0000, not the subscriber's AMF (set 1's
 * TS 35.208 MAC-S 01cfaf9ec4e871e9 is over AMF b9b9). */
static void test_auts_uses_dummy_amf(void **state)
{
	struct aka_keys k;
	uint8_t rnd[16], sqn[6], auts[14], amf0[2] = { 0, 0 };
	struct aka_out o;

	(void)state;
	set1(&k);
	h("23553cbe9637a89d218ae64dae47bf35", rnd, 16);
	h("ff9bb4d0b607", sqn, 6);
	assert_int_equal(aka_auts_make(&k, rnd, aka_sqn_get(sqn), auts), 0);
	assert_int_equal(aka_compute(&k, rnd, sqn, amf0, &o), 0);
	assert_memory_equal(auts + 6, o.mac_s, 8);
	assert_memory_not_equal(auts + 6, "\x01\xcf\xaf\x9e\xc4\xe8\x71\xe9", 8);
	for (int i = 0; i < 6; i++)
		assert_int_equal(auts[i], sqn[i] ^ o.ak_s[i]); /* AK* = 451e8beca43b */
}

static void test_usim_flow(void **state)
{
	struct aka_keys k;
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	struct aka_usim_sqn card;
	struct aka_usim_result r;
	struct aka_vector v;
	uint8_t amf[2] = { 0x80, 0x00 }, rnd[16];
	uint64_t sqn_ms;

	(void)state;
	set1(&k);
	aka_usim_sqn_init(&card, &cfg);
	memset(rnd, 0x5a, sizeof(rnd));
	/* Fresh vector: accepted, RES = XRES, keys agree. */
	assert_int_equal(aka_vector_make_rand(&k, 32 + 1, amf, rnd, &v), 0);
	assert_int_equal(aka_usim_authenticate(&k, &card, v.rand, v.autn, &r), AKA_OK);
	assert_int_equal(r.sqn, 33);
	assert_int_equal(r.res_len, v.xres_len);
	assert_memory_equal(r.res, v.xres, v.xres_len);
	assert_memory_equal(r.ck, v.ck, 16);
	assert_memory_equal(r.ik, v.ik, 16);
	assert_memory_equal(r.amf, amf, 2);
	/* Replay: sync failure, AUTS carries SQN_MS = 33. */
	assert_int_equal(aka_usim_authenticate(&k, &card, v.rand, v.autn, &r), AKA_ESYNC);
	assert_int_equal(aka_auts_check(&k, v.rand, r.auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 33);
	/* Tampered MAC-A: MAC failure, nothing else. */
	assert_int_equal(aka_vector_make_rand(&k, 65, amf, rnd, &v), 0);
	v.autn[15] ^= 0x10;
	assert_int_equal(aka_usim_authenticate(&k, &card, v.rand, v.autn, &r), AKA_EMAC);
	assert_int_equal(r.res_len, 0);
	/* Tampered AMF also breaks the MAC (it is under f1). */
	v.autn[15] ^= 0x10;
	v.autn[6] ^= 0x01;
	assert_int_equal(aka_usim_authenticate(&k, &card, v.rand, v.autn, &r), AKA_EMAC);
}

/* The randomness seam: a fixed source gives a fixed RAND; the seeded
 * source is reproducible; NULL restores the CSPRNG. */
static int fixed_rand(void *arg, uint8_t *buf, size_t len)
{
	memset(buf, *(int *)arg, len);
	return 0;
}

static int failing_rand(void *arg, uint8_t *buf, size_t len)
{
	(void)arg, (void)buf, (void)len;
	return -1;
}

static void test_rand_seam(void **state)
{
	struct aka_keys k;
	struct aka_vector v1, v2;
	uint8_t amf[2] = { 0x80, 0x00 }, a[16], b[16];
	int val = 0x42;
	struct aka_seeded s1, s2;

	(void)state;
	set1(&k);
	aka_set_rand_source(fixed_rand, &val);
	assert_int_equal(aka_vector_make(&k, 64, amf, &v1), 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(v1.rand[i], 0x42);
	aka_seeded_init(&s1, 7);
	aka_seeded_init(&s2, 7);
	aka_set_rand_source(aka_seeded_rand, &s1);
	assert_int_equal(aka_vector_make(&k, 64, amf, &v1), 0);
	aka_set_rand_source(aka_seeded_rand, &s2);
	assert_int_equal(aka_vector_make(&k, 64, amf, &v2), 0);
	assert_memory_equal(v1.rand, v2.rand, 16);
	assert_memory_equal(v1.autn, v2.autn, 16);
	aka_set_rand_source(failing_rand, NULL);
	assert_int_equal(aka_vector_make(&k, 64, amf, &v1), AKA_ERAND);
	aka_set_rand_source(NULL, NULL);
	assert_int_equal(aka_random(a, 16), 0);
	assert_int_equal(aka_random(b, 16), 0);
	assert_memory_not_equal(a, b, 16);
}

/* The CSPRNG pool must not hand a forked child the parent's next bytes. */
static void test_csprng_fork(void **state)
{
	uint8_t a[16], b[16];
	int fd[2], st = 0;
	pid_t pid;

	(void)state;
	aka_set_rand_source(NULL, NULL);
	assert_int_equal(aka_random(a, 16), 0); /* pool filled */
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		uint8_t c[16];
		_exit(aka_random(c, 16) || write(fd[1], c, 16) != 16);
	}
	assert_int_equal(aka_random(a, 16), 0);
	assert_int_equal(read(fd[0], b, 16), 16);
	waitpid(pid, &st, 0);
	assert_int_equal(st, 0);
	assert_memory_not_equal(a, b, 16);
	close(fd[0]);
	close(fd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auts_known_answer),
		cmocka_unit_test(test_auts_round_trip_and_corruption),
		cmocka_unit_test(test_auts_uses_dummy_amf),
		cmocka_unit_test(test_usim_flow),
		cmocka_unit_test(test_rand_seam),
		cmocka_unit_test(test_csprng_fork),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	aka_thread_cleanup();
	return rc;
}
