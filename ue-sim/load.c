#include "register.h"
#include <stdio.h>
int load_main(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "ue-sim: load: not implemented yet\n"); return 1; }
