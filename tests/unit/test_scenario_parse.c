/* Scenario file parser: every shipped scenario parses, the fields land
 * where the runner expects them, and each kind of mistake is reported as
 * file:line with the reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "ipsec/secagree.h"

static struct scenario s;

#define UE_HEAD                                                                \
	"ue impi 001010000000001@ims.example\n"                                \
	"ue impu sip:001010000000001@ims.example\n"                            \
	"ue realm ims.example\n"                                               \
	"ue k 465b5ce8b199b49faa5f0a2ee238a6bc\n"                              \
	"ue opc cd63cb71954a9f4e48a5994e37a02baf\n"

static void test_full_example(void **state)
{
	char err[256] = "";
	const char *text =
		"# comment line\n"
		"scenario  resync: USIM ahead   # trailing comment\n"
		"hss-ctl add --imsi 001010000000001 --impi x --impu sip:x --k 00 --opc 00\n"
		"network nonce_ttl 1\n" UE_HEAD
		"ue amf 8000\nue sqn 000000100000\nue alg AKAv2-MD5\nue qop auth-int\n"
		"ue fault wrong-k\nue expires 30\nue answer-delay 50\n"
		"\n"
		"register\n"
		"expect status 401\n"
		"answer corrupt\n"
		"expect status 4xx 500\n"
		"expect header WWW-Authenticate contains stale=true\n"
		"expect header Contact absent\n"
		"expect usim sync-failure\n"
		"wait 2500\n"
		"reregister single expires=5\n"
		"expect challenges 1\n"
		"expect algorithm AKAv2-MD5\n"
		"expect sqn-increased\n"
		"deregister\n";

	(void)state;
	assert_int_equal(scenario_parse_string("t.scn", text, &s, err, sizeof(err)), 0);
	assert_string_equal(s.title, "resync: USIM ahead");
	assert_int_equal(s.nhss, 1);
	assert_string_equal(s.hss[0], "add --imsi 001010000000001 --impi x --impu sip:x --k 00 --opc 00");
	assert_int_equal(s.nnetwork, 1);
	assert_string_equal(s.network[0], "nonce_ttl 1");
	assert_string_equal(s.ue.impi, "001010000000001@ims.example");
	assert_int_equal(s.ue.alg, DIGEST_ALG_AKAV2_MD5);
	assert_int_equal(s.ue.qop, DIGEST_QOP_AUTH_INT);
	assert_int_equal(s.ue.expires, 30);
	assert_int_equal(s.ue.answer_delay_ms, 50);
	assert_true(s.ue.usim.op_is_opc);
	assert_int_equal(s.ue.usim.op[0], 0xcd);
	assert_int_equal(s.ue.usim.amf[0], 0x80);
	assert_true(s.ue.usim.sqn_set);
	assert_int_equal(s.ue.usim.sqn_ms, 0x100000);
	assert_int_equal(s.ue.usim.faults, USIM_FAULT_WRONG_K);
	assert_int_equal(s.nsteps, 13);
	assert_int_equal(s.steps[0].op, SCN_REGISTER);
	assert_false(s.steps[0].auto_answer);
	assert_int_equal(s.steps[0].line, 18);
	assert_int_equal(s.steps[2].op, SCN_ANSWER);
	assert_true(s.steps[2].corrupt);
	assert_int_equal(s.steps[3].nstatus, 2);
	assert_int_equal(s.steps[3].status[0], -4);
	assert_int_equal(s.steps[3].status[1], 500);
	assert_string_equal(s.steps[4].name, "WWW-Authenticate");
	assert_int_equal(s.steps[4].cmp, SCN_CMP_CONTAINS);
	assert_string_equal(s.steps[4].text, "stale=true");
	assert_int_equal(s.steps[5].cmp, SCN_CMP_ABSENT);
	assert_int_equal(s.steps[6].number, -4); /* AKA_ESYNC */
	assert_int_equal(s.steps[7].ms, 2500);
	assert_int_equal(s.steps[8].op, SCN_REREGISTER);
	assert_false(s.steps[8].auto_answer);
	assert_int_equal(s.steps[8].expires, 5);
	assert_int_equal(s.steps[12].op, SCN_DEREGISTER);
	assert_true(s.steps[12].auto_answer);
}

static void expect_error(const char *body, const char *want);

/* sec-agree settings (ue_secagree.h) and the bindings count. */
static void test_sec_agree_and_bindings(void **state)
{
	char err[256] = "";
	const char *text = "scenario sec\n" UE_HEAD
			   "ue sec-alg hmac-md5-96\nue sec-ealg aes-cbc,null\nue sec-ports 40000,40001\n"
			   "register auto\nexpect bindings 1\nderegister\nexpect bindings 0\n";

	(void)state;
	assert_int_equal(scenario_parse_string("t.scn", text, &s, err, sizeof(err)), 0);
	assert_true(s.ue.sec.on);
	assert_int_equal(s.ue.sec.algs, 1u << SA_ALG_HMAC_MD5_96);
	assert_int_equal(s.ue.sec.ealgs, (1u << SA_EALG_AES_CBC) | (1u << SA_EALG_NULL));
	assert_int_equal(s.ue.sec.port_c, 40000);
	assert_int_equal(s.ue.sec.port_s, 40001);
	assert_int_equal(s.steps[1].op, SCN_EXPECT_BINDINGS);
	assert_int_equal(s.steps[1].number, 1);
	assert_int_equal(s.steps[3].number, 0);
	assert_int_equal(scenario_parse_string("t.scn", UE_HEAD "ue sec-agree on\nregister\n", &s, err,
					       sizeof(err)), 0);
	assert_true(s.ue.sec.on);
	assert_int_equal(s.ue.sec.algs, 0); /* all */
	expect_error(UE_HEAD "ue sec-alg hmac-sha-256\nregister\n", "bad.scn:6: ue sec-alg: unknown alg");
	expect_error(UE_HEAD "ue sec-ports 5060,5060\nregister\n", "bad.scn:6: ue sec-ports: expected two");
	expect_error(UE_HEAD "ue sec-agree maybe\nregister\n", "bad.scn:6: ue sec-agree: expected on or off");
}

