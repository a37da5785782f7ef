/* Helpers for the S6a handler tests (hss/s6a*.c): a temporary store with
 * the demo subscriber (APNs internet, default QCI 9, and ims, QCI 5), S6a
 * request heads, and golden answers in tests/golden/s6a/. The fixture,
 * runner and golden compare are test_hss_util.h's. */
#ifndef TESTS_TEST_S6A_UTIL_H
#define TESTS_TEST_S6A_UTIL_H

#include "db_apn.h"
#include "s6a.h"
#include "test_hss_util.h"

#define EPC_REALM "epc.mnc001.mcc001.3gppnetwork.org"
#define HSS_HOST "hss." EPC_REALM
#define MME1 "mme1." EPC_REALM
#define MME2 "mme2." EPC_REALM
#define DEMO_IMSI "001010000000001"
#define BARE_IMSI "001010000000002" /* no APN assigned */

static inline void s6f_sub(struct db *db, const char *imsi, struct db_sub *s)
{
	char impi[DB_ID_MAX];

	snprintf(impi, sizeof(impi), "%s@ims.mnc001.mcc001.3gppnetwork.org", imsi);
	hssf_sub_init(s, imsi, impi);
	s->amf[0] = 0x00; /* the separation bit must be set by AIR itself */
	assert_int_equal(db_sub_add(db, s), 0);
}

/* The demo provisioning of docs/hss-s6a.md: internet (default, QCI 9) and
 * ims (QCI 5, ARP 1), MSISDN 15550000001. */
static inline void s6f_demo_apns(struct db *db, int64_t sub_id)
{
	struct db_apn a;
	struct db_eps e;

	db_apn_defaults(&a);
	snprintf(a.name, sizeof(a.name), "internet");
	a.pdn_type = DB_PDN_IPV4V6;
	assert_int_equal(db_apn_add(db, &a), 0);
	assert_int_equal(db_sub_apn_assign(db, sub_id, a.id, 0, true, NULL), 0);
	db_apn_defaults(&a);
	snprintf(a.name, sizeof(a.name), "ims");
	a.pdn_type = DB_PDN_IPV4V6;
	a.qci = 5;
	a.arp_priority = 1;
	a.ambr_ul = 1000000;
	a.ambr_dl = 1000000;
	assert_int_equal(db_apn_add(db, &a), 0);
	assert_int_equal(db_sub_apn_assign(db, sub_id, a.id, 0, false, NULL), 0);
	db_eps_defaults(&e);
	snprintf(e.msisdn, sizeof(e.msisdn), "15550000001");
	assert_int_equal(db_eps_set_profile(db, sub_id, &e), 0);
}

static inline int s6f_setup(void **state)
{
	struct hssf *f = hssf_open(HSS_HOST, EPC_REALM, MME1, 6);
	struct db_sub s;

	s6f_sub(f->db, DEMO_IMSI, &s);
	f->demo_id = s.id;
	s6f_demo_apns(f->db, s.id);
	s6f_sub(f->db, BARE_IMSI, &s);
	*state = f;
	return 0;
}

#define s6f_teardown hssf_teardown

/* TS 29.272 §7.2 request head as an MME sends it (MCC 001 / MNC 01). */
static inline void s6_req_head(struct diam_wr *w, uint32_t cmd, const char *mme,
			       const char *imsi)
{
	hssf_req_head(w, cmd, DIAM_APP_S6A, MME1 ";1;6", mme, EPC_REALM);
	diam_put_str(w, AVP_USER_NAME, 0, imsi);
}

static inline void s6f_run(struct hssf *f, uint8_t *req, struct diam_wr *rw)
{
	hssf_run(f, s6a_routes, req, rw);
}

#define s6_assert_result hssf_assert_result

static inline uint32_t s6_group_u32(const struct diam_avp *g, uint32_t code, uint32_t vendor)
{
	struct diam_avp a;
	uint32_t v = 0xdeadbeef;

	assert_int_equal(diam_group_find(g, code, vendor, &a), 0);
	assert_int_equal(diam_avp_u32(&a, &v), 0);
	return v;
}

/* Session-Id and Origin-State are fixed in requests; answers to
 * HSS-initiated requests carry generated Session-Ids and identifiers, so
 * only handler answers are golden. */
static inline void s6_golden_check(const char *name, const uint8_t *b, size_t n)
{
	hssf_golden_check("s6a", "S6a", name, b, n);
}

#endif
