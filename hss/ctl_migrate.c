/* hss-ctl migrate: a store copied whole into a new one (ctl_migrate.h). */
#include "ctl_migrate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_cli.h"
#include "db.h"
#include "util/cli.h"

/* What a count means, by table (db_copy_table order is checked by name). */
static const struct {
	const char *table, *what;
} nouns[] = {
	{ "subscriber", "subscribers" }, { "impu", "public identities" },
	{ "registration", "registrations" }, { "apn", "APNs" },
	{ "subscriber_apn", "APN assignments" }, { "eps_subscription", "EPS profiles" },
	{ "charging_info", "charging records" }, { "out_queue", "queued requests" },
	{ "fault_rule", "fault rules" }, { "subscriber_sqn", "SQNs" },
};

/* The source: read-only when it is at this version (nothing created or
 * changed), else upgraded first as every hss-ctl command does. */
static int open_source(const char *where, struct db **db)
{
	int ret = db_open_mode(where, DB_OPEN_READONLY, db);

	if (ret == -EROFS)
		ret = db_open(where, db);
	return ret;
}

static void report(const char *from, const char *to, const int64_t *rows)
{
	char a[512], b[512];

	printf("migrated %s -> %s:", db_where_shown(from, a, sizeof(a)),
	       db_where_shown(to, b, sizeof(b)));
	for (size_t i = 0; i < DB_COPY_TABLES; i++) {
		const char *name, *cols;

		db_copy_table(i, &name, &cols);
		for (size_t k = 0; k < sizeof(nouns) / sizeof(nouns[0]); k++)
			if (!strcmp(nouns[k].table, name))
				printf("%s %lld %s", i ? "," : "", (long long)rows[i], nouns[k].what);
	}
	printf("\n");
}

int ctl_migrate_cmd(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", 1, 0, 'f'}, {"to", 1, 0, 't'}, {"help", 0, 0, 'h'}, {0}};
	const char *from = NULL, *to = NULL;
	struct db *src = NULL, *dst = NULL;
	int64_t rows[DB_COPY_TABLES] = { 0 };
	char shown[512];
	int o, ret;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		if (o == 'f')
			cli_set_once(CTL_PROG, "--from", &from, optarg);
		else if (o == 't')
			cli_set_once(CTL_PROG, "--to", &to, optarg);
	}
	ctl_want_args(c, argc, argv, 0);
	if (c->db_path)
		cli_usage_error(CTL_PROG, "migrate: --db: not used (--from and --to name the stores)");
	if (!from || !to)
		cli_usage_error(CTL_PROG, "migrate: %s: required", from ? "--to" : "--from");
	if (!strcmp(from, to))
		cli_usage_error(CTL_PROG, "migrate: --from and --to are the same store");
	if (open_source(from, &src)) {
		fprintf(stderr, CTL_PROG ": --from: %s\n", db_errmsg(NULL));
		return EXIT_CHECK_FAILED;
	}
	if (db_open(to, &dst)) {
		fprintf(stderr, CTL_PROG ": --to: %s\n", db_errmsg(NULL));
		db_close(src);
		return EXIT_CHECK_FAILED;
	}
	ret = db_copy(src, dst, rows);
	if (ret)
		fprintf(stderr, CTL_PROG ": migrate: %s: %s; nothing was written\n",
			db_where_shown(to, shown, sizeof(shown)),
			*db_errmsg(dst) ? db_errmsg(dst) : db_errmsg(src));
	else
		report(from, to, rows);
	db_close(src);
	db_close(dst);
	return ret ? EXIT_CHECK_FAILED : 0;
}
