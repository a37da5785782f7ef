/* hss-ctl's S6a commands (hss/ctl_apn.c), dispatched from hss/hss_ctl.c:
 *
 *   apn add NAME [--pdn-type T] [--qci N] [--arp-priority N]
 *       [--preempt-cap enabled|disabled] [--preempt-vuln enabled|disabled]
 *       [--ambr-ul BPS] [--ambr-dl BPS] [--update]
 *   apn list [--json]
 *   apn assign IMPI|IMSI NAME [--default] [--context-id N] [--static-ip IP]
 *   apn unassign IMPI|IMSI NAME
 *   set-eps IMPI|IMSI [--msisdn DIGITS|none] [--ambr-ul BPS] [--ambr-dl BPS]
 *       [--access-restriction N] [--network-access-mode both|packet]
 *       [--status granted|barred]
 *
 * A change to a subscriber's EPS profile while an MME serves it queues an
 * IDR that hssd sends within a second (s6a_out.c). Exit codes as every
 * hss-ctl command: 0, 1 failed check, 2 bad usage. */
#ifndef HSS_CTL_APN_H
#define HSS_CTL_APN_H

#include "db.h"

struct json;

#define CTL_APN_USAGE                                                                  \
	"apn add NAME [--pdn-type ipv4|ipv6|ipv4v6|ipv4_or_ipv6] [--qci N] "           \
	"[--arp-priority 1..15] [--preempt-cap enabled|disabled] "                      \
	"[--preempt-vuln enabled|disabled] [--ambr-ul BPS] [--ambr-dl BPS] [--update]\n" \
	"  apn list [--json]\n"                                                        \
	"  apn assign IMPI|IMSI NAME [--default] [--context-id N] [--static-ip IP]\n"  \
	"  apn unassign IMPI|IMSI NAME"
#define CTL_SET_EPS_USAGE                                                              \
	"set-eps IMPI|IMSI [--msisdn DIGITS|none] [--ambr-ul BPS] [--ambr-dl BPS] "     \
	"[--access-restriction N] [--network-access-mode both|packet] "                 \
	"[--status granted|barred]"

struct ctl_cli;
/* The commands (argv[0] is the command's name; ctl_cli.h). */
int ctl_apn_cmd(struct ctl_cli *c, int argc, char **argv);
int ctl_set_eps_cmd(struct ctl_cli *c, int argc, char **argv);

/* The EPS part of `hss-ctl show`: settings, serving MME, APNs. */
void ctl_eps_show_text(struct db *db, const struct db_sub *s);
void ctl_eps_show_json(struct db *db, struct json *j, const struct db_sub *s);

#endif
