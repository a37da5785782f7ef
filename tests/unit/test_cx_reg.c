/* Cx UAR, SAR, LIR and the HSS-initiated RTR (hss/cx.c, hss/cx_rtr.c)
 * over a temporary store: golden answers in tests/golden/cx/, the
 * registration state after each step, User-Data validated against
 * Kamailio's CxDataType_Rel7.xsd when xmllint and the XSD are installed. */
#define HSSF_CAPTURE_SENT /* `sent`: the HSS-initiated requests */
#include "test_cx_util.h"

#define XSD "/usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd"

static void uar(struct hssf *f, const char *impi, const char *impu, int type)
{
	uint8_t buf[4096];
	struct diam_wr w;

	diam_wr_init(&w, buf, sizeof(buf));
	req_head(&w, DIAM_CMD_UA);
	diam_put_str(&w, AVP_USER_NAME, 0, impi);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, impu);
	diam_put_octets(&w, AVP_CX_VISITED_NETWORK_IDENTIFIER, V3, REALM, strlen(REALM));
	if (type >= 0)
		diam_put_u32(&w, AVP_CX_USER_AUTHORIZATION_TYPE, V3, (uint32_t)type);
	cxf_run(f, buf, &w);
}

static void sar(struct hssf *f, const char *impi, const char *impu, uint32_t type, uint32_t udaa,
		const char *server)
{
	uint8_t buf[4096];
	struct diam_wr w;
	uint8_t callid[] = {'c', 'i', 'd'};

	diam_wr_init(&w, buf, sizeof(buf));
	req_head(&w, DIAM_CMD_SA);
	/* Kamailio's AVP 494, vendor 50, V without M: must be ignored. */
	diam_put_avp_flags(&w, 494, DIAM_AVP_V, 50, callid, sizeof(callid));
	if (impu)
		diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, impu);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3, server ? server : SCSCF_NAME);
	if (impi)
		diam_put_str(&w, AVP_USER_NAME, 0, impi);
	diam_put_u32(&w, AVP_CX_SERVER_ASSIGNMENT_TYPE, V3, type);
	diam_put_u32(&w, AVP_CX_USER_DATA_ALREADY_AVAILABLE, V3, udaa);
	cxf_run(f, buf, &w);
}

static void lir(struct hssf *f, const char *impu)
{
	uint8_t buf[4096];
	struct diam_wr w;

	diam_wr_init(&w, buf, sizeof(buf));
	req_head(&w, DIAM_CMD_LI);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, impu);
	cxf_run(f, buf, &w);
}

static void assert_server_name(struct hssf *f, const char *want)
{
	char s[256];
	struct diam_avp a;

	if (!want) {
		assert_int_equal(diam_msg_find(&f->msg, AVP_CX_SERVER_NAME, V3, &a), DIAM_ENOENT);
		assert_int_equal(diam_msg_find(&f->msg, AVP_CX_SERVER_CAPABILITIES, V3, &a), 0);
		return;
	}
	assert_int_equal(diam_msg_str(&f->msg, AVP_CX_SERVER_NAME, V3, s, sizeof(s)), 0);
	assert_string_equal(s, want);
}

static enum db_reg_state state_of(struct hssf *f, const char *impu, char *name)
{
	struct db_impu u;

	assert_int_equal(db_impu_by_uri(f->db, impu, &u), 0);
	if (name)
		strcpy(name, u.scscf_name);
	return u.state;
}

/* The User-Data of the answer as a string (NUL added). */
static const char *user_data(struct hssf *f, char *buf, size_t sz)
{
	struct diam_avp a;

	assert_int_equal(diam_msg_find(&f->msg, AVP_CX_USER_DATA, V3, &a), 0);
	assert_true(a.len < sz);
	memcpy(buf, a.data, a.len);
	buf[a.len] = '\0';
	return buf;
}

