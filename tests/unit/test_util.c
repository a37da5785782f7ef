/* common/util: hex, base64 (RFC 4648 §10 test vectors), constant-time
 * compare, INI parsing with file:line errors, UTF-8 (RFC 3629 §4) and
 * the log escaping of untrusted text, JSON string literals (RFC 8259). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/ct.h"
#include "util/str.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/esc.h"
#include "util/ini.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/sip_addr.h"

static void test_hex(void **state)
{
	uint8_t b[4];
	char h[9];
	size_t n;

	(void)state;
	assert_int_equal(hex_decode_exact("DeadBEEF", b, 4), 0);
	hex_encode(b, 4, h);
	assert_string_equal(h, "deadbeef");
	assert_int_equal(hex_decode_exact("deadbee", b, 4), -1);  /* odd */
	assert_int_equal(hex_decode_exact("deadbeeg", b, 4), -1); /* not hex */
	assert_int_equal(hex_decode_exact("dead", b, 4), -1);     /* short */
	assert_int_equal(hex_decode("", b, 4, &n), 0);
	assert_int_equal(n, 0);
}

/* RFC 4648 §10 */
static void test_b64_rfc4648(void **state)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };
	char out[16];
	uint8_t dec[16];

	(void)state;
	for (size_t i = 0; i < 7; i++) {
		b64_encode((const uint8_t *)plain[i], strlen(plain[i]), out);
		assert_string_equal(out, enc[i]);
		long n = b64_decode(enc[i], strlen(enc[i]), dec, sizeof(dec));
		assert_int_equal(n, (long)strlen(plain[i]));
		assert_memory_equal(dec, plain[i], (size_t)n);
	}
}

static void test_b64_rejects(void **state)
{
	uint8_t dec[16];

	(void)state;
	assert_int_equal(b64_decode("Zm9", 3, dec, sizeof(dec)), -1);      /* not 4n */
	assert_int_equal(b64_decode("Zm=v", 4, dec, sizeof(dec)), -1);     /* '=' inside */
	assert_int_equal(b64_decode("Zg==Zg==", 8, dec, sizeof(dec)), -1); /* pad mid-way */
	assert_int_equal(b64_decode("Zm9*", 4, dec, sizeof(dec)), -1);     /* bad char */
	assert_int_equal(b64_decode("Zm9vYmFy", 8, dec, 5), -1);           /* too long */
	/* every octet: a digit of the RFC 4648 §4 alphabet with its value, the
	 * padding, or rejected */
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int c = 0; c < 256; c++) {
		char in[4] = { 'A', 'A', 'A', (char)c };
		const char *p = c ? memchr(alpha, c, 64) : NULL;
		assert_int_equal(b64_decode(in, 4, dec, sizeof(dec)), p ? 3 : c == '=' ? 2 : -1);
		if (p)
			assert_int_equal(dec[2], p - alpha);
	}
}

static void test_ct(void **state)
{
	(void)state;
	assert_true(ct_equal("abcd", "abcd", 4));
	assert_false(ct_equal("abcd", "abce", 4));
	assert_true(ct_streq("x1", "x1"));
	assert_false(ct_streq("x1", "x12"));
}

struct seen { int n; char last[64]; };

static int cb(void *arg, const char *sec, const char *key, const char *val, char *err,
	      size_t errsz)
{
	struct seen *s = arg;

	if (!strcmp(key, "bad")) {
		snprintf(err, errsz, "unknown key '%s'", key);
		return -1;
	}
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s.%s=%s", sec, key, val);
	return 0;
}

