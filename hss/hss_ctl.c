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
#include "ctl_cli.h"
#include "ctl_impu.h"
#include "ctl_apn.h"
#include "ctl_fault.h"
#include "ctl_migrate.h"
#include "db.h"
#include "util/cli.h"
#include "util/hex.h"
#include "util/json.h"

#define PROG CTL_PROG

struct cmd {
	const char *name;
	int (*run)(struct ctl_cli *c, int argc, char **argv);
	const char *usage;
	bool no_db; /* names its stores itself: no --db (ctl_cli.h) */
};

static void hex48(uint64_t v, char out[13])
{
	snprintf(out, 13, "%012llx", (unsigned long long)v);
}

/* ---- add ---------------------------------------------------------------- */
/* An option of add given once, with a value: an empty one ("--amf
 * \"$AMF\"" with AMF unset) would quietly mean the default (CSV leaves a
 * column empty for that, not the command line). --password '' is a
 * password. */
static void add_opt(const char *name, const char **field, const char *v)
{
	if (!*v && strcmp(name, "--password"))
		cli_usage_error(PROG, "%s: empty value (leave the option out for its default)",
				name);
	cli_set_once(PROG, name, field, v);
}

static int cmd_add(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"imsi", 1, 0, 'i'}, {"impi", 1, 0, 'p'},    {"impu", 1, 0, 'u'},
		{"k", 1, 0, 'k'},    {"op", 1, 0, 'o'},      {"opc", 1, 0, 'c'},
		{"amf", 1, 0, 'a'},  {"sqn", 1, 0, 's'},     {"algo", 1, 0, 'g'},
		{"password", 1, 0, 'w'}, {"scheme", 1, 0, 'm'}, {"res-len", 1, 0, 'r'},
		{"top", 1, 0, 'T'}, {"topc", 1, 0, 'C'}, {"mac-len", 1, 0, 'M'},
		{"ck-len", 1, 0, 'X'}, {"ik-len", 1, 0, 'Y'}, {"iterations", 1, 0, 'N'},
		{"help", 0, 0, 'h'}, {0}};
	struct ctl_fields f = {0};
	struct db_sub s;
	char err[CTL_ERR_MAX];
	int o, ret;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		switch (o) {
		case 'i': add_opt("--imsi", &f.imsi, optarg); break;
		case 'p': add_opt("--impi", &f.impi, optarg); break;
		case 'u':
			if (f.n_impu == CTL_MAX_IMPU)
				cli_usage_error(PROG, "--impu: at most %d", CTL_MAX_IMPU);
			f.impu[f.n_impu++] = optarg;
			break;
		case 'k': add_opt("--k", &f.k, optarg); break;
		case 'o': add_opt("--op", &f.op, optarg); break;
		case 'c': add_opt("--opc", &f.opc, optarg); break;
		case 'a': add_opt("--amf", &f.amf, optarg); break;
		case 's': add_opt("--sqn", &f.sqn, optarg); break;
		case 'g': add_opt("--algo", &f.algo, optarg); break;
		case 'w': add_opt("--password", &f.password, optarg); break;
		case 'm': add_opt("--scheme", &f.scheme, optarg); break;
		case 'r': add_opt("--res-len", &f.res_len, optarg); break;
		case 'T': add_opt("--top", &f.top, optarg); break;
		case 'C': add_opt("--topc", &f.topc, optarg); break;
		case 'M': add_opt("--mac-len", &f.mac_len, optarg); break;
		case 'X': add_opt("--ck-len", &f.ck_len, optarg); break;
		case 'Y': add_opt("--ik-len", &f.ik_len, optarg); break;
		case 'N': add_opt("--iterations", &f.iterations, optarg); break;
		}
	}
	ctl_want_args(c, argc, argv, 0);
	if (ctl_sub_parse(&f, "--", &s, err, sizeof(err)))
		cli_usage_error(PROG, "%s", err);
	ctl_begin(c);
	ret = ctl_sub_write(c->db, &s, f.impu, f.n_impu, "--", err, sizeof(err));
	if (ret)
		return ctl_fail(c, ret, "%s", err);
	return ctl_commit(c);
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

/* OP/OPc, or TOP/TOPc for TUAK (TS 35.231 names them so). */
static const char *op_name(const struct db_sub *s, bool opc)
{
	if (s->keys.algo == AKA_ALGO_TUAK)
		return opc ? "topc" : "top";
	return opc ? "opc" : "op";
}

