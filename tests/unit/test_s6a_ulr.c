/* S6a ULR/ULA, PUR/PUA, CLR and IDR tests (hss/s6a*.c, hss/db_apn.c) over a
 * temporary store holding the demo subscriber (internet: default, QCI 9;
 * ims: QCI 5). Handler answers are compared with tests/golden/s6a/; the
 * HSS-initiated CLR/IDR are captured by a stand-in for the core's send
 * function and checked field by field. */
#define HSSF_CAPTURE_SENT /* `sent`: the HSS-initiated requests */
#include "test_s6a_util.h"


static void ulr(struct hssf *f, const char *mme, const char *imsi, uint32_t flags)
{
	static const uint8_t plmn[3] = {0x00, 0xf1, 0x10};
	uint8_t buf[2048];
	struct diam_wr w;

	f->ctx.peer_host = mme;
	diam_wr_init(&w, buf, sizeof(buf));
	s6_req_head(&w, DIAM_CMD_UL, mme, imsi);
	diam_put_u32(&w, S6A_AVP_RAT_TYPE, V3, S6A_RAT_EUTRAN);
	diam_put_u32(&w, AVP_S6A_ULR_FLAGS, V3, flags);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, 3);
	s6f_run(f, buf, &w);
}

static void pur(struct hssf *f, const char *mme, const char *imsi)
{
	uint8_t buf[1024];
	struct diam_wr w;

	diam_wr_init(&w, buf, sizeof(buf));
	s6_req_head(&w, DIAM_CMD_PU, mme, imsi);
	s6f_run(f, buf, &w);
}

static uint32_t top_u32(const struct diam_msg *m, uint32_t code, uint32_t vendor)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(diam_msg_u32(m, code, vendor, &v), 0);
	return v;
}

static void str_in(const struct diam_avp *g, uint32_t code, uint32_t vendor, const char *want)
{
	struct diam_avp a;
	char s[256];

	assert_int_equal(diam_group_find(g, code, vendor, &a), 0);
	assert_int_equal(diam_avp_str(&a, s, sizeof(s)), 0);
	assert_string_equal(s, want);
}

/* One APN-Configuration: Context-Identifier, PDN-Type, Service-Selection,
 * QCI and ARP priority. */
static void check_apn(const struct diam_avp *c, uint32_t ctx, const char *name, uint32_t qci,
		      uint32_t prio)
{
	struct diam_avp qos, arp;

	assert_int_equal(c->code, S6A_AVP_APN_CONFIGURATION);
	assert_int_equal(s6_group_u32(c, S6A_AVP_CONTEXT_IDENTIFIER, V3), ctx);
	assert_int_equal(s6_group_u32(c, S6A_AVP_PDN_TYPE, V3), DB_PDN_IPV4V6);
	str_in(c, AVP_SERVICE_SELECTION, 0, name);
	assert_int_equal(diam_group_find(c, S6A_AVP_EPS_SUBSCRIBED_QOS_PROFILE, V3, &qos), 0);
	assert_int_equal(s6_group_u32(&qos, S6A_AVP_QCI, V3), qci);
	assert_int_equal(diam_group_find(&qos, S6A_AVP_ARP, V3, &arp), 0);
	assert_int_equal(s6_group_u32(&arp, S6A_AVP_PRIORITY_LEVEL, V3), prio);
}

/* The demo Subscription-Data: MSISDN 15550000001 in TBCD, ONLY_PACKET,
 * APN-Configuration-Profile with internet (1, default) and ims (2). */
