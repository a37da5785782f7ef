/* hssd's Diameter faults (hss/diam_fault.c) on a real MAA from the Cx
 * handler: the action syntax, each rewrite (result as Result-Code or
 * Experimental-Result with the identities echoed, omit at any depth with
 * every enclosing length fixed, bad-length that a length check catches),
 * and the rules through the store: hss-ctl's writes bump the version,
 * hssd's poll reads them, fires them and writes the counts back. */
#include "test_cx_util.h"
#include "diam_fault.h"

/* Every AVP at every depth iterates cleanly (lengths consistent). */
static int walk(const uint8_t *area, size_t len, int depth)
{
	struct diam_iter it;
	struct diam_avp a;
	int rc, n = 0;

	diam_iter_init(&it, area, len);
	while ((rc = diam_iter_next(&it, &a)) == 1) {
		const struct diam_dict_avp *d = diam_dict_avp(a.code, a.vendor);

		n++;
		if (d && d->type == DT_GROUPED && depth < 4 && walk(a.data, a.len, depth + 1) < 0)
			return -1;
	}
	return rc < 0 ? -1 : n;
}

static void test_parse(void **state)
{
	struct hfault_action a;
	char err[200], cmd[8];

	(void)state;
	assert_int_equal(hfault_parse_action("delay:3000", &a, err, sizeof(err)), 0);
	assert_int_equal(a.kind, HF_DELAY);
	assert_int_equal(a.delay_ms, 3000);
	/* 5001: a 3GPP code (TS 29.229 §6.2.2.1) -> Experimental-Result */
	assert_int_equal(hfault_parse_action("result:5001", &a, err, sizeof(err)), 0);
	assert_true(a.experimental);
	/* 5012 UNABLE_TO_COMPLY and 3004 TOO_BUSY are RFC 6733 codes */
	assert_int_equal(hfault_parse_action("result:5012", &a, err, sizeof(err)), 0);
	assert_false(a.experimental);
	assert_int_equal(hfault_parse_action("result:base:5004", &a, err, sizeof(err)), 0);
	assert_false(a.experimental);
	assert_int_equal(hfault_parse_action("result:exp:2001", &a, err, sizeof(err)), 0);
	assert_true(a.experimental);
	assert_int_equal(hfault_parse_action("omit:Confidentiality-Key", &a, err, sizeof(err)), 0);
	assert_int_equal(a.avp->code, AVP_CX_CONFIDENTIALITY_KEY);
	assert_int_equal(hfault_parse_action("bad-length:SIP-Authenticate", &a, err, sizeof(err)), 0);
	assert_int_equal(hfault_parse_action("dpr", &a, err, sizeof(err)), 0);
	assert_int_equal(a.kind, HF_DPR);
	assert_int_equal(hfault_parse_action("delay:0", &a, err, sizeof(err)), -1);
	assert_int_equal(hfault_parse_action("result:700", &a, err, sizeof(err)), -1);
	assert_int_equal(hfault_parse_action("omit:Nope", &a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'Nope' is not an AVP name"));
	assert_int_equal(hfault_parse_action("explode", &a, err, sizeof(err)), -1);
	assert_int_equal(hfault_parse_command("sar", cmd, sizeof(cmd), err, sizeof(err)), 0);
	assert_string_equal(cmd, "SAR");
	assert_int_equal(hfault_parse_command("NOR", cmd, sizeof(cmd), err, sizeof(err)), -1);
}

static void rewrite(struct hssf *f, const char *action, const struct diam_msg *req)
{
	struct hfault_action a;
	char err[200];
	ssize_t n;

	assert_int_equal(hfault_parse_action(action, &a, err, sizeof(err)), 0);
	n = hfault_rewrite(&a, req, &f->ctx.id, f->ans, f->ans_len, sizeof(f->ans));
	assert_true(n > 0);
	f->ans_len = (size_t)n;
	assert_int_equal(diam_msg_parse(f->ans, f->ans_len, &f->msg), 0);
}

static void test_result(void **state)
{
	struct hssf *f = *state;
	uint8_t req[4096];
	struct diam_msg rm;
	char s[256];

	cxf_mar_a(f, req, sizeof(req), &rm);
	rewrite(f, "result:5001", &rm);
	assert_result(f, true, 5001);
	assert_int_equal(diam_msg_count(&f->msg, AVP_CX_SIP_AUTH_DATA_ITEM, V3), 0);
	assert_int_equal(diam_msg_str(&f->msg, AVP_USER_NAME, 0, s, sizeof(s)), 0);
	assert_string_equal(s, A_IMPI); /* Kamailio reads the identities of an error MAA */
	assert_int_equal(diam_msg_str(&f->msg, AVP_CX_PUBLIC_IDENTITY, V3, s, sizeof(s)), 0);
	assert_string_equal(s, A_IMPU);
	assert_int_equal(diam_msg_str(&f->msg, AVP_ORIGIN_HOST, 0, s, sizeof(s)), 0);
	assert_string_equal(s, HSS_HOST);
	assert_int_equal(f->msg.hdr.hbh, rm.hdr.hbh);
	assert_int_equal(f->msg.hdr.flags & DIAM_FLAG_E, 0);
	cxf_mar_a(f, req, sizeof(req), &rm);
	rewrite(f, "result:3004", &rm); /* DIAMETER_TOO_BUSY: a protocol error, E bit */
	assert_result(f, false, 3004);
	assert_int_equal(f->msg.hdr.flags & DIAM_FLAG_E, DIAM_FLAG_E);
}

static void test_omit(void **state)
{
	struct hssf *f = *state;
	uint8_t req[4096];
	struct diam_msg rm;
	struct diam_avp item, x;
	size_t before;

	cxf_mar_a(f, req, sizeof(req), &rm);
	before = f->ans_len;
	rewrite(f, "omit:Confidentiality-Key", &rm); /* inside SIP-Auth-Data-Item */
	assert_int_equal(f->ans_len, before - 28);   /* 12-octet header + 16 */
	assert_true(walk(f->msg.avps, f->msg.avps_len, 0) > 0);
	assert_int_equal(diam_msg_find(&f->msg, AVP_CX_SIP_AUTH_DATA_ITEM, V3, &item), 0);
	assert_int_equal(diam_group_find(&item, AVP_CX_CONFIDENTIALITY_KEY, V3, &x), DIAM_ENOENT);
	assert_int_equal(diam_group_find(&item, AVP_CX_INTEGRITY_KEY, V3, &x), 0);
	rewrite(f, "omit:SIP-Auth-Data-Item", &rm);
	assert_int_equal(diam_msg_count(&f->msg, AVP_CX_SIP_AUTH_DATA_ITEM, V3), 0);
	assert_result(f, false, 2001);
}

static void test_bad_length(void **state)
{
	struct hssf *f = *state;
	uint8_t req[4096];
	struct diam_msg rm;

	cxf_mar_a(f, req, sizeof(req), &rm);
	assert_true(walk(f->msg.avps, f->msg.avps_len, 0) > 0);
	rewrite(f, "bad-length:SIP-Authenticate", &rm);
	assert_int_equal(walk(f->msg.avps, f->msg.avps_len, 0), -1); /* RFC 6733 §4.1 */
	cxf_mar_a(f, req, sizeof(req), &rm);
	rewrite(f, "bad-length:Session-Id", &rm);
	assert_int_equal(walk(f->msg.avps, f->msg.avps_len, 0), -1);
}

static int count_rules(void *arg, const struct db_fault *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

/* The store: add/del/clear bump the version; hssd's poll reads a change,
 * keeps the counts of rules that stay, and writes fired back. */
static void test_store_and_poll(void **state)
{
	struct hssf *f = *state;
	struct db_fault a = { .command = "MAR", .action = "result:5001", .count = 2 };
	struct db_fault b = { .command = "any", .action = "drop", .every = 2 };
	struct hfaults hf;
	uint8_t req[4096];
	struct diam_msg rm;
	int64_t v0, v1;
	int n = 0;

	hfaults_init(&hf);
	assert_int_equal(db_fault_version(f->db, &v0), 0);
	assert_int_equal(db_fault_add(f->db, &a), 0);
	assert_int_equal(db_fault_version(f->db, &v1), 0);
	assert_int_equal(v1, v0 + 1);
	assert_int_equal(hfaults_poll(&hf, f->db), 1);
	assert_int_equal(hf.n, 1);
	assert_int_equal(hfaults_poll(&hf, f->db), 0); /* nothing moved */
	cxf_mar_a(f, req, sizeof(req), &rm);
	assert_non_null(hfaults_pick(&hf, "MAR", &rm));
	assert_null(hfaults_pick(&hf, "SAR", &rm));
	assert_int_equal(db_fault_add(f->db, &b), 0);
	assert_int_equal(hfaults_poll(&hf, f->db), 1); /* fired 1 written, rules read again */
	assert_int_equal(hf.n, 2);
	assert_int_equal(hf.rule[0].m.fired, 1);      /* carried over */
	assert_non_null(hfaults_pick(&hf, "MAR", &rm)); /* 2 of 2 */
	/* a is spent; b (every 2) sees its first match and does not fire */
	assert_null(hfaults_pick(&hf, "MAR", &rm));
	assert_ptr_equal(hfaults_pick(&hf, "MAR", &rm), &hf.rule[1]);
	assert_int_equal(hfaults_poll(&hf, f->db), 0);
	assert_int_equal(db_fault_foreach(f->db, count_rules, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(db_fault_del(f->db, a.id), 0);
	assert_int_equal(db_fault_del(f->db, a.id), -ENOENT);
	assert_int_equal(db_fault_clear(f->db), 0);
	assert_int_equal(hfaults_poll(&hf, f->db), 1);
	assert_int_equal(hf.n, 0);
	/* cleared, then the same rule again: a new id, its own count */
	a.id = 0;
	assert_int_equal(db_fault_add(f->db, &a), 0);
	assert_true(a.id > b.id);
	assert_int_equal(hfaults_poll(&hf, f->db), 1);
	assert_int_equal(hf.rule[0].m.fired, 0);
	assert_non_null(hfaults_pick(&hf, "MAR", &rm));
	hfaults_free(&hf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_result, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_omit, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_bad_length, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_store_and_poll, cxf_setup, cxf_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
