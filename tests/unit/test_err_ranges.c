/* Error codes have one range per layer (util/err.h, issue 10): no codec,
 * digest or digest-check code equals an errno value or another layer's
 * (DIAM_ENOSPC used to be -7 == -E2BIG), and diam_strerror names both its
 * own codes and errno values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "challenge.h"
#include "diameter/diam.h"
#include "digest/auth_header.h"
#include "digest/digest.h"
#include "util/err.h"

static void test_ranges(void **state)
{
	static const int diam[] = { DIAM_ESHORT, DIAM_EVERSION, DIAM_ELENGTH, DIAM_EBITS,
				    DIAM_ENOENT, DIAM_ETYPE, DIAM_ENOSPC, DIAM_EDEPTH };
	static const int digest[] = { AUTH_ETOOLONG, AUTH_ESCHEME, AUTH_ESYNTAX, AUTH_ETOOMANY,
				      AUTH_EDUP, NONCE_EBASE64, NONCE_ESHORT, NONCE_ELONG };
	static const int chk[] = { CHK_EMISSING, CHK_EUSERNAME, CHK_EREALM, CHK_ENONCE, CHK_EURI,
				   CHK_EQOP, CHK_ENC, CHK_EREPLAY, CHK_EALG, CHK_ERESPONSE };

	(void)state;
	assert_int_not_equal(DIAM_ENOSPC, -E2BIG);
	assert_int_not_equal(DIAM_ENOENT, -ENOENT);
	for (size_t i = 0; i < sizeof(diam) / sizeof(diam[0]); i++) {
		assert_true(ERR_IN(diam[i], ERR_BASE_DIAM));
		assert_true(diam[i] < -ERR_ERRNO_MAX);
		assert_string_not_equal(diam_strerror(diam[i]), "unknown error");
	}
	for (size_t i = 0; i < sizeof(digest) / sizeof(digest[0]); i++)
		assert_true(ERR_IN(digest[i], ERR_BASE_DIGEST));
	for (size_t i = 0; i < sizeof(chk) / sizeof(chk[0]); i++) {
		assert_true(ERR_IN(chk[i], ERR_BASE_CHK));
		assert_string_not_equal(chk_strerror(chk[i]), "?");
	}
	assert_string_equal(chk_strerror(CHK_ERESPONSE), "wrong response");
	assert_string_equal(chk_strerror(-E2BIG), "?");
	/* errno values are named as errno values. */
	assert_string_equal(diam_strerror(-E2BIG), strerror(E2BIG));
	assert_string_equal(diam_strerror(DIAM_ENOSPC), "no space");
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_ranges) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
