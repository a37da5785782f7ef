/* Digest responses: RFC 2617 §3.5's own example (plain MD5 password),
 * the AKAv1/AKAv2 worked examples of tests/vectors/digest-example.tsv
 * (RFC 3310 raw-RES password, RFC 4169 password), rspauth, auth-int,
 * no-qop, and the password builders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <openssl/evp.h>

#include "aka/aka.h"
#include "digest/digest.h"
#include "util/hex.h"
#include "test_aka_tsv.h"

/* RFC 2617 §3.5: Mufasa / "Circle Of Life", qop=auth. */
static void test_rfc2617_example(void **state)
{
	struct digest_input in = {
		.username = "Mufasa", .realm = "testrealm@host.com",
		.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .uri = "/dir/index.html",
		.method = "GET", .qop = DIGEST_QOP_AUTH, .nc = "00000001", .cnonce = "0a4f113b",
	};
	struct digest_result r;

	(void)state;
	assert_int_equal(digest_compute(&in, (const uint8_t *)"Circle Of Life", 14, &r), 0);
	assert_string_equal(r.response, "6629fae49393a05397450978507c4ef1");
}

/* The same example through HA1 alone: HA1 = MD5("Mufasa:testrealm@host.com:
 * Circle Of Life") = 939e7578ed9e3c518a452acee763bce9 (RFC 2617 §3.5), and
 * the response from that HA1 is the RFC's. A malformed HA1 is refused. */
static void test_ha1_path(void **state)
{
	struct digest_input in = {
		.username = "Mufasa", .realm = "testrealm@host.com",
		.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .uri = "/dir/index.html",
		.method = "GET", .qop = DIGEST_QOP_AUTH, .nc = "00000001", .cnonce = "0a4f113b",
	};
	struct digest_result r;
	char ha1[DIGEST_HEX_LEN];

	(void)state;
	assert_int_equal(digest_ha1("Mufasa", "testrealm@host.com",
				    (const uint8_t *)"Circle Of Life", 14, ha1), 0);
	assert_string_equal(ha1, "939e7578ed9e3c518a452acee763bce9");
	assert_int_equal(digest_compute_ha1(&in, ha1, &r), 0);
	assert_string_equal(r.response, "6629fae49393a05397450978507c4ef1");
	assert_int_equal(digest_compute_ha1(&in, "939E7578ED9E3C518A452ACEE763BCE9", &r), -1);
	assert_string_equal(r.response, "");
	assert_int_equal(digest_compute_ha1(&in, "939e7578", &r), -1);
	assert_int_equal(digest_ha1(NULL, "r", NULL, 0, ha1), -1);
}

/* The same example with HA2 = MD5("GET:/dir/index.html") given (ue-sim keeps
 * it per user): digest_ha2 is what digest_compute used, and the response is
 * the RFC's; without a qop too; auth-int computes its own HA2 over the body
 * (the given one is not for it); a malformed HA2 is refused. */
static void test_ha2_path(void **state)
{
	struct digest_input in = {
		.username = "Mufasa", .realm = "testrealm@host.com",
		.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .uri = "/dir/index.html",
		.method = "GET", .qop = DIGEST_QOP_AUTH, .nc = "00000001", .cnonce = "0a4f113b",
	};
	static const uint8_t pw[] = "Circle Of Life", body[] = "x=1";
	struct digest_result full, r;
	char ha2[DIGEST_HEX_LEN];

	(void)state;
	assert_int_equal(digest_compute(&in, pw, 14, &full), 0);
	assert_int_equal(digest_ha2("GET", "/dir/index.html", ha2), 0);
	assert_string_equal(ha2, full.ha2);
	assert_int_equal(digest_compute_ha2(&in, pw, 14, ha2, &r), 0);
	assert_string_equal(r.response, "6629fae49393a05397450978507c4ef1");
	in.qop = DIGEST_QOP_NONE;
	assert_int_equal(digest_compute(&in, pw, 14, &full), 0);
	assert_int_equal(digest_compute_ha2(&in, pw, 14, ha2, &r), 0);
	assert_string_equal(r.response, full.response);
	in.qop = DIGEST_QOP_AUTH_INT, in.body = body, in.body_len = 3;
	assert_int_equal(digest_compute(&in, pw, 14, &full), 0);
	assert_int_equal(digest_compute_ha2(&in, pw, 14, ha2, &r), 0);
	assert_string_equal(r.response, full.response);
	assert_string_not_equal(r.ha2, ha2);
	assert_int_equal(digest_compute_ha2(&in, pw, 14, "39aff3a2", &r), -1);
	assert_string_equal(r.response, "");
	assert_int_equal(digest_ha2(NULL, "/", ha2), -1);
}

static void hexcol(const struct tsv *t, size_t r, const char *col, uint8_t *out, size_t *n)
{
	assert_int_equal(hex_decode(tsv_get(t, r, col), out, 64, n), 0);
}

