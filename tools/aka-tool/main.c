/* aka-tool: compute, decode and explain IMS/EPS AKA values.
 * One subcommand per file (cmd_*.c); this file only dispatches. */
#include "tool.h"
#include "util/cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} cmds[] = {
	{ "milenage", cmd_milenage, "MILENAGE f1..f5* and AUTN (TS 35.206)" },
	{ "xor", cmd_xor, "the XOR test algorithm (TS 34.108 §8.1.2)" },
	{ "tuak", cmd_tuak, "TUAK f1..f5*, TOPc and AUTN (TS 35.231)" },
	{ "nonce", cmd_nonce, "nonce decode: split base64(RAND‖AUTN), check it with keys" },
	{ "auts", cmd_auts, "auts make|check: resynchronisation token (TS 33.102 §6.3.3)" },
	{ "digest", cmd_digest, "HTTP Digest response, MD5/AKAv1-MD5/AKAv2-MD5" },
	{ "kasme", cmd_kasme, "KASME from CK, IK, PLMN, SQN⊕AK (TS 33.401 A.2)" },
	{ "explain", cmd_explain, "every intermediate value of one IMS AKA registration" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " COMMAND [OPTIONS]   (" PROG " COMMAND --help for details)\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(fp, "  %-9s %s\n", cmds[i].name, cmds[i].what);
	fprintf(fp, "\nHex is case-insensitive on input, lower case on output. --json prints one\n"
		    "JSON object. Exit 0 ok, 1 failed check, 2 bad usage. --version prints\n"
		    "\"" PROG " VERSION\".\n");
}

int main(int argc, char **argv)
{
	int rc;

	cli_version_check(PROG, argc, argv);
	if (argc < 2)
		cli_usage_error(PROG, "missing COMMAND (see --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		rc = cmds[i].run(argc, argv);
		aka_thread_cleanup();
		return rc;
	}
	cli_usage_error(PROG, "%s: unknown command (see --help)", argv[1]);
}
