/* Constant-time comparison for MACs, RES and digest responses: the time
 * taken depends only on the length, never on where the first difference
 * is (TS 33.102 says nothing here; timing oracles on MAC checks are the
 * classic mistake). */
#ifndef UTIL_CT_H
#define UTIL_CT_H

#include <stdbool.h>
#include <stddef.h>

bool ct_equal(const void *a, const void *b, size_t len);

/* Strings: unequal lengths are unequal (length is not secret). */
bool ct_streq(const char *a, const char *b);

#endif
