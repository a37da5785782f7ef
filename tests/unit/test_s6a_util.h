/* Helpers for the S6a handler tests (hss/s6a*.c): a temporary store with
 * the demo subscriber (APNs internet, default QCI 9, and ims, QCI 5),
 * fixed RANDs, S6a request heads, and golden answers in
 * tests/golden/s6a/NAME.hex (UPDATE_GOLDEN=1 rewrites them; "#" lines are
 * a decoded view for reviewers, only the hex is compared). */
#ifndef TESTS_TEST_S6A_UTIL_H
#define TESTS_TEST_S6A_UTIL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app.h"
#include "db.h"
#include "db_apn.h"
#include "diameter/print.h"
#include "s6a.h"
#include "test_db_util.h"
#include "util/hex.h"

#define EPC_REALM "epc.mnc001.mcc001.3gppnetwork.org"
#define HSS_HOST "hss." EPC_REALM
#define MME1 "mme1." EPC_REALM
#define MME2 "mme2." EPC_REALM
#define DEMO_IMSI "001010000000001"
#define BARE_IMSI "001010000000002" /* no APN assigned */
#define SET1_K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OP "cdc202d5123e20f62b6d676ac72cb318"
#define V3 DIAM_VENDOR_3GPP

struct s6f {
	char path[64];
	struct db *db;
	struct hss_ctx ctx;
	struct aka_seeded rnd;
	int64_t demo_id;
	uint8_t ans[65536];
	size_t ans_len;
	struct diam_msg msg;
};

static inline void s6f_sub(struct db *db, const char *imsi, struct db_sub *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->imsi, sizeof(s->imsi), "%s", imsi);
	snprintf(s->impi, sizeof(s->impi), "%s@ims.mnc001.mcc001.3gppnetwork.org", imsi);
	s->keys.algo = AKA_ALGO_MILENAGE;
	s->keys.res_len = 8;
	assert_int_equal(hex_decode_exact(SET1_K, s->keys.k, 16), 0);
	assert_int_equal(hex_decode_exact(SET1_OP, s->op, 16), 0);
	s->has_op = true;
	s->amf[0] = 0x00; /* the separation bit must be set by AIR itself */
	snprintf(s->auth_scheme, sizeof(s->auth_scheme), "Digest-AKAv1-MD5");
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
	struct s6f *f = calloc(1, sizeof(*f));
	struct db_sub s;

	tmpdb_path(f->path, sizeof(f->path));
	assert_int_equal(db_open(f->path, &f->db), 0);
	s6f_sub(f->db, DEMO_IMSI, &s);
	f->demo_id = s.id;
	s6f_demo_apns(f->db, s.id);
	s6f_sub(f->db, BARE_IMSI, &s);
	f->ctx.db = f->db;
	f->ctx.id.origin_host = HSS_HOST;
	f->ctx.id.origin_realm = EPC_REALM;
	f->ctx.max_vectors = 4;
	f->ctx.peer_host = MME1;
	aka_seeded_init(&f->rnd, 6);
	aka_set_rand_source(aka_seeded_rand, &f->rnd);
	*state = f;
	return 0;
}

static inline int s6f_teardown(void **state)
{
	struct s6f *f = *state;

	aka_set_rand_source(NULL, NULL);
	db_close(f->db);
	tmpdb_remove(f->path);
	free(f);
	return 0;
}

/* TS 29.272 §7.2 request head as an MME sends it (MCC 001 / MNC 01). */
static inline void s6_req_head(struct diam_wr *w, uint32_t cmd, const char *mme,
			       const char *imsi)
{
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, DIAM_APP_S6A, 0x11223344, 0x55667788);
	diam_put_str(w, AVP_SESSION_ID, 0, MME1 ";1;6");
	diam_put_vendor_app(w, V3, DIAM_APP_S6A);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, mme);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, EPC_REALM);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, EPC_REALM);
	diam_put_str(w, AVP_USER_NAME, 0, imsi);
}

