/* hss-ctl: provisioning for hssd's SQLite store (docs/hss-ctl.md).
 *
 *   hss-ctl --db FILE COMMAND [ARGS]
 *
 * Every command that writes runs in one transaction: on any error it is
 * rolled back, so nothing is half-written. Exit codes: 0 success, 1 a
 * failed check (no such subscriber, database unusable), 2 bad usage (one
 * line naming the argument: bad hex, wrong key length, duplicates). K, OP,
 * OPc and the SIP password are printed only with --show-keys. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_apn.h"
#include "db.h"
#include "util/cli.h"
#include "util/hex.h"
#include "util/json.h"

#define PROG "hss-ctl"

struct ctl {
	const char *db_path;
	struct db *db;
};

struct cmd {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
	const char *usage;
};

static const struct cmd *cmd_find(const char *name);

static void print_usage(FILE *fp, const struct cmd *cmd)
{
	fprintf(fp, "usage: " PROG " --db FILE %s\n", cmd->usage);
}

/* ---- shared helpers ----------------------------------------------------- */
/* Views (show, list) open the store read-only: they work on a store this
 * user may only read, and never upgrade or lock it. */
static struct db *open_db_mode(struct ctl *c, unsigned flags)
{
	int ret;

	if (!c->db_path)
		cli_usage_error(PROG, "--db: required (the hssd database file)");
	ret = db_open_mode(c->db_path, flags, &c->db);
	if (ret) {
		fprintf(stderr, PROG ": --db: %s\n", db_errmsg(NULL));
		exit(EXIT_CHECK_FAILED);
	}
	return c->db;
}

static struct db *open_db(struct ctl *c)
{
	return open_db_mode(c, 0);
}

static void begin(struct ctl *c)
{
	if (db_txn_begin(c->db)) {
		fprintf(stderr, PROG ": --db: %s\n", db_errmsg(c->db));
		exit(EXIT_CHECK_FAILED);
	}
}

static int commit(struct ctl *c)
{
	if (db_txn_commit(c->db)) {
		fprintf(stderr, PROG ": --db: commit failed: %s\n", db_errmsg(c->db));
		return EXIT_CHECK_FAILED;
	}
	return 0;
}

/* Rolls back, prints one line, returns the exit code for -errno ret. */
static int abort_txn(struct ctl *c, int ret, const char *msg)
{
	db_txn_rollback(c->db);
	fprintf(stderr, PROG ": %s\n", msg);
	return ret == -EINVAL || ret == -EEXIST ? EXIT_USAGE : EXIT_CHECK_FAILED;
}

static int lookup(struct ctl *c, const char *key, struct db_sub *s)
{
	int ret = db_sub_lookup(c->db, key, s);

	if (ret == -ENOENT)
		fprintf(stderr, PROG ": no subscriber with IMPI or IMSI '%s'\n", key);
	else if (ret)
		fprintf(stderr, PROG ": --db: %s\n", db_errmsg(c->db));
	return ret;
}

/* Parses the options of a subcommand; --help prints its usage. Returns
 * the getopt result, exits on --help and on unknown options. */
static int next_opt(int argc, char **argv, const char *shortopts, const struct option *opts,
		    const char *cmd)
{
	int o = getopt_long(argc, argv, shortopts, opts, NULL);

	if (o == 'h') {
		print_usage(stdout, cmd_find(cmd));
		exit(0);
	}
	if (o == '?')
		cli_usage_error(PROG, "%s: unknown option or missing value: %s", cmd,
				argv[optind - 1]);
	return o;
}

static void no_more_args(int argc, char **argv, int want, const char *cmd)
{
	if (argc - optind > want)
		cli_usage_error(PROG, "%s: unexpected argument '%s'", cmd, argv[optind + want]);
	if (argc - optind < want)
		cli_usage_error(PROG, "%s: missing argument (usage: %s)", cmd,
				cmd_find(cmd)->usage);
}