/* Kamailio's ims_registrar_scscf checks the XML against this XSD. */
static void xsd_check(const char *xml)
{
	char path[64] = "/tmp/cx-user-data-XXXXXX", cmd[256];
	int fd;

	if (access(XSD, R_OK) || system("command -v xmllint >/dev/null 2>&1")) {
		print_message("(xmllint or %s missing: XSD check skipped)\n", XSD);
		return;
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
	close(fd);
	snprintf(cmd, sizeof(cmd), "xmllint --noout --schema %s %s 2>&1", XSD, path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static void test_uar_first_registration(void **state)
{
	struct hssf *f = *state;

	uar(f, A_IMPI, A_IMPU, -1);
	assert_result(f, true, 2001);
	assert_server_name(f, NULL);
	golden_check("uar_first", f->ans, f->ans_len);
	uar(f, A_IMPI, B_IMPU, 0);
	assert_result(f, true, 5002);
	uar(f, "x@" REALM, A_IMPU, 0);
	assert_result(f, true, 5001);
	golden_check("uar_user_unknown", f->ans, f->ans_len);
	/* De-registration of an IMPU that is not registered. */
	uar(f, A_IMPI, A_IMPU, 1);
	assert_result(f, true, 5003);
	golden_check("uar_dereg_not_registered", f->ans, f->ans_len);
}

static void test_sar_registration_flow(void **state)
{
	struct hssf *f = *state;
	char xml[8192], name[256], s[256];

	sar(f, A_IMPI, A_IMPU, CX_SAT_REGISTRATION, 0, NULL);
	assert_result(f, false, 2001);
	assert_int_equal(diam_msg_str(&f->msg, AVP_USER_NAME, 0, s, sizeof(s)), 0);
	assert_string_equal(s, A_IMPI);
	user_data(f, xml, sizeof(xml));
	assert_string_equal(xml,
			    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><IMSSubscription>"
			    "<PrivateID>" A_IMPI "</PrivateID><ServiceProfile>"
			    "<PublicIdentity><BarringIndication>0</BarringIndication>"
			    "<Identity>" A_IMPU "</Identity></PublicIdentity>"
			    "<PublicIdentity><BarringIndication>0</BarringIndication>"
			    "<Identity>" A_TEL "</Identity></PublicIdentity>"
			    "</ServiceProfile></IMSSubscription>");
	xsd_check(xml);
	golden_check("sar_registration", f->ans, f->ans_len);
	/* The whole implicit set is registered at the S-CSCF. */
	assert_int_equal(state_of(f, A_IMPU, name), DB_REG_REGISTERED);
	assert_string_equal(name, SCSCF_NAME);
	assert_int_equal(state_of(f, A_TEL, NULL), DB_REG_REGISTERED);

	uar(f, A_IMPI, A_TEL, 0);
	assert_result(f, true, 2002);
	assert_server_name(f, SCSCF_NAME);
	golden_check("uar_subsequent", f->ans, f->ans_len);
	uar(f, A_IMPI, A_IMPU, 1);
	assert_result(f, false, 2001);
	assert_server_name(f, SCSCF_NAME);
	lir(f, A_TEL);
	assert_result(f, false, 2001);
	assert_server_name(f, SCSCF_NAME);
	golden_check("lia_registered", f->ans, f->ans_len);

	/* RE_REGISTRATION with the data already available: no User-Data. */
	sar(f, A_IMPI, A_IMPU, CX_SAT_RE_REGISTRATION, 1, NULL);
	assert_result(f, false, 2001);
	assert_int_equal(diam_msg_find(&f->msg, AVP_CX_USER_DATA, V3, &(struct diam_avp){0}),
			 DIAM_ENOENT);
	golden_check("sar_re_registration", f->ans, f->ans_len);

	/* NO_ASSIGNMENT from another S-CSCF: unable to comply; from ours: data. */
	sar(f, A_IMPI, A_IMPU, CX_SAT_NO_ASSIGNMENT, 1, "sip:other." REALM);
	assert_result(f, false, 5012);
	golden_check("sar_no_assignment_other_scscf", f->ans, f->ans_len);
	sar(f, A_IMPI, A_IMPU, CX_SAT_NO_ASSIGNMENT, 1, NULL);
	assert_result(f, false, 2001);
	user_data(f, xml, sizeof(xml));

	sar(f, A_IMPI, A_IMPU, CX_SAT_USER_DEREGISTRATION, 1, NULL);
	assert_result(f, false, 2001);
	golden_check("sar_user_deregistration", f->ans, f->ans_len);
	assert_int_equal(state_of(f, A_TEL, name), DB_REG_NOT_REGISTERED);
	assert_string_equal(name, "");
	lir(f, A_IMPU);
	assert_result(f, true, 5003);
	golden_check("lia_not_registered", f->ans, f->ans_len);
}

/* An implicit set larger than DB_SET_MAX (hss/db.h) is registered whole:
 * the ids are read a block at a time (db_reg_set_irs), none is skipped. */
static void test_sar_large_implicit_set(void **state)
{
	struct hssf *f = *state;
	enum { N = 2 * DB_SET_MAX + 3 };
	char uri[N][64], name[256];
	struct db_sub s;

	cxf_sub(f->db, "001010000000009", "dora@" REALM, NULL, NULL, &s);
	for (int i = 0; i < N; i++) {
		snprintf(uri[i], sizeof(uri[i]), "sip:dora%d@" REALM, i);
		assert_int_equal(db_impu_add(f->db, s.id, uri[i], false, 1, NULL, NULL), 0);
	}
	sar(f, "dora@" REALM, uri[N - 1], CX_SAT_REGISTRATION, 1, NULL);
	assert_result(f, false, 2001);
	for (int i = 0; i < N; i++) {
		assert_int_equal(state_of(f, uri[i], name), DB_REG_REGISTERED);
		assert_string_equal(name, SCSCF_NAME);
	}
	sar(f, "dora@" REALM, uri[0], CX_SAT_USER_DEREGISTRATION, 1, NULL);
	assert_result(f, false, 2001);
	for (int i = 0; i < N; i++)
		assert_int_equal(state_of(f, uri[i], NULL), DB_REG_NOT_REGISTERED);
}

static void test_sar_store_server_name_and_auth_failure(void **state)
{
	struct hssf *f = *state;
	char name[256];

	sar(f, A_IMPI, A_IMPU, CX_SAT_REGISTRATION, 0, NULL);
	sar(f, A_IMPI, A_IMPU, CX_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME, 1, NULL);
	assert_result(f, false, 2001);
	assert_int_equal(state_of(f, A_IMPU, name), DB_REG_NOT_REGISTERED);
	assert_string_equal(name, SCSCF_NAME);
	/* Name kept: the next UAR for registration names that S-CSCF. */
	uar(f, A_IMPI, A_IMPU, 0);
	assert_result(f, true, 2001);
	assert_server_name(f, SCSCF_NAME);
	/* A failed authentication of a not registered user drops the name. */
	sar(f, A_IMPI, A_IMPU, CX_SAT_AUTHENTICATION_FAILURE, 1, NULL);
	assert_result(f, false, 2001);
	assert_int_equal(state_of(f, A_IMPU, name), DB_REG_NOT_REGISTERED);
	assert_string_equal(name, "");
	/* ... but does not deregister a registered one. */
	sar(f, A_IMPI, A_IMPU, CX_SAT_REGISTRATION, 0, NULL);
	sar(f, A_IMPI, A_IMPU, CX_SAT_AUTHENTICATION_TIMEOUT, 1, NULL);
	assert_int_equal(state_of(f, A_IMPU, NULL), DB_REG_REGISTERED);
	/* Administrative deregistration by IMPI only: every IMPU. */
	sar(f, A_IMPI, NULL, CX_SAT_ADMINISTRATIVE_DEREGISTRATION, 1, NULL);
	assert_result(f, false, 2001);
	assert_int_equal(state_of(f, A_IMPU, NULL), DB_REG_NOT_REGISTERED);
	assert_int_equal(state_of(f, A_TEL, NULL), DB_REG_NOT_REGISTERED);
}

static void test_sar_unregistered_user_and_errors(void **state)
{
	struct hssf *f = *state;
	char xml[8192];

	/* Terminating request for C, not registered: profile with the iFC. */
	sar(f, NULL, C_IMPU, CX_SAT_UNREGISTERED_USER, 0, NULL);
	assert_result(f, false, 2001);
	user_data(f, xml, sizeof(xml));
	assert_non_null(strstr(xml, "<InitialFilterCriteria><Priority>0</Priority>"));
	assert_null(strstr(xml, "carol-barred")); /* another implicit set */
	xsd_check(xml);
	golden_check("sar_unregistered_user", f->ans, f->ans_len);
	assert_int_equal(state_of(f, C_IMPU, NULL), DB_REG_UNREGISTERED);
	uar(f, C_IMPI, C_IMPU, 0);
	assert_result(f, true, 2003);
	assert_server_name(f, SCSCF_NAME);
	lir(f, C_IMPU);
	assert_result(f, false, 2001);

	sar(f, A_IMPI, A_IMPU, 14, 0, NULL); /* RESTORATION: not supported here */
	assert_result(f, true, 5007);
	golden_check("sar_assignment_type_unsupported", f->ans, f->ans_len);
	sar(f, A_IMPI, "sip:nobody@" REALM, CX_SAT_REGISTRATION, 0, NULL);
	assert_result(f, true, 5001);
	sar(f, B_IMPI, A_IMPU, CX_SAT_REGISTRATION, 0, NULL);
	assert_result(f, true, 5002);
	golden_check("sar_identities_dont_match", f->ans, f->ans_len);
	assert_int_equal(state_of(f, A_IMPU, NULL), DB_REG_NOT_REGISTERED);
}

static void test_lir_unregistered_service_and_barring(void **state)
{
	struct hssf *f = *state;
	struct db_sub s;

	/* C has an iFC: services for the unregistered state. */
	lir(f, C_IMPU);
	assert_result(f, true, 2003);
	assert_server_name(f, NULL);
	golden_check("lia_unregistered_service", f->ans, f->ans_len);
	lir(f, "sip:nobody@" REALM);
	assert_result(f, true, 5001);

	/* C's barred IMPU is fine as long as C has a non-barred one ... */
	uar(f, C_IMPI, "sip:carol-barred@" REALM, 0);
	assert_result(f, true, 2001);
	/* ... D with only barred IMPUs is not authorised. */
	cxf_sub(f->db, "001010000000004", "dave@" REALM, NULL, NULL, &s);
	assert_int_equal(db_impu_add(f->db, s.id, "sip:dave@" REALM, true, 1, NULL, NULL), 0);
	uar(f, "dave@" REALM, "sip:dave@" REALM, 0);
	assert_result(f, false, 5003);
	golden_check("uar_barred", f->ans, f->ans_len);
}

/* ---- RTR (sent by the HSSF_CAPTURE_SENT stand-in) ----------------------- */

static void rta(struct hssf *f, const struct diam_msg *rtr, uint32_t result)
{
	hssf_answer(f, rtr, DIAM_APP_CX, result, SCSCF_HOST, REALM);
}

static void test_rtr(void **state)
{
	struct hssf *f = *state;
	struct diam_msg m;
	struct diam_avp a, c;
	struct db_out r, q1 = { .kind = "RTR", .user = A_IMPI, .info = "by hss-ctl" },
		      q2 = { .kind = "RTR", .user = B_IMPI };
	int64_t id, id2;
	char s[256];
	uint32_t v;

	memset(&sent, 0, sizeof(sent));
	sar(f, A_IMPI, A_IMPU, CX_SAT_REGISTRATION, 0, NULL);
	assert_int_equal(db_out_add(f->db, &q1), 0);
	assert_int_equal(db_out_add(f->db, &q2), 0);
	id = q1.id;
	id2 = q2.id;

	/* Peer down: stays queued and is retried. */
	sent.ret = -ENOTCONN;
	hss_out_tick(&f->ctx);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "queued");
	assert_int_equal(r.attempts, 1);
	/* B has no S-CSCF: nothing to terminate, dropped. */
	assert_int_equal(db_out_get(f->db, id2, &r), 0);
	assert_string_equal(r.state, "failed");

	sent.ret = 0;
	hss_out_tick(&f->ctx);
	assert_string_equal(sent.host, SCSCF_HOST);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	assert_int_equal(m.hdr.code, DIAM_CMD_RT);
	assert_int_equal(m.hdr.flags, DIAM_FLAG_R | DIAM_FLAG_P);
	assert_int_equal(m.hdr.app_id, DIAM_APP_CX);
	assert_int_equal(diam_msg_str(&m, AVP_DESTINATION_HOST, 0, s, sizeof(s)), 0);
	assert_string_equal(s, SCSCF_HOST);
	assert_int_equal(diam_msg_str(&m, AVP_DESTINATION_REALM, 0, s, sizeof(s)), 0);
	assert_string_equal(s, REALM);
	assert_int_equal(diam_msg_str(&m, AVP_USER_NAME, 0, s, sizeof(s)), 0);
	assert_string_equal(s, A_IMPI);
	assert_int_equal(diam_msg_count(&m, AVP_CX_PUBLIC_IDENTITY, V3), 2);
	assert_int_equal(diam_msg_find(&m, AVP_CX_DEREGISTRATION_REASON, V3, &a), 0);
	assert_int_equal(diam_group_find(&a, AVP_CX_REASON_CODE, V3, &c), 0);
	assert_int_equal(diam_avp_u32(&c, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(diam_group_find(&a, AVP_CX_REASON_INFO, V3, &c), 0);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "sent");
	/* Nothing more to send. */
	sent.calls = 0;
	hss_out_tick(&f->ctx);
	assert_int_equal(sent.calls, 0);

	rta(f, &m, 2001);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "done");
	assert_int_equal(state_of(f, A_IMPU, NULL), DB_REG_NOT_REGISTERED);
	assert_int_equal(state_of(f, A_TEL, NULL), DB_REG_NOT_REGISTERED);
}

/* Moves the sent request's time back, as if its answer were overdue. */
static void age_sent(struct hssf *f, int64_t id)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "UPDATE out_queue SET updated = updated - %d WHERE id = %lld",
		 HSS_OUT_ANSWER_WAIT_S + 1, (long long)id);
	assert_int_equal(tmpdb_exec(f->path, sql), 0);
}