static void show_text(struct ctl_cli *c, const struct db_sub *s, bool keys)
{
	char h[2 * AKA_TOP_LEN + 1], sqn[13], label[16];
	size_t op_len = s->keys.algo == AKA_ALGO_TUAK ? AKA_TOP_LEN : AKA_OP_LEN;
	struct show_ctx x = {NULL, keys};

	printf("imsi:      %s\nimpi:      %s\nalgo:      %s\n", s->imsi, s->impi,
	       aka_algo_name(s->keys.algo));
	hex_encode(s->keys.k, aka_k_len(&s->keys), h);
	printf("k:         %s\n", keys ? h : "(hidden, use --show-keys)");
	if (s->has_op) {
		hex_encode(s->op, op_len, h);
		snprintf(label, sizeof(label), "%s:", op_name(s, false));
		printf("%-11s%s\n", label, keys ? h : "(hidden)");
	}
	hex_encode(s->keys.opc, op_len, h);
	snprintf(label, sizeof(label), "%s:", op_name(s, true));
	printf("%-11s%s%s%s%s\n", label, keys ? h : "(hidden)", s->has_op ? " (derived from " : "",
	       s->has_op ? op_name(s, false) : "", s->has_op ? ")" : "");
	hex_encode(s->amf, AKA_AMF_LEN, h);
	hex48(s->sqn, sqn);
	printf("amf:       %s\nsqn:       %s\nres-len:   %zu\n", h, sqn, s->keys.res_len);
	if (s->keys.algo == AKA_ALGO_TUAK)
		printf("tuak:      k-len %zu, mac-len %zu, ck-len %zu, ik-len %zu, iterations %u "
		       "(TS 35.231)\n", aka_k_len(&s->keys), aka_mac_len(&s->keys),
		       aka_ck_len(&s->keys), aka_ik_len(&s->keys),
		       s->keys.tuak.iterations ? s->keys.tuak.iterations : 1);
	printf("password:  %s\n", !s->has_password ? "(none)" : keys ? s->password : "(set, hidden)");
	printf("scheme:    %s\n", s->auth_scheme);
	db_impu_foreach(c->db, s->id, show_impu, &x);
	ctl_charging_show_text(c->db, s);
	ctl_eps_show_text(c->db, s);
}

static void show_json_tuak(struct json *j, const struct db_sub *s)
{
	if (s->keys.algo != AKA_ALGO_TUAK)
		return;
	json_obj_begin(j, "tuak");
	json_int(j, "k_len", (long long)aka_k_len(&s->keys));
	json_int(j, "mac_len", (long long)aka_mac_len(&s->keys));
	json_int(j, "ck_len", (long long)aka_ck_len(&s->keys));
	json_int(j, "ik_len", (long long)aka_ik_len(&s->keys));
	json_int(j, "iterations", s->keys.tuak.iterations ? s->keys.tuak.iterations : 1);
	json_obj_end(j);
}

static void show_json(struct ctl_cli *c, struct json *j, const struct db_sub *s, bool keys)
{
	char sqn[13];
	size_t op_len = s->keys.algo == AKA_ALGO_TUAK ? AKA_TOP_LEN : AKA_OP_LEN;
	struct show_ctx x = {j, keys};

	json_str(j, "imsi", s->imsi);
	json_str(j, "impi", s->impi);
	json_str(j, "algo", aka_algo_name(s->keys.algo));
	json_str(j, "key_type", op_name(s, !s->has_op));
	if (keys) {
		json_hex(j, "k", s->keys.k, aka_k_len(&s->keys));
		if (s->has_op)
			json_hex(j, op_name(s, false), s->op, op_len);
		json_hex(j, op_name(s, true), s->keys.opc, op_len);
	}
	json_hex(j, "amf", s->amf, AKA_AMF_LEN);
	hex48(s->sqn, sqn);
	json_str(j, "sqn", sqn);
	json_int(j, "res_len", (long long)s->keys.res_len);
	show_json_tuak(j, s);
	json_bool(j, "has_password", s->has_password);
	if (keys && s->has_password)
		json_str(j, "password", s->password);
	json_str(j, "scheme", s->auth_scheme);
	json_arr_begin(j, "impus");
	db_impu_foreach(c->db, s->id, show_impu, &x);
	json_arr_end(j);
	ctl_charging_show_json(c->db, j, s);
	ctl_eps_show_json(c->db, j, s);
}

