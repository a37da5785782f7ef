/* S6a AIR/AIA tests (hss/s6a.c) over a temporary store with fixed RANDs:
 * answers compared with tests/golden/s6a/air_*.hex, every E-UTRAN vector
 * checked by the USIM model (MAC, SQN, AMF separation bit, XRES) and its
 * KASME recomputed from the USIM's CK/IK (TS 33.401 A.2), plus the KASME
 * known answer of diameter.md §6 (srsRAN test_generate_k_asme). */
#include "test_s6a_util.h"

/* The core's send function (s6a_out.c needs one; AIR never sends). */
int hss_core_send_request(struct hss_ctx *ctx, const char *host, const uint8_t *buf, size_t len)
{
	(void)ctx, (void)host, (void)buf, (void)len;
	return -ENOTCONN;
}

static const uint8_t plmn_001_01[3] = {0x00, 0xf1, 0x10};

static void air(struct hssf *f, const char *imsi, const uint8_t *plmn, size_t plmn_len,
		int n, const uint8_t *resync)
{
	uint8_t buf[2048];
	struct diam_wr w;

	diam_wr_init(&w, buf, sizeof(buf));
	s6_req_head(&w, DIAM_CMD_AI, MME1, imsi);
	if (n >= 0) {
		diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
		diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, (uint32_t)n);
		diam_put_u32(&w, AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, V3, 1);
		if (resync)
			diam_put_octets(&w, AVP_S6A_RE_SYNCHRONIZATION_INFO, V3, resync, 30);
		diam_group_end(&w);
	}
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, plmn_len);
	s6f_run(f, buf, &w);
}

static void octets(const struct diam_avp *g, uint32_t code, const uint8_t **p, size_t len)
{
	struct diam_avp a;

	assert_int_equal(diam_group_find(g, code, V3, &a), 0);
	assert_int_equal(a.len, len);
	*p = a.data;
}

/* Verifies every E-UTRAN-Vector with the USIM; returns the count. */
static int check_vectors(struct hssf *f, struct aka_usim_sqn *usim, const uint8_t plmn[3])
{
	struct diam_avp info, v;
	struct diam_iter it;
	struct aka_keys k;
	const uint8_t *rand, *xres, *autn, *kasme;
	uint8_t want[32], prev_rand[16] = {0};
	uint64_t prev_sqn = 0;
	int n = 0;

	hssf_keys_set1(&k);
	assert_int_equal(diam_msg_find(&f->msg, AVP_S6A_AUTHENTICATION_INFO, V3, &info), 0);
	diam_iter_group(&it, &info);
	while (diam_iter_next(&it, &v) == 1) {
		struct aka_usim_result r;
		uint8_t sqn_ak[6];

		assert_int_equal(v.code, AVP_S6A_EUTRAN_VECTOR);
		assert_int_equal(s6_group_u32(&v, AVP_S6A_ITEM_NUMBER, V3), (uint32_t)++n);
		octets(&v, AVP_S6A_RAND, &rand, 16);
		octets(&v, AVP_S6A_XRES, &xres, 8);
		octets(&v, AVP_S6A_AUTN, &autn, 16);
		octets(&v, AVP_S6A_KASME, &kasme, 32);
		assert_int_equal(diam_group_find(&v, AVP_CX_CONFIDENTIALITY_KEY, V3, &info),
				 DIAM_ENOENT); /* no CK/IK on S6a */
		/* AMF separation bit (TS 33.401 §6.1.1): bit 0 of AMF = 1. */
		assert_true(autn[6] & 0x80);
		assert_int_equal(aka_usim_authenticate(&k, usim, rand, autn, &r), AKA_OK);
		assert_memory_equal(r.res, xres, 8);
		assert_true(r.sqn > prev_sqn);
		prev_sqn = r.sqn;
		assert_memory_not_equal(rand, prev_rand, 16);
		memcpy(prev_rand, rand, 16);
		for (int i = 0; i < 6; i++)
			sqn_ak[i] = autn[i];
		assert_int_equal(aka_kasme(r.ck, r.ik, plmn, sqn_ak, want), AKA_OK);
		assert_memory_equal(kasme, want, 32);
	}
	return n;
}

