/* Command-line helpers implementing the contract of DESIGN.md: a bad
 * argument is one line on stderr naming the argument, then exit 2. */
#ifndef UTIL_CLI_H
#define UTIL_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_CHECK_FAILED 1
#define EXIT_USAGE 2

/* Prints "PROG: message" and exits 2. */
void cli_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* *slot = val, or exits 2 with "PROG: OPT: given twice" when *slot is set
 * already (a repeated option must not silently keep the last value). */
void cli_set_once(const char *prog, const char *opt, const char **slot, const char *val);

/* Decodes hex of exactly `len` octets for option `opt`, or exits 2 with
 * "PROG: --opt: expected N hex octets (2N digits), got ...". */
void cli_hex_exact(const char *prog, const char *opt, const char *val, uint8_t *out, size_t len);

/* Variable-length hex (min..max octets); returns the length, exits 2 on error. */
size_t cli_hex_range(const char *prog, const char *opt, const char *val, uint8_t *out,
		     size_t min, size_t max);

/* Unsigned decimal (or 0x-hex) in [min, max], else exit 2. */
unsigned long long cli_uint(const char *prog, const char *opt, const char *val,
			    unsigned long long min, unsigned long long max);

/* "--version" as the first argument: prints "PROG VERSION" on stdout and
 * exits 0 (1 when stdout cannot be written). Call first thing in main(). */
void cli_version_check(const char *prog, int argc, char **argv);

/* getopt_long(3) that refuses abbreviated long options: a unique prefix
 * ("--port" for "--port-file") exits 2 naming the option it would have
 * matched, instead of silently meaning another option. Otherwise the same
 * return values; longindex may be NULL. */
int cli_getopt_long(const char *prog, int argc, char *const argv[], const char *shortopts,
		    const struct option *longopts, int *longindex);

/* The version string alone (git describe at build time). */
const char *cli_version_string(void);

#endif
