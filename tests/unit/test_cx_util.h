/* Helpers for the Cx handler tests: the provisioned store (users A, B,
 * C below), the Cx request head, and golden answers in tests/golden/cx/.
 * The fixture, runner and golden compare are test_hss_util.h's. */
#ifndef TESTS_TEST_CX_UTIL_H
#define TESTS_TEST_CX_UTIL_H

#include "cx.h"
#include "test_hss_util.h"

#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define HSS_HOST "hss." REALM
#define SCSCF_HOST "scscf." REALM
#define SCSCF_NAME "sip:scscf." REALM ":6060"
#define A_IMPI "001010000000001@" REALM
#define A_IMPU "sip:001010000000001@" REALM
#define A_TEL "tel:+15550000001"
#define B_IMPI "bob@" REALM
#define B_IMPU "sip:bob@" REALM
#define C_IMPI "carol@" REALM
#define C_IMPU "sip:carol@" REALM

static inline void cxf_sub(struct db *db, const char *imsi, const char *impi, const char *pw,
			   const char *scheme, struct db_sub *s)
{
	hssf_sub_init(s, imsi, impi);
	s->amf[0] = 0x80;
	if (pw) {
		s->has_password = true;
		snprintf(s->password, sizeof(s->password), "%s", pw);
	}
	if (scheme)
		snprintf(s->auth_scheme, sizeof(s->auth_scheme), "%s", scheme);
	assert_int_equal(db_sub_add(db, s), 0);
}

/* A: AKA, two IMPUs in one implicit set. B: SIP Digest with a password.
 * C: AKA with an iFC and a second, barred, IMPU in another set. */
static inline int cxf_setup(void **state)
{
	struct hssf *f = hssf_open(HSS_HOST, REALM, SCSCF_HOST, 1);
	struct db_sub s;

	cxf_sub(f->db, "001010000000001", A_IMPI, NULL, NULL, &s);
	assert_int_equal(db_impu_add(f->db, s.id, A_IMPU, false, 1, NULL, NULL), 0);
	assert_int_equal(db_impu_add(f->db, s.id, A_TEL, false, 1, NULL, NULL), 0);
	cxf_sub(f->db, "001010000000002", B_IMPI, "secret", "SIP Digest", &s);
	assert_int_equal(db_impu_add(f->db, s.id, B_IMPU, false, 1, NULL, NULL), 0);
	cxf_sub(f->db, "001010000000003", C_IMPI, NULL, NULL, &s);
	assert_int_equal(db_impu_add(f->db, s.id, C_IMPU, false, 1,
				     "<InitialFilterCriteria><Priority>0</Priority>"
				     "<ApplicationServer><ServerName>sip:as." REALM
				     "</ServerName><DefaultHandling>0</DefaultHandling>"
				     "</ApplicationServer></InitialFilterCriteria>",
				     NULL), 0);
	assert_int_equal(db_impu_add(f->db, s.id, "sip:carol-barred@" REALM, true, 2, NULL, NULL),
			 0);
	*state = f;
	return 0;
}

#define cxf_teardown hssf_teardown

/* The common request head of TS 29.229 §6.1 as Kamailio sends it. */
static inline void req_head(struct diam_wr *w, uint32_t cmd)
{
	hssf_req_head(w, cmd, DIAM_APP_CX, SCSCF_HOST ";1;1", SCSCF_HOST, REALM);
}

/* Runs the route for the request in buf and parses the answer into f. */
static inline void cxf_run(struct hssf *f, uint8_t *req, struct diam_wr *rw)
{
	hssf_run(f, cx_routes, req, rw);
}

/* An MAR for user A (one AKA vector, this S-CSCF), run by the real
 * handler: the MAA (2001) in f, the request in req (parsed into rm when
 * not NULL); its length. */
static inline size_t cxf_mar_a(struct hssf *f, uint8_t *req, size_t reqsz, struct diam_msg *rm)
{
	struct diam_wr w;
	size_t n;

	diam_wr_init(&w, req, reqsz);
	req_head(&w, DIAM_CMD_MA);
	diam_put_str(&w, AVP_USER_NAME, 0, A_IMPI);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, A_IMPU);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, 1);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, "Digest-AKAv1-MD5");
	diam_group_end(&w);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3, SCSCF_NAME);
	cxf_run(f, req, &w);
	n = (size_t)diam_wr_finish(&w);
	if (rm)
		assert_int_equal(diam_msg_parse(req, n, rm), 0);
	hssf_assert_result(&f->msg, false, 2001);
	return n;
}

/* Result-Code (exp = false) or Experimental-Result-Code (exp = true). */
static inline void assert_result(struct hssf *f, bool exp, uint32_t code)
{
	hssf_assert_result(&f->msg, exp, code);
}

static inline void golden_check(const char *name, const uint8_t *b, size_t n)
{
	hssf_golden_check("cx", "Cx", name, b, n);
}

#endif
