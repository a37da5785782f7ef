/* ue-sim's challenge answerer against the worked examples of
 * tests/vectors/digest-example.tsv (AKAv1-MD5 and AKAv2-MD5 over TS 35.208
 * set 1), plus the MAC-failure and resync answers of TS 24.229 §5.1.1.5. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "aka/aka.h"
#include "ue_auth.h"
#include "digest/auth_header.h"
#include "util/hex.h"

#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define IMPI "001010000000001@" REALM
#define NONCE "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M="

static void set1_ue(struct ue_cfg *c, enum digest_alg alg)
{
	ue_cfg_default(c);
	c->impi = IMPI;
	c->impu = "sip:001010000000001@" REALM;
	c->realm = REALM;
	c->alg = alg;
	hex_decode_exact("465b5ce8b199b49faa5f0a2ee238a6bc", c->usim.k, 16);
	hex_decode_exact("cd63cb71954a9f4e48a5994e37a02baf", c->usim.op, 16);
	c->usim.op_is_opc = true;
	c->usim.amf[0] = c->usim.amf[1] = 0xb9;
	c->usim.sqn_set = true;
	c->usim.sqn_ms = 0xff9bb4d0b607ull - 32;
}

static void parse_chal(const char *alg, struct ue_challenge *ch)
{
	char v[512];

	snprintf(v, sizeof(v),
		 "Digest realm=\"" REALM "\", nonce=\"" NONCE "\", algorithm=%s, qop=\"auth,auth-int\", "
		 "ck=\"b40ba9a3c58b2a05bbf0d987b21bf8cb\", ik=\"f769bcd751044604127672711c6d3441\"", alg);
	assert_int_equal(ue_challenge_parse(v, ch), 0);
	assert_string_equal(ch->nonce, NONCE);
	assert_string_equal(ch->qop, "auth,auth-int");
	assert_false(ch->stale);
}

static void check_example(enum digest_alg alg, const char *alg_name, const char *cnonce,
			  const char *ha1, const char *response)
{
	struct ue_cfg c;
	struct usim u;
	struct ue_challenge ch;
	struct ue_answer a;
	struct auth_header h;
	struct ue_answer_req req = { .method = "REGISTER", .uri = "sip:" REALM, .nc = 1,
				     .cnonce = cnonce };

	set1_ue(&c, alg);
	assert_int_equal(usim_init(&u, &c.usim), 0);
	parse_chal(alg_name, &ch);
	assert_int_equal(ue_auth_answer(&c, &u, &ch, &req, &a), 0);
	assert_int_equal(a.kind, UE_ANS_RES);
	assert_int_equal(a.qop, DIGEST_QOP_AUTH);
	assert_string_equal(a.digest.ha1, ha1);
	assert_string_equal(a.digest.ha2, "df94ff42c4e05afeddd46c372e8208b4");
	assert_string_equal(a.digest.response, response);
	/* the header parses back with the same values */
	assert_int_equal(auth_header_parse(a.header, strlen(a.header), &h), 0);
	assert_string_equal(auth_param_get(&h, "username"), IMPI);
	assert_string_equal(auth_param_get(&h, "response"), response);
	assert_string_equal(auth_param_get(&h, "nc"), "00000001");
	assert_string_equal(auth_param_get(&h, "qop"), "auth");
	assert_string_equal(auth_param_get(&h, "algorithm"), alg_name);
	assert_false(auth_param_quoted(&h, "nc"));
	assert_null(auth_param_get(&h, "auts"));
}

static void test_akav1_example(void **state)
{
	(void)state;
	check_example(DIGEST_ALG_AKAV1_MD5, "AKAv1-MD5", "0a4f113b",
		      "da00069eb0de6587da7e09ef503c29db", "402ab8df9f3a4d63a9f47c2f90e02938");
}

static void test_akav2_example(void **state)
{
	(void)state;
	check_example(DIGEST_ALG_AKAV2_MD5, "AKAv2-MD5", "6b8b4567",
		      "5f16eac3c7cb97f22cbfb39ba2210495", "bc339d1680122dc592b6caa7c07122db");
}

static void test_initial_credentials(void **state)
{
	struct ue_cfg c;
	char v[512];

	(void)state;
	set1_ue(&c, DIGEST_ALG_AKAV1_MD5);
	assert_int_equal(ue_auth_initial(&c, "sip:" REALM, v, sizeof(v)), 0);
	assert_string_equal(v, "Digest username=\"" IMPI "\", realm=\"" REALM "\", uri=\"sip:" REALM
			       "\", nonce=\"\", response=\"\"");
}

