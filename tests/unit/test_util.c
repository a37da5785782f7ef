/* common/util: hex, base64 (RFC 4648 §10 test vectors), constant-time
 * compare, INI parsing with file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/ct.h"
#include "util/hex.h"
#include "util/ini.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_b64_rfc4648),
		cmocka_unit_test(test_b64_rejects),
		cmocka_unit_test(test_ct),
		cmocka_unit_test(test_ini),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
