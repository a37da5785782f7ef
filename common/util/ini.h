/* INI-style config files shared by hssd and scscf-stub (STYLE.md §10).
 *
 *   # comment            ; comment
 *   [section]
 *   key = value          (value runs to end of line, trimmed; "quotes" stripped)
 *
 * A key may repeat (e.g. several `listen =` lines); the callback sees each.
 * Errors are reported as "file:line: message". */
#ifndef UTIL_INI_H
#define UTIL_INI_H

#include <stddef.h>

/* Called per key. Return 0 to go on, or -1 after writing a message into
 * err (size errsz) to stop; ini_parse_file then reports file:line: err. */
typedef int (*ini_cb)(void *arg, const char *section, const char *key,
		      const char *value, char *err, size_t errsz);

/* Returns 0, or -1 with "file:line: reason" in err. */
int ini_parse_file(const char *path, ini_cb cb, void *arg, char *err, size_t errsz);

/* Same over a NUL-terminated buffer; `name` is used in messages. */
int ini_parse_string(const char *name, const char *text, ini_cb cb, void *arg,
		     char *err, size_t errsz);

/* Parses "yes/no/true/false/on/off/1/0". -1 when none of those. */
int ini_bool(const char *v);

#endif
