/* hss-ctl's provisioning logic (hss/ctl.c): field validation with the
 * argument named in the error, the CSV splitter, and CSV import. The
 * command line itself is covered by tests/e2e/hss-ctl/run.sh. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl.h"
#include "test_db_util.h"
#include "util/hex.h"

#define K "465b5ce8b199b49faa5f0a2ee238a6bc"
#define OP "cdc202d5123e20f62b6d676ac72cb318"
#define OPC "cd63cb71954a9f4e48a5994e37a02baf" /* TS 35.208 set 1 */

static struct ctl_fields base(void)
{
	struct ctl_fields f = {.imsi = "001010000000001", .impi = "a@ims.example", .k = K,
			       .op = OP, .impu = {"sip:a@ims.example"}, .n_impu = 1};
	return f;
}

static void expect_err(struct ctl_fields f, const char *prefix, const char *want)
{
	struct db_sub s;
	char err[CTL_ERR_MAX];

	assert_int_equal(ctl_sub_parse(&f, prefix, &s, err, sizeof(err)), -EINVAL);
	if (strncmp(err, want, strlen(want)))
		fail_msg("error '%s' does not start with '%s'", err, want);
}

static void test_parse_ok(void **state)
{
	(void)state;
	struct ctl_fields f = base();
	struct db_sub s;
	char err[CTL_ERR_MAX];

	f.sqn = "FF";
	f.amf = "B9B9";
	assert_int_equal(ctl_sub_parse(&f, "--", &s, err, sizeof(err)), 0);
	assert_true(s.has_op);
	assert_int_equal(s.sqn, 0xff);
	assert_int_equal(s.amf[0], 0xb9);
	assert_int_equal(s.keys.algo, AKA_ALGO_MILENAGE);
	assert_string_equal(s.auth_scheme, "Digest-AKAv1-MD5");
	assert_false(s.has_password);
}

static void test_parse_errors(void **state)
{
	(void)state;
	struct ctl_fields f;

	f = base(), f.k = "465b";
	expect_err(f, "--", "--k: expected 16 octets as 32 hex digits (wrong length)");
	f = base(), f.k = "x65b5ce8b199b49faa5f0a2ee238a6bc";
	expect_err(f, "", "k: expected 16 octets as 32 hex digits (not hex)");
	f = base(), f.opc = OPC;
	expect_err(f, "--", "--opc: give either op or opc");
	f = base(), f.op = NULL;
	expect_err(f, "--", "--op: milenage needs op or opc");
	f = base(), f.imsi = "0010100000000011";
	expect_err(f, "--", "--imsi: expected 5..15 digits");
	f = base(), f.impu[0] = "a@ims.example";
	expect_err(f, "--", "--impu: expected a sip:, sips: or tel: URI");
	/* RFC 3966 §3: a tel URI names a number, "+" E.164 digits or a local
	 * one with its phone-context */
	const char *bad_tel[] = { "tel:abc", "tel:+", "tel:+1555x", "tel:---", "tel:;x=1",
				  "tel:1234", "tel:1234;phone-context=" };
	for (size_t i = 0; i < sizeof(bad_tel) / sizeof(bad_tel[0]); i++) {
		f = base(), f.impu[0] = bad_tel[i];
		expect_err(f, "--", "--impu: expected a sip:, sips: or tel: URI");
	}
	const char *good_tel[] = { "tel:+15550000001", "TEL:+1-555-000-0001",
				   "tel:+1(555)0000001;ext=12", "tel:7042;phone-context=example.com",
				   "tel:*21#;phone-context=+1555" };
	for (size_t i = 0; i < sizeof(good_tel) / sizeof(good_tel[0]); i++)
		if (ctl_impu_check(good_tel[i]))
			fail_msg("%s refused", good_tel[i]);
	f = base(), f.n_impu = 0;
	expect_err(f, "--", "--impu: at least one");
	f = base(), f.sqn = "1000000000000";
	expect_err(f, "--", "--sqn: expected 1..12 hex digits");
	f = base(), f.algo = "aes";
	expect_err(f, "--", "--algo: expected milenage, xor or tuak");
	f = base(), f.res_len = "4";
	expect_err(f, "--", "--res-len:");
	f = base(), f.scheme = "SIP Digest";
	expect_err(f, "--", "--scheme: 'SIP Digest' needs a password");
	f = base(), f.impi = "12345";
	expect_err(f, "--", "--impi:");
}

