/* Shared by the HSS handler tests (Cx: test_cx_util.h, S6a:
 * test_s6a_util.h): a fixture with a temporary store and a fixed RAND
 * source, subscribers with the TS 35.208 test set 1 keys, the route
 * runner, result assertions, answers to HSS-initiated requests, and
 * golden-file comparison of answers (tests/golden/AREA/NAME.hex;
 * UPDATE_GOLDEN=1 rewrites them). A golden file holds the answer as hex,
 * 16 octets a line, preceded by "#" lines with a decoded view for
 * reviewers; only the hex lines are compared. */
#ifndef TESTS_TEST_HSS_UTIL_H
#define TESTS_TEST_HSS_UTIL_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app.h"
#include "db.h"
#include "diameter/print.h"
#include "out_queue.h"
#include "test_db_util.h"
#include "util/hex.h"

/* TS 35.208 §4.3 test set 1. */
#define SET1_K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define SET1_OP "cdc202d5123e20f62b6d676ac72cb318"
#define V3 DIAM_VENDOR_3GPP
/* Every test request carries these ids; the answer must echo them. */
#define HSSF_HBH 0x11223344u
#define HSSF_E2E 0x55667788u

struct hssf {
	char path[256];
	struct db *db;
	struct hss_ctx ctx;
	struct aka_seeded rnd;
	uint8_t ans[65536];
	size_t ans_len;
	struct diam_msg msg; /* parsed answer */
	int64_t demo_id;     /* S6a: the demo subscriber's row */
};

/* An empty store, the HSS identity, and RANDs from seed `seed`. */
static inline struct hssf *hssf_open(const char *host, const char *realm, const char *peer,
				     unsigned seed)
{
	struct hssf *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	tmpdb_path(f->path, sizeof(f->path));
	assert_int_equal(db_open(f->path, &f->db), 0);
	f->ctx.db = f->db;
	f->ctx.id.origin_host = host;
	f->ctx.id.origin_realm = realm;
	f->ctx.max_vectors = 4;
	f->ctx.peer_host = peer;
	aka_seeded_init(&f->rnd, seed);
	aka_set_rand_source(aka_seeded_rand, &f->rnd);
	return f;
}

static inline int hssf_teardown(void **state)
{
	struct hssf *f = *state;

	aka_set_rand_source(NULL, NULL);
	db_close(f->db);
	tmpdb_remove(f->path);
	free(f);
	return 0;
}

/* The set 1 subscriber shape both interfaces provision; the caller sets
 * what differs (AMF, password, scheme) in *s before db_sub_add. */
static inline void hssf_sub_init(struct db_sub *s, const char *imsi, const char *impi)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->imsi, sizeof(s->imsi), "%s", imsi);
	snprintf(s->impi, sizeof(s->impi), "%s", impi);
	s->keys.algo = AKA_ALGO_MILENAGE;
	s->keys.res_len = 8;
	assert_int_equal(hex_decode_exact(SET1_K, s->keys.k, 16), 0);
	assert_int_equal(hex_decode_exact(SET1_OP, s->op, 16), 0);
	s->has_op = true;
	snprintf(s->auth_scheme, sizeof(s->auth_scheme), "Digest-AKAv1-MD5");
}

/* The USIM side of set 1 (OPc derived from OP). */
static inline void hssf_keys_set1(struct aka_keys *k)
{
	uint8_t op[16];

	memset(k, 0, sizeof(*k));
	k->algo = AKA_ALGO_MILENAGE;
	k->res_len = 8;
	assert_int_equal(hex_decode_exact(SET1_K, k->k, 16), 0);
	assert_int_equal(hex_decode_exact(SET1_OP, op, 16), 0);
	assert_int_equal(aka_opc_from_op(k->k, op, k->opc), 0);
}

/* The request head common to Cx (TS 29.229 §6.1) and S6a (TS 29.272
 * §7.2) requests as a client sends them. */
static inline void hssf_req_head(struct diam_wr *w, uint32_t cmd, uint32_t app,
				 const char *session, const char *origin, const char *realm)
{
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, app, HSSF_HBH, HSSF_E2E);
	diam_put_str(w, AVP_SESSION_ID, 0, session);
	diam_put_vendor_app(w, V3, app);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, origin);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, realm);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, realm);
}

/* Runs the route of `routes` for the request in req/rw and parses the
 * answer into f. */
