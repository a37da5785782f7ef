/* Cx MAR/MAA handler tests (hss/cx.c) over a temporary store with fixed
 * RANDs: answers compared byte for byte with tests/golden/cx/mar_*.hex,
 * and every vector verified by a USIM model (common/aka). */
#include <openssl/evp.h>

#include "test_cx_util.h"

static void mar(struct hssf *f, const char *impi, const char *impu, uint32_t n, const char *scheme,
		const uint8_t *authz, size_t authz_len)
{
	uint8_t buf[4096];
	struct diam_wr w;

	diam_wr_init(&w, buf, sizeof(buf));
	req_head(&w, DIAM_CMD_MA);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, impu);
	diam_put_str(&w, AVP_USER_NAME, 0, impi);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, n);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	if (scheme)
		diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, scheme);
	if (authz)
		diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, V3, authz, authz_len);
	diam_group_end(&w);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3, SCSCF_NAME);
	cxf_run(f, buf, &w);
}

/* Every echoed identity of an MAA, errors included (kamailio-interop.md). */
static void assert_echo(struct hssf *f, const char *impi, const char *impu)
{
	char s[256];

	assert_int_equal(diam_msg_str(&f->msg, AVP_USER_NAME, 0, s, sizeof(s)), 0);
	assert_string_equal(s, impi);
	assert_int_equal(diam_msg_str(&f->msg, AVP_CX_PUBLIC_IDENTITY, V3, s, sizeof(s)), 0);
	assert_string_equal(s, impu);
}

struct seen {
	int n;
	uint64_t sqn[8];
	uint8_t rand[8][16];
};

/* Checks each SIP-Auth-Data-Item with the USIM (TS 33.102 §6.3.3): MAC-A
 * verifies, XRES = RES, CK/IK match, SQNs increase, RANDs differ. */
static void check_vectors(struct hssf *f, const char *scheme, struct aka_usim_sqn *usim,
			  struct seen *seen)
{
	struct diam_iter it;
	struct diam_avp a, c;
	struct aka_keys k;
	struct aka_usim_result r;
	uint32_t items = 0, num, idx = 0;
	int before = seen->n;
	char s[64];

	hssf_keys_set1(&k);
	assert_int_equal(diam_msg_u32(&f->msg, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, &items), 0);
	diam_iter_msg(&it, &f->msg);
	while (diam_iter_next(&it, &a) == 1) {
		if (a.code != AVP_CX_SIP_AUTH_DATA_ITEM)
			continue;
		assert_int_equal(diam_group_find(&a, AVP_CX_SIP_ITEM_NUMBER, V3, &c), 0);
		assert_int_equal(diam_avp_u32(&c, &num), 0);
		assert_int_equal(num, ++idx);
		assert_int_equal(diam_group_find(&a, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, &c), 0);
		assert_int_equal(diam_avp_str(&c, s, sizeof(s)), 0);
		assert_string_equal(s, scheme);
		assert_int_equal(diam_group_find(&a, AVP_CX_SIP_AUTHENTICATE, V3, &c), 0);
		assert_int_equal(c.len, 32);
		assert_int_equal(aka_usim_authenticate(&k, usim, c.data, c.data + 16, &r), AKA_OK);
		for (int i = 0; i < seen->n; i++)
			assert_memory_not_equal(seen->rand[i], c.data, 16);
		memcpy(seen->rand[seen->n], c.data, 16);
		assert_true(seen->n == 0 || r.sqn > seen->sqn[seen->n - 1]);
		seen->sqn[seen->n++] = r.sqn;
		assert_int_equal(diam_group_find(&a, AVP_CX_SIP_AUTHORIZATION, V3, &c), 0);
		assert_int_equal(c.len, r.res_len);
		assert_memory_equal(c.data, r.res, r.res_len);
		assert_int_equal(diam_group_find(&a, AVP_CX_CONFIDENTIALITY_KEY, V3, &c), 0);
		assert_int_equal(c.len, 16);
		assert_memory_equal(c.data, r.ck, 16);
		assert_int_equal(diam_group_find(&a, AVP_CX_INTEGRITY_KEY, V3, &c), 0);
		assert_memory_equal(c.data, r.ik, 16);
	}
	assert_int_equal(items, (uint32_t)(seen->n - before));
}