static void expect_error(const char *body, const char *want)
{
	char err[256] = "";

	assert_int_equal(scenario_parse_string("bad.scn", body, &s, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error(UE_HEAD "register\nfrobnicate\n", "bad.scn:7: unknown directive 'frobnicate'");
	/* quoted text from the file is escaped: binary or an escape sequence
	 * in a scenario must not reach the terminal raw */
	expect_error(UE_HEAD "register\n\x1b[2J\xff\x07\n",
		     "bad.scn:7: unknown directive '\\x1b[2J\\xff\\x07'");
	expect_error(UE_HEAD "ue k 1234\nregister\n", "bad.scn:6: ue k: expected 16 hex octets");
	expect_error(UE_HEAD "register\nexpect status 2000\n", "bad.scn:7: expect status");
	expect_error(UE_HEAD "register\nexpect header Contact contains\n", "bad.scn:7: expect header contains: needs a text");
	expect_error(UE_HEAD "register\nexpect header Contact absent x\n", "bad.scn:7: expect header absent: takes no text");
	expect_error(UE_HEAD "register banana\n", "bad.scn:6: register: unknown option 'banana'");
	expect_error(UE_HEAD "wait soon\n", "bad.scn:6: wait: expected milliseconds");
	expect_error(UE_HEAD "ue fault lucky\nregister\n", "bad.scn:6: ue fault: unknown fault 'lucky'");
	expect_error(UE_HEAD "expect usim happy\n", "bad.scn:6: expect usim");
	expect_error("ue realm r\nregister\n", "bad.scn:0: the UE needs");
	expect_error(UE_HEAD, "no steps");
	expect_error("ue impi a\nue impu sip:a\nue realm r\nue alg MD5\nregister\n",
		     "alg MD5 needs 'ue password'");
}

/* TUAK cards: 'ue algo tuak' with a 32-octet K and TOPc and the TS 35.231
 * lengths; lengths the algorithm does not allow are named with the line
 * that set them, once the algorithm is known. */
#define TUAK_HEAD "ue impi a\nue impu sip:a\nue realm r\nue algo tuak\n"                       \
	"ue k fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0\n"                 \
	"ue topc 305425427e18c503c8a4b294ea72c95d0c36c6c6b29d0c65de5974d5977f8524\n"
static void test_tuak(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(scenario_parse_string("t.scn", TUAK_HEAD "ue res-len 16\nue ck-len 32\n"
					       "ue iterations 2\nregister\n", &s, err, sizeof(err)), 0);
	assert_int_equal(s.ue.usim.algo, AKA_ALGO_TUAK);
	assert_int_equal(s.ue.usim.k_len, 32);
	assert_int_equal(s.ue.usim.op_len, 32);
	assert_true(s.ue.usim.op_is_opc);
	assert_int_equal(s.ue.usim.res_len, 16);
	assert_int_equal(s.ue.usim.tuak.ck_len, 32);
	assert_int_equal(s.ue.usim.tuak.iterations, 2);
	expect_error(TUAK_HEAD "ue res-len 12\nregister\n",
		     "bad.scn:7: ue res-len: expected 4, 8, 16 or 32 for TUAK");
	expect_error(TUAK_HEAD "ue mac-len 16\nregister\n", "bad.scn:7: ue mac-len: expected 8: AUTN");
	expect_error("ue impi a\nue impu sip:a\nue realm r\nue algo tuak\nue k 00112233445566778899aabbccddeeff\n"
		     "ue opc 00112233445566778899aabbccddeeff\nregister\n",
		     "bad.scn:6: ue op/opc: TUAK takes 'ue top' or 'ue topc'");
	expect_error(UE_HEAD "ue ck-len 32\nregister\n", "bad.scn:6: ue ck-len: only with 'ue algo tuak'");
	expect_error("ue impi a\nue impu sip:a\nue realm r\n"
		     "ue k fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0\n"
		     "ue opc 00112233445566778899aabbccddeeff\nregister\n",
		     "bad.scn:4: ue k: expected 16 for MILENAGE");
}

/* Every file shipped in scenarios/ parses. */
static void test_shipped_scenarios_parse(void **state)
{
	char dir[512], path[1024], err[512];
	DIR *d;
	struct dirent *e;
	int n = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/../../scenarios", VECTORS_DIR);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".scn"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (scenario_parse_file(path, &s, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_true(s.nsteps > 0);
		n++;
	}
	closedir(d);
	assert_true(n >= 14); /* issue 5 §4 lists 14 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_example),
		cmocka_unit_test(test_sec_agree_and_bindings),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_tuak),
		cmocka_unit_test(test_shipped_scenarios_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