static inline void hssf_run(struct hssf *f, const struct hss_route *routes, uint8_t *req,
			    struct diam_wr *rw)
{
	struct diam_msg m;
	struct diam_wr aw;
	ssize_t n = diam_wr_finish(rw);
	const struct hss_route *r;

	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(req, (size_t)n, &m), 0);
	for (r = routes; r->handler; r++)
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
	assert_int_equal(f->msg.hdr.hbh, HSSF_HBH);
	assert_int_equal(f->msg.hdr.e2e, HSSF_E2E);
}

/* Result-Code alone (exp = false), or 3GPP Experimental-Result alone
 * (exp = true), with the value `code`. */
static inline void hssf_assert_result(const struct diam_msg *m, bool exp, uint32_t code)
{
	uint32_t v = 0;
	struct diam_avp er, c;

	if (!exp) {
		assert_int_equal(diam_msg_u32(m, AVP_RESULT_CODE, 0, &v), 0);
		assert_int_equal(v, code);
		assert_int_equal(diam_msg_find(m, AVP_EXPERIMENTAL_RESULT, 0, &er), DIAM_ENOENT);
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

/* The peer's answer to an HSS-initiated request (RTA, CLA, IDA), fed to
 * the interface's on_answer. */
/* The answer a peer gives to an HSS-initiated request, handed to the
 * outbound queue as the core does (hss_out_answer). */
static inline void hssf_answer(struct hssf *f, const struct diam_msg *req, uint32_t app,
			       uint32_t result, const char *origin, const char *realm)
{
	uint8_t buf[1024];
	struct diam_wr w;
	struct diam_msg m;
	ssize_t n;

	diam_wr_init(&w, buf, sizeof(buf));
	diam_answer_begin(&w, req);
	diam_put_vendor_app(&w, V3, app);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, result);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, origin);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, realm);
	n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_msg_parse(buf, (size_t)n, &m), 0);
	assert_true(hss_out_answer(&f->ctx, &m));
}

#ifdef HSSF_CAPTURE_SENT
/* A stand-in for the core's send function (hss/server.c), for the tests
 * of HSS-initiated requests (define HSSF_CAPTURE_SENT before including):
 * the request is kept in `sent` to be checked; a non-zero sent.ret makes
 * the send fail with it. */
static struct {
	int ret;
	char host[256];
	uint8_t buf[16384];
	size_t len;
	int calls;
} sent;

int hss_core_send_request(struct hss_ctx *ctx, const char *host, const uint8_t *buf, size_t len)
{
	(void)ctx;
	sent.calls++;
	if (sent.ret)
		return sent.ret;
	snprintf(sent.host, sizeof(sent.host), "%s", host);
	assert_true(len <= sizeof(sent.buf));
	memcpy(sent.buf, buf, len);
	sent.len = len;
	return 0;
}
#endif

/* ---- golden files ---------------------------------------------------------- */
static inline void hssf_golden_write(const char *path, const char *area, const uint8_t *b,
				     size_t n)
{
	static char view[65536];
	FILE *fp = fopen(path, "w");
	char line[40];

	assert_non_null(fp);
	diam_print_buf(view, sizeof(view), b, n, DIAM_PRINT_SHOW_KEYS);
	fprintf(fp, "# Generated by the %s unit tests (UPDATE_GOLDEN=1); the hex below is\n"
		    "# compared byte for byte, these comment lines are for reading.\n#\n",
		area);
	for (char *save = NULL, *l = strtok_r(view, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		fprintf(fp, "# %s\n", l);
	for (size_t i = 0; i < n; i += 16) {
		hex_encode(b + i, n - i < 16 ? n - i : 16, line);
		fprintf(fp, "%s\n", line);
	}
	fclose(fp);
}

/* Compares b with GOLDEN_DIR/dir/name.hex; `area` names the tests in
 * the file's header ("Cx", "S6a"). */
static inline void hssf_golden_check(const char *dir, const char *area, const char *name,
				     const uint8_t *b, size_t n)
{
	char path[512], actual[128];
	static char line[65536]; /* "#" lines hold whole decoded AVPs */
	static uint8_t want[65536];
	size_t len = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s/%s.hex", GOLDEN_DIR, dir, name);
	if (getenv("UPDATE_GOLDEN")) {
		hssf_golden_write(path, area, b, n);
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
		snprintf(actual, sizeof(actual), "/tmp/%s-golden-actual.hex", dir);
		hssf_golden_write(actual, area, b, n);
		fail_msg("%s differs from the golden file (actual in %s; UPDATE_GOLDEN=1 to accept)",
			 name, actual);
	}
}

#endif