static void check_subscription_data(const struct diam_msg *m)
{
	static const uint8_t msisdn[6] = {0x51, 0x55, 0x00, 0x00, 0x00, 0xf1};
	struct diam_avp sd, a, prof, c;
	struct diam_iter it;
	int n = 0;

	assert_int_equal(diam_msg_find(m, AVP_S6A_SUBSCRIPTION_DATA, V3, &sd), 0);
	assert_int_equal(s6_group_u32(&sd, S6A_AVP_SUBSCRIBER_STATUS, V3), 0);
	assert_int_equal(diam_group_find(&sd, S6A_AVP_MSISDN, V3, &a), 0);
	assert_int_equal(a.len, 6);
	assert_memory_equal(a.data, msisdn, 6);
	assert_int_equal(s6_group_u32(&sd, S6A_AVP_NETWORK_ACCESS_MODE, V3), DB_NAM_ONLY_PACKET);
	assert_int_equal(diam_group_find(&sd, S6A_AVP_AMBR, V3, &a), 0);
	assert_int_equal(s6_group_u32(&a, S6A_AVP_MAX_REQ_BW_UL, V3), 50000000);
	assert_int_equal(s6_group_u32(&a, S6A_AVP_MAX_REQ_BW_DL, V3), 100000000);
	assert_int_equal(diam_group_find(&sd, S6A_AVP_APN_CONFIGURATION_PROFILE, V3, &prof), 0);
	assert_int_equal(s6_group_u32(&prof, S6A_AVP_CONTEXT_IDENTIFIER, V3), 1);
	assert_int_equal(s6_group_u32(&prof, S6A_AVP_ALL_APN_CONFIG_INC_IND, V3), 0);
	diam_iter_group(&it, &prof);
	while (diam_iter_next(&it, &c) == 1) {
		if (c.code != S6A_AVP_APN_CONFIGURATION)
			continue;
		if (n++ == 0)
			check_apn(&c, 1, "internet", 9, 8);
		else
			check_apn(&c, 2, "ims", 5, 1);
	}
	assert_int_equal(n, 2);
}

static void test_tbcd(void **state)
{
	uint8_t b[8];

	(void)state;
	assert_int_equal(s6a_tbcd_encode("15550000001", b, sizeof(b)), 6);
	assert_memory_equal(b, "\x51\x55\x00\x00\x00\xf1", 6);
	assert_int_equal(s6a_tbcd_encode("1234", b, sizeof(b)), 2);
	assert_memory_equal(b, "\x21\x43", 2);
	assert_int_equal(s6a_tbcd_encode("12a", b, sizeof(b)), -EINVAL);
	assert_int_equal(s6a_tbcd_encode("", b, sizeof(b)), -EINVAL);
}

static void test_ulr_demo_subscriber(void **state)
{
	struct hssf *f = *state;
	struct db_eps e;

	memset(&sent, 0, sizeof(sent));
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR | S6A_ULR_INITIAL_ATTACH);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	s6_golden_check("ula_demo", f->ans, f->ans_len);
	assert_int_equal(top_u32(&f->msg, AVP_S6A_ULA_FLAGS, V3), 0);
	check_subscription_data(&f->msg);
	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	assert_string_equal(e.mme_host, MME1);
	assert_string_equal(e.mme_realm, EPC_REALM);
	assert_false(e.purged);
	assert_int_equal(sent.calls, 0); /* first MME: nothing to cancel */
	/* the same MME again: still no CLR */
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	assert_int_equal(sent.calls, 0);
}

static void test_ulr_skip_subscriber_data(void **state)
{
	struct hssf *f = *state;
	struct diam_avp a;

	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR | S6A_ULR_SKIP_SUBSCRIBER_DATA);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	assert_int_equal(diam_msg_find(&f->msg, AVP_S6A_SUBSCRIPTION_DATA, V3, &a), DIAM_ENOENT);
	assert_int_equal(diam_msg_find(&f->msg, AVP_S6A_ULA_FLAGS, V3, &a), 0);
}

static void test_ulr_errors(void **state)
{
	struct hssf *f = *state;
	struct db_eps e;

	ulr(f, MME1, "001019999999999", S6A_ULR_S6A_INDICATOR);
	s6_assert_result(&f->msg, true, S6A_ERROR_USER_UNKNOWN);
	s6_golden_check("ula_user_unknown", f->ans, f->ans_len);
	ulr(f, MME1, BARE_IMSI, S6A_ULR_S6A_INDICATOR);
	s6_assert_result(&f->msg, true, S6A_ERROR_UNKNOWN_EPS_SUBSCRIPTION);
	s6_golden_check("ula_unknown_eps_subscription", f->ans, f->ans_len);
	/* E-UTRAN barred by Access-Restriction-Data: 5421, MME not stored. */
	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	e.access_restriction = S6A_ARD_EUTRAN_NOT_ALLOWED;
	assert_int_equal(db_eps_set_profile(f->db, f->demo_id, &e), 0);
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	s6_assert_result(&f->msg, true, S6A_ERROR_RAT_NOT_ALLOWED);
	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	assert_string_equal(e.mme_host, "");
}