static const struct option view_opts[] = {
	{"json", 0, 0, 'j'}, {"show-keys", 0, 0, 'K'}, {"help", 0, 0, 'h'}, {0}};

static int cmd_show(struct ctl_cli *c, int argc, char **argv)
{
	bool json = false, keys = false;
	struct db_sub s;
	struct json j;
	int o;

	while ((o = ctl_next_opt(c, argc, argv, view_opts)) != -1)
		o == 'j' ? (json = true) : (keys = true);
	ctl_want_args(c, argc, argv, 1);
	ctl_open(c, DB_OPEN_READONLY);
	if (ctl_lookup(c, argv[optind], &s))
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
	struct ctl_cli *c;
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

static int cmd_list(struct ctl_cli *c, int argc, char **argv)
{
	struct list_ctx l = {c, NULL, false};
	bool json = false;
	struct json j;
	int o;

	while ((o = ctl_next_opt(c, argc, argv, view_opts)) != -1)
		o == 'j' ? (json = true) : (l.keys = true);
	ctl_want_args(c, argc, argv, 0);
	ctl_open(c, DB_OPEN_READONLY);
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

/* ---- del / set-sqn --------------------------------------------- */
static const struct option help_only[] = {{"help", 0, 0, 'h'}, {0}};

static int cmd_del(struct ctl_cli *c, int argc, char **argv)
{
	struct db_sub s;
	int ret;

	while (ctl_next_opt(c, argc, argv, help_only) != -1)
		;
	ctl_want_args(c, argc, argv, 1);
	ctl_begin(c);
	if (ctl_lookup(c, argv[optind], &s))
		return EXIT_CHECK_FAILED;
	ret = db_sub_del(c->db, s.id);
	if (ret)
		return ctl_fail(c, ret, "%s", db_errmsg(c->db));
	return ctl_commit(c);
}

static int cmd_set_sqn(struct ctl_cli *c, int argc, char **argv)
{
	struct db_sub s;
	uint64_t sqn;
	int ret;

	while (ctl_next_opt(c, argc, argv, help_only) != -1)
		;
	ctl_want_args(c, argc, argv, 2);
	if (ctl_parse_sqn(argv[optind + 1], &sqn))
		cli_usage_error(PROG, "SQN: expected 1..12 hex digits, got '%s'", argv[optind + 1]);
	ctl_begin(c);
	if (ctl_lookup(c, argv[optind], &s))
		return EXIT_CHECK_FAILED;
	ret = db_sub_set_sqn(c->db, s.id, sqn);
	if (ret)
		return ctl_fail(c, ret, "%s", db_errmsg(c->db));
	return ctl_commit(c);
}

/* ---- import ------------------------------------------------------------- */
static int cmd_import(struct ctl_cli *c, int argc, char **argv)
{
	struct ctl_import_src src;
	char err[CTL_ERR_MAX + 64];
	FILE *fp;
	int ret;

	while (ctl_next_opt(c, argc, argv, help_only) != -1)
		;
	ctl_want_args(c, argc, argv, 1);
	src.name = argv[optind];
	fp = strcmp(src.name, "-") == 0 ? stdin : fopen(src.name, "r");
	if (!fp)
		cli_usage_error(PROG, "CSV: cannot open %s: %s", src.name, strerror(errno));
	src.fp = fp;
	ctl_begin(c);
	ret = ctl_import_csv(c->db, &src, err, sizeof(err));
	if (fp != stdin)
		fclose(fp);
	if (ret < 0)
		return ctl_fail(c, ret, "%s", err);
	if (ctl_commit(c))
		return EXIT_CHECK_FAILED;
	printf("imported %d subscribers\n", ret);
	return 0;
}

/* ---- rtr ------------------------------------------------------------------- */
static int cmd_rtr(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", 1, 0, 'r'}, {"info", 1, 0, 'i'},
					     {"help", 0, 0, 'h'}, {0}};
	const char *key, *impu = NULL, *info = NULL;
	struct db_out r = { .kind = "RTR" };
	struct db_sub s;
	struct db_impu u;
	int o, reason = 0, ret;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		if (o == 'r') /* TS 29.229 §6.3.17 Reason-Code 0..3 */
			reason = (int)cli_uint(PROG, "--reason", optarg, 0, 3);
		else
			info = optarg;
	}
	ctl_want_args(c, argc, argv, 1);
	key = argv[optind];
	ctl_begin(c);
	if (ctl_impu_check(key) == 0) {
		if (db_impu_by_uri(c->db, key, &u) || db_sub_by_id(c->db, u.sub_id, &s))
			return ctl_fail(c, -ENOENT, "no public identity '%s'", key);
		impu = key;
	} else if (ctl_lookup(c, key, &s)) {
		return EXIT_CHECK_FAILED;
	}
	r.code = reason;
	snprintf(r.user, sizeof(r.user), "%s", s.impi);
	snprintf(r.impu, sizeof(r.impu), "%s", impu ? impu : "");
	snprintf(r.info, sizeof(r.info), "%s", info ? info : "");
	ret = db_out_add(c->db, &r);
	if (ret)
		return ctl_fail(c, ret, "%s", db_errmsg(c->db));
	if (ctl_commit(c))
		return EXIT_CHECK_FAILED;
	printf("queued RTR %lld for %s%s%s (hssd sends it within a second)\n", (long long)r.id,
	       s.impi, impu ? " " : "", impu ? impu : "");
	return 0;
}