static void hex48(uint64_t v, char out[13])
{
	snprintf(out, 13, "%012llx", (unsigned long long)v);
}

/* ---- add ---------------------------------------------------------------- */
static int cmd_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"imsi", 1, 0, 'i'}, {"impi", 1, 0, 'p'},    {"impu", 1, 0, 'u'},
		{"k", 1, 0, 'k'},    {"op", 1, 0, 'o'},      {"opc", 1, 0, 'c'},
		{"amf", 1, 0, 'a'},  {"sqn", 1, 0, 's'},     {"algo", 1, 0, 'g'},
		{"password", 1, 0, 'w'}, {"scheme", 1, 0, 'm'}, {"res-len", 1, 0, 'r'},
		{"help", 0, 0, 'h'}, {0}};
	struct ctl_fields f = {0};
	struct db_sub s;
	char err[CTL_ERR_MAX];
	int o, ret;

	while ((o = next_opt(argc, argv, "h", opts, "add")) != -1) {
		switch (o) {
		case 'i': cli_set_once(PROG, "--imsi", &f.imsi, optarg); break;
		case 'p': cli_set_once(PROG, "--impi", &f.impi, optarg); break;
		case 'u':
			if (f.n_impu == CTL_MAX_IMPU)
				cli_usage_error(PROG, "--impu: at most %d", CTL_MAX_IMPU);
			f.impu[f.n_impu++] = optarg;
			break;
		case 'k': cli_set_once(PROG, "--k", &f.k, optarg); break;
		case 'o': cli_set_once(PROG, "--op", &f.op, optarg); break;
		case 'c': cli_set_once(PROG, "--opc", &f.opc, optarg); break;
		case 'a': cli_set_once(PROG, "--amf", &f.amf, optarg); break;
		case 's': cli_set_once(PROG, "--sqn", &f.sqn, optarg); break;
		case 'g': cli_set_once(PROG, "--algo", &f.algo, optarg); break;
		case 'w': cli_set_once(PROG, "--password", &f.password, optarg); break;
		case 'm': cli_set_once(PROG, "--scheme", &f.scheme, optarg); break;
		case 'r': cli_set_once(PROG, "--res-len", &f.res_len, optarg); break;
		}
	}
	no_more_args(argc, argv, 0, "add");
	if (ctl_sub_parse(&f, "--", &s, err, sizeof(err)))
		cli_usage_error(PROG, "%s", err);
	open_db(c);
	begin(c);
	ret = ctl_sub_write(c->db, &s, f.impu, f.n_impu, "--", err, sizeof(err));
	if (ret)
		return abort_txn(c, ret, err);
	return commit(c);
}

/* ---- show / list ---------------------------------------------------------- */
struct show_ctx {
	struct json *j;  /* NULL: text */
	bool keys;
};

static int show_impu(void *arg, const struct db_impu *u)
{
	struct show_ctx *x = arg;

	if (!x->j) {
		printf("impu:      %s%s irs=%d %s", u->uri, u->barred ? " (barred)" : "", u->irs,
		       db_reg_state_name(u->state));
		if (u->scscf_name[0])
			printf(" scscf=%s", u->scscf_name);
		if (u->scscf_host[0])
			printf(" host=%s", u->scscf_host);
		printf("%s\n", u->ifc_xml ? " ifc" : "");
		return 0;
	}
	json_obj_begin(x->j, NULL);
	json_str(x->j, "uri", u->uri);
	json_bool(x->j, "barred", u->barred);
	json_int(x->j, "irs", u->irs);
	json_str(x->j, "state", db_reg_state_name(u->state));
	json_str(x->j, "scscf_name", u->scscf_name[0] ? u->scscf_name : NULL);
	json_str(x->j, "scscf_host", u->scscf_host[0] ? u->scscf_host : NULL);
	json_bool(x->j, "ifc", u->ifc_xml != NULL);
	json_obj_end(x->j);
	return 0;
}

