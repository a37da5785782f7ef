/* Text golden files for unit tests: GOLDEN_DIR/DIR/NAME must hold exactly
 * `got`; UPDATE_GOLDEN=1 rewrites it first. (The Cx/S6a answers are
 * compared as hex: test_hss_util.h.) Include after <cmocka.h>. */
#ifndef TESTS_TEST_GOLDEN_H
#define TESTS_TEST_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>

static inline void golden_text(const char *dir, const char *name, const char *got)
{
	char path[512], want[8192];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s/%s", GOLDEN_DIR, dir, name);
	if (getenv("UPDATE_GOLDEN")) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(got, fp);
		fclose(fp);
	}
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(want, 1, sizeof(want) - 1, fp);
	fclose(fp);
	want[n] = '\0';
	assert_string_equal(got, want);
}

#endif