static uint64_t stored_sqn(struct hssf *f, const char *impi)
{
	struct db_sub s;

	assert_int_equal(db_sub_by_impi(f->db, impi, &s), 0);
	return s.sqn;
}

static void test_akav1_one(void **state)
{
	struct hssf *f = *state;
	struct aka_usim_sqn usim;
	struct seen seen = {0};
	struct db_impu u;

	mar(f, A_IMPI, A_IMPU, 1, "Digest-AKAv1-MD5", NULL, 0);
	assert_result(f, false, 2001);
	assert_echo(f, A_IMPI, A_IMPU);
	aka_usim_sqn_init(&usim, NULL);
	check_vectors(f, "Digest-AKAv1-MD5", &usim, &seen);
	assert_int_equal(seen.n, 1);
	/* SQN 0 -> SEQ 1, IND 1 (TS 33.102 C.3.2), and that is what is stored. */
	assert_int_equal(seen.sqn[0], 0x21);
	assert_int_equal(stored_sqn(f, A_IMPI), 0x21);
	/* The S-CSCF name is recorded; the state is unchanged (§6.3.1). */
	assert_int_equal(db_impu_by_uri(f->db, A_IMPU, &u), 0);
	assert_string_equal(u.scscf_name, SCSCF_NAME);
	assert_string_equal(u.scscf_host, SCSCF_HOST);
	assert_int_equal(u.state, DB_REG_NOT_REGISTERED);
	golden_check("mar_akav1", f->ans, f->ans_len);
}

static void test_three_vectors_and_cap(void **state)
{
	struct hssf *f = *state;
	struct aka_usim_sqn usim;
	struct seen seen = {0};

	aka_usim_sqn_init(&usim, NULL);
	mar(f, A_IMPI, A_IMPU, 3, "Digest-AKAv1-MD5", NULL, 0);
	assert_result(f, false, 2001);
	check_vectors(f, "Digest-AKAv1-MD5", &usim, &seen);
	assert_int_equal(seen.n, 3);
	assert_int_equal(stored_sqn(f, A_IMPI), seen.sqn[2]);
	golden_check("mar_three", f->ans, f->ans_len);

	/* 10 asked, max_vectors 4 given: 4 fresh ones, newer than all before. */
	mar(f, A_IMPI, A_IMPU, 10, "Digest-AKAv1-MD5", NULL, 0);
	check_vectors(f, "Digest-AKAv1-MD5", &usim, &seen);
	assert_int_equal(seen.n, 7);
}

static void test_akav2_and_unknown(void **state)
{
	struct hssf *f = *state;
	struct aka_usim_sqn usim;
	struct seen seen = {0};

	aka_usim_sqn_init(&usim, NULL);
	mar(f, A_IMPI, A_TEL, 1, "Digest-AKAv2-MD5", NULL, 0);
	assert_result(f, false, 2001);
	check_vectors(f, "Digest-AKAv2-MD5", &usim, &seen);
	golden_check("mar_akav2", f->ans, f->ans_len);
	/* "Unknown": the subscriber's default scheme. */
	mar(f, A_IMPI, A_IMPU, 1, "Unknown", NULL, 0);
	assert_result(f, false, 2001);
	check_vectors(f, "Digest-AKAv1-MD5", &usim, &seen);
	golden_check("mar_unknown_scheme", f->ans, f->ans_len);
}