static void show_text(struct ctl *c, const struct db_sub *s, bool keys)
{
	char h[40], sqn[13];
	struct show_ctx x = {NULL, keys};

	printf("imsi:      %s\nimpi:      %s\nalgo:      %s\n", s->imsi, s->impi,
	       aka_algo_name(s->keys.algo));
	hex_encode(s->keys.k, AKA_K_LEN, h);
	printf("k:         %s\n", keys ? h : "(hidden, use --show-keys)");
	if (s->has_op) {
		hex_encode(s->op, AKA_OP_LEN, h);
		printf("op:        %s\n", keys ? h : "(hidden)");
	}
	hex_encode(s->keys.opc, AKA_OP_LEN, h);
	printf("opc:       %s%s\n", keys ? h : "(hidden)", s->has_op ? " (derived from op)" : "");
	hex_encode(s->amf, AKA_AMF_LEN, h);
	hex48(s->sqn, sqn);
	printf("amf:       %s\nsqn:       %s\nres-len:   %zu\n", h, sqn, s->keys.res_len);
	printf("password:  %s\n", !s->has_password ? "(none)" : keys ? s->password : "(set, hidden)");
	printf("scheme:    %s\n", s->auth_scheme);
	db_impu_foreach(c->db, s->id, show_impu, &x);
	ctl_eps_show_text(c->db, s);
}

static void show_json(struct ctl *c, struct json *j, const struct db_sub *s, bool keys)
{
	char sqn[13];
	struct show_ctx x = {j, keys};

	json_str(j, "imsi", s->imsi);
	json_str(j, "impi", s->impi);
	json_str(j, "algo", aka_algo_name(s->keys.algo));
	json_str(j, "key_type", s->has_op ? "op" : "opc");
	if (keys) {
		json_hex(j, "k", s->keys.k, AKA_K_LEN);
		if (s->has_op)
			json_hex(j, "op", s->op, AKA_OP_LEN);
		json_hex(j, "opc", s->keys.opc, AKA_OP_LEN);
	}
	json_hex(j, "amf", s->amf, AKA_AMF_LEN);
	hex48(s->sqn, sqn);
	json_str(j, "sqn", sqn);
	json_int(j, "res_len", (long long)s->keys.res_len);
	json_bool(j, "has_password", s->has_password);
	if (keys && s->has_password)
		json_str(j, "password", s->password);
	json_str(j, "scheme", s->auth_scheme);
	json_arr_begin(j, "impus");
	db_impu_foreach(c->db, s->id, show_impu, &x);
	json_arr_end(j);
	ctl_eps_show_json(c->db, j, s);
}

static const struct option view_opts[] = {
	{"json", 0, 0, 'j'}, {"show-keys", 0, 0, 'K'}, {"help", 0, 0, 'h'}, {0}};

static int cmd_show(struct ctl *c, int argc, char **argv)
{
	bool json = false, keys = false;
	struct db_sub s;
	struct json j;
	int o;

	while ((o = next_opt(argc, argv, "h", view_opts, "show")) != -1)
		o == 'j' ? (json = true) : (keys = true);
	no_more_args(argc, argv, 1, "show");
	open_db_mode(c, DB_OPEN_READONLY);
	if (lookup(c, argv[optind], &s))
		return EXIT_CHECK_FAILED;
	if (!json) {
		show_text(c, &s, keys);
		return 0;
	}
	json_begin(&j, stdout);
	show_json(c, &j, &s, keys);
	json_end(&j);
	return 0;
}

struct list_ctx {
	struct ctl *c;
	struct json *j;
	bool keys;
};

static int list_impu_text(void *arg, const struct db_impu *u)
{
	int *first = arg;

	printf("%s%s", *first ? "" : ",", u->uri);
	*first = 0;
	return 0;
}

