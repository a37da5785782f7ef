/* ims-trace: Diameter extraction (Cx MAR resync, MAA vector, S6a AIA
 * E-UTRAN-Vector) from messages built with common/diameter, and key lookup
 * from SQLite databases of various shapes (hss-ctl BLOBs, hand-made hex
 * text, a foreign schema). Values: TS 35.208 test set 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "diam_in.h"
#include "keydb.h"

#include "diameter/diam.h"
#include "util/hex.h"

#define IMPI "001010000000001@ims.mnc001.mcc001.3gppnetwork.org"

static const char *const rand_hex = "23553cbe9637a89d218ae64dae47bf35";
static const char *const autn_hex = "55f328b43577b9b94a9ffac354dfafb3";
static const char *const res_hex = "a54211d5e3ba50bf";
static const char *const ck_hex = "b40ba9a3c58b2a05bbf0d987b21bf8cb";

static void test_cx_mar_resync_and_maa(void **state)
{
	uint8_t buf[2048], ra[30], sa[32], xres[8], ck[16];
	struct diam_wr w;
	struct diam_info d;

	(void)state;
	hex_decode_exact(rand_hex, ra, 16);
	memset(ra + 16, 0x5c, 14); /* AUTS */
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 7, 8);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf;1;2");
	diam_put_str(&w, AVP_USER_NAME, 0, IMPI);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, DIAM_VENDOR_3GPP, CX_SCHEME_AKAV1);
	diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, ra, 30);
	diam_group_end(&w);
	ssize_t n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_info_parse(buf, (size_t)n, &d), 0);
	assert_true(d.request);
	assert_int_equal(d.hbh, 7);
	assert_string_equal(d.user_name, IMPI);
	assert_string_equal(d.scheme, CX_SCHEME_AKAV1);
	assert_true(d.has_resync);
	assert_memory_equal(d.resync, ra, 30);

	hex_decode_exact(rand_hex, sa, 16);
	hex_decode_exact(autn_hex, sa + 16, 16);
	hex_decode_exact(res_hex, xres, 8);
	hex_decode_exact(ck_hex, ck, 16);
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_P, DIAM_CMD_MA, DIAM_APP_CX, 7, 8);
	diam_put_str(&w, AVP_SESSION_ID, 0, "scscf;1;2");
	diam_put_exp_result(&w, DIAM_VENDOR_3GPP, CX_ERROR_USER_UNKNOWN);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, DIAM_VENDOR_3GPP);
	diam_put_octets(&w, AVP_CX_SIP_AUTHENTICATE, DIAM_VENDOR_3GPP, sa, 32);
	diam_put_octets(&w, AVP_CX_SIP_AUTHORIZATION, DIAM_VENDOR_3GPP, xres, 8);
	diam_put_octets(&w, AVP_CX_CONFIDENTIALITY_KEY, DIAM_VENDOR_3GPP, ck, 16);
	diam_group_end(&w);
	n = diam_wr_finish(&w);
	assert_int_equal(diam_info_parse(buf, (size_t)n, &d), 0);
	assert_false(d.request);
	assert_int_equal(diam_info_result(&d), 5001);
	assert_int_equal(d.nvec, 1);
	assert_memory_equal(d.vec[0].rand, sa, 16);
	assert_memory_equal(d.vec[0].autn, sa + 16, 16);
	assert_int_equal(d.vec[0].xres_len, 8);
	assert_memory_equal(d.vec[0].xres, xres, 8);
	assert_true(d.vec[0].has_ck);
	assert_false(d.vec[0].has_ik);
	char name[32];
	assert_string_equal(diam_info_name(&d, name, sizeof(name)), "MAA");
	/* truncated by one octet: the header check refuses it */
	assert_true(diam_info_parse(buf, (size_t)n - 1, &d) < 0);
}

static void test_s6a_aia_vector(void **state)
{
	uint8_t buf[1024], r[16], a[16], x[8], kasme[32];
	struct diam_wr w;
	struct diam_info d;

	(void)state;
	hex_decode_exact(rand_hex, r, 16);
	hex_decode_exact(autn_hex, a, 16);
	hex_decode_exact(res_hex, x, 8);
	memset(kasme, 0x11, 32);
	diam_wr_init(&w, buf, sizeof(buf));
	diam_put_hdr(&w, DIAM_FLAG_P, DIAM_CMD_AI, DIAM_APP_S6A, 1, 2);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_group_begin(&w, AVP_S6A_AUTHENTICATION_INFO, DIAM_VENDOR_3GPP);
	diam_group_begin(&w, AVP_S6A_EUTRAN_VECTOR, DIAM_VENDOR_3GPP);
	diam_put_octets(&w, AVP_S6A_RAND, DIAM_VENDOR_3GPP, r, 16);
	diam_put_octets(&w, AVP_S6A_XRES, DIAM_VENDOR_3GPP, x, 8);
	diam_put_octets(&w, AVP_S6A_AUTN, DIAM_VENDOR_3GPP, a, 16);
	diam_put_octets(&w, AVP_S6A_KASME, DIAM_VENDOR_3GPP, kasme, 32);
	diam_group_end(&w);
	diam_group_end(&w);
	ssize_t n = diam_wr_finish(&w);
	assert_true(n > 0);
	assert_int_equal(diam_info_parse(buf, (size_t)n, &d), 0);
	assert_int_equal(diam_info_result(&d), 2001);
	assert_int_equal(d.nvec, 1);
	assert_string_equal(d.vec[0].scheme, "E-UTRAN-Vector");
	assert_memory_equal(d.vec[0].rand, r, 16);
	assert_memory_equal(d.vec[0].autn, a, 16);
	assert_memory_equal(d.vec[0].xres, x, 8);
	assert_true(d.vec[0].has_kasme);
}