/* PPR (TS 29.228 §6.1.7): queued only when an S-CSCF holds the user; sent
 * to that S-CSCF with the implicit set's profile (User-Data as the SAA's)
 * and/or Charging-Information; closed by the PPA; resent once with the T
 * flag and the same End-to-End id when unanswered, then dropped. */
static void test_ppr(void **state)
{
	static const char BARRED_TEL[] = "<BarringIndication>1</BarringIndication>"
					 "<Identity>" A_TEL "</Identity>";
	struct hssf *f = *state;
	struct db_impu tel;
	struct db_charging ch = {0};
	struct db_sub a, b;
	struct db_out r;
	struct diam_msg m;
	struct diam_avp ud, ci, x;
	char str[256];
	int64_t id;
	uint32_t e2e;

	memset(&sent, 0, sizeof(sent));
	assert_int_equal(db_sub_by_impi(f->db, A_IMPI, &a), 0);
	assert_int_equal(db_sub_by_impi(f->db, B_IMPI, &b), 0);
	assert_int_equal(cx_ppr_queue(f->db, &a, CX_PPR_USER_DATA, &id), 0);
	assert_int_equal(id, 0); /* nobody holds A yet */
	sar(f, A_IMPI, A_IMPU, CX_SAT_REGISTRATION, 0, NULL);
	assert_int_equal(cx_ppr_queue(f->db, &b, CX_PPR_USER_DATA, &id), 0);
	assert_int_equal(id, 0);
	assert_int_equal(db_impu_by_uri(f->db, A_TEL, &tel), 0);
	assert_int_equal(db_impu_update(f->db, tel.id, true, 1, NULL), 0);
	assert_int_equal(cx_ppr_queue(f->db, &a, CX_PPR_USER_DATA, &id), 0);
	assert_true(id > 0);

	hss_out_tick(&f->ctx);
	assert_int_equal(sent.calls, 1);
	assert_string_equal(sent.host, SCSCF_HOST);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	assert_int_equal(m.hdr.code, DIAM_CMD_PP);
	assert_int_equal(m.hdr.flags, DIAM_FLAG_R | DIAM_FLAG_P);
	assert_int_equal(diam_msg_str(&m, AVP_DESTINATION_HOST, 0, str, sizeof(str)), 0);
	assert_string_equal(str, SCSCF_HOST);
	assert_int_equal(diam_msg_str(&m, AVP_USER_NAME, 0, str, sizeof(str)), 0);
	assert_string_equal(str, A_IMPI);
	assert_int_equal(diam_msg_find(&m, AVP_CX_USER_DATA, V3, &ud), 0);
	assert_non_null(memmem(ud.data, ud.len, BARRED_TEL, sizeof(BARRED_TEL) - 1));
	assert_int_equal(diam_msg_find(&m, AVP_CX_CHARGING_INFORMATION, V3, &ci), DIAM_ENOENT);
	hssf_answer(f, &m, DIAM_APP_CX, 2001, SCSCF_HOST, REALM);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "done");
	assert_int_equal(r.result, 2001);

	/* Charging only: no User-Data. */
	snprintf(ch.ecf[0], sizeof(ch.ecf[0]), "aaa://ecf." REALM);
	snprintf(ch.ccf[0], sizeof(ch.ccf[0]), "aaa://ccf." REALM ":3868");
	assert_int_equal(db_charging_set(f->db, a.id, &ch), 0);
	assert_int_equal(cx_ppr_queue(f->db, &a, CX_PPR_CHARGING, &id), 0);
	hss_out_tick(&f->ctx);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	assert_int_equal(diam_msg_find(&m, AVP_CX_USER_DATA, V3, &ud), DIAM_ENOENT);
	assert_int_equal(diam_msg_find(&m, AVP_CX_CHARGING_INFORMATION, V3, &ci), 0);
	assert_int_equal(diam_group_find(&ci, AVP_CX_PRIMARY_ECF_NAME, V3, &x), 0);
	assert_int_equal(diam_group_find(&ci, AVP_CX_PRIMARY_CCF_NAME, V3, &x), 0);
	assert_int_equal(diam_avp_str(&x, str, sizeof(str)), 0);
	assert_string_equal(str, "aaa://ccf." REALM ":3868");
	e2e = m.hdr.e2e;

	/* No answer: once more with T and the same End-to-End id, then dropped. */
	sent.calls = 0;
	hss_out_tick(&f->ctx);
	assert_int_equal(sent.calls, 0);
	age_sent(f, id);
	hss_out_tick(&f->ctx);
	assert_int_equal(sent.calls, 1);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	assert_int_equal(m.hdr.flags, DIAM_FLAG_R | DIAM_FLAG_P | DIAM_FLAG_T);
	assert_int_equal(m.hdr.e2e, e2e);
	age_sent(f, id);
	hss_out_tick(&f->ctx);
	assert_int_equal(sent.calls, 1);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "failed");
	assert_int_equal(r.sends, HSS_OUT_MAX_SENDS);

	/* The S-CSCF lost the user: PPA 5001 closes the row as failed. */
	assert_int_equal(cx_ppr_queue(f->db, &a, 0, &id), 0);
	hss_out_tick(&f->ctx);
	assert_int_equal(diam_msg_parse(sent.buf, sent.len, &m), 0);
	assert_int_equal(diam_msg_find(&m, AVP_CX_USER_DATA, V3, &ud), 0);
	assert_int_equal(diam_msg_find(&m, AVP_CX_CHARGING_INFORMATION, V3, &ci), 0);
	hssf_answer(f, &m, DIAM_APP_CX, 5001, SCSCF_HOST, REALM);
	assert_int_equal(db_out_get(f->db, id, &r), 0);
	assert_string_equal(r.state, "failed");
	assert_int_equal(r.result, 5001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_uar_first_registration, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_sar_registration_flow, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_sar_large_implicit_set, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_sar_store_server_name_and_auth_failure,
						cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_sar_unregistered_user_and_errors, cxf_setup,
						cxf_teardown),
		cmocka_unit_test_setup_teardown(test_lir_unregistered_service_and_barring, cxf_setup,
						cxf_teardown),
		cmocka_unit_test_setup_teardown(test_ppr, cxf_setup, cxf_teardown),
		cmocka_unit_test_setup_teardown(test_rtr, cxf_setup, cxf_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