static int list_one(void *arg, const struct db_sub *s)
{
	struct list_ctx *l = arg;
	char sqn[13];
	int first = 1;

	if (l->j) {
		json_obj_begin(l->j, NULL);
		show_json(l->c, l->j, s, l->keys);
		json_obj_end(l->j);
		return 0;
	}
	hex48(s->sqn, sqn);
	printf("%s %s %s %s ", s->imsi, s->impi, aka_algo_name(s->keys.algo), sqn);
	db_impu_foreach(l->c->db, s->id, list_impu_text, &first);
	printf("\n");
	return 0;
}

static int cmd_list(struct ctl *c, int argc, char **argv)
{
	struct list_ctx l = {c, NULL, false};
	bool json = false;
	struct json j;
	int o;

	while ((o = next_opt(argc, argv, "h", view_opts, "list")) != -1)
		o == 'j' ? (json = true) : (l.keys = true);
	no_more_args(argc, argv, 0, "list");
	open_db_mode(c, DB_OPEN_READONLY);
	if (json) {
		l.j = &j;
		json_begin(&j, stdout);
		json_arr_begin(&j, "subscribers");
	}
	db_sub_foreach(c->db, list_one, &l);
	if (json) {
		json_arr_end(&j);
		json_end(&j);
	}
	return 0;
}

/* ---- del / set-sqn / add-impu --------------------------------------------- */
static const struct option help_only[] = {{"help", 0, 0, 'h'}, {0}};

static int cmd_del(struct ctl *c, int argc, char **argv)
{
	struct db_sub s;
	int ret;

	while (next_opt(argc, argv, "h", help_only, "del") != -1)
		;
	no_more_args(argc, argv, 1, "del");
	open_db(c);
	begin(c);
	if (lookup(c, argv[optind], &s))
		return db_txn_rollback(c->db), EXIT_CHECK_FAILED;
	ret = db_sub_del(c->db, s.id);
	if (ret)
		return abort_txn(c, ret, db_errmsg(c->db));
	return commit(c);
}

static int cmd_set_sqn(struct ctl *c, int argc, char **argv)
{
	struct db_sub s;
	uint64_t sqn;
	int ret;

	while (next_opt(argc, argv, "h", help_only, "set-sqn") != -1)
		;
	no_more_args(argc, argv, 2, "set-sqn");
	if (ctl_parse_sqn(argv[optind + 1], &sqn))
		cli_usage_error(PROG, "SQN: expected 1..12 hex digits, got '%s'", argv[optind + 1]);
	open_db(c);
	begin(c);
	if (lookup(c, argv[optind], &s))
		return db_txn_rollback(c->db), EXIT_CHECK_FAILED;
	ret = db_sub_set_sqn(c->db, s.id, sqn);
	if (ret)
		return abort_txn(c, ret, db_errmsg(c->db));
	return commit(c);
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!fp)
		cli_usage_error(PROG, "--ifc-file: cannot open %s: %s", path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && n < (1 << 20) &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = calloc(1, (size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, fp) == (size_t)n) {
		fclose(fp);
		return buf;
	}
	fclose(fp);
	cli_usage_error(PROG, "--ifc-file: cannot read %s (at most 1 MiB)", path);
}

