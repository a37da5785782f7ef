/* hssd's held answers (hss/held.c): batches of real MAR/MAA pairs from
 * the Cx handler, paired with finished commits as server.c poll_commits
 * does. A report sequence with a commit missing (a backend that lost
 * one) must fail the batch it skipped — every answer in it 5012, never
 * its 2001 — and release only the batch that is its own; a stale report
 * releases nothing. Also: batches come back from the pool with their
 * buffers (no allocation per turn). */
#include "test_cx_util.h"
#include "diameter/base.h"
#include "held.h"

#define CONN ((void *)0x1) /* a live connection: only its NULL-ness counts */

/* One turn of n MARs sealed into the open batch, then its commit seq. */
static void turn(struct hssf *f, struct held_queue *q, size_t n, uint64_t seq)
{
	uint8_t req[2048];

	for (size_t i = 0; i < n; i++) {
		struct held h = { .conn = CONN, .name = "MAR", .req = req, .tag = (uint32_t)seq };

		h.req_len = cxf_mar_a(f, req, sizeof(req), NULL);
		h.ans_len = f->ans_len;
		assert_int_equal(held_seal(q, &h, f->ans), 0);
	}
	held_committing(q, seq, 0);
}

/* What leaves for each entry of b, as server.c release_batch sends it
 * (HELD_5012: put_5012's DIAMETER_UNABLE_TO_COMPLY answer): its
 * Result-Code, for every entry the same expected code. */
static void assert_released(const struct held_batch *b, int err, uint32_t want)
{
	static const struct diam_local local = { .origin_host = HSS_HOST, .origin_realm = REALM };

	for (size_t i = 0; i < b->n; i++) {
		const struct held *h = &b->h[i];
		struct diam_verdict v = { .result_code = DIAM_UNABLE_TO_COMPLY };
		uint8_t buf[4096];
		const uint8_t *out = buf;
		struct diam_msg m;
		uint32_t rc = 0;
		ssize_t n;

		switch (held_fate(h, err, false)) {
		case HELD_SEND:
			out = held_ans(b, h);
			n = (ssize_t)h->ans_len;
			break;
		case HELD_5012:
			n = diam_build_error_answer(buf, sizeof(buf), held_req(b, h), h->req_len,
						    &local, &v);
			break;
		default:
			fail_msg("entry %zu: neither sent nor 5012", i);
			return;
		}
		assert_true(n > 0);
		assert_int_equal(diam_msg_parse(out, (size_t)n, &m), 0);
		assert_int_equal(m.hdr.code, DIAM_CMD_MA);
		assert_int_equal(m.hdr.hbh, HSSF_HBH); /* the answer to its own request */
		assert_int_equal(diam_msg_u32(&m, AVP_RESULT_CODE, 0, &rc), 0);
		assert_int_equal(rc, want);
	}
}

/* Commits 1, 2, 3 in flight; the backend reports 1, then 3 (2's report
 * lost), then 1 again: 1 releases its 2001s, 3 fails batch 2 (5012 for
 * each of its MAAs) and releases its own, the stale 1 pairs with nothing. */
static void test_pairing_skipped_report(void **state)
{
	struct hssf *f = *state;
	struct held_queue q = { 0 };
	struct held_batch *lost, *b;

	turn(f, &q, 2, 1);
	turn(f, &q, 3, 2);
	turn(f, &q, 1, 3);
	assert_int_equal(q.inflight, 3);

	b = held_pair(&q, 1, &lost);
	assert_non_null(b);
	assert_null(lost);
	assert_int_equal(b->seq, 1);
	assert_int_equal(b->n, 2);
	assert_released(b, 0, DIAM_SUCCESS);
	held_put(&q, b);

	b = held_pair(&q, 3, &lost);
	assert_non_null(lost);
	assert_int_equal(lost->seq, 2);
	assert_int_equal(lost->n, 3);
	assert_null(lost->next);
	assert_released(lost, HELD_UNPAIRED, DIAM_UNABLE_TO_COMPLY);
	assert_non_null(b);
	assert_int_equal(b->seq, 3);
	assert_released(b, 0, DIAM_SUCCESS);
	assert_int_equal(q.inflight, 0);
	held_put(&q, lost);
	held_put(&q, b);

	/* a stale report: nothing queued pairs with it, nothing leaves */
	turn(f, &q, 1, 4);
	assert_null(held_pair(&q, 1, &lost));
	assert_null(lost);
	assert_int_equal(q.inflight, 1);
	/* a report past every queued batch: all of them fail, none released */
	turn(f, &q, 1, 5);
	assert_null(held_pair(&q, 7, &lost));
	assert_non_null(lost);
	assert_int_equal(lost->seq, 4);
	assert_non_null(lost->next);
	assert_int_equal(lost->next->seq, 5);
	assert_released(lost, HELD_UNPAIRED, DIAM_UNABLE_TO_COMPLY);
	assert_released(lost->next, HELD_UNPAIRED, DIAM_UNABLE_TO_COMPLY);
	assert_int_equal(q.inflight, 0);
	b = lost->next;
	held_put(&q, lost);
	held_put(&q, b);
	held_free(&q);
}

/* held_fate: the rules release_batch applies. */
static void test_fate(void **state)
{
	struct held mine = { .conn = CONN, .name = NULL }; /* a request hssd sends */
	struct held theirs = { .conn = CONN, .name = "SAR" };
	struct held closed = { .conn = NULL, .name = "MAR" };

	(void)state;
	assert_int_equal(held_fate(&theirs, 0, false), HELD_SEND);
	assert_int_equal(held_fate(&theirs, 0, true), HELD_RUN_AGAIN);
	assert_int_equal(held_fate(&theirs, -EIO, false), HELD_5012);
	assert_int_equal(held_fate(&theirs, -EIO, true), HELD_5012);
	assert_int_equal(held_fate(&theirs, HELD_UNPAIRED, false), HELD_5012);
	assert_int_equal(held_fate(&mine, 0, true), HELD_SEND);
	assert_int_equal(held_fate(&mine, HELD_UNPAIRED, false), HELD_NOTHING);
	assert_int_equal(held_fate(&closed, 0, false), HELD_NOTHING);
	assert_int_equal(held_fate(&closed, HELD_UNPAIRED, false), HELD_NOTHING);
}

/* A batch back from the pool keeps its buffers: the next turns of the
 * same size allocate nothing (the heap-churn fix of issue 14 item 1). */
static void test_pool_keeps_buffers(void **state)
{
	struct hssf *f = *state;
	struct held_queue q = { 0 };
	struct held_batch *lost, *b;
	uint8_t *buf, *h;

	turn(f, &q, 4, 1);
	b = held_pair(&q, 1, &lost);
	assert_non_null(b);
	buf = b->buf;
	h = (uint8_t *)b->h;
	held_put(&q, b);
	assert_int_equal(q.npool, 1);
	turn(f, &q, 4, 2);
	b = held_pair(&q, 2, &lost);
	assert_ptr_equal(b->buf, buf);
	assert_ptr_equal((uint8_t *)b->h, h);
	assert_released(b, 0, DIAM_SUCCESS);
	held_put(&q, b);
	held_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pairing_skipped_report, cxf_setup, cxf_teardown),
		cmocka_unit_test(test_fate),
		cmocka_unit_test_setup_teardown(test_pool_keeps_buffers, cxf_setup, cxf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
