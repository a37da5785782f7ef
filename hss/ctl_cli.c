/* The shared frame of hss-ctl's commands (ctl_cli.h). */
#include "ctl_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/cli.h"

struct db *ctl_open(struct ctl_cli *c, unsigned flags)
{
	if (c->db)
		return c->db;
	if (!c->db_path)
		cli_usage_error(CTL_PROG, "--db: required (the hssd database file)");
	if (db_open_mode(c->db_path, flags, &c->db)) {
		fprintf(stderr, CTL_PROG ": --db: %s\n", db_errmsg(NULL));
		exit(EXIT_CHECK_FAILED);
	}
	return c->db;
}

struct db *ctl_begin(struct ctl_cli *c)
{
	ctl_open(c, 0);
	if (db_txn_begin(c->db)) {
		fprintf(stderr, CTL_PROG ": --db: %s\n", db_errmsg(c->db));
		exit(EXIT_CHECK_FAILED);
	}
	return c->db;
}

int ctl_commit(struct ctl_cli *c)
{
	if (db_txn_commit(c->db)) {
		fprintf(stderr, CTL_PROG ": --db: commit failed: %s\n", db_errmsg(c->db));
		return EXIT_CHECK_FAILED;
	}
	return 0;
}

int ctl_fail(struct ctl_cli *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->db && db_in_txn(c->db))
		db_txn_rollback(c->db);
	fprintf(stderr, CTL_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return err == -EINVAL || err == -EEXIST ? EXIT_USAGE : EXIT_CHECK_FAILED;
}

int ctl_lookup(struct ctl_cli *c, const char *key, struct db_sub *s)
{
	int ret = db_sub_lookup(c->db, key, s);

	if (ret == -ENOENT)
		ctl_fail(c, ret, "no subscriber with IMPI or IMSI '%s'", key);
	else if (ret)
		ctl_fail(c, ret, "--db: %s", db_errmsg(c->db));
	return ret;
}

int ctl_next_opt(struct ctl_cli *c, int argc, char **argv, const struct option *opts)
{
	int o = cli_getopt_long(CTL_PROG, argc, argv, "h", opts, NULL);

	if (o == 'h') {
		printf("usage: " CTL_PROG "%s %s\n", c->no_db ? "" : " --db FILE", c->usage);
		exit(0);
	}
	if (o == '?')
		cli_usage_error(CTL_PROG, "%s: unknown option or missing value: %s", c->cmd,
				argv[optind - 1]);
	return o;
}

void ctl_want_args(struct ctl_cli *c, int argc, char **argv, int n)
{
	if (argc - optind > n)
		cli_usage_error(CTL_PROG, "%s: unexpected argument '%s'", c->cmd, argv[optind + n]);
	if (argc - optind < n)
		cli_usage_error(CTL_PROG, "%s: missing argument (usage: %s)", c->cmd, c->usage);
}