static int cmd_add_impu(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"barred", 0, 0, 'b'}, {"irs", 1, 0, 'r'},
					     {"ifc-file", 1, 0, 'f'}, {"help", 0, 0, 'h'}, {0}};
	const char *uri, *ifc_path = NULL;
	bool barred = false;
	char *ifc = NULL, err[CTL_ERR_MAX];
	struct db_sub s;
	struct db_impu u;
	int o, irs = 1, ret;

	while ((o = next_opt(argc, argv, "h", opts, "add-impu")) != -1) {
		if (o == 'b')
			barred = true;
		else if (o == 'r')
			irs = (int)cli_uint(PROG, "--irs", optarg, 1, 1000000);
		else
			ifc_path = optarg;
	}
	no_more_args(argc, argv, 2, "add-impu");
	uri = argv[optind + 1];
	if (strlen(uri) >= DB_ID_MAX || ctl_impu_check(uri))
		cli_usage_error(PROG, "IMPU: expected a sip:, sips: or tel: URI, got '%s'", uri);
	if (ifc_path)
		ifc = read_file(ifc_path);
	open_db(c);
	begin(c);
	if (lookup(c, argv[optind], &s))
		return free(ifc), db_txn_rollback(c->db), EXIT_CHECK_FAILED;
	if (db_impu_by_uri(c->db, uri, &u) == 0) {
		free(ifc);
		snprintf(err, sizeof(err), "IMPU: %s already exists", uri);
		return abort_txn(c, -EEXIST, err);
	}
	ret = db_impu_add(c->db, s.id, uri, barred, irs, ifc, NULL);
	free(ifc);
	if (ret)
		return abort_txn(c, ret, db_errmsg(c->db));
	return commit(c);
}

/* ---- import ------------------------------------------------------------- */
static int cmd_import(struct ctl *c, int argc, char **argv)
{
	struct ctl_import_src src;
	char err[CTL_ERR_MAX + 64];
	FILE *fp;
	int ret;

	while (next_opt(argc, argv, "h", help_only, "import") != -1)
		;
	no_more_args(argc, argv, 1, "import");
	src.name = argv[optind];
	fp = strcmp(src.name, "-") == 0 ? stdin : fopen(src.name, "r");
	if (!fp)
		cli_usage_error(PROG, "CSV: cannot open %s: %s", src.name, strerror(errno));
	src.fp = fp;
	open_db(c);
	begin(c);
	ret = ctl_import_csv(c->db, &src, err, sizeof(err));
	if (fp != stdin)
		fclose(fp);
	if (ret < 0)
		return abort_txn(c, ret, err);
	if (commit(c))
		return EXIT_CHECK_FAILED;
	printf("imported %d subscribers\n", ret);
	return 0;
}

/* ---- rtr ------------------------------------------------------------------- */
static int cmd_rtr(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", 1, 0, 'r'}, {"info", 1, 0, 'i'},
					     {"help", 0, 0, 'h'}, {0}};
	const char *key, *impu = NULL, *info = NULL;
	struct db_out r = { .kind = "RTR" };
	struct db_sub s;
	struct db_impu u;
	int o, reason = 0, ret;

	while ((o = next_opt(argc, argv, "h", opts, "rtr")) != -1) {
		if (o == 'r') /* TS 29.229 §6.3.17 Reason-Code 0..3 */
			reason = (int)cli_uint(PROG, "--reason", optarg, 0, 3);
		else
			info = optarg;
	}
	no_more_args(argc, argv, 1, "rtr");
	key = argv[optind];
	open_db(c);
	begin(c);
	if (ctl_impu_check(key) == 0) {
		if (db_impu_by_uri(c->db, key, &u) || db_sub_by_id(c->db, u.sub_id, &s)) {
			db_txn_rollback(c->db);
			fprintf(stderr, PROG ": no public identity '%s'\n", key);
			return EXIT_CHECK_FAILED;
		}
		impu = key;
	} else if (lookup(c, key, &s)) {
		return db_txn_rollback(c->db), EXIT_CHECK_FAILED;
	}
	r.code = reason;
	snprintf(r.user, sizeof(r.user), "%s", s.impi);
	snprintf(r.impu, sizeof(r.impu), "%s", impu ? impu : "");
	snprintf(r.info, sizeof(r.info), "%s", info ? info : "");
	ret = db_out_add(c->db, &r);
	if (ret)
		return abort_txn(c, ret, db_errmsg(c->db));
	if (commit(c))
		return EXIT_CHECK_FAILED;
	printf("queued RTR %lld for %s%s%s (hssd sends it within a second)\n", (long long)r.id,
	       s.impi, impu ? " " : "", impu ? impu : "");
	return 0;
}