static void test_kasme_known_answer(void **state)
{
	uint8_t ck[16], ik[16], sqn[6], ak[6], x[6], plmn[3], out[32], want[32];

	(void)state;
	assert_int_equal(hex_decode_exact("7bc15d69309cf3ec5d324404edd6f0f9", ck, 16), 0);
	assert_int_equal(hex_decode_exact("c15d69309cf3ec5d324404edd6f0f97b", ik, 16), 0);
	assert_int_equal(hex_decode_exact("0000000012d9", sqn, 6), 0);
	assert_int_equal(hex_decode_exact("5d69309cf3ec", ak, 6), 0);
	assert_int_equal(hex_decode_exact("d5ef4d8f33266902295d42f322a2f2cf11fb2ccc124c09b4d88d36"
					  "1597037990", want, 32), 0);
	for (int i = 0; i < 6; i++)
		x[i] = sqn[i] ^ ak[i];
	assert_int_equal(aka_plmn_encode("001", "01", plmn), 0);
	assert_memory_equal(plmn, plmn_001_01, 3);
	assert_int_equal(s6a_plmn_check(plmn, 3), 0);
	assert_int_equal(aka_kasme(ck, ik, plmn, x, out), 0);
	assert_memory_equal(out, want, 32);
}

static void test_plmn_check(void **state)
{
	static const uint8_t ok3[3] = {0x13, 0x00, 0x14}; /* MCC 310 MNC 410 */
	static const uint8_t bad_mcc[3] = {0x0a, 0xf1, 0x10};
	static const uint8_t bad_mnc[3] = {0x00, 0xf1, 0x1e};

	(void)state;
	assert_int_equal(s6a_plmn_check(ok3, 3), 0);
	assert_int_equal(s6a_plmn_check(bad_mcc, 3), -EINVAL);
	assert_int_equal(s6a_plmn_check(bad_mnc, 3), -EINVAL);
	assert_int_equal(s6a_plmn_check(ok3, 2), -EINVAL);
}

static void test_air_two_vectors(void **state)
{
	struct hssf *f = *state;
	struct aka_usim_sqn usim;
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	struct db_sub s;

	aka_usim_sqn_init(&usim, &cfg);
	air(f, DEMO_IMSI, plmn_001_01, 3, 2, NULL);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	s6_golden_check("air_two_vectors", f->ans, f->ans_len);
	assert_int_equal(check_vectors(f, &usim, plmn_001_01), 2);
	/* SQN_HE advanced in the store (written in the handler's transaction). */
	assert_int_equal(db_sub_by_imsi(f->db, DEMO_IMSI, &s), 0);
	assert_int_equal(s.sqn, usim.sqn_ms);
}

static void test_air_capped_and_default_count(void **state)
{
	struct hssf *f = *state;
	struct aka_usim_sqn usim;
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	static const uint8_t plmn_310_410[3] = {0x13, 0x00, 0x14};

	aka_usim_sqn_init(&usim, &cfg);
	air(f, DEMO_IMSI, plmn_310_410, 3, 9, NULL);
	assert_int_equal(check_vectors(f, &usim, plmn_310_410), 4); /* max_vectors */
	air(f, DEMO_IMSI, plmn_310_410, 3, 0, NULL);
	assert_int_equal(check_vectors(f, &usim, plmn_310_410), 1);
}

static void test_air_unknown_user(void **state)
{
	struct hssf *f = *state;

	air(f, "001019999999999", plmn_001_01, 3, 1, NULL);
	s6_assert_result(&f->msg, true, S6A_ERROR_USER_UNKNOWN);
	s6_golden_check("air_user_unknown", f->ans, f->ans_len);
	/* unknown beats a bad PLMN */
	air(f, "001019999999999", (const uint8_t *)"\xff\xff", 2, 1, NULL);
	s6_assert_result(&f->msg, true, S6A_ERROR_USER_UNKNOWN);
}