/* Wrong K: empty response, no RES, no qop (TS 24.229 §5.1.1.5.3). */
static void test_mac_failure_answer(void **state)
{
	struct ue_cfg c;
	struct usim u;
	struct ue_challenge ch;
	struct ue_answer a;
	struct auth_header h;
	struct ue_answer_req req = { .method = "REGISTER", .uri = "sip:" REALM, .nc = 1, .cnonce = "x" };

	(void)state;
	set1_ue(&c, DIGEST_ALG_AKAV1_MD5);
	c.usim.faults = USIM_FAULT_WRONG_K;
	assert_int_equal(usim_init(&u, &c.usim), 0);
	parse_chal("AKAv1-MD5", &ch);
	assert_int_equal(ue_auth_answer(&c, &u, &ch, &req, &a), 0);
	assert_int_equal(a.kind, UE_ANS_MAC_FAILURE);
	assert_int_equal(auth_header_parse(a.header, strlen(a.header), &h), 0);
	assert_string_equal(auth_param_get(&h, "response"), "");
	assert_string_equal(auth_param_get(&h, "nonce"), NONCE);
	assert_null(auth_param_get(&h, "qop"));
}

/* Card ahead: auts (14 octets, base64) that the HSS verifies, and the
 * response over the empty password (RFC 3310 §3.4). */
static void test_resync_answer(void **state)
{
	struct ue_cfg c;
	struct usim u;
	struct ue_challenge ch;
	struct ue_answer a;
	struct auth_header h;
	struct aka_keys hss = { .algo = AKA_ALGO_MILENAGE, .res_len = 8 };
	struct digest_result want;
	struct ue_answer_req req = { .method = "REGISTER", .uri = "sip:" REALM, .nc = 1,
				     .cnonce = "0a4f113b" };
	uint8_t auts[14];
	uint64_t sqn_ms;

	(void)state;
	set1_ue(&c, DIGEST_ALG_AKAV1_MD5);
	c.usim.sqn_ms = 0xff9bb4d0b607ull + (5 << 5);
	assert_int_equal(usim_init(&u, &c.usim), 0);
	parse_chal("AKAv1-MD5", &ch);
	assert_int_equal(ue_auth_answer(&c, &u, &ch, &req, &a), 0);
	assert_int_equal(a.kind, UE_ANS_AUTS);
	assert_int_equal(auth_header_parse(a.header, strlen(a.header), &h), 0);
	assert_int_equal(strlen(auth_param_get(&h, "auts")), 20);
	assert_int_equal(b64_decode(auth_param_get(&h, "auts"), 20, auts, sizeof(auts)), 14);
	hex_decode_exact("465b5ce8b199b49faa5f0a2ee238a6bc", hss.k, 16);
	hex_decode_exact("cd63cb71954a9f4e48a5994e37a02baf", hss.opc, 16);
	assert_int_equal(aka_auts_check(&hss, a.nonce.rand, auts, &sqn_ms), AKA_OK);
	assert_int_equal(sqn_ms, 0xff9bb4d0b607ull + (5 << 5));
	struct digest_input in = { .username = IMPI, .realm = REALM, .nonce = NONCE,
				   .uri = "sip:" REALM, .method = "REGISTER",
				   .qop = DIGEST_QOP_AUTH, .nc = "00000001", .cnonce = "0a4f113b" };
	assert_int_equal(digest_compute(&in, (const uint8_t *)"", 0, &want), 0);
	assert_string_equal(auth_param_get(&h, "response"), want.response);
}

/* A refresh re-uses RES with nc+1, without asking the USIM again. */
static void test_reanswer_nc(void **state)
{
	struct ue_cfg c;
	struct usim u;
	struct ue_challenge ch;
	struct ue_answer a, b;
	struct ue_answer_req req = { .method = "REGISTER", .uri = "sip:" REALM, .nc = 1,
				     .cnonce = "0a4f113b" };

	(void)state;
	set1_ue(&c, DIGEST_ALG_AKAV1_MD5);
	assert_int_equal(usim_init(&u, &c.usim), 0);
	parse_chal("AKAv1-MD5", &ch);
	assert_int_equal(ue_auth_answer(&c, &u, &ch, &req, &a), 0);
	req.nc = 2;
	assert_int_equal(ue_auth_reanswer(&c, &ch, &req, &a, &b), 0);
	assert_string_equal(b.nc, "00000002");
	assert_string_equal(b.digest.ha1, a.digest.ha1);
	assert_string_not_equal(b.digest.response, a.digest.response);
	/* qop preference: auth-int when asked and offered */
	c.qop = DIGEST_QOP_AUTH_INT;
	assert_int_equal(ue_auth_reanswer(&c, &ch, &req, &a, &b), 0);
	/* the re-answer keeps the qop of the first answer */
	assert_int_equal(b.qop, DIGEST_QOP_AUTH);
	/* wrong algorithm in the challenge */
	parse_chal("AKAv2-MD5", &ch);
	assert_int_equal(ue_auth_answer(&c, &u, &ch, &req, &a), UE_E_ALG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_akav1_example),   cmocka_unit_test(test_akav2_example),
		cmocka_unit_test(test_initial_credentials), cmocka_unit_test(test_mac_failure_answer),
		cmocka_unit_test(test_resync_answer),   cmocka_unit_test(test_reanswer_nc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
