/* ue-sim: an IMS UE simulator (USIM + SIP UAC) — dispatch of the
 * subcommands of the command-line contract (DESIGN.md). */
#include <stdio.h>
#include <string.h>

#include "register.h"
#include "util/cli.h"

static const char usage[] =
	"usage: ue-sim register --registrar sip:IP:PORT --impi S --impu URI --realm REALM\n"
	"                       --k HEX (--op|--opc) HEX [--amf HEX] [--alg A] [--password S]\n"
	"                       [--explain] [--json] [...]      one registration\n"
	"       ue-sim run SCENARIO... --registrar sip:IP:PORT [--junit FILE]   scenario files\n"
	"       ue-sim load (--count N | --users CSV) --registrar sip:IP:PORT ...  load mode\n"
	"       ue-sim --version                                   prints \"ue-sim VERSION\"\n"
	"Each subcommand has --help. Exit: 0 success, 1 failed flow, 2 bad usage.\n";

int main(int argc, char **argv)
{
	cli_version_check("ue-sim", argc, argv);
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "register") == 0)
		return register_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "run") == 0)
		return scenario_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "load") == 0)
		return load_main(argc - 1, argv + 1);
	cli_usage_error("ue-sim", "unknown subcommand '%s' (register, run, load)", argv[1]);
}
