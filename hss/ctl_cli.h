/* What every hss-ctl command shares (hss/ctl_cli.c): the store and the one
 * transaction a command runs in, the one-line errors and the exit codes of
 * docs/hss-ctl.md (0 success, 1 a failed check, 2 bad usage), option
 * parsing with --help. The commands live in hss_ctl.c (subscribers),
 * ctl_impu.c (public identities, charging: PPR), ctl_apn.c (S6a). */
#ifndef HSS_CTL_CLI_H
#define HSS_CTL_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "db.h"

#define CTL_PROG "hss-ctl"

struct ctl_cli {
	const char *db_path;
	struct db *db;     /* opened by ctl_open/ctl_begin, closed by main */
	const char *cmd;   /* the running (sub)command, "apn add", for messages */
	const char *usage; /* its usage line, for --help and missing arguments */
	bool no_db;        /* it names its stores itself (migrate --from/--to):
			    * no "--db FILE" in its usage */
};

/* Opens the store (DB_OPEN_READONLY for views) unless open; exits 1 with
 * the reason when it cannot. */
struct db *ctl_open(struct ctl_cli *c, unsigned flags);
/* Opens read-write and begins the command's transaction; exits 1. */
struct db *ctl_begin(struct ctl_cli *c);
/* 0, or 1 with "commit failed" printed. */
int ctl_commit(struct ctl_cli *c);
/* Rolls back, prints "hss-ctl: MESSAGE", returns the exit code for err
 * (2 for -EINVAL/-EEXIST: the argument was wrong; 1 otherwise). */
int ctl_fail(struct ctl_cli *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A subscriber by IMPI or IMSI; prints why not (and rolls back an open
 * transaction) on failure. */
int ctl_lookup(struct ctl_cli *c, const char *key, struct db_sub *s);
/* getopt_long over the command's options: --help prints the usage and
 * exits 0, an unknown option is a usage error naming the command. */
int ctl_next_opt(struct ctl_cli *c, int argc, char **argv, const struct option *opts);
/* Exactly n arguments after the options, else a usage error. */
void ctl_want_args(struct ctl_cli *c, int argc, char **argv, int n);

#endif