static void make_db(const char *path, const char *sql)
{
	sqlite3 *db;

	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_keydb_shapes(void **state)
{
	char path[] = "/tmp/test_trace_keydbXXXXXX";
	struct keysrc ks;
	struct trace_keys k;
	uint8_t want[16];

	(void)state;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	/* hand-made: hex text keys, no op/amf/algo columns beyond the minimum */
	make_db(path, "CREATE TABLE subscriber (impi TEXT, k TEXT, opc TEXT, amf TEXT, algo TEXT,"
		      " res_len INTEGER, password TEXT);"
		      "INSERT INTO subscriber VALUES ('" IMPI "', '465B5CE8B199B49FAA5F0A2EE238A6BC',"
		      " 'cd63cb71954a9f4e48a5994e37a02baf', '8000', 'milenage', 8, NULL);");
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(keydb_open(&ks, path), 0);
	assert_int_equal(keysrc_lookup(&ks, IMPI, &k), 1);
	hex_decode_exact("465b5ce8b199b49faa5f0a2ee238a6bc", want, 16);
	assert_memory_equal(k.k, want, 16);
	hex_decode_exact("cd63cb71954a9f4e48a5994e37a02baf", want, 16);
	assert_memory_equal(k.op, want, 16);
	assert_true(k.is_opc);
	assert_true(k.have_amf);
	assert_int_equal(k.amf[0], 0x80);
	assert_int_equal(keysrc_lookup(&ks, "nobody@example.net", &k), 0);
	/* an unknown IMPI falls back to the command-line keys */
	ks.have_cli = true;
	snprintf(ks.cli.source, sizeof(ks.cli.source), "cli");
	assert_int_equal(keysrc_lookup(&ks, "nobody@example.net", &k), 1);
	assert_string_equal(k.source, "cli");
	keydb_close(&ks);
	/* an older schema without amf/algo/res_len/password still gives keys */
	make_db(path, "CREATE TABLE subscriber (impi TEXT, k BLOB, opc BLOB);"
		      "INSERT INTO subscriber VALUES ('" IMPI "', x'465b5ce8b199b49faa5f0a2ee238a6bc',"
		      " x'cd63cb71954a9f4e48a5994e37a02baf');");
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(keydb_open(&ks, path), 0);
	assert_int_equal(keysrc_lookup(&ks, IMPI, &k), 1);
	assert_memory_equal(k.op, want, 16);
	assert_false(k.have_amf);
	assert_int_equal(k.algo, AKA_ALGO_MILENAGE);
	keydb_close(&ks);
	/* a foreign schema is refused with a reason */
	make_db(path, "CREATE TABLE users (name TEXT, secret BLOB);");
	memset(&ks, 0, sizeof(ks));
	assert_int_equal(keydb_open(&ks, path), -1);
	assert_non_null(strstr(ks.err, "not an hss-ctl store"));
	assert_non_null(strstr(ks.err, "its tables: users"));
	unlink(path);
}

static void expect_refused(const char *path, const char *why)
{
	struct keysrc ks;

	memset(&ks, 0, sizeof(ks));
	assert_int_equal(keydb_open(&ks, path), -1);
	if (!strstr(ks.err, why))
		fail_msg("--db %s: \"%s\" does not say \"%s\"", path, ks.err, why);
}

/* issue 17: a store that cannot be used is refused with its real problem
 * named, not SQLite's "unable to open database file". */
static void test_keydb_problems(void **state)
{
	char dir[] = "/tmp/test_trace_storeXXXXXX", p[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/nodir/hss.sqlite", dir);
	expect_refused(p, "no such directory");
	snprintf(p, sizeof(p), "%s/hss.sqlite", dir);
	expect_refused(p, "no such file");
	expect_refused(dir, "is a directory");
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	expect_refused(p, "empty file");
	f = fopen(p, "w");
	fputs("imsi,impi,k\n001010000000001,x,y\n", f);
	fclose(f);
	expect_refused(p, "not an SQLite database");
	expect_refused("postgresql://hss@127.0.0.1:5432/hss", "PostgreSQL");
	unlink(p);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cx_mar_resync_and_maa),
		cmocka_unit_test(test_s6a_aia_vector),
		cmocka_unit_test(test_keydb_shapes),
		cmocka_unit_test(test_keydb_problems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
