/* Digest with OpenSSL unable to compute MD5: every failure must reject,
 * never accept (issue 10). The library context gets only the "base"
 * provider before any digest is fetched, so MD5 and HMAC-MD5 cannot be
 * fetched at all — a real OpenSSL failure, not a mock. Then:
 * digest_ha1/digest_compute/digest_compute_ha1 return -1 with empty
 * output, and scscf-stub's challenge_check refuses both an SIP Digest
 * (HA1) and an AKAv1 response, even one equal to what a failed
 * computation used to produce (the empty string). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "challenge.h"
#include "digest/digest.h"

static const struct digest_input mufasa = {
	.username = "Mufasa", .realm = "testrealm@host.com",
	.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .uri = "/dir/index.html",
	.method = "GET", .qop = DIGEST_QOP_AUTH, .nc = "00000001", .cnonce = "0a4f113b",
};

static void test_library_fails(void **state)
{
	struct digest_result r;
	char ha1[DIGEST_HEX_LEN] = "x", v2[25];
	static const uint8_t res[8], k[16];

	(void)state;
	assert_int_equal(digest_ha1("Mufasa", "r", (const uint8_t *)"pw", 2, ha1), -1);
	memset(&r, 'x', sizeof(r));
	assert_int_equal(digest_compute(&mufasa, (const uint8_t *)"Circle Of Life", 14, &r), -1);
	assert_string_equal(r.response, "");
	assert_int_equal(digest_compute_ha1(&mufasa, "939e7578ed9e3c518a452acee763bce9", &r), -1);
	assert_string_equal(r.response, "");
	assert_int_equal(digest_rspauth(&mufasa, (const uint8_t *)"p", 1, ha1), -1);
	assert_int_equal(digest_ha2("GET", "/dir/index.html", ha1), -1);
	memset(&r, 'x', sizeof(r));
	assert_int_equal(digest_compute_ha2(&mufasa, (const uint8_t *)"Circle Of Life", 14,
					    "39aff3a2bab6126f332b942af96d3366", &r), -1);
	assert_string_equal(r.response, "");
	assert_int_equal(digest_akav2_password(res, sizeof(res), k, k, v2), -1);
}

static int check(enum digest_alg alg, const char *response)
{
	struct vec_entry v = { .alg = alg, .expires_ms = 1, .xres_len = 8 };
	struct auth_header h;
	struct check_input ci;
	char a[512];

	snprintf(v.nonce, sizeof(v.nonce), "%s", mufasa.nonce);
	snprintf(v.impi, sizeof(v.impi), "Mufasa");
	snprintf(v.ha1, sizeof(v.ha1), "939e7578ed9e3c518a452acee763bce9");
	snprintf(a, sizeof(a),
		 "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"%s\", "
		 "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
		 "response=\"%s\"", mufasa.nonce, response);
	assert_int_equal(auth_header_parse(a, strlen(a), &h), AUTH_OK);
	ci = (struct check_input){ .h = &h, .method = "GET", .request_uri = "/dir/index.html",
				   .realm = "testrealm@host.com", .qop_offered = "auth" };
	return challenge_check(&ci, &v);
}

static void test_check_rejects(void **state)
{
	(void)state;
	/* The right answer (RFC 2617 §3.5) cannot be verified: refused. */
	assert_int_equal(check(DIGEST_ALG_MD5, "6629fae49393a05397450978507c4ef1"), CHK_ERESPONSE);
	/* What a failed MD5 join used to leave behind, and an over-long
	 * response that used to be cut to "": refused. */
	assert_int_equal(check(DIGEST_ALG_MD5, ""), CHK_ERESPONSE);
	assert_int_equal(check(DIGEST_ALG_MD5, "6629fae49393a05397450978507c4ef1ff"), CHK_ERESPONSE);
	assert_int_equal(check(DIGEST_ALG_AKAV1_MD5, ""), CHK_ERESPONSE);
	assert_int_equal(check(DIGEST_ALG_AKAV2_MD5, "00000000000000000000000000000000"),
			 CHK_ERESPONSE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_library_fails),
		cmocka_unit_test(test_check_rejects),
	};
	OSSL_PROVIDER *base;
	EVP_MD *md5;
	int failed;

	/* Loading a provider explicitly stops the default one from being
	 * loaded implicitly: only "base" (no digests) is there. */
	if (!(base = OSSL_PROVIDER_load(NULL, "base"))) {
		printf("SKIP: cannot load OpenSSL's base provider\n");
		return 77;
	}
	md5 = EVP_MD_fetch(NULL, "MD5", NULL);
	if (md5) {
		EVP_MD_free(md5);
		OSSL_PROVIDER_unload(base);
		printf("SKIP: MD5 is still available (OpenSSL config loads a provider)\n");
		return 77;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	OSSL_PROVIDER_unload(base); /* LeakSanitizer: the provider we loaded */
	return failed;
}
