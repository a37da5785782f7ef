/* --version of every program (DESIGN.md command-line contract): one line
 * "NAME VERSION". The string is made by cmake/version.cmake at build time
 * (git describe), so only this file recompiles when it changes. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_version.h"

const char *cli_version_string(void)
{
	return BENCH_VERSION;
}

void cli_version_check(const char *prog, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--version"))
		return;
	printf("%s %s\n", prog, BENCH_VERSION);
	exit(fflush(stdout) ? EXIT_CHECK_FAILED : 0);
}
