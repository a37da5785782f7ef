/* getopt_long without abbreviations.
 *
 * glibc's getopt_long accepts any unique prefix of a long option, so
 * `scscf-stub --port 0` silently meant `--port-file 0`: a typo became a
 * different, valid setting. Every program of the bench takes its long
 * options spelt out in full (DESIGN.md's command-line contract lists them
 * whole), and a prefix is reported as a usage error naming what it matched. */
#include "cli.h"

#include <string.h>

/* The argv element that held the long option just returned: the one before
 * optind, or the one before that when the option's value was the next
 * element (`--db FILE`; `--db=FILE` keeps optarg inside the option's own). */
static const char *long_option_token(char *const argv[])
{
	if (optarg && optind >= 2 && optarg == argv[optind - 1])
		return argv[optind - 2];
	return argv[optind - 1];
}

int cli_getopt_long(const char *prog, int argc, char *const argv[], const char *shortopts,
		    const struct option *longopts, int *longindex)
{
	int idx = -1;
	int c = getopt_long(argc, argv, shortopts, longopts, &idx);

	if (longindex)
		*longindex = idx;
	if (c == -1 || c == '?' || c == ':' || idx < 0)
		return c;
	const char *tok = long_option_token(argv);
	const char *name = longopts[idx].name;
	size_t n = strlen(name);
	/* "--name", "--name=value" (and "-name" with getopt_long_only, unused here). */
	if (strncmp(tok, "--", 2) == 0 && strncmp(tok + 2, name, n) == 0 &&
	    (tok[2 + n] == '\0' || tok[2 + n] == '='))
		return c;
	size_t len = strcspn(tok, "=");
	cli_usage_error(prog, "'%.*s' is not an option (did you mean --%s? options are spelt out in full)",
			(int)(len > 64 ? 64 : len), tok, name);
}
