/* auth_header_parse: what real peers send (RFC 2617 §3.2.1/§3.2.2 with
 * RFC 3261 LWS), and what must be refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest/auth_header.h"

static struct auth_header h;

static int parse(const char *s)
{
	return auth_header_parse(s, strlen(s), &h);
}

static void test_kamailio_challenge(void **state)
{
	(void)state;
	assert_int_equal(parse("Digest realm=\"ims.mnc001.mcc001.3gppnetwork.org\", "
			       "nonce=\"I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=\", "
			       "algorithm=AKAv1-MD5, qop=\"auth,auth-int\""), AUTH_OK);
	assert_string_equal(h.scheme, "Digest");
	assert_int_equal(h.nparams, 4);
	assert_string_equal(auth_param_get(&h, "realm"), "ims.mnc001.mcc001.3gppnetwork.org");
	assert_string_equal(auth_param_get(&h, "NONCE"),
			    "I1U8vpY3qJ0hiuZNrke/NVXzKLQ1d7m5Sp/6w1Tfr7M=");
	assert_string_equal(auth_param_get(&h, "algorithm"), "AKAv1-MD5");
	assert_false(auth_param_quoted(&h, "algorithm"));
	assert_true(auth_param_quoted(&h, "qop"));
	assert_string_equal(auth_param_get(&h, "qop"), "auth,auth-int");
	assert_null(auth_param_get(&h, "opaque"));
	assert_false(auth_param_quoted(&h, "opaque"));
}

/* Folded over lines, reordered, names and scheme in odd case, spaces
 * around '=' and ',', quoted algorithm, an unknown parameter. */
static void test_folded_reordered(void **state)
{
	(void)state;
	assert_int_equal(parse("  dIgEsT  Username = \"alice@ims\" ,\r\n\tURI=\"sip:ims\",\r\n"
			       "  NC=00000001 ,cnonce=\"0a4f113b\" , algorithm=\"AKAv2-MD5\",\r\n"
			       " x-foo=bar,response=\"6629fae49393a05397450978507c4ef1\"  "), AUTH_OK);
	assert_string_equal(h.scheme, "dIgEsT");
	assert_int_equal(h.nparams, 7);
	assert_string_equal(h.params[0].name, "username");
	assert_string_equal(auth_param_get(&h, "username"), "alice@ims");
	assert_string_equal(auth_param_get(&h, "uri"), "sip:ims");
	assert_string_equal(auth_param_get(&h, "nc"), "00000001");
	assert_string_equal(auth_param_get(&h, "algorithm"), "AKAv2-MD5");
	assert_true(auth_param_quoted(&h, "algorithm"));
	assert_string_equal(auth_param_get(&h, "x-foo"), "bar");
	assert_string_equal(auth_param_get(&h, "response"), "6629fae49393a05397450978507c4ef1");
}

static void test_escapes_and_folds_in_quotes(void **state)
{
	(void)state;
	assert_int_equal(parse("Digest realm=\"a\\\"b\\\\c\", opaque=\"x,y=z\", "
			       "auts=\"line\r\n one\""), AUTH_OK);
	assert_string_equal(auth_param_get(&h, "realm"), "a\"b\\c");
	assert_string_equal(auth_param_get(&h, "opaque"), "x,y=z");
	assert_string_equal(auth_param_get(&h, "auts"), "line one");
	/* empty quoted value and empty list elements */
	assert_int_equal(parse("Digest ,username=\"\",, realm=r,"), AUTH_OK);
	assert_int_equal(h.nparams, 2);
	assert_string_equal(auth_param_get(&h, "username"), "");
	/* unquoted base64 with '=' and an unquoted URI */
	assert_int_equal(parse("Digest nonce=abc==, uri=sip:a@b:5060;transport=tcp"), AUTH_OK);
	assert_string_equal(auth_param_get(&h, "nonce"), "abc==");
	assert_string_equal(auth_param_get(&h, "uri"), "sip:a@b:5060;transport=tcp");
	/* scheme only */
	assert_int_equal(parse("Digest"), AUTH_OK);
	assert_int_equal(h.nparams, 0);
}

static void test_rejections(void **state)
{
	char big[AUTH_HEADER_MAX + 10];
	char many[2048];
	size_t n = 0;

	(void)state;
	assert_int_equal(parse("Digest realm=\"unterminated"), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm=\"x\\"), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm"), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm="), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm=\"a\" nonce=\"b\""), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm=\"a\"x"), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm=a\r\nnonce=b"), AUTH_ESYNTAX); /* not a fold */
	assert_int_equal(parse("Digest realm=a,\r\n"), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm=\"a\r\nb\""), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm=a\rb"), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest =a"), AUTH_ESYNTAX);
	assert_int_equal(parse("Digest realm=a, REALM=\"b\""), AUTH_EDUP);
	assert_int_equal(parse(""), AUTH_ESCHEME);
	assert_int_equal(parse("   "), AUTH_ESCHEME);
	assert_int_equal(parse("realm=\"x\""), AUTH_ESCHEME);
	assert_int_equal(parse("\"Digest\" realm=x"), AUTH_ESCHEME);
	assert_int_equal(parse("Averyveryverylongscheme realm=x"), AUTH_ESCHEME);
	/* embedded NUL inside the given length */
	assert_int_equal(auth_header_parse("Digest a=\"b\0c\"", 14, &h), AUTH_ESYNTAX);
	memset(big, 'a', sizeof(big));
	memcpy(big, "Digest x=", 9);
	assert_int_equal(auth_header_parse(big, AUTH_HEADER_MAX, &h), AUTH_ETOOLONG);
	assert_int_equal(auth_header_parse(big, AUTH_HEADER_MAX - 1, &h), AUTH_OK);
	n = (size_t)snprintf(many, sizeof(many), "Digest ");
	for (int i = 0; i <= AUTH_PARAMS_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "p%d=v,", i);
	assert_int_equal(parse(many), AUTH_ETOOMANY);
	assert_string_equal(auth_strerror(AUTH_EDUP), "parameter given twice");
}

/* Never reads past len: parse every prefix of a header held in a buffer
 * exactly that long (ASan catches any overrun). */
static void test_prefixes_in_bounds(void **state)
{
	const char *src = "Digest username=\"a\\\"b\", realm=r,\r\n nonce=\"n\", qop=auth";
	size_t len = strlen(src);

	(void)state;
	for (size_t n = 0; n <= len; n++) {
		char *copy = malloc(n ? n : 1);
		memcpy(copy, src, n);
		int rc = auth_header_parse(copy, n, &h);
		assert_true(rc <= 0);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kamailio_challenge),
		cmocka_unit_test(test_folded_reordered),
		cmocka_unit_test(test_escapes_and_folds_in_quotes),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_prefixes_in_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