static inline void s6f_run(struct s6f *f, uint8_t *req, struct diam_wr *rw)
{
	struct diam_msg m;
	struct diam_wr aw;
	ssize_t n = diam_wr_finish(rw);
	const struct hss_route *r;

	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(req, (size_t)n, &m), 0);
	for (r = s6a_routes; r->handler; r++)
		if (r->cmd_code == m.hdr.code && r->app_id == m.hdr.app_id)
			break;
	assert_non_null(r->handler);
	diam_wr_init(&aw, f->ans, sizeof(f->ans));
	assert_int_equal(r->handler(&f->ctx, &m, &aw), 0);
	n = diam_wr_finish(&aw);
	assert_true(n > 0);
	f->ans_len = (size_t)n;
	assert_int_equal(diam_msg_parse(f->ans, f->ans_len, &f->msg), 0);
	assert_int_equal(f->msg.hdr.flags & DIAM_FLAG_R, 0);
	assert_int_equal(f->msg.hdr.hbh, 0x11223344);
}

static inline void s6_assert_result(const struct diam_msg *m, bool exp, uint32_t code)
{
	uint32_t v = 0;
	struct diam_avp er, c;

	if (!exp) {
		assert_int_equal(diam_msg_u32(m, AVP_RESULT_CODE, 0, &v), 0);
		assert_int_equal(v, code);
		return;
	}
	assert_int_equal(diam_msg_find(m, AVP_RESULT_CODE, 0, &c), DIAM_ENOENT);
	assert_int_equal(diam_msg_find(m, AVP_EXPERIMENTAL_RESULT, 0, &er), 0);
	assert_int_equal(diam_group_find(&er, AVP_VENDOR_ID, 0, &c), 0);
	assert_int_equal(diam_avp_u32(&c, &v), 0);
	assert_int_equal(v, V3);
	assert_int_equal(diam_group_find(&er, AVP_EXPERIMENTAL_RESULT_CODE, 0, &c), 0);
	assert_int_equal(diam_avp_u32(&c, &v), 0);
	assert_int_equal(v, code);
}

static inline uint32_t s6_group_u32(const struct diam_avp *g, uint32_t code, uint32_t vendor)
{
	struct diam_avp a;
	uint32_t v = 0xdeadbeef;

	assert_int_equal(diam_group_find(g, code, vendor, &a), 0);
	assert_int_equal(diam_avp_u32(&a, &v), 0);
	return v;
}

/* ---- golden files ------------------------------------------------------------- */
static inline void s6_golden_write(const char *path, const uint8_t *b, size_t n)
{
	static char view[65536];
	FILE *fp = fopen(path, "w");
	char line[40];

	assert_non_null(fp);
	diam_print_buf(view, sizeof(view), b, n, DIAM_PRINT_SHOW_KEYS);
	fprintf(fp, "# Generated by the S6a unit tests (UPDATE_GOLDEN=1); the hex below is\n"
		    "# compared byte for byte, these comment lines are for reading.\n#\n");
	for (char *save = NULL, *l = strtok_r(view, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		fprintf(fp, "# %s\n", l);
	for (size_t i = 0; i < n; i += 16) {
		hex_encode(b + i, n - i < 16 ? n - i : 16, line);
		fprintf(fp, "%s\n", line);
	}
	fclose(fp);
}

/* Session-Id and Origin-State are fixed in requests; answers to
 * HSS-initiated requests carry generated Session-Ids and identifiers, so
 * only handler answers are golden. */
static inline void s6_golden_check(const char *name, const uint8_t *b, size_t n)
{
	char path[512];
	static char line[65536];
	static uint8_t want[65536];
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/s6a/%s.hex", GOLDEN_DIR, name);
	if (getenv("UPDATE_GOLDEN")) {
		s6_golden_write(path, b, n);
		return;
	}
	fp = fopen(path, "r");
	if (!fp)
		fail_msg("missing golden file %s (run with UPDATE_GOLDEN=1)", path);
	while (fgets(line, sizeof(line), fp)) {
		size_t got = 0;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		assert_int_equal(hex_decode(line, want + len, sizeof(want) - len, &got), 0);
		len += got;
	}
	fclose(fp);
	if (len != n || memcmp(want, b, n) != 0) {
		s6_golden_write("/tmp/s6a-golden-actual.hex", b, n);
		fail_msg("%s differs from the golden file (actual in /tmp/s6a-golden-actual.hex; "
			 "UPDATE_GOLDEN=1 to accept)", name);
	}
}

#endif
