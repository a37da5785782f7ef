/* The AKA nonce codec (RFC 3310 §3.2): base64(RAND ‖ AUTN ‖ server data). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest/digest.h"
#include "util/hex.h"

/* TS 35.208 set 1: RAND 2355.., AUTN 55f328b43577b9b94a9ffac354dfafb3. */
#define SET1_NONCE "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M="

static int dec(const char *s, struct nonce_parts *p)
{
	return nonce_decode(s, strlen(s), p);
}

static void test_decode_set1(void **state)
{
	struct nonce_parts p;
	char hex[33];

	(void)state;
	assert_int_equal(dec(SET1_NONCE, &p), NONCE_OK);
	hex_encode(p.rand, 16, hex);
	assert_string_equal(hex, "23553cbe9637a89d218ae64dae47bf35");
	hex_encode(p.autn, 16, hex);
	assert_string_equal(hex, "55f328b43577b9b94a9ffac354dfafb3");
	assert_int_equal(p.extra_len, 0);
}

static void test_round_trip_with_extra(void **state)
{
	uint8_t rnd[16], autn[16], extra[NONCE_EXTRA_MAX];
	char b64[4 * ((32 + NONCE_EXTRA_MAX + 2) / 3) + 1];
	struct nonce_parts p;

	(void)state;
	for (int i = 0; i < 16; i++)
		rnd[i] = (uint8_t)i, autn[i] = (uint8_t)(0xf0 + i);
	for (size_t n = 0; n <= NONCE_EXTRA_MAX; n += 7) {
		for (size_t i = 0; i < n; i++)
			extra[i] = (uint8_t)(i * 3);
		assert_int_equal(nonce_encode(rnd, autn, extra, n, b64, sizeof(b64)), 0);
		assert_int_equal(dec(b64, &p), NONCE_OK);
		assert_memory_equal(p.rand, rnd, 16);
		assert_memory_equal(p.autn, autn, 16);
		assert_int_equal(p.extra_len, n);
		assert_memory_equal(p.extra, extra, n);
	}
	/* out buffer too small */
	assert_int_equal(nonce_encode(rnd, autn, NULL, 0, b64, 44), -1);
	assert_int_equal(nonce_encode(rnd, autn, extra, NONCE_EXTRA_MAX + 1, b64, sizeof(b64)), -1);
}

static void test_rejections(void **state)
{
	struct nonce_parts p;
	char longer[400];

	(void)state;
	/* bad base64: stray character, missing padding, padding inside */
	assert_int_equal(dec("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M!", &p), NONCE_EBASE64);
	assert_int_equal(dec("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M", &p), NONCE_EBASE64);
	assert_int_equal(dec("I1U8=pY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=", &p), NONCE_EBASE64);
	assert_int_equal(dec("I1U8vpY3 qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=", &p), NONCE_EBASE64);
	/* RFC 3310's own auts example is not valid base64 either */
	assert_int_equal(dec("CjkyMzRfOiwg5CfkJ2UK=", &p), NONCE_EBASE64);
	/* too short: 31 octets, and empty */
	assert_int_equal(dec("I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfrw==", &p), NONCE_ESHORT);
	assert_int_equal(dec("", &p), NONCE_ESHORT);
	/* too long: 32 + 65 octets, and a very long valid string */
	memset(longer, 'A', sizeof(longer));
	assert_int_equal(nonce_decode(longer, 132, &p), NONCE_ELONG);
	assert_int_equal(nonce_decode(longer, 400, &p), NONCE_ELONG);
	longer[399] = '*';
	assert_int_equal(nonce_decode(longer, 400, &p), NONCE_EBASE64);
	/* length taken from len, not from a NUL */
	assert_int_equal(nonce_decode(SET1_NONCE "junk", 44, &p), NONCE_OK);
	assert_string_equal(nonce_strerror(NONCE_ESHORT), "shorter than RAND and AUTN (32 octets)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_set1),
		cmocka_unit_test(test_round_trip_with_extra),
		cmocka_unit_test(test_rejections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