static void test_sip_digest(void **state)
{
	struct hssf *f = *state;
	struct diam_avp item, sda, c;
	const char *a1 = B_IMPI ":" REALM ":secret";
	uint8_t md[16];
	char s[64], want[33];
	unsigned mdlen;

	mar(f, B_IMPI, B_IMPU, 1, "Unknown", NULL, 0);
	assert_result(f, false, 2001);
	assert_echo(f, B_IMPI, B_IMPU);
	assert_int_equal(diam_msg_find(&f->msg, AVP_CX_SIP_AUTH_DATA_ITEM, V3, &item), 0);
	assert_int_equal(diam_group_find(&item, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, &c), 0);
	assert_int_equal(diam_avp_str(&c, s, sizeof(s)), 0);
	assert_string_equal(s, "SIP Digest");
	assert_int_equal(diam_group_find(&item, AVP_CX_SIP_DIGEST_AUTHENTICATE, V3, &sda), 0);
	assert_int_equal(diam_group_find(&sda, AVP_DIGEST_REALM, 0, &c), 0);
	assert_int_equal(diam_avp_str(&c, s, sizeof(s)), 0);
	assert_string_equal(s, REALM);
	/* RFC 2617 §3.2.2.2: HA1 = MD5(user ":" realm ":" password), hex. */
	assert_true(EVP_Digest(a1, strlen(a1), md, &mdlen, EVP_md5(), NULL));
	hex_encode(md, 16, want);
	assert_int_equal(diam_group_find(&sda, AVP_DIGEST_HA1, 0, &c), 0);
	assert_int_equal(diam_avp_str(&c, s, sizeof(s)), 0);
	assert_string_equal(s, want);
	assert_int_equal(stored_sqn(f, B_IMPI), 0); /* no AKA vector, no SQN used */
	golden_check("mar_sip_digest", f->ans, f->ans_len);
}

static void test_scheme_errors(void **state)
{
	struct hssf *f = *state;

	/* A has no password: SIP Digest is not possible for it. */
	mar(f, A_IMPI, A_IMPU, 1, "SIP Digest", NULL, 0);
	assert_result(f, true, 5006);
	assert_echo(f, A_IMPI, A_IMPU);
	golden_check("mar_scheme_unsupported", f->ans, f->ans_len);
	mar(f, A_IMPI, A_IMPU, 1, "NASS-Bundled", NULL, 0);
	assert_result(f, true, 5006);
	assert_int_equal(stored_sqn(f, A_IMPI), 0);
}

static void test_identity_errors(void **state)
{
	struct hssf *f = *state;

	mar(f, "nobody@" REALM, "sip:nobody@" REALM, 1, "Digest-AKAv1-MD5", NULL, 0);
	assert_result(f, true, 5001);
	assert_echo(f, "nobody@" REALM, "sip:nobody@" REALM);
	golden_check("mar_user_unknown", f->ans, f->ans_len);
	mar(f, A_IMPI, "sip:nobody@" REALM, 1, "Digest-AKAv1-MD5", NULL, 0);
	assert_result(f, true, 5001);
	/* A's IMPI with B's IMPU. */
	mar(f, A_IMPI, B_IMPU, 1, "Digest-AKAv1-MD5", NULL, 0);
	assert_result(f, true, 5002);
	assert_echo(f, A_IMPI, B_IMPU);
	golden_check("mar_identities_dont_match", f->ans, f->ans_len);
	assert_int_equal(stored_sqn(f, A_IMPI), 0);
	/* TS 29.228 §6.3.1 step 1: the IMPI and the IMPU must both exist; an
	 * empty User-Name or Public-Identity names no one, so no vector of A
	 * (as UAR answers it). */
	mar(f, "", A_IMPU, 1, "Digest-AKAv1-MD5", NULL, 0);
	assert_result(f, true, 5001);
	mar(f, A_IMPI, "", 1, "Digest-AKAv1-MD5", NULL, 0);
	assert_result(f, true, 5001);
	assert_int_equal(stored_sqn(f, A_IMPI), 0);
}

/* The first vector's RAND, from SIP-Authenticate. */
static void first_rand(struct hssf *f, uint8_t rand[16])
{
	struct diam_avp item, c;

	assert_int_equal(diam_msg_find(&f->msg, AVP_CX_SIP_AUTH_DATA_ITEM, V3, &item), 0);
	assert_int_equal(diam_group_find(&item, AVP_CX_SIP_AUTHENTICATE, V3, &c), 0);
	memcpy(rand, c.data, 16);
}

