/* `ue-sim register`: one UE, one registration (TS 24.229 §5.1.1.2),
 * optionally kept alive with refreshes and then de-registered. */
#ifndef UE_REGISTER_H
#define UE_REGISTER_H

int register_main(int argc, char **argv);
int scenario_main(int argc, char **argv);
int load_main(int argc, char **argv);

#endif
