/* hss-ctl fault (ctl_fault.h): rules checked with hssd's own parsers
 * (diam_fault.h, util/fault_match.h) before they are stored, so a rule
 * hssd would refuse never reaches it. */
#include "ctl_fault.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diam_fault.h"
#include "util/cli.h"
#include "util/json.h"

#define PROG CTL_PROG

/* --user/--every/--probability/--count through the shared matcher. */
static void match_opt(struct fault_match *m, const char *key, const char *val)
{
	char err[200];

	if (fault_match_option(m, key, val, err, sizeof(err)) < 0)
		cli_usage_error(PROG, "fault add: --%s", err);
}

static void parse_add(struct ctl_cli *c, int argc, char **argv, struct db_fault *f)
{
	static const struct option opts[] = {
		{ "command", 1, 0, 'c' }, { "user", 1, 0, 'u' },  { "every", 1, 0, 'e' },
		{ "probability", 1, 0, 'p' }, { "count", 1, 0, 'n' }, { "action", 1, 0, 'a' },
		{ "help", 0, 0, 'h' },	  { 0 },
	};
	struct fault_match m = { 0 };
	struct hfault_action act;
	char err[300];
	int o;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		switch (o) {
		case 'c':
			if (hfault_parse_command(optarg, f->command, sizeof(f->command), err,
						 sizeof(err)))
				cli_usage_error(PROG, "fault add: --command: %s", err);
			break;
		case 'u': match_opt(&m, "user", optarg); break;
		case 'e': match_opt(&m, "every", optarg); break;
		case 'p': match_opt(&m, "probability", optarg); break;
		case 'n': match_opt(&m, "count", optarg); break;
		case 'a':
			if (hfault_parse_action(optarg, &act, err, sizeof(err)))
				cli_usage_error(PROG, "fault add: --action: %s", err);
			snprintf(f->action, sizeof(f->action), "%s", optarg);
			break;
		}
	}
	ctl_want_args(c, argc, argv, 0);
	if (!f->command[0] || !f->action[0])
		cli_usage_error(PROG, "fault add: --%s: missing", !f->command[0] ? "command" : "action");
	if (fault_match_check(&m, err, sizeof(err))) /* its one refusal, in option names */
		cli_usage_error(PROG, "fault add: --every and --probability: give one of them, not both");
	snprintf(f->user, sizeof(f->user), "%s", m.user);
	f->every = m.every;
	f->probability_ppm = (unsigned)(m.probability * 1e6 + 0.5);
	f->count = m.count;
}

static int fault_add(struct ctl_cli *c, int argc, char **argv)
{
	struct db_fault f = { 0 };
	int ret;

	parse_add(c, argc, argv, &f);
	ret = db_fault_add(ctl_begin(c), &f);
	if (ret)
		return ctl_fail(c, ret, "fault add %s: %s", f.action, db_strerror(ret));
	if (ctl_commit(c))
		return EXIT_CHECK_FAILED;
	printf("fault %lld added: %s %s (a running hssd applies it within a second)\n",
	       (long long)f.id, f.command, f.action);
	return 0;
}

static int print_text(void *arg, const struct db_fault *f)
{
	char when[64] = "every request", count[16] = "-";

	(void)arg;
	if (f->count)
		snprintf(count, sizeof(count), "%u", f->count);
	if (f->every > 1)
		snprintf(when, sizeof(when), "every %u", f->every);
	else if (f->probability_ppm)
		snprintf(when, sizeof(when), "probability %g", f->probability_ppm / 1e6);
	printf("%-4lld %-4s %-24s user=%-20s %-16s count=%-6s fired=%llu\n", (long long)f->id,
	       f->command, f->action, f->user[0] ? f->user : "*", when, count,
	       (unsigned long long)f->fired);
	return 0;
}

static int print_json(void *arg, const struct db_fault *f)
{
	struct json *j = arg;

	json_obj_begin(j, NULL);
	json_int(j, "id", f->id);
	json_str(j, "command", f->command);
	json_str(j, "action", f->action);
	json_str(j, "user", f->user[0] ? f->user : NULL);
	json_int(j, "every", f->every);
	json_double(j, "probability", f->probability_ppm / 1e6);
	json_int(j, "count", f->count);
	json_int(j, "fired", (long long)f->fired);
	json_obj_end(j);
	return 0;
}

static int fault_list(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "json", 0, 0, 'j' }, { "help", 0, 0, 'h' }, { 0 } };
	bool json = false;
	struct json j;
	struct db *db;
	int ret;

	while (ctl_next_opt(c, argc, argv, opts) != -1)
		json = true;
	ctl_want_args(c, argc, argv, 0);
	db = ctl_open(c, DB_OPEN_READONLY); /* a view */
	if (json) {
		json_begin(&j, stdout);
		json_arr_begin(&j, "faults");
	}
	ret = db_fault_foreach(db, json ? print_json : print_text, &j);
	if (json) {
		json_arr_end(&j);
		json_end(&j);
	}
	return ret ? EXIT_CHECK_FAILED : 0;
}

static int fault_del(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", 0, 0, 'h' }, { 0 } };
	int64_t id;
	int ret;

	while (ctl_next_opt(c, argc, argv, opts) != -1)
		;
	ctl_want_args(c, argc, argv, 1);
	id = (int64_t)cli_uint(PROG, "fault del: ID", argv[optind], 1, INT64_MAX);
	ret = db_fault_del(ctl_begin(c), id);
	if (ret == -ENOENT)
		return ctl_fail(c, ret, "fault del: no fault rule %lld (fault list shows them)",
				(long long)id);
	if (ret)
		return ctl_fail(c, ret, "fault del: %s", db_strerror(ret));
	if (ctl_commit(c))
		return EXIT_CHECK_FAILED;
	printf("fault %lld deleted\n", (long long)id);
	return 0;
}

static int fault_clear(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = { { "help", 0, 0, 'h' }, { 0 } };
	int ret;

	while (ctl_next_opt(c, argc, argv, opts) != -1)
		;
	ctl_want_args(c, argc, argv, 0);
	ret = db_fault_clear(ctl_begin(c));
	if (ret)
		return ctl_fail(c, ret, "fault clear: %s", db_strerror(ret));
	if (ctl_commit(c))
		return EXIT_CHECK_FAILED;
	printf("fault rules cleared\n");
	return 0;
}

int ctl_fault_cmd(struct ctl_cli *c, int argc, char **argv)
{
	static const struct {
		const char *name, *usage;
		int (*run)(struct ctl_cli *, int, char **);
	} sub[] = { { "fault add", "fault add --command MAR|SAR|UAR|LIR|AIR|ULR|PUR|any "
				   "[--user GLOB] [--every N | --probability P] [--count N] "
				   "--action ACTION", fault_add },
		    { "fault list", "fault list [--json]", fault_list },
		    { "fault del", "fault del ID", fault_del },
		    { "fault clear", "fault clear", fault_clear } };

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc < 2)
			cli_usage_error(PROG, "fault: missing subcommand (add, list, del, clear)");
		printf("usage: " PROG " --db FILE " CTL_FAULT_USAGE "\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if (strcmp(argv[1], sub[i].name + 6))
			continue;
		optind = 0;
		c->cmd = sub[i].name;
		c->usage = sub[i].usage;
		return sub[i].run(c, argc - 1, argv + 1);
	}
	cli_usage_error(PROG, "fault: unknown subcommand '%s' (add, list, del, clear)", argv[1]);
}