static void test_resync(void **state)
{
	struct hssf *f = *state;
	struct aka_usim_sqn usim;
	struct aka_keys k;
	struct seen seen = {0};
	uint8_t authz[30];
	const uint64_t sqn_ms = 0x1000e; /* the card is far ahead (SEQ 0x800, IND 14) */

	hssf_keys_set1(&k);
	mar(f, A_IMPI, A_IMPU, 1, "Digest-AKAv1-MD5", NULL, 0);
	first_rand(f, authz);
	/* The USIM refuses (its SQN_MS is ahead) and answers AUTS for that RAND. */
	assert_int_equal(aka_auts_make(&k, authz, sqn_ms, authz + 16), AKA_OK);
	mar(f, A_IMPI, A_IMPU, 2, "Digest-AKAv1-MD5", authz, sizeof(authz));
	assert_result(f, false, 2001);
	golden_check("mar_resync", f->ans, f->ans_len);
	/* Fresh vectors the same card accepts: SQN beyond SQN_MS. */
	aka_usim_sqn_init(&usim, NULL);
	aka_usim_sqn_set(&usim, sqn_ms);
	check_vectors(f, "Digest-AKAv1-MD5", &usim, &seen);
	assert_int_equal(seen.n, 2);
	assert_true(seen.sqn[0] > sqn_ms);
	assert_int_equal(stored_sqn(f, A_IMPI), seen.sqn[1]);
}

static void test_resync_bad_mac(void **state)
{
	struct hssf *f = *state;
	struct aka_keys k;
	uint8_t authz[30];
	struct diam_avp item;
	uint64_t before;

	hssf_keys_set1(&k);
	mar(f, A_IMPI, A_IMPU, 1, "Digest-AKAv1-MD5", NULL, 0);
	before = stored_sqn(f, A_IMPI);
	first_rand(f, authz);
	assert_int_equal(aka_auts_make(&k, authz, 0x1000e, authz + 16), AKA_OK);
	authz[29] ^= 0x01; /* corrupt MAC-S */
	mar(f, A_IMPI, A_IMPU, 1, "Digest-AKAv1-MD5", authz, sizeof(authz));
	/* DIAMETER_AUTHENTICATION_REJECTED, no vector, SQN untouched. */
	assert_result(f, false, 4001);
	assert_echo(f, A_IMPI, A_IMPU);
	assert_int_equal(diam_msg_find(&f->msg, AVP_CX_SIP_AUTH_DATA_ITEM, V3, &item), DIAM_ENOENT);
	assert_int_equal(stored_sqn(f, A_IMPI), before);
	golden_check("mar_resync_bad_mac", f->ans, f->ans_len);
	/* A SIP-Authorization that is not RAND ‖ AUTS: invalid value. */
	mar(f, A_IMPI, A_IMPU, 1, "Digest-AKAv1-MD5", authz, 20);
	assert_result(f, false, 5004);
	assert_int_equal(stored_sqn(f, A_IMPI), before);
}

static void test_resync_never_goes_back(void **state)
{
	struct hssf *f = *state;
	struct aka_keys k;
	uint8_t authz[30];
	struct db_sub s;

	hssf_keys_set1(&k);
	assert_int_equal(db_sub_by_impi(f->db, A_IMPI, &s), 0);
	assert_int_equal(db_sub_set_sqn(f->db, s.id, 0x5000), 0);
	mar(f, A_IMPI, A_IMPU, 1, "Digest-AKAv1-MD5", NULL, 0);
	first_rand(f, authz);
	/* An AUTS reporting an older SQN_MS must not make SQNs repeat. */
	assert_int_equal(aka_auts_make(&k, authz, 0x20, authz + 16), AKA_OK);
	mar(f, A_IMPI, A_IMPU, 1, "Digest-AKAv1-MD5", authz, sizeof(authz));
	assert_result(f, false, 2001);
	assert_true(stored_sqn(f, A_IMPI) > 0x5021);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_akav1_one, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_three_vectors_and_cap, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_akav2_and_unknown, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_sip_digest, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_scheme_errors, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_identity_errors, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_resync, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_resync_bad_mac, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_resync_never_goes_back, cxf_setup, cxf_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