static void answer_to(struct hssf *f, const uint8_t *req, size_t len, uint32_t result)
{
	struct diam_msg rq;

	assert_int_equal(diam_msg_parse(req, len, &rq), 0);
	hssf_answer(f, &rq, DIAM_APP_S6A, result, MME1, EPC_REALM);
}

/* §5.2.1.1.3: a ULR from MME2 while MME1 is registered sends MME1 a CLR
 * with MME_UPDATE_PROCEDURE; the CLA closes the queue row. */
static void test_ulr_new_mme_cancels_old(void **state)
{
	struct hssf *f = *state;
	struct diam_msg m;
	struct db_out r;
	struct db_eps e;
	struct diam_avp all = {0};

	memset(&sent, 0, sizeof(sent));
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR | S6A_ULR_INITIAL_ATTACH);
	ulr(f, MME2, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	check_subscription_data(&f->msg);
	assert_int_equal(sent.calls, 1);
	assert_string_equal(sent.host, MME1);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	assert_int_equal(m.hdr.code, DIAM_CMD_CL);
	assert_int_equal(m.hdr.app_id, DIAM_APP_S6A);
	assert_true(m.hdr.flags & DIAM_FLAG_R);
	all.data = m.avps;
	all.len = m.avps_len;
	str_in(&all, AVP_DESTINATION_HOST, 0, MME1);
	str_in(&all, AVP_DESTINATION_REALM, 0, EPC_REALM);
	str_in(&all, AVP_USER_NAME, 0, DEMO_IMSI);
	assert_int_equal(s6_group_u32(&all, AVP_S6A_CANCELLATION_TYPE, V3), S6A_CT_MME_UPDATE);
	assert_int_equal(s6_group_u32(&all, S6A_AVP_CLR_FLAGS, V3), S6A_CLR_S6A_INDICATOR);
	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	assert_string_equal(e.mme_host, MME2);

	assert_int_equal(db_out_by_ids(f->db, m.hdr.hbh, m.hdr.e2e, &r), 0);
	assert_string_equal(r.state, "sent");
	answer_to(f, sent.buf, sent.len, DIAM_SUCCESS);
	assert_int_equal(db_out_get(f->db, r.id, &r), 0);
	assert_string_equal(r.state, "done");

	/* Back to MME1 with the Initial-Attach-Indicator: INITIAL_ATTACH_PROCEDURE. */
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR | S6A_ULR_INITIAL_ATTACH);
	assert_int_equal(sent.calls, 2);
	assert_string_equal(sent.host, MME2);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	all.data = m.avps;
	all.len = m.avps_len;
	assert_int_equal(s6_group_u32(&all, AVP_S6A_CANCELLATION_TYPE, V3), S6A_CT_INITIAL_ATTACH);
}

/* The old MME not connected: the CLR stays queued and the tick sends it
 * once the peer is back. */
