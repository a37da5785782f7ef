#include "cli.h"
#include "hex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

void cli_set_once(const char *prog, const char *opt, const char **slot, const char *val)
{
	if (*slot)
		cli_usage_error(prog, "%s: given twice", opt);
	*slot = val;
}

static const char *hex_problem(const char *val)
{
	size_t n = strlen(val);

	if (n == 0)
		return "empty";
	if (strspn(val, "0123456789abcdefABCDEF") != n)
		return "not hex";
	if (n % 2)
		return "odd number of hex digits";
	return NULL;
}

void cli_hex_exact(const char *prog, const char *opt, const char *val, uint8_t *out, size_t len)
{
	const char *why = hex_problem(val);

	if (!why && strlen(val) != 2 * len)
		why = "wrong length";
	if (why || hex_decode_exact(val, out, len))
		cli_usage_error(prog, "%s: expected %zu octets as %zu hex digits (%s)", opt, len,
				2 * len, why ? why : "invalid");
}

size_t cli_hex_range(const char *prog, const char *opt, const char *val, uint8_t *out,
		     size_t min, size_t max)
{
	const char *why = hex_problem(val);
	size_t got = 0;

	if (!why && (strlen(val) / 2 < min || strlen(val) / 2 > max))
		why = "wrong length";
	if (why || hex_decode(val, out, max, &got))
		cli_usage_error(prog, "%s: expected %zu..%zu octets of hex (%s)", opt, min, max,
				why ? why : "invalid");
	return got;
}

unsigned long long cli_uint(const char *prog, const char *opt, const char *val,
			    unsigned long long min, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(val, &end, 0);
	if (!*val || *end || errno || val[0] == '-' || v < min || v > max)
		cli_usage_error(prog, "%s: expected a number in %llu..%llu, got '%s'", opt, min,
				max, val);
	return v;
}
