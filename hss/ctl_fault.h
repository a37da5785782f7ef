/* hss-ctl fault add|list|del|clear: hssd's Diameter fault rules in the
 * store (hss/diam_fault.h; docs/faults.md). A running hssd picks every
 * change up within a second. */
#ifndef HSS_CTL_FAULT_H
#define HSS_CTL_FAULT_H

#include "ctl_cli.h"

#define CTL_FAULT_USAGE                                                                 \
	"fault add --command MAR|SAR|UAR|LIR|AIR|ULR|PUR|any [--user GLOB] "            \
	"[--every N | --probability P] [--count N] --action drop|delay:MS|result:CODE|"  \
	"omit:AVP|bad-length:AVP|close|dpr\n"                                          \
	"  fault list [--json]\n"                                                      \
	"  fault del ID\n"                                                             \
	"  fault clear"

int ctl_fault_cmd(struct ctl_cli *c, int argc, char **argv);

#endif