static void test_csv_split(void **state)
{
	(void)state;
	char line[] = "a,\"b,c\",,\"d\"\"e\"\r\n";
	char bad[] = "a,\"open";
	char *f[8];

	assert_int_equal(ctl_csv_split(line, f, 8), 4);
	assert_string_equal(f[0], "a");
	assert_string_equal(f[1], "b,c");
	assert_string_equal(f[2], "");
	assert_string_equal(f[3], "d\"e");
	assert_int_equal(ctl_csv_split(bad, f, 8), -EINVAL);
	char many[] = "1,2,3";
	assert_int_equal(ctl_csv_split(many, f, 2), -EINVAL);
}

static int import_text(struct db *db, const char *text, char *err, size_t errsz)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	struct ctl_import_src src = {"t.csv", fp};
	int ret;

	assert_non_null(fp);
	ret = ctl_import_csv(db, &src, err, errsz);
	fclose(fp);
	return ret;
}

static void test_import(void **state)
{
	(void)state;
	char path[256], err[CTL_ERR_MAX + 64];
	struct db *db;
	struct db_sub s;
	struct db_impu u;
	uint8_t opc[16];

	tmpdb_path(path, sizeof(path));
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(db_txn_begin(db), 0);
	assert_int_equal(import_text(db,
				     "opc,k,impu,impi,imsi\n" OPC "," K
				     ",sip:a@x;tel:+1555,a@x,001010000000001\n",
				     err, sizeof(err)),
			 1);
	assert_int_equal(db_txn_commit(db), 0);
	assert_int_equal(db_sub_by_imsi(db, "001010000000001", &s), 0);
	assert_false(s.has_op);
	assert_int_equal(hex_decode_exact(OPC, opc, 16), 0);
	assert_memory_equal(s.keys.opc, opc, 16);
	assert_int_equal(db_impu_by_uri(db, "tel:+1555", &u), 0);
	assert_int_equal(u.sub_id, s.id);

	/* A bad second row: error names line and column; the caller rolls back. */
	assert_int_equal(db_txn_begin(db), 0);
	assert_int_equal(import_text(db,
				     "imsi,impi,impu,k,op\n"
				     "001010000000002,b@x,sip:b@x," K "," OP "\n"
				     "001010000000003,c@x,sip:c@x," K ",zz\n",
				     err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.csv:3: op: expected 16 octets as 32 hex digits (not hex)");
	assert_int_equal(db_txn_rollback(db), 0);
	assert_int_equal(db_sub_by_impi(db, "b@x", &s), -ENOENT);

	assert_int_equal(import_text(db, "imsi,impi,impu,k,op\n001010000000009,a@x,sip:n@x," K
				     "," OP "\n", err, sizeof(err)), -EEXIST);
	assert_string_equal(err, "t.csv:2: impi: a@x already exists");
	assert_int_equal(import_text(db, "imsi,impi,impu,k,op\n1,2\n", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.csv:2: expected 5 fields as in the header, got 2");
	assert_int_equal(import_text(db, "# only a comment\n", err, sizeof(err)), -EINVAL);
	/* A spreadsheet's "CSV UTF-8" starts with a byte order mark: not part
	 * of the first column's name */
	assert_int_equal(db_txn_begin(db), 0);
	assert_int_equal(import_text(db, "\xef\xbb\xbfimsi,impi,impu,k,op\n001010000000004,d@x,"
				     "sip:d@x," K "," OP "\n", err, sizeof(err)), 1);
	assert_int_equal(db_txn_commit(db), 0);
	assert_int_equal(db_sub_by_impi(db, "d@x", &s), 0);
	db_close(db);
	tmpdb_remove(path);
}

/* TS 35.233 test set 2 (256-bit K, TOP, TOPc) */
#define T2_K "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0"
#define T2_TOP "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
#define T2_TOPC "305425427e18c503c8a4b294ea72c95d0c36c6c6b29d0c65de5974d5977f8524"

static struct ctl_fields tuak_base(void)
{
	struct ctl_fields f = {.imsi = "001010000000201", .impi = "t@ims.example", .k = T2_K,
			       .top = T2_TOP, .algo = "tuak", .impu = {"sip:t@ims.example"},
			       .n_impu = 1};
	return f;
}

/* A TUAK subscriber: 256-bit K, TOP (TOPc derived when written), the
 * lengths; TOPc stored and read back with them. */
static void test_tuak(void **state)
{
	(void)state;
	struct ctl_fields f = tuak_base();
	char path[256], err[CTL_ERR_MAX];
	struct db *db;
	struct db_sub s, r;
	uint8_t topc[32];

	f.res_len = "16", f.ck_len = "32", f.ik_len = "32", f.iterations = "2";
	assert_int_equal(ctl_sub_parse(&f, "--", &s, err, sizeof(err)), 0);
	assert_int_equal(s.keys.algo, AKA_ALGO_TUAK);
	assert_int_equal(s.keys.tuak.k_len, 32);
	assert_true(s.has_op);
	tmpdb_path(path, sizeof(path));
	assert_int_equal(db_open(path, &db), 0);
	assert_int_equal(db_txn_begin(db), 0);
	assert_int_equal(ctl_sub_write(db, &s, f.impu, f.n_impu, "--", err, sizeof(err)), 0);
	assert_int_equal(db_txn_commit(db), 0);
	assert_int_equal(db_sub_by_imsi(db, "001010000000201", &r), 0);
	assert_int_equal(r.keys.algo, AKA_ALGO_TUAK);
	assert_memory_equal(r.keys.k, s.keys.k, 32);
	assert_int_equal(r.keys.tuak.k_len, 32);
	assert_true(r.has_op);
	assert_memory_equal(r.op, s.op, 32);
	/* iterations 2 changes TOPc: set 2's TOPc is for 1 iteration */
	assert_int_equal(hex_decode_exact(T2_TOPC, topc, 32), 0);
	assert_memory_not_equal(r.keys.opc, topc, 32);
	assert_int_equal(r.keys.res_len, 16);
	assert_int_equal(r.keys.tuak.ck_len, 32);
	assert_int_equal(r.keys.tuak.ik_len, 32);
	assert_int_equal(r.keys.tuak.mac_len, 8);
	assert_int_equal(r.keys.tuak.iterations, 2);
	/* CSV: topc given, defaults for the lengths */
	assert_int_equal(db_txn_begin(db), 0);
	assert_int_equal(import_text(db, "imsi,impi,impu,k,topc,algo\n001010000000202,u@x,sip:u@x,"
				     T2_K "," T2_TOPC ",tuak\n", err, sizeof(err)), 1);
	assert_int_equal(db_txn_commit(db), 0);
	assert_int_equal(db_sub_by_impi(db, "u@x", &r), 0);
	assert_memory_equal(r.keys.opc, topc, 32);
	assert_int_equal(r.keys.res_len, 8);
	assert_int_equal(r.keys.tuak.ck_len, 16);
	db_close(db);
	tmpdb_remove(path);
}

static void test_tuak_errors(void **state)
{
	(void)state;
	struct ctl_fields f;

	f = tuak_base(), f.k = K "00";
	expect_err(f, "--", "--k: expected 16 or 32 octets as 32 or 64 hex digits (wrong length)");
	f = tuak_base(), f.top = NULL, f.op = OP;
	expect_err(f, "--", "--op: tuak takes top or topc (32 octets)");
	f = tuak_base(), f.top = OP;
	expect_err(f, "--", "--top: expected 32 octets as 64 hex digits (wrong length)");
	f = tuak_base(), f.topc = T2_TOPC;
	expect_err(f, "--", "--topc: give either top or topc");
	f = tuak_base(), f.top = NULL;
	expect_err(f, "--", "--top: tuak needs top or topc");
	f = tuak_base(), f.mac_len = "16";
	expect_err(f, "--", "--mac-len: expected 8: AUTN carries a 64-bit MAC");
	f = tuak_base(), f.mac_len = "12";
	expect_err(f, "--", "--mac-len: expected 8, 16 or 32 for TUAK");
	f = tuak_base(), f.res_len = "12";
	expect_err(f, "--", "--res-len: expected 4, 8, 16 or 32 for TUAK");
	f = tuak_base(), f.ck_len = "24";
	expect_err(f, "--", "--ck-len: expected 16 or 32 for TUAK");
	f = tuak_base(), f.iterations = "0";
	expect_err(f, "--", "--iterations: expected 1..65535");
	f = tuak_base(), f.iterations = "x";
	expect_err(f, "--", "--iterations: expected a number");
	f = base(), f.ik_len = "32";
	expect_err(f, "--", "--ik-len: only with algo tuak");
	f = base(), f.op = NULL, f.top = T2_TOP;
	expect_err(f, "--", "--top: only with algo tuak");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_tuak),
		cmocka_unit_test(test_tuak_errors),
		cmocka_unit_test(test_csv_split),
		cmocka_unit_test(test_import),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