static void test_ini(void **state)
{
	struct seen s = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(ini_parse_string("t.conf", "# c\n[main]\n a = 1 \n; x\nb=\"two words\"\n",
					  cb, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.last, "main.b=two words");
	assert_int_equal(ini_parse_string("t.conf", "[main]\nbad = 1\n", cb, &s, err,
					  sizeof(err)), -1);
	assert_string_equal(err, "t.conf:2: unknown key 'bad'");
	assert_int_equal(ini_parse_string("t.conf", "[main\n", cb, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:1: malformed section header '[main'");
	assert_int_equal(ini_parse_string("t.conf", "\n\nnoequals\n", cb, &s, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "t.conf:3: expected 'key = value', got 'noequals'");
	assert_int_equal(ini_bool("Yes"), 1);
	assert_int_equal(ini_bool("off"), 0);
	assert_int_equal(ini_bool("maybe"), -1);
}

/* RFC 3629 §4: the boundaries of each row of the table, and what it
 * excludes (issue 16 item 9: surrogates and > U+10FFFF were accepted). */
static void test_utf8(void **state)
{
	static const struct { const char *s; size_t len; } good[] = {
		{ "", 0 }, { "sip:a@b", 7 }, { "\x7f", 1 }, { "\xc2\x80", 2 },
		{ "\xdf\xbf", 2 }, { "\xe0\xa0\x80", 3 }, { "\xed\x9f\xbf", 3 } /* U+D7FF */,
		{ "\xee\x80\x80", 3 } /* U+E000 */, { "\xef\xbf\xbf", 3 },
		{ "\xf0\x90\x80\x80", 4 } /* U+10000 */, { "\xf4\x8f\xbf\xbf", 4 } /* U+10FFFF */,
		{ "abcdefgh\xc3\xa9ijklmnop", 18 },
		/* the ASCII fast path's edges: a sequence across the 8-octet
		 * step, in the tail after it, at the very end */
		{ "abcdefg\xc3\xa9", 9 }, { "abc\xf0\x9f\x98\x80", 7 } /* U+1F600 */,
		{ "abcdefghij\xe2\x82\xac", 13 } /* U+20AC */,
		{ "sip:+1234567@ims.test\xf4\x8f\xbf\xbf", 25 } /* U+10FFFF */,
	};
	static const struct { const char *s; size_t len; } bad[] = {
		{ "\x80", 1 }, { "\xbf", 1 }, { "\xc0\x80", 2 }, { "\xc1\xbf", 2 },
		{ "\xe0\x80\x80", 3 }, { "\xe0\x9f\xbf", 3 },          /* overlong */
		{ "\xed\xa0\x80", 3 }, { "\xed\xbf\xbf", 3 },          /* U+D800, U+DFFF */
		{ "\xf0\x80\x80\x80", 4 }, { "\xf0\x8f\xbf\xbf", 4 },  /* overlong */
		{ "\xf4\x90\x80\x80", 4 }, { "\xf5\x80\x80\x80", 4 },  /* > U+10FFFF */
		{ "\xf7\xbf\xbf\xbf", 4 }, { "\xff", 1 }, { "\xc3", 1 }, { "\xe2\x82", 2 },
		{ "\xe2\x28\xa1", 3 }, { "abcdefgh\xed\xa0\x80", 11 }, { "abcdefghi\xf4\x90\x80\x80", 13 },
		/* the same defects after ASCII, in the tail and across the step */
		{ "abcdefg\x80", 8 }, { "abcdefghijklmno\xff", 16 },
		{ "abc\xed\xbf\xbf", 6 } /* U+DFFF */, { "abcdefghij\xc0\xaf", 12 } /* overlong '/' */,
		{ "abcdefg\xe0\x80\xaf", 10 } /* overlong '/' */,
		{ "abcdef\xf0\x8f\xbf\xbfxyz", 13 } /* overlong U+FFFF */,
		{ "ab\xf4\x90\x80\x80", 6 } /* U+110000 */, { "abcdefgh\xe2\x82", 10 } /* cut */,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(utf8_valid((const uint8_t *)good[i].s, good[i].len));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(utf8_valid((const uint8_t *)bad[i].s, bad[i].len));
	/* NUL is UTF-8 but not in an identity: at every place of the 8-octet
	 * step and of the tail */
	for (size_t at = 0; at < 19; at++) { /* 19, 20: é */
		uint8_t id[21];

		memcpy(id, "hss.ims.mnc001.test\xc3\xa9", 21);
		assert_true(utf8_valid_nonul(id, 21));
		id[at] = 0;
		assert_true(utf8_valid(id, 21));
		assert_false(utf8_valid_nonul(id, 21));
	}
	assert_true(utf8_valid_nonul((const uint8_t *)"\x01\x7f", 2));
	assert_false(utf8_valid_nonul((const uint8_t *)"a\0", 2));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(utf8_valid_nonul((const uint8_t *)bad[i].s, bad[i].len));
	assert_int_equal(utf8_seq_len((const uint8_t *)"\xf4\x8f\xbf\xbf", 4), 4);
	assert_int_equal(utf8_seq_len((const uint8_t *)"\xe2\x82\xac", 2), 0); /* cut */
	assert_int_equal(utf8_seq_len((const uint8_t *)"a", 0), 0);
}

/* Untrusted text for logs: control octets, non-ASCII and the backslash
 * as \xHH; cut with "..." at a whole character. */
static void test_esc(void **state)
{
	char out[64], small[12];

	(void)state;
	assert_string_equal(esc_str(out, sizeof(out), "sip:001@ims.test"), "sip:001@ims.test");
	assert_string_equal(esc_str(out, sizeof(out), "a\r\nINFO forged"), "a\\x0d\\x0aINFO forged");
	assert_string_equal(esc_str(out, sizeof(out), "\x1b[31m\x7f\\"), "\\x1b[31m\\x7f\\x5c");
	assert_string_equal(esc_str(out, sizeof(out), "\xc3\xa9"), "\\xc3\\xa9");
	assert_string_equal(esc_str(out, sizeof(out), NULL), "-");
	assert_string_equal(esc_mem(out, sizeof(out), "a\0b", 3), "a\\x00b");
	assert_string_equal(esc_str(small, sizeof(small), "abcdefghijkl"), "abcdefgh...");
	assert_string_equal(esc_str(small, sizeof(small), "abcdefghijk"), "abcdefghijk");
	assert_string_equal(esc_str(small, sizeof(small), "abcde\n\n"), "abcde...");
	assert_string_equal(esc_str(small, sizeof(small), "abcdef\n"), "abcdef\\x0a");
	assert_int_equal(strlen(esc_str(out, ESC_SIZE(4), "\n\n\n\n")), 16);
}

/* Issue 16 item 7: every log line is escaped as written, even where a
 * call site passed a raw peer string; an argument already escaped with
 * esc_str comes out unchanged (its backslashes are kept). */
static void test_log_lines(void **state)
{
	char path[] = "/tmp/test_util_log.XXXXXX", buf[1024], esc[64];
	int fd = mkstemp(path);
	FILE *fp;
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_open(path), 0);
	log_msg(LOG_DIAM, LOG_LVL_NOTICE, "peer %s", "evil\n2026-01-01T00:00:00.000Z notice X\x1b[31m");
	log_msg(LOG_DIAM, LOG_LVL_NOTICE, "impi=%s", esc_str(esc, sizeof(esc), "a\nb"));
	log_block(LOG_DIAM, LOG_LVL_NOTICE, "head\r", "line1\nline2 \x07\n");
	log_close();
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	unlink(path);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "peer evil\\x0a2026-01-01T00:00:00.000Z notice X\\x1b[31m\n"));
	assert_non_null(strstr(buf, "impi=a\\x0ab\n"));
	assert_non_null(strstr(buf, "head\\x0d\n    line1\n    line2 \\x07\n"));
	assert_null(strchr(buf, '\x1b'));
	assert_null(strstr(buf, "\n2026-01-01"));
}

/* Flood control: burst lines per window, the rest counted and reported
 * once the window is over. */
static void test_log_limit(void **state)
{
	struct log_limit l = { 0 };
	unsigned pass = 0;

	(void)state;
	for (int i = 0; i < 10; i++)
		pass += log_limit_pass(&l, 3, 1000, 5000 + (uint64_t)i);
	assert_int_equal(pass, 3);
	assert_int_equal(log_limit_dropped(&l, 1000, 5500), 0); /* window not over */
	assert_int_equal(log_limit_dropped(&l, 1000, 6000), 7);
	assert_int_equal(log_limit_dropped(&l, 1000, 6001), 0);
	assert_true(log_limit_pass(&l, 3, 1000, 6001)); /* a new window */
}

/* str.h: what snprintf("%s") / ("%u") gave, cut and terminated the same way. */
static void test_str(void **state)
{
	char b[8], big[32];
	size_t len = 0;

	(void)state;
	assert_int_equal(str_copy(b, sizeof(b), "abc"), 3);
	assert_string_equal(b, "abc");
	assert_int_equal(str_copy(b, sizeof(b), "abcdefghij"), 10); /* cut: >= sz */
	assert_string_equal(b, "abcdefg");
	assert_int_equal(str_copy(b, sizeof(b), "1234567"), 7); /* exactly fits */
	assert_string_equal(b, "1234567");
	assert_int_equal(str_copy(b, sizeof(b), "12345678"), 8); /* one too many */
	assert_string_equal(b, "1234567");
	assert_int_equal(str_copy(b, 1, "x"), 1);
	assert_string_equal(b, "");
	assert_int_equal(str_copy(b, 0, "x"), 1); /* nothing written */
	assert_string_equal(b, "");
	b[0] = '\0';
	assert_int_equal(str_append(b, sizeof(b), &len, "ab"), 0);
	assert_int_equal(str_append(b, sizeof(b), &len, "cde"), 0);
	assert_int_equal(len, 5);
	assert_int_equal(str_append(b, sizeof(b), &len, "fgh"), -1);
	assert_string_equal(b, "abcdefg");
	assert_int_equal(len, 7);
	assert_int_equal(str_u32(big, 0), 1);
	assert_string_equal(big, "0");
	assert_int_equal(str_u32(big, 4294967295u), 10);
	assert_string_equal(big, "4294967295");
	str_u32(big, 600);
	assert_string_equal(big, "600");
	/* str_append_n, str_x64: what %.*s, %x, %08x and %016llx gave */
	len = 0;
	assert_int_equal(str_append_n(b, sizeof(b), &len, "abcdef", 3), 0);
	assert_string_equal(b, "abc");
	assert_int_equal(str_append_n(b, sizeof(b), &len, "defgh", 5), -1);
	assert_string_equal(b, "abcdefg");
	assert_int_equal(len, 7);
	assert_int_equal(str_x64(big, 0, 1), 1);
	assert_string_equal(big, "0");
	assert_int_equal(str_x64(big, 0x1a2b, 1), 4);
	assert_string_equal(big, "1a2b");
	str_x64(big, 1, 8);
	assert_string_equal(big, "00000001");
	assert_int_equal(str_x64(big, 0xffffffffffffffffull, 16), 16);
	assert_string_equal(big, "ffffffffffffffff");
	str_x64(big, 0x44c3cd7f43c661cull, 16);
	assert_string_equal(big, "044c3cd7f43c661c");
	len = 0;
	assert_int_equal(str_append_x64(big, sizeof(big), &len, 0x99, 1), 0);
	assert_int_equal(str_append_u32(big, sizeof(big), &len, 42), 0);
	assert_string_equal(big, "9942");
}

/* RFC 8259 §7 string literals into a buffer: the same escapes as
 * json_write_string, and 0 when the literal does not fit. */
static void test_json_string_buf(void **state)
{
	(void)state;
	char b[32], f[64];
	FILE *fp = fmemopen(f, sizeof(f), "w");

	assert_int_equal(json_string_buf(b, sizeof(b), "sip:a\"b\\c\n\x01@x"), 23);
	assert_string_equal(b, "\"sip:a\\\"b\\\\c\\n\\u0001@x\"");
	json_write_string(fp, "sip:a\"b\\c\n\x01@x");
	fclose(fp);
	assert_string_equal(f, b);
	assert_int_equal(json_string_buf(b, sizeof(b), ""), 2);
	assert_string_equal(b, "\"\"");
	assert_int_equal(json_string_buf(b, 5, "ab"), 4); /* "ab" and its NUL: 5 */
	assert_int_equal(json_string_buf(b, 4, "ab"), 0);
	assert_int_equal(json_string_buf(b, 8, "a\x01"), 0); /* "a\u0001" and its NUL: 10 */
	/* UTF-8 passes as it is; an octet that is not UTF-8 (a capture's raw
	 * bytes in ims-trace --json) is U+FFFD, so the document stays UTF-8 */
	assert_int_equal(json_string_buf(b, sizeof(b), "\xc3\xa9\xff\xe2\x82x"), 23);
	assert_string_equal(b, "\"\xc3\xa9\\ufffd\\ufffd\\ufffdx\"");
	fp = fmemopen(f, sizeof(f), "w");
	json_write_string(fp, "\xc3\xa9\xff\xe2\x82x");
	fclose(fp);
	assert_string_equal(f, b);
}

/* The SIP addresses of scscf-stub --sip and ue-sim --registrar/--bind. */
static void test_sip_addr(void **state)
{
	static const char *const good[] = {
		"sip:127.0.0.1:5060", "sip:127.0.0.1:0;transport=udp", "sip:[::1]:5060;transport=tcp",
		"SIP:10.0.0.1:65535", "sip:[2001:db8::1]:1",
	};
	static const char *const bad[] = {
		"sip:127.0.0.1:70000", "sip:127.0.0.1:65536", "sip:localhost:5060", "sip:127.0.0.1:",
		"sip:127.0.0.1:50x", "sip::5060", "sip:[::1:5060", "sip:[::1]x", "sip:::1:5060",
		"sip:999.1.1.1:5060", "tcp://127.0.0.1:5060", "sip:127.0.0.1:-1", "sip:",
		"sip:127.0.0.1:123456",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (sip_addr_check(good[i], true))
			fail_msg("refused '%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!sip_addr_check(bad[i], false))
			fail_msg("took '%s'", bad[i]);
	/* the port may be left out where the caller allows it */
	assert_int_equal(sip_addr_check("sip:127.0.0.1", false), 0);
	assert_int_equal(sip_addr_check("sip:[::1];transport=tcp", false), 0);
	assert_int_equal(sip_addr_check("sip:127.0.0.1", true), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_b64_rfc4648),
		cmocka_unit_test(test_b64_rejects),
		cmocka_unit_test(test_ct),
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_esc),
		cmocka_unit_test(test_log_lines),
		cmocka_unit_test(test_log_limit),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_json_string_buf),
		cmocka_unit_test(test_sip_addr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