/* S6a: APN profiles and EPS settings live in ctl_apn.c. */
static int cmd_apn(struct ctl *c, int argc, char **argv)
{
	return ctl_apn_cmd(c->db_path, &c->db, argc, argv);
}

static int cmd_set_eps(struct ctl *c, int argc, char **argv)
{
	return ctl_set_eps_cmd(c->db_path, &c->db, argc, argv);
}

/* ---- main ----------------------------------------------------------------- */
static const struct cmd cmds[] = {
	{"add", cmd_add,
	 "add --imsi DIGITS --impi S --impu URI [--impu URI ...] --k HEX (--op HEX|--opc HEX) "
	 "[--amf HEX] [--sqn HEX] [--algo milenage|xor] [--password S] [--scheme NAME] "
	 "[--res-len N]"},
	{"show", cmd_show, "show IMPI|IMSI [--json] [--show-keys]"},
	{"list", cmd_list, "list [--json] [--show-keys]"},
	{"del", cmd_del, "del IMPI|IMSI"},
	{"set-sqn", cmd_set_sqn, "set-sqn IMPI|IMSI HEX"},
	{"add-impu", cmd_add_impu, "add-impu IMPI|IMSI URI [--barred] [--irs N] [--ifc-file FILE]"},
	{"import", cmd_import, "import CSV  (header: " CTL_CSV_HEADER "; '-' = stdin)"},
	{"rtr", cmd_rtr, "rtr IMPI|IMSI|IMPU [--reason 0..3] [--info TEXT]"},
	{"apn", cmd_apn, CTL_APN_USAGE},
	{"set-eps", cmd_set_eps, CTL_SET_EPS_USAGE},
};
#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static void main_usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " --db FILE COMMAND [ARGS]   (COMMAND --help for details)\n"
		"       " PROG " --version\n");
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(fp, "  %s\n", cmds[i].usage);
}

/* "hss-ctl list --db F": getopt stops at the command name, so a --db
 * written after it would be the command's unknown option; it is the
 * global one wherever it stands (up to a "--"). Removes it from argv. */
static void db_after_command(struct ctl *c, int *argc, char **argv)
{
	int out = 0;

	for (int i = 0; i < *argc; i++) {
		const char *v = NULL;

		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= *argc)
				cli_usage_error(PROG, "--db: missing FILE");
			v = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			v = argv[i] + 5;
		}
		if (!v) {
			argv[out++] = argv[i];
			continue;
		}
		if (c->db_path && strcmp(c->db_path, v))
			cli_usage_error(PROG, "--db: given twice ('%s' and '%s')", c->db_path, v);
		c->db_path = v;
	}
	*argc = out;
	argv[out] = NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"db", 1, 0, 'd'}, {"help", 0, 0, 'h'}, {0}};
	struct ctl c = {0};
	const struct cmd *cmd;
	int o, ret;

	cli_version_check(PROG, argc, argv);
	opterr = 0; /* one line of ours per bad option, not getopt's as well */
	/* "+": stop at the command name; its options belong to the command. */
	while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (o == 'd')
			c.db_path = optarg;
		else if (o == 'h')
			return main_usage(stdout), 0;
		else
			cli_usage_error(PROG, "unknown option or missing value: %s", argv[optind - 1]);
	}
	if (optind >= argc)
		cli_usage_error(PROG, "COMMAND: missing (try --help)");
	cmd = cmd_find(argv[optind]);
	if (!cmd)
		cli_usage_error(PROG, "COMMAND: unknown command '%s' (try --help)", argv[optind]);
	argc -= optind;
	argv += optind;
	db_after_command(&c, &argc, argv);
	optind = 0; /* glibc: full re-initialisation for the command's options */
	ret = cmd->run(&c, argc, argv);
	db_close(c.db);
	return ret;
}
