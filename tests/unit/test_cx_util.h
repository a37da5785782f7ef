/* Helpers for the Cx handler tests: a provisioned temporary store, fixed
 * RANDs, request builders, and golden-file comparison of answers
 * (tests/golden/cx/NAME.hex; UPDATE_GOLDEN=1 rewrites them). A golden file
 * holds the answer as hex, 16 octets a line, preceded by "#" lines with a
 * decoded view for reviewers; only the hex lines are compared. */
#ifndef TESTS_TEST_CX_UTIL_H
#define TESTS_TEST_CX_UTIL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app.h"
#include "db.h"
#include "diameter/print.h"
#include "test_db_util.h"
#include "util/hex.h"

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
#define SET1_K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OP "cdc202d5123e20f62b6d676ac72cb318"
#define V3 DIAM_VENDOR_3GPP

struct cxf {
	char path[64];
	struct db *db;
	struct hss_ctx ctx;
	struct aka_seeded rnd;
	uint8_t ans[65536];
	size_t ans_len;
	struct diam_msg msg; /* parsed answer */
};

static inline void cxf_sub(struct db *db, const char *imsi, const char *impi, const char *pw,
			   const char *scheme, struct db_sub *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->imsi, sizeof(s->imsi), "%s", imsi);
	snprintf(s->impi, sizeof(s->impi), "%s", impi);
	s->keys.algo = AKA_ALGO_MILENAGE;
	s->keys.res_len = 8;
	assert_int_equal(hex_decode_exact(SET1_K, s->keys.k, 16), 0);
	assert_int_equal(hex_decode_exact(SET1_OP, s->op, 16), 0);
	s->has_op = true;
	s->amf[0] = 0x80;
	if (pw) {
		s->has_password = true;
		snprintf(s->password, sizeof(s->password), "%s", pw);
	}
	snprintf(s->auth_scheme, sizeof(s->auth_scheme), "%s", scheme ? scheme : "Digest-AKAv1-MD5");
	assert_int_equal(db_sub_add(db, s), 0);
}

/* A: AKA, two IMPUs in one implicit set. B: SIP Digest with a password.
 * C: AKA with an iFC and a second, barred, IMPU in another set. */
static inline int cxf_setup(void **state)
{
	struct cxf *f = calloc(1, sizeof(*f));
	struct db_sub s;

	tmpdb_path(f->path, sizeof(f->path));
	assert_int_equal(db_open(f->path, &f->db), 0);
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
	f->ctx.db = f->db;
	f->ctx.id.origin_host = HSS_HOST;
	f->ctx.id.origin_realm = REALM;
	f->ctx.max_vectors = 4;
	f->ctx.peer_host = SCSCF_HOST;
	aka_seeded_init(&f->rnd, 1);
	aka_set_rand_source(aka_seeded_rand, &f->rnd);
	*state = f;
	return 0;
}

static inline int cxf_teardown(void **state)
{
	struct cxf *f = *state;

	aka_set_rand_source(NULL, NULL);
	db_close(f->db);
	tmpdb_remove(f->path);
	free(f);
	return 0;
}

/* The common request head of TS 29.229 §6.1 as Kamailio sends it. */
static inline void req_head(struct diam_wr *w, uint32_t cmd)
{
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, DIAM_APP_CX, 0x11223344, 0x55667788);
	diam_put_str(w, AVP_SESSION_ID, 0, SCSCF_HOST ";1;1");
	diam_put_vendor_app(w, V3, DIAM_APP_CX);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, SCSCF_HOST);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, REALM);
}

/* Runs the route for the request in buf and parses the answer into f. */
static inline void cxf_run(struct cxf *f, uint8_t *req, struct diam_wr *rw)
{
	struct diam_msg m;
	struct diam_wr aw;
	ssize_t n = diam_wr_finish(rw);
	const struct hss_route *r;

	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(req, (size_t)n, &m), 0);
	for (r = cx_routes; r->handler; r++)
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
	assert_int_equal(f->msg.hdr.e2e, 0x55667788);
}

/* Result-Code (exp = false) or Experimental-Result-Code (exp = true). */
static inline void assert_result(struct cxf *f, bool exp, uint32_t code)
{
	uint32_t v = 0;
	struct diam_avp er, c;

	if (!exp) {
		assert_int_equal(diam_msg_u32(&f->msg, AVP_RESULT_CODE, 0, &v), 0);
		assert_int_equal(v, code);
		assert_int_equal(diam_msg_find(&f->msg, AVP_EXPERIMENTAL_RESULT, 0, &er), DIAM_ENOENT);
		return;
	}
	assert_int_equal(diam_msg_find(&f->msg, AVP_RESULT_CODE, 0, &c), DIAM_ENOENT);
	assert_int_equal(diam_msg_find(&f->msg, AVP_EXPERIMENTAL_RESULT, 0, &er), 0);
	assert_int_equal(diam_group_find(&er, AVP_VENDOR_ID, 0, &c), 0);
	assert_int_equal(diam_avp_u32(&c, &v), 0);
	assert_int_equal(v, V3);
	assert_int_equal(diam_group_find(&er, AVP_EXPERIMENTAL_RESULT_CODE, 0, &c), 0);
	assert_int_equal(diam_avp_u32(&c, &v), 0);
	assert_int_equal(v, code);
}

/* ---- golden files ---------------------------------------------------------- */
static inline void golden_write(const char *path, const uint8_t *b, size_t n)
{
	static char view[65536];
	FILE *fp = fopen(path, "w");
	char line[40];

	assert_non_null(fp);
	diam_print_buf(view, sizeof(view), b, n, DIAM_PRINT_SHOW_KEYS);
	fprintf(fp, "# Generated by the Cx unit tests (UPDATE_GOLDEN=1); the hex below is\n"
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

static inline void golden_check(const char *name, const uint8_t *b, size_t n)
{
	char path[512];
	static char line[65536]; /* "#" lines hold whole decoded AVPs */
	static uint8_t want[65536];
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/cx/%s.hex", GOLDEN_DIR, name);
	if (getenv("UPDATE_GOLDEN")) {
		golden_write(path, b, n);
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
		golden_write("/tmp/cx-golden-actual.hex", b, n);
		fail_msg("%s differs from the golden file (actual in /tmp/cx-golden-actual.hex; "
			 "UPDATE_GOLDEN=1 to accept)", name);
	}
}

#endif