/* ---- main ----------------------------------------------------------------- */
static const struct cmd cmds[] = {
	{"add", cmd_add,
	 "add --imsi DIGITS --impi S --impu URI [--impu URI ...] --k HEX (--op HEX|--opc HEX) "
	 "[--amf HEX] [--sqn HEX] [--algo milenage|xor|tuak] [--password S] [--scheme NAME] "
	 "[--res-len N]\n    TUAK: --algo tuak --k HEX (16 or 32 octets) (--top HEX|--topc HEX) "
	 "[--res-len 4|8|16|32] [--mac-len 8] [--ck-len 16|32] [--ik-len 16|32] "
	 "[--iterations N]", false},
	{"show", cmd_show, "show IMPI|IMSI [--json] [--show-keys]", false},
	{"list", cmd_list, "list [--json] [--show-keys]", false},
	{"del", cmd_del, "del IMPI|IMSI", false},
	{"set-sqn", cmd_set_sqn, "set-sqn IMPI|IMSI HEX", false},
	{"add-impu", ctl_add_impu_cmd, CTL_ADD_IMPU_USAGE, false},
	{"set-impu", ctl_set_impu_cmd, CTL_SET_IMPU_USAGE, false},
	{"del-impu", ctl_del_impu_cmd, CTL_DEL_IMPU_USAGE, false},
	{"set-charging", ctl_set_charging_cmd, CTL_SET_CHARGING_USAGE, false},
	{"import", cmd_import, "import CSV  (header: " CTL_CSV_HEADER "; '-' = stdin)", false},
	{"rtr", cmd_rtr, "rtr IMPI|IMSI|IMPU [--reason 0..3] [--info TEXT]", false},
	{"apn", ctl_apn_cmd, CTL_APN_USAGE, false},
	{"set-eps", ctl_set_eps_cmd, CTL_SET_EPS_USAGE, false},
	{"fault", ctl_fault_cmd, CTL_FAULT_USAGE, false},
	{"migrate", ctl_migrate_cmd, CTL_MIGRATE_USAGE, true},
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
	fprintf(fp, "usage: " PROG " --db STORE COMMAND [ARGS]   (COMMAND --help for details;\n"
		"       STORE: an SQLite file or postgresql://USER@HOST:PORT/DB)\n");
	for (size_t i = 0; i < N_CMDS; i++)
		if (cmds[i].no_db)
			fprintf(fp, "       " PROG " %s\n", cmds[i].usage);
	fprintf(fp, "       " PROG " --version\n");
	for (size_t i = 0; i < N_CMDS; i++)
		if (!cmds[i].no_db)
			fprintf(fp, "  %s\n", cmds[i].usage);
}

/* "hss-ctl list --db F": getopt stops at the command name, so a --db
 * written after it would be the command's unknown option; it is the
 * global one wherever it stands (up to a "--"). Removes it from argv. */
static void db_after_command(struct ctl_cli *c, int *argc, char **argv)
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
	struct ctl_cli c = {0};
	const struct cmd *cmd;
	int o, ret;

	cli_version_check(PROG, argc, argv);
	opterr = 0; /* one line of ours per bad option, not getopt's as well */
	/* "+": stop at the command name; its options belong to the command. */
	while ((o = cli_getopt_long(PROG, argc, argv, "+h", opts, NULL)) != -1) {
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
	c.cmd = cmd->name;
	c.usage = cmd->usage;
	c.no_db = cmd->no_db;
	ret = cmd->run(&c, argc, argv);
	db_close(c.db);
	return ret;
}