static void test_clr_retried_by_tick(void **state)
{
	struct hssf *f = *state;
	struct db_out r;

	memset(&sent, 0, sizeof(sent));
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	sent.ret = -ENOTCONN;
	ulr(f, MME2, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	assert_int_equal(db_out_next_queued(f->db, 0, &r), 0);
	assert_string_equal(r.kind, "CLR");
	assert_int_equal(r.attempts, 1);
	sent.ret = 0;
	hss_out_tick(&f->ctx);
	assert_string_equal(sent.host, MME1);
	assert_int_equal(db_out_get(f->db, r.id, &r), 0);
	assert_string_equal(r.state, "sent");
	assert_int_equal(db_out_next_queued(f->db, 0, &r), -ENOENT);
}

static void test_pur(void **state)
{
	struct hssf *f = *state;
	struct db_eps e;
	struct db_sub s;

	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	/* a purge from another node changes nothing */
	pur(f, MME2, DEMO_IMSI);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	assert_int_equal(top_u32(&f->msg, S6A_AVP_PUA_FLAGS, V3), 0);
	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	assert_false(e.purged);
	pur(f, MME1, DEMO_IMSI);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	s6_golden_check("pua_purged", f->ans, f->ans_len);
	assert_int_equal(top_u32(&f->msg, S6A_AVP_PUA_FLAGS, V3),
		S6A_PUA_FREEZE_M_TMSI);
	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	assert_true(e.purged);
	assert_string_equal(e.mme_host, MME1);
	/* the data is kept */
	assert_int_equal(db_sub_by_imsi(f->db, DEMO_IMSI, &s), 0);
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	check_subscription_data(&f->msg);
	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	assert_false(e.purged);
	pur(f, MME1, "001019999999999");
	s6_assert_result(&f->msg, true, S6A_ERROR_USER_UNKNOWN);
}

/* hss-ctl queues an IDR after an APN change; the tick sends the whole
 * profile to the serving MME; the IDA closes the row. */
static void test_idr(void **state)
{
	struct hssf *f = *state;
	struct db_out r;
	struct diam_msg m;
	struct diam_avp all = {0};
	struct db_out idr = { .kind = "IDR", .user = DEMO_IMSI };
	int64_t id;

	memset(&sent, 0, sizeof(sent));
	/* no MME yet: the IDR is dropped as failed */
	assert_int_equal(db_out_add(f->db, &idr), 0);
	id = idr.id;
	hss_out_tick(&f->ctx);
	assert_int_equal(sent.calls, 0);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "failed");

	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	assert_int_equal(db_out_add(f->db, &idr), 0);
	id = idr.id;
	hss_out_tick(&f->ctx);
	assert_int_equal(sent.calls, 1);
	assert_string_equal(sent.host, MME1);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	assert_int_equal(m.hdr.code, DIAM_CMD_ID);
	all.data = m.avps;
	all.len = m.avps_len;
	str_in(&all, AVP_DESTINATION_HOST, 0, MME1);
	str_in(&all, AVP_USER_NAME, 0, DEMO_IMSI);
	check_subscription_data(&m);
	answer_to(f, sent.buf, sent.len, DIAM_SUCCESS);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "done");
}

/* Assignment rules of the store: automatic Context-Identifiers, one
 * default, the default moves when it is unassigned. */
struct apn_list {
	int n;
	char names[4][DB_APN_NAME_MAX];
	uint32_t ctx[4];
	bool def[4];
};

static int collect(void *arg, const struct db_sub_apn *a)
{
	struct apn_list *l = arg;

	snprintf(l->names[l->n], sizeof(l->names[0]), "%s", a->apn.name);
	l->ctx[l->n] = a->context_id;
	l->def[l->n++] = a->is_default;
	return 0;
}

