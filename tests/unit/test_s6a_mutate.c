/* S6a handlers under mutated input (hss/s6a*.c): AIR, ULR and PUR requests
 * with deterministic random byte flips, truncations of grouped AVPs and
 * swapped codes. Whatever passes the core's validator (as in hssd) is given
 * to the handler, which must either write a well-formed answer to that very
 * request (same command, R clear, same identifiers, a result code the spec
 * allows) or fail with a negative value; the store must stay consistent
 * (the demo subscriber still gets both APNs). Run under ASan/UBSan this
 * also catches any out-of-bounds read in the parsers. */
#include "diameter/validate.h"
#include "test_s6a_util.h"

int hss_core_send_request(struct hss_ctx *ctx, const char *host, const uint8_t *buf, size_t len)
{
	(void)ctx, (void)host, (void)buf, (void)len;
	return 0;
}

#define ROUNDS 3000

static uint64_t rng = 0x5eed56a;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static size_t seed_request(int which, uint8_t *buf, size_t cap)
{
	static const uint8_t plmn[3] = {0x00, 0xf1, 0x10};
	struct diam_wr w;
	uint8_t ri[30] = {0};

	diam_wr_init(&w, buf, cap);
	s6_req_head(&w, which == 0 ? DIAM_CMD_AI : which == 1 ? DIAM_CMD_UL : DIAM_CMD_PU, MME1,
		    DEMO_IMSI);
	if (which == 0) {
		diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
		diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, 3);
		diam_put_u32(&w, AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, V3, 1);
		diam_put_octets(&w, AVP_S6A_RE_SYNCHRONIZATION_INFO, V3, ri, sizeof(ri));
		diam_group_end(&w);
	} else if (which == 1) {
		diam_put_u32(&w, S6A_AVP_RAT_TYPE, V3, S6A_RAT_EUTRAN);
		diam_put_u32(&w, AVP_S6A_ULR_FLAGS, V3, S6A_ULR_S6A_INDICATOR);
	}
	if (which != 2)
		diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, 3);
	return (size_t)diam_wr_finish(&w);
}

static void mutate(uint8_t *b, size_t len)
{
	int n = 1 + (int)(next_rand() % 4);

	for (int i = 0; i < n; i++) {
		size_t at = DIAM_HDR_LEN + next_rand() % (len - DIAM_HDR_LEN);

		switch (next_rand() % 3) {
		case 0: b[at] ^= (uint8_t)(1u << (next_rand() % 8)); break;
		case 1: b[at] = (uint8_t)next_rand(); break;
		default: b[at] = 0; break;
		}
	}
}

static bool allowed_result(const struct diam_msg *m)
{
	static const long ok[] = {2001, 5004, 5012, 104181, 105001, 105420, 105421};
	uint32_t v;
	bool exp;
	long r = -1;

	if (diam_msg_result(m, &v, &exp) == 0)
		r = (exp ? 100000 : 0) + (long)v;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (r == ok[i])
			return true;
	return false;
}

static void test_mutated_requests(void **state)
{
	struct hssf *f = *state;
	static uint8_t req[4096], ans[65536];
	int handled = 0;

	/* One transaction, as hssd runs a loop turn (and no fsync per write). */
	assert_int_equal(db_txn_begin(f->db), 0);
	for (int round = 0; round < ROUNDS; round++) {
		size_t len = seed_request(round % 3, req, sizeof(req));
		struct diam_verdict v;
		struct diam_msg m, a;
		const struct hss_route *r;
		struct diam_wr w;
		ssize_t n;

		mutate(req, len);
		if (diam_validate(req, len, DIAM_V_FULL, &v) || diam_msg_parse(req, len, &m))
			continue;
		for (r = s6a_routes; r->handler; r++)
			if (r->cmd_code == m.hdr.code && r->app_id == m.hdr.app_id)
				break;
		if (!r->handler)
			continue;
		diam_wr_init(&w, ans, sizeof(ans));
		if (r->handler(&f->ctx, &m, &w) < 0)
			continue;
		n = diam_wr_finish(&w);
		assert_true(n > 0);
		assert_int_equal(diam_validate(ans, (size_t)n, DIAM_V_STRUCTURE, &v), 0);
		assert_int_equal(diam_msg_parse(ans, (size_t)n, &a), 0);
		assert_int_equal(a.hdr.flags & DIAM_FLAG_R, 0);
		assert_int_equal(a.hdr.code, m.hdr.code);
		assert_int_equal(a.hdr.hbh, m.hdr.hbh);
		assert_true(allowed_result(&a));
		handled++;
	}
	assert_int_equal(db_txn_commit(f->db), 0);
	print_message("%d of %d mutated requests passed the validator and were answered\n",
		      handled, ROUNDS);
	/* The mutations must leave plenty of valid requests to chew on. */
	assert_true(handled > ROUNDS / 10);
	/* The store is intact: a clean ULR still gets both APNs. */
	{
		size_t len = seed_request(1, req, sizeof(req));
		struct diam_msg m, a;
		struct diam_wr w;
		struct diam_avp sd, prof;
		ssize_t n;

		assert_int_equal(diam_msg_parse(req, len, &m), 0);
		diam_wr_init(&w, ans, sizeof(ans));
		assert_int_equal(s6a_routes[1].cmd_code, DIAM_CMD_UL);
		assert_int_equal(s6a_routes[1].handler(&f->ctx, &m, &w), 0);
		n = diam_wr_finish(&w);
		assert_int_equal(diam_msg_parse(ans, (size_t)n, &a), 0);
		s6_assert_result(&a, false, DIAM_SUCCESS);
		assert_int_equal(diam_msg_find(&a, AVP_S6A_SUBSCRIPTION_DATA, V3, &sd), 0);
		assert_int_equal(diam_group_find(&sd, S6A_AVP_APN_CONFIGURATION_PROFILE, V3, &prof),
				 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mutated_requests, s6f_setup, s6f_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
