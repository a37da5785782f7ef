/* hss-ctl migrate (hss/ctl_migrate.c), dispatched from hss/hss_ctl.c:
 *
 *   migrate --from STORE --to STORE
 *
 * Copies a whole store into a new one, any backend to any backend (an
 * SQLite file into PostgreSQL, or back for a backup): every subscriber with
 * its keys and SQN, identities, registrations, S6a data, charging
 * information, the outbound queue and the fault rules, with their ids, in
 * one transaction of the destination (all or nothing; db.h db_copy). The
 * destination is created (or upgraded) to this schema version and must be
 * empty; the source is read in one snapshot and upgraded first only when it
 * is older (as any hss-ctl command would). Stop the hssd that serves the
 * source first: an SQN it hands out after the copy would be handed out
 * again from the destination. Exit 0 copied, 1 not (nothing written), 2
 * bad usage. */
#ifndef HSS_CTL_MIGRATE_H
#define HSS_CTL_MIGRATE_H

#define CTL_MIGRATE_USAGE "migrate --from STORE --to STORE  (STORE: a file or postgresql://…)"

struct ctl_cli;
int ctl_migrate_cmd(struct ctl_cli *c, int argc, char **argv);

#endif