static void test_air_bad_plmn(void **state)
{
	struct hssf *f = *state;
	static const uint8_t bad[3] = {0xab, 0xf1, 0x10};
	struct diam_avp fa, a;
	struct db_sub before, after;

	assert_int_equal(db_sub_by_imsi(f->db, DEMO_IMSI, &before), 0);
	air(f, DEMO_IMSI, bad, 3, 1, NULL);
	s6_assert_result(&f->msg, false, DIAM_INVALID_AVP_VALUE);
	s6_golden_check("air_bad_plmn", f->ans, f->ans_len);
	assert_int_equal(diam_msg_find(&f->msg, AVP_FAILED_AVP, 0, &fa), 0);
	assert_int_equal(diam_group_find(&fa, AVP_S6A_VISITED_PLMN_ID, V3, &a), 0);
	assert_memory_equal(a.data, bad, 3);
	assert_int_equal(diam_msg_find(&f->msg, AVP_S6A_AUTHENTICATION_INFO, V3, &a), DIAM_ENOENT);
	assert_int_equal(db_sub_by_imsi(f->db, DEMO_IMSI, &after), 0);
	assert_int_equal(after.sqn, before.sqn);
}

static void test_air_no_eutran_request(void **state)
{
	struct hssf *f = *state;

	air(f, DEMO_IMSI, plmn_001_01, 3, -1, NULL);
	s6_assert_result(&f->msg, true, S6A_AUTHENTICATION_DATA_UNAVAILABLE);
}

/* Resync as in Cx: the USIM is ahead (SQN_MS far above SQN_HE); a good
 * AUTS moves SQN_HE past it and the next vector is accepted; a bad MAC-S
 * answers 4181 and leaves the SQN alone. */
static void test_air_resync(void **state)
{
	struct hssf *f = *state;
	struct aka_usim_sqn usim;
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	struct aka_keys k;
	uint8_t ri[30];
	struct db_sub s;
	uint64_t sqn_before;

	hssf_keys_set1(&k);
	aka_usim_sqn_init(&usim, &cfg);
	aka_usim_sqn_set(&usim, 0x10000);
	memset(ri, 0x5a, 16);
	assert_int_equal(aka_auts_make(&k, ri, 0x10000, ri + 16), 0);
	air(f, DEMO_IMSI, plmn_001_01, 3, 1, ri);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	s6_golden_check("air_resync", f->ans, f->ans_len);
	assert_int_equal(check_vectors(f, &usim, plmn_001_01), 1);

	assert_int_equal(db_sub_by_imsi(f->db, DEMO_IMSI, &s), 0);
	sqn_before = s.sqn;
	ri[29] ^= 1; /* MAC-S broken */
	air(f, DEMO_IMSI, plmn_001_01, 3, 1, ri);
	s6_assert_result(&f->msg, true, S6A_AUTHENTICATION_DATA_UNAVAILABLE);
	assert_int_equal(db_sub_by_imsi(f->db, DEMO_IMSI, &s), 0);
	assert_int_equal(s.sqn, sqn_before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kasme_known_answer),
		cmocka_unit_test(test_plmn_check),
		cmocka_unit_test_setup_teardown(test_air_two_vectors, s6f_setup, s6f_teardown),
		cmocka_unit_test_setup_teardown(test_air_capped_and_default_count, s6f_setup,
						s6f_teardown),
		cmocka_unit_test_setup_teardown(test_air_unknown_user, s6f_setup, s6f_teardown),
		cmocka_unit_test_setup_teardown(test_air_bad_plmn, s6f_setup, s6f_teardown),
		cmocka_unit_test_setup_teardown(test_air_no_eutran_request, s6f_setup, s6f_teardown),
		cmocka_unit_test_setup_teardown(test_air_resync, s6f_setup, s6f_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
