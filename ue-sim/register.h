/* Entry points of the ue-sim subcommands (argv[0] is the subcommand):
 *   register_main  one UE, one registration (TS 24.229 §5.1.1.2), optionally
 *                  kept alive with refreshes and de-registered (register.c);
 *   scenario_main  `ue-sim run` (scenario_run.c);
 *   load_main      `ue-sim load` (load.c).
 * Each returns the process exit status (0, 1, or exits 2 on bad usage). */
#ifndef UE_REGISTER_H
#define UE_REGISTER_H

int register_main(int argc, char **argv);
int scenario_main(int argc, char **argv);
int load_main(int argc, char **argv);

#endif
