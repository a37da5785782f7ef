/* hss-ctl's commands on public identities and charging names
 * (hss/ctl_impu.c), dispatched from hss/hss_ctl.c:
 *
 *   add-impu IMPI|IMSI URI [--barred] [--irs N] [--ifc-file FILE]
 *   set-impu URI [--barred yes|no] [--irs N] [--ifc-file FILE | --no-ifc]
 *   del-impu URI
 *   set-charging IMPI|IMSI [--ecf URI] [--ecf2 URI] [--ccf URI] [--ccf2 URI] [--clear]
 *
 * Each changes what an S-CSCF holds for a registered user (TS 29.228
 * §6.1.7: the IMPUs of an implicit set, their barring, the iFC, the
 * charging names): when an S-CSCF holds the implicit set concerned, the
 * command queues a Push-Profile-Request that hssd sends within a second
 * (cx_ppr.c). Exit codes as every hss-ctl command: 0, 1 failed check, 2
 * bad usage. */
#ifndef HSS_CTL_IMPU_H
#define HSS_CTL_IMPU_H

#include "db.h"

struct ctl_cli;
struct json;

#define CTL_ADD_IMPU_USAGE "add-impu IMPI|IMSI URI [--barred] [--irs N] [--ifc-file FILE]"
#define CTL_SET_IMPU_USAGE \
	"set-impu URI [--barred yes|no] [--irs N] [--ifc-file FILE | --no-ifc]"
#define CTL_DEL_IMPU_USAGE "del-impu URI"
#define CTL_SET_CHARGING_USAGE                                                        \
	"set-charging IMPI|IMSI [--ecf URI] [--ecf2 URI] [--ccf URI] [--ccf2 URI] [--clear]" \
	"  (URI: aaa://HOST[:PORT][;...] or none)"

int ctl_add_impu_cmd(struct ctl_cli *c, int argc, char **argv);
int ctl_set_impu_cmd(struct ctl_cli *c, int argc, char **argv);
int ctl_del_impu_cmd(struct ctl_cli *c, int argc, char **argv);
int ctl_set_charging_cmd(struct ctl_cli *c, int argc, char **argv);

/* The charging part of `hss-ctl show`. */
void ctl_charging_show_text(struct db *db, const struct db_sub *s);
void ctl_charging_show_json(struct db *db, struct json *j, const struct db_sub *s);

#endif