static void check_row(const struct tsv *t, size_t r)
{
	uint8_t k[16], opc[16], rnd[16], sqn[6], amf[2], pw[64], body[256];
	size_t n, pw_len, body_len = 0;
	struct aka_keys keys = { .algo = AKA_ALGO_MILENAGE };
	struct aka_vector v;
	struct digest_result res;
	char nonce[64], rsp[DIGEST_HEX_LEN];
	int alg = digest_alg_parse(tsv_get(t, r, "alg"));

	hexcol(t, r, "k", k, &n);
	hexcol(t, r, "opc", opc, &n);
	hexcol(t, r, "rand", rnd, &n);
	hexcol(t, r, "sqn", sqn, &n);
	hexcol(t, r, "amf", amf, &n);
	hexcol(t, r, "body_hex", body, &body_len);
	memcpy(keys.k, k, 16);
	memcpy(keys.opc, opc, 16);
	/* The nonce from a real vector. */
	assert_int_equal(aka_vector_make_rand(&keys, aka_sqn_get(sqn), amf, rnd, &v), 0);
	assert_int_equal(nonce_encode(v.rand, v.autn, NULL, 0, nonce, sizeof(nonce)), 0);
	assert_string_equal(nonce, tsv_get(t, r, "nonce"));
	/* The password per algorithm. */
	assert_true(alg >= 0);
	assert_int_equal(digest_password(alg, NULL, v.xres, v.xres_len, v.ik, v.ck, pw, &pw_len), 0);
	char pwhex[129];
	hex_encode(pw, pw_len, pwhex);
	assert_string_equal(pwhex, tsv_get(t, r, "password_hex"));
	if (alg == DIGEST_ALG_AKAV2_MD5) {
		char v2[25];
		assert_int_equal(digest_akav2_password(v.xres, v.xres_len, v.ik, v.ck, v2), 0);
		assert_string_equal(v2, tsv_get(t, r, "akav2_password"));
	}
	struct digest_input in = {
		.username = tsv_get(t, r, "username"), .realm = tsv_get(t, r, "realm"),
		.nonce = nonce, .uri = tsv_get(t, r, "uri"), .method = tsv_get(t, r, "method"),
		.qop = digest_qop_parse(tsv_get(t, r, "qop")), .nc = tsv_get(t, r, "nc"),
		.cnonce = tsv_get(t, r, "cnonce"), .body = body, .body_len = body_len,
	};
	assert_int_equal(digest_compute(&in, pw, pw_len, &res), 0);
	assert_string_equal(res.ha1, tsv_get(t, r, "ha1"));
	assert_string_equal(res.ha2, tsv_get(t, r, "ha2"));
	assert_string_equal(res.response, tsv_get(t, r, "response"));
	assert_int_equal(digest_rspauth(&in, pw, pw_len, rsp), 0);
	assert_string_equal(rsp, tsv_get(t, r, "rspauth"));
}

static void test_worked_examples(void **state)
{
	char path[512];
	struct tsv t;

	(void)state;
	snprintf(path, sizeof(path), "%s/digest-example.tsv", VECTORS_DIR);
	assert_int_equal(tsv_load(&t, path), 0);
	assert_int_equal(t.nrows, 2);
	for (size_t r = 0; r < t.nrows; r++)
		check_row(&t, r);
	tsv_free(&t);
}

/* No qop: response = MD5(HA1:nonce:HA2) (RFC 2617 §3.2.2.1). Known answer
 * recomputed with Python hashlib: HA1 = MD5("Mufasa:testrealm@host.com:Circle
 * Of Life") = 939e7578ed9e3c518a452acee763bce9, HA2 = MD5("GET:/dir/index.html")
 * = 39aff3a2bab6126f332b942af96d3366. */
static void test_no_qop(void **state)
{
	struct digest_input in = {
		.username = "Mufasa", .realm = "testrealm@host.com",
		.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .uri = "/dir/index.html",
		.method = "GET",
	};
	struct digest_result r;

	(void)state;
	assert_int_equal(digest_compute(&in, (const uint8_t *)"Circle Of Life", 14, &r), 0);
	assert_string_equal(r.ha1, "939e7578ed9e3c518a452acee763bce9");
	assert_string_equal(r.ha2, "39aff3a2bab6126f332b942af96d3366");
	assert_string_equal(r.response, "670fd8c2df070c60b045671b8b24ff02");
}

/* auth-int with an empty body: HA2 = MD5(method:uri:MD5("")), value from
 * Python hashlib. */
static void test_auth_int_empty_body(void **state)
{
	struct digest_input in = {
		.username = "Mufasa", .realm = "testrealm@host.com",
		.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .uri = "/dir/index.html",
		.method = "GET", .qop = DIGEST_QOP_AUTH_INT, .nc = "00000001", .cnonce = "0a4f113b",
	};
	struct digest_result r;

	(void)state;
	assert_int_equal(digest_compute(&in, (const uint8_t *)"Circle Of Life", 14, &r), 0);
	assert_string_equal(r.ha2, "76b926065592515b4fc702c0da67b40f");
}