static void test_apn_assignment(void **state)
{
	struct hssf *f = *state;
	struct apn_list l = {0};
	struct db_apn internet, ims, dup;

	assert_int_equal(db_apn_by_name(f->db, "internet", &internet), 0);
	assert_int_equal(db_apn_by_name(f->db, "ims", &ims), 0);
	assert_int_equal(ims.qci, 5);
	db_apn_defaults(&dup);
	snprintf(dup.name, sizeof(dup.name), "ims");
	assert_int_equal(db_apn_add(f->db, &dup), -EEXIST);
	dup.qci = 0;
	snprintf(dup.name, sizeof(dup.name), "bad");
	assert_int_equal(db_apn_add(f->db, &dup), -EINVAL); /* schema CHECK */
	assert_int_equal(db_sub_apn_foreach(f->db, f->demo_id, collect, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.names[0], "internet");
	assert_true(l.def[0] && !l.def[1]);
	assert_int_equal(l.ctx[1], 2);
	/* ims becomes the default; then internet goes: ims stays default */
	assert_int_equal(db_sub_apn_assign(f->db, f->demo_id, ims.id, 0, true, "10.45.0.7"), 0);
	memset(&l, 0, sizeof(l));
	assert_int_equal(db_sub_apn_foreach(f->db, f->demo_id, collect, &l), 0);
	assert_true(!l.def[0] && l.def[1]);
	assert_int_equal(l.ctx[1], 2); /* kept on re-assignment */
	assert_int_equal(db_sub_apn_unassign(f->db, f->demo_id, internet.id), 0);
	assert_int_equal(db_sub_apn_unassign(f->db, f->demo_id, internet.id), -ENOENT);
	memset(&l, 0, sizeof(l));
	assert_int_equal(db_sub_apn_foreach(f->db, f->demo_id, collect, &l), 0);
	assert_int_equal(l.n, 1);
	assert_true(l.def[0]);
	/* a taken Context-Identifier */
	assert_int_equal(db_sub_apn_assign(f->db, f->demo_id, internet.id, 2, false, NULL), -EEXIST);
}

/* A static address goes out as Served-Party-IP-Address. */
static void test_ulr_static_ip(void **state)
{
	struct hssf *f = *state;
	struct db_apn ims;
	struct diam_avp sd, prof, c, a;
	struct diam_iter it;
	uint8_t addr[16];
	size_t alen = 0;
	uint16_t fam = 0;

	assert_int_equal(db_apn_by_name(f->db, "ims", &ims), 0);
	assert_int_equal(db_sub_apn_assign(f->db, f->demo_id, ims.id, 0, false, "10.45.0.7"), 0);
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	s6_golden_check("ula_static_ip", f->ans, f->ans_len);
	assert_int_equal(diam_msg_find(&f->msg, AVP_S6A_SUBSCRIPTION_DATA, V3, &sd), 0);
	assert_int_equal(diam_group_find(&sd, S6A_AVP_APN_CONFIGURATION_PROFILE, V3, &prof), 0);
	diam_iter_group(&it, &prof);
	while (diam_iter_next(&it, &c) == 1)
		if (c.code == S6A_AVP_APN_CONFIGURATION &&
		    diam_group_find(&c, S6A_AVP_SERVED_PARTY_IP_ADDRESS, V3, &a) == 0)
			assert_int_equal(diam_avp_addr(&a, &fam, addr, &alen), 0);
	assert_int_equal(fam, 1);
	assert_int_equal(alen, 4);
	assert_memory_equal(addr, "\x0a\x2d\x00\x07", 4);
}

/* Operator-determined barring: Subscriber-Status 1 with the barring
 * categories (bit 0, all packet oriented services). */
static void test_ulr_odb(void **state)
{
	struct hssf *f = *state;
	struct db_eps e;
	struct diam_avp sd;

	assert_int_equal(db_eps_get(f->db, f->demo_id, &e), 0);
	e.subscriber_status = DB_SUB_STATUS_ODB;
	assert_int_equal(db_eps_set_profile(f->db, f->demo_id, &e), 0);
	ulr(f, MME1, DEMO_IMSI, S6A_ULR_S6A_INDICATOR);
	s6_assert_result(&f->msg, false, DIAM_SUCCESS);
	assert_int_equal(diam_msg_find(&f->msg, AVP_S6A_SUBSCRIPTION_DATA, V3, &sd), 0);
	assert_int_equal(s6_group_u32(&sd, S6A_AVP_SUBSCRIBER_STATUS, V3), 1);
	assert_int_equal(s6_group_u32(&sd, S6A_AVP_OPERATOR_DETERMINED_BARRING, V3), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tbcd),
#define T(fn) cmocka_unit_test_setup_teardown(fn, s6f_setup, s6f_teardown)
		T(test_ulr_demo_subscriber),
		T(test_ulr_skip_subscriber_data),
		T(test_ulr_errors),
		T(test_ulr_new_mme_cancels_old),
		T(test_clr_retried_by_tick),
		T(test_pur),
		T(test_idr),
		T(test_apn_assignment),
		T(test_ulr_static_ip),
		T(test_ulr_odb),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