/* auth-int with a body: HA2 = MD5(method:uri:MD5(body)); values from
 * Python hashlib. */
static void test_auth_int_body(void **state)
{
	static const uint8_t body[] = "v=0\r\n";
	struct digest_input in = {
		.username = "Mufasa", .realm = "testrealm@host.com",
		.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093", .uri = "/dir/index.html",
		.method = "GET", .qop = DIGEST_QOP_AUTH_INT, .nc = "00000001", .cnonce = "0a4f113b",
		.body = body, .body_len = 5,
	};
	struct digest_result r;

	(void)state;
	assert_int_equal(digest_compute(&in, (const uint8_t *)"Circle Of Life", 14, &r), 0);
	assert_string_equal(r.ha2, "98f747defe8d00cb742f4efe89e87b34");
	assert_string_equal(r.response, "151b6cabb7e59e0ac757207a039ff3d0");
}

/* AKAv1: the password is binary-safe (a 4-octet RES with 0x00 octets),
 * no qop. Values from Python hashlib. */
static void test_akav1_binary_res(void **state)
{
	static const uint8_t res[4] = { 0x00, 0xa5, 0xff, 0x00 };
	uint8_t pw[64];
	size_t n;
	struct digest_input in = { .username = "alice", .realm = "r", .nonce = "n",
				   .uri = "sip:r", .method = "REGISTER" };
	struct digest_result r;

	(void)state;
	assert_int_equal(digest_password(DIGEST_ALG_AKAV1_MD5, NULL, res, 4, NULL, NULL, pw, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(digest_compute(&in, pw, n, &r), 0);
	assert_string_equal(r.ha1, "c0c36c23e368fb7337082fac0a7edeb8");
	assert_string_equal(r.response, "a7fef546662fffbc428794342a47fca2");
}

static void test_parsers(void **state)
{
	uint8_t pw[64];
	size_t n;

	(void)state;
	assert_int_equal(digest_alg_parse(NULL), DIGEST_ALG_MD5);
	assert_int_equal(digest_alg_parse(""), DIGEST_ALG_MD5);
	assert_int_equal(digest_alg_parse("akav1-md5"), DIGEST_ALG_AKAV1_MD5);
	assert_int_equal(digest_alg_parse("AKAv2-MD5"), DIGEST_ALG_AKAV2_MD5);
	assert_int_equal(digest_alg_parse("MD5-sess"), -1);
	assert_int_equal(digest_alg_parse("SHA-256"), -1);
	assert_int_equal(digest_qop_parse("auth-int"), DIGEST_QOP_AUTH_INT);
	assert_int_equal(digest_qop_parse("auth,auth-int"), -1);
	assert_string_equal(digest_qop_name(DIGEST_QOP_NONE), "");
	/* The empty password of a resync response is a valid MD5 password. */
	assert_int_equal(digest_password(DIGEST_ALG_MD5, "", NULL, 0, NULL, NULL, pw, &n), 0);
	assert_int_equal(n, 0);
	/* AKAv1 needs a RES; qop needs nc and cnonce. */
	assert_int_equal(digest_password(DIGEST_ALG_AKAV1_MD5, NULL, NULL, 0, NULL, NULL, pw, &n), -1);
	struct digest_input in = { "u", "r", "n", "/", "GET", DIGEST_QOP_AUTH, NULL, NULL, NULL, 0 };
	struct digest_result r;
	assert_int_equal(digest_compute(&in, pw, 0, &r), -1);
}

/* HA1 = MD5(username ":" realm ":" password) for parts around and beyond
 * md5_join's 512-octet gathering buffer, against a one-shot MD5 of the
 * joined text. */
static void test_long_parts(void **state)
{
	static const size_t lens[] = { 0, 1, 490, 500, 505, 506, 507, 508, 509, 510, 511, 512, 513, 600, 1500 };
	static char user[1600], joined[1700];
	const char *realm = "ims.example", *pw = "secret";
	uint8_t md[16];
	char want[33], got[DIGEST_HEX_LEN];
	unsigned int mdlen;

	(void)state;
	memset(user, 'u', sizeof(user));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t l = lens[i];
		int n;

		user[l] = '\0';
		n = snprintf(joined, sizeof(joined), "%s:%s:%s", user, realm, pw);
		assert_true(EVP_Digest(joined, (size_t)n, md, &mdlen, EVP_md5(), NULL));
		hex_encode(md, 16, want);
		assert_int_equal(digest_ha1(user, realm, (const uint8_t *)pw, strlen(pw), got), 0);
		assert_string_equal(got, want);
		user[l] = 'u';
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2617_example),
		cmocka_unit_test(test_ha1_path),
		cmocka_unit_test(test_ha2_path),
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_no_qop),
		cmocka_unit_test(test_auth_int_empty_body),
		cmocka_unit_test(test_auth_int_body),
		cmocka_unit_test(test_akav1_binary_res),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_long_parts),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	aka_thread_cleanup();
	return rc;
}
