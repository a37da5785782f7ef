/* hss-ctl apn add|list|assign|unassign and set-eps (ctl_apn.h): APN profiles
 * (TS 29.272 §7.3.35 APN-Configuration) and a subscriber's EPS settings,
 * each command in one transaction. A change that reaches a subscriber
 * served by an MME queues an Insert-Subscriber-Data for hssd. */
#include "ctl_apn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_cli.h"
#include "db_apn.h"
#include "util/cli.h"
#include "util/json.h"

#define PROG CTL_PROG
#define UINT32_MAXV 4294967295ull

/* ---- shared ----------------------------------------------------------------- */
/* Rolls back and prints "what: reason"; the exit code for the -errno. */
static int fail(struct ctl_cli *c, int ret, const char *what, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), what, arg);
	return ctl_fail(c, ret, "%s: %s", msg, db_strerror(ret));
}

/* An option whose value is one of two words (case-insensitive). */
struct word {
	const char *name;
	int value;
};

static int one_of(const char *opt, const char *v, const struct word w[2])
{
	for (int i = 0; i < 2; i++)
		if (!strcasecmp(v, w[i].name))
			return w[i].value;
	cli_usage_error(PROG, "%s: expected %s or %s, got '%s'", opt, w[0].name, w[1].name, v);
}

/* Pre-emption capability/vulnerability (TS 29.212 §5.3.46-47): 0 enabled. */
static int enable_flag(const char *opt, const char *v)
{
	static const struct word w[2] = {{"enabled", 0}, {"disabled", 1}};

	return one_of(opt, v, w);
}

/* An MME serves the subscriber: queue an IDR with the new profile. */
static int queue_idr(struct db *db, const struct db_sub *s, bool *queued)
{
	struct db_out idr = { .kind = "IDR" };
	struct db_eps e;
	int ret = db_eps_get(db, s->id, &e);

	*queued = false;
	if (ret || !e.mme_host[0] || e.purged)
		return ret;
	*queued = true;
	snprintf(idr.user, sizeof(idr.user), "%s", s->imsi);
	return db_out_add(db, &idr);
}

static void say_idr(bool queued, const struct db_sub *s)
{
	if (queued)
		printf("queued IDR for %s (hssd sends it to the serving MME within a second)\n",
		       s->imsi);
}

/* ---- apn add ------------------------------------------------------------------ */
#define ADD_USAGE "apn add NAME [--pdn-type T] [--qci N] [--arp-priority N] " \
		  "[--preempt-cap enabled|disabled] [--preempt-vuln enabled|disabled] " \
		  "[--ambr-ul BPS] [--ambr-dl BPS] [--update]"

struct idr_all {
	struct db *db;
	int64_t apn_id;
	int n;
};

static int has_apn(void *arg, const struct db_sub_apn *a)
{
	return a->apn.id == *(const int64_t *)arg;
}

/* --update: every subscriber with this APN and a serving MME gets an IDR. */
static int idr_for_apn(void *arg, const struct db_sub *s)
{
	struct idr_all *x = arg;
	bool queued = false;
	int ret = db_sub_apn_foreach(x->db, s->id, has_apn, &x->apn_id);

	if (ret < 0)
		return ret;
	if (ret == 1 && (ret = queue_idr(x->db, s, &queued)))
		return ret;
	x->n += queued;
	return 0;
}

/* One option of `apn add` into a; returns true for --update. */
static bool apn_opt(int o, struct db_apn *a)
{
	switch (o) {
	case 'p':
		a->pdn_type = db_pdn_type_parse(optarg);
		if (a->pdn_type < 0)
			cli_usage_error(PROG, "--pdn-type: expected ipv4, ipv6, ipv4v6 or "
					      "ipv4_or_ipv6, got '%s'", optarg);
		break;
	case 'q': a->qci = (int)cli_uint(PROG, "--qci", optarg, 1, 254); break;
	case 'a': a->arp_priority = (int)cli_uint(PROG, "--arp-priority", optarg, 1, 15); break;
	case 'c': a->preempt_cap = enable_flag("--preempt-cap", optarg); break;
	case 'v': a->preempt_vuln = enable_flag("--preempt-vuln", optarg); break;
	case 'u': a->ambr_ul = (uint32_t)cli_uint(PROG, "--ambr-ul", optarg, 0, UINT32_MAXV); break;
	case 'd': a->ambr_dl = (uint32_t)cli_uint(PROG, "--ambr-dl", optarg, 0, UINT32_MAXV); break;
	case 'U': return true;
	}
	return false;
}

static int apn_add(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"pdn-type", 1, 0, 'p'}, {"qci", 1, 0, 'q'}, {"arp-priority", 1, 0, 'a'},
		{"preempt-cap", 1, 0, 'c'}, {"preempt-vuln", 1, 0, 'v'}, {"ambr-ul", 1, 0, 'u'},
		{"ambr-dl", 1, 0, 'd'}, {"update", 0, 0, 'U'}, {"help", 0, 0, 'h'}, {0}};
	struct db_apn a;
	struct idr_all x = {0};
	struct db *db;
	bool update = false;
	int o, ret;

	db_apn_defaults(&a);
	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1)
		update |= apn_opt(o, &a);
	ctl_want_args(c, argc, argv, 1);
	if (!argv[optind][0] || strlen(argv[optind]) >= DB_APN_NAME_MAX ||
	    strspn(argv[optind], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
		    strlen(argv[optind]))
		cli_usage_error(PROG, "NAME: an APN is 1..100 letters, digits, '-' and '.' "
				      "(TS 23.003 §9.1), got '%s'", argv[optind]);
	snprintf(a.name, sizeof(a.name), "%s", argv[optind]);
	db = ctl_begin(c);
	if (update) {
		/* --update changes only the options given. */
		char name[DB_APN_NAME_MAX];
		snprintf(name, sizeof(name), "%s", a.name);
		if ((ret = db_apn_by_name(db, name, &a)))
			return fail(c, ret, "apn %s", name);
		optind = 0;
		while ((o = ctl_next_opt(c, argc, argv, opts)) != -1)
			apn_opt(o, &a);
	}
	ret = update ? db_apn_update(db, &a) : db_apn_add(db, &a);
	if (!ret && update) {
		x.db = db;
		x.apn_id = a.id; /* set by db_apn_by_name above */
		ret = db_sub_foreach(db, idr_for_apn, &x);
	}
	if (ret)
		return fail(c, ret, update ? "apn %s" : "NAME: apn %s", a.name);
	ret = ctl_commit(c);
	if (!ret)
		printf("%s apn %s: %s, qci %d, arp %d, ambr %u/%u bit/s\n",
		       update ? "updated" : "added", a.name, db_pdn_type_name(a.pdn_type), a.qci,
		       a.arp_priority, a.ambr_ul, a.ambr_dl);
	if (!ret && x.n)
		printf("queued %d IDR (hssd sends them to the serving MMEs within a second)\n", x.n);
	return ret;
}

/* ---- apn list ------------------------------------------------------------------ */
static const char *flag_name(int v)
{
	return v ? "disabled" : "enabled";
}

static void apn_json(struct json *j, const struct db_apn *a)
{
	json_str(j, "name", a->name);
	json_str(j, "pdn_type", db_pdn_type_name(a->pdn_type));
	json_int(j, "qci", a->qci);
	json_int(j, "arp_priority", a->arp_priority);
	json_str(j, "preempt_cap", flag_name(a->preempt_cap));
	json_str(j, "preempt_vuln", flag_name(a->preempt_vuln));
	json_int(j, "ambr_ul", a->ambr_ul);
	json_int(j, "ambr_dl", a->ambr_dl);
}

static int list_one(void *arg, const struct db_apn *a)
{
	struct json *j = arg;

	if (!j) {
		printf("%-20s %-12s qci=%-3d arp=%-2d cap=%-8s vuln=%-8s ambr=%u/%u\n", a->name,
		       db_pdn_type_name(a->pdn_type), a->qci, a->arp_priority,
		       flag_name(a->preempt_cap), flag_name(a->preempt_vuln), a->ambr_ul, a->ambr_dl);
		return 0;
	}
	json_obj_begin(j, NULL);
	apn_json(j, a);
	json_obj_end(j);
	return 0;
}

static int apn_list(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"json", 0, 0, 'j'}, {"help", 0, 0, 'h'}, {0}};
	struct json j;
	bool json = false;
	struct db *db;
	int o, ret;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1)
		json = true;
	ctl_want_args(c, argc, argv, 0);
	db = ctl_open(c, DB_OPEN_READONLY); /* a view: works on a read-only store */
	if (json) {
		json_begin(&j, stdout);
		json_arr_begin(&j, "apns");
	}
	ret = db_apn_foreach(db, list_one, json ? &j : NULL);
	if (json) {
		json_arr_end(&j);
		json_end(&j);
	}
	return ret ? EXIT_CHECK_FAILED : 0;
}

/* ---- apn assign / unassign -------------------------------------------------------- */
#define ASSIGN_USAGE "apn assign IMPI|IMSI NAME [--default] [--context-id N] [--static-ip IP]"

static int apn_assign(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"default", 0, 0, 'D'}, {"context-id", 1, 0, 'c'},
					     {"static-ip", 1, 0, 'i'}, {"help", 0, 0, 'h'}, {0}};
	uint8_t addr[16];
	const char *ip = NULL;
	uint32_t ctx = 0;
	bool def = false, queued = false;
	struct db_sub s;
	struct db_apn a;
	struct db *db;
	int o, ret;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		if (o == 'D')
			def = true;
		else if (o == 'c')
			ctx = (uint32_t)cli_uint(PROG, "--context-id", optarg, 1, UINT32_MAXV);
		else
			ip = optarg;
	}
	ctl_want_args(c, argc, argv, 2);
	if (ip && inet_pton(AF_INET, ip, addr) != 1 && inet_pton(AF_INET6, ip, addr) != 1)
		cli_usage_error(PROG, "--static-ip: not an IPv4 or IPv6 address: '%s'", ip);
	db = ctl_begin(c);
	if (ctl_lookup(c, argv[optind], &s))
		return EXIT_CHECK_FAILED;
	ret = db_apn_by_name(db, argv[optind + 1], &a);
	if (ret)
		return fail(c, ret, "NAME: apn %s", argv[optind + 1]);
	ret = db_sub_apn_assign(db, s.id, a.id, ctx, def, ip);
	if (ret == -EEXIST)
		return fail(c, ret, "--context-id: %s", "context identifier of another APN");
	if (!ret)
		ret = queue_idr(db, &s, &queued);
	if (ret)
		return fail(c, ret, "apn assign %s", a.name);
	ret = ctl_commit(c);
	if (!ret) {
		printf("assigned apn %s to %s\n", a.name, s.imsi);
		say_idr(queued, &s);
	}
	return ret;
}

static int apn_unassign(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"help", 0, 0, 'h'}, {0}};
	bool queued = false;
	struct db_sub s;
	struct db_apn a;
	struct db *db;
	int ret;

	while (ctl_next_opt(c, argc, argv, opts) != -1)
		;
	ctl_want_args(c, argc, argv, 2);
	db = ctl_begin(c);
	if (ctl_lookup(c, argv[optind], &s))
		return EXIT_CHECK_FAILED;
	ret = db_apn_by_name(db, argv[optind + 1], &a);
	if (!ret)
		ret = db_sub_apn_unassign(db, s.id, a.id);
	if (!ret)
		ret = queue_idr(db, &s, &queued);
	if (ret)
		return fail(c, ret, "apn %s of the subscriber", argv[optind + 1]);
	ret = ctl_commit(c);
	if (!ret) {
		printf("unassigned apn %s from %s\n", a.name, s.imsi);
		say_idr(queued, &s);
	}
	return ret;
}

int ctl_apn_cmd(struct ctl_cli *c, int argc, char **argv)
{
	static const struct {
		const char *name, *usage;
		int (*run)(struct ctl_cli *, int, char **);
	} sub[] = {{"apn add", ADD_USAGE, apn_add}, {"apn list", "apn list [--json]", apn_list},
		   {"apn assign", ASSIGN_USAGE, apn_assign},
		   {"apn unassign", "apn unassign IMPI|IMSI NAME", apn_unassign}};

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc < 2)
			cli_usage_error(PROG, "apn: missing subcommand (add, list, assign, unassign)");
		printf("usage: " PROG " --db FILE " CTL_APN_USAGE "\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if (strcmp(argv[1], sub[i].name + 4))
			continue;
		optind = 0;
		c->cmd = sub[i].name;
		c->usage = sub[i].usage;
		return sub[i].run(c, argc - 1, argv + 1);
	}
	cli_usage_error(PROG, "apn: unknown subcommand '%s' (add, list, assign, unassign)",
			argv[1]);
}

/* ---- set-eps ------------------------------------------------------------------------ */
static void parse_eps_opt(int o, struct db_eps *e)
{
	static const struct word nam[2] = {{"both", DB_NAM_PACKET_AND_CIRCUIT},
					   {"packet", DB_NAM_ONLY_PACKET}};
	static const struct word status[2] = {{"granted", DB_SUB_STATUS_GRANTED},
					      {"barred", DB_SUB_STATUS_ODB}};

	switch (o) {
	case 'm':
		if (!strcmp(optarg, "none")) {
			e->msisdn[0] = '\0';
			break;
		}
		if (!*optarg || strlen(optarg) > 15 || strspn(optarg, "0123456789") != strlen(optarg))
			cli_usage_error(PROG, "--msisdn: expected 1..15 digits (E.164 without +) or "
					      "none, got '%s'", optarg);
		snprintf(e->msisdn, sizeof(e->msisdn), "%s", optarg);
		break;
	case 'u': e->ambr_ul = (uint32_t)cli_uint(PROG, "--ambr-ul", optarg, 0, UINT32_MAXV); break;
	case 'd': e->ambr_dl = (uint32_t)cli_uint(PROG, "--ambr-dl", optarg, 0, UINT32_MAXV); break;
	case 'r':
		e->access_restriction =
			(uint32_t)cli_uint(PROG, "--access-restriction", optarg, 0, UINT32_MAXV);
		break;
	case 'n':
		e->network_access_mode = one_of("--network-access-mode", optarg, nam);
		break;
	case 's':
		e->subscriber_status = one_of("--status", optarg, status);
		break;
	}
}

int ctl_set_eps_cmd(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"msisdn", 1, 0, 'm'}, {"ambr-ul", 1, 0, 'u'}, {"ambr-dl", 1, 0, 'd'},
		{"access-restriction", 1, 0, 'r'}, {"network-access-mode", 1, 0, 'n'},
		{"status", 1, 0, 's'}, {"help", 0, 0, 'h'}, {0}};
	struct db_eps e, scratch;
	struct db_sub s;
	struct db *db;
	bool queued = false;
	int o, ret;

	/* Pass 1 validates (exit 2 before the store is touched); pass 2
	 * applies the options over the stored values. */
	db_eps_defaults(&scratch);
	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1)
		parse_eps_opt(o, &scratch);
	ctl_want_args(c, argc, argv, 1);
	db = ctl_begin(c);
	if (ctl_lookup(c, argv[optind], &s))
		return EXIT_CHECK_FAILED;
	if (db_eps_get(db, s.id, &e))
		return fail(c, -EIO, "%s", "eps settings");
	optind = 0;
	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1)
		parse_eps_opt(o, &e);
	ret = db_eps_set_profile(db, s.id, &e);
	if (!ret)
		ret = queue_idr(db, &s, &queued);
	if (ret)
		return fail(c, ret, "set-eps %s", s.imsi);
	ret = ctl_commit(c);
	if (!ret) {
		printf("eps settings of %s: msisdn %s, ambr %u/%u bit/s, access restriction %u, "
		       "%s, %s\n", s.imsi, e.msisdn[0] ? e.msisdn : "none", e.ambr_ul, e.ambr_dl,
		       e.access_restriction,
		       e.network_access_mode == DB_NAM_ONLY_PACKET ? "packet only" : "packet+circuit",
		       e.subscriber_status ? "barred (ODB)" : "service granted");
		say_idr(queued, &s);
	}
	return ret;
}

/* ---- show ------------------------------------------------------------------------------ */
static int show_apn_text(void *arg, const struct db_sub_apn *a)
{
	(void)arg;
	printf("apn:       %s ctx=%u%s %s qci=%d arp=%d ambr=%u/%u%s%s\n", a->apn.name,
	       a->context_id, a->is_default ? " (default)" : "", db_pdn_type_name(a->apn.pdn_type),
	       a->apn.qci, a->apn.arp_priority, a->apn.ambr_ul, a->apn.ambr_dl,
	       a->static_ip[0] ? " ip=" : "", a->static_ip);
	return 0;
}

void ctl_eps_show_text(struct db *db, const struct db_sub *s)
{
	struct db_eps e;

	if (db_eps_get(db, s->id, &e))
		return;
	printf("msisdn:    %s\n", e.msisdn[0] ? e.msisdn : "(none)");
	printf("ue-ambr:   %u/%u bit/s (ul/dl)\n", e.ambr_ul, e.ambr_dl);
	printf("eps:       %s, %s, access-restriction=%u\n",
	       e.subscriber_status ? "barred (ODB)" : "service granted",
	       e.network_access_mode == DB_NAM_ONLY_PACKET ? "packet only" : "packet+circuit",
	       e.access_restriction);
	if (e.mme_host[0])
		printf("mme:       %s (%s)%s\n", e.mme_host, e.mme_realm, e.purged ? " purged" : "");
	db_sub_apn_foreach(db, s->id, show_apn_text, NULL);
}

static int show_apn_json(void *arg, const struct db_sub_apn *a)
{
	struct json *j = arg;

	json_obj_begin(j, NULL);
	apn_json(j, &a->apn);
	json_int(j, "context_id", a->context_id);
	json_bool(j, "default", a->is_default);
	json_str(j, "static_ip", a->static_ip[0] ? a->static_ip : NULL);
	json_obj_end(j);
	return 0;
}

void ctl_eps_show_json(struct db *db, struct json *j, const struct db_sub *s)
{
	struct db_eps e;

	if (db_eps_get(db, s->id, &e))
		return;
	json_obj_begin(j, "eps");
	json_str(j, "msisdn", e.msisdn[0] ? e.msisdn : NULL);
	json_int(j, "ambr_ul", e.ambr_ul);
	json_int(j, "ambr_dl", e.ambr_dl);
	json_int(j, "access_restriction", e.access_restriction);
	json_str(j, "network_access_mode",
		 e.network_access_mode == DB_NAM_ONLY_PACKET ? "packet" : "both");
	json_str(j, "status", e.subscriber_status ? "barred" : "granted");
	json_str(j, "mme_host", e.mme_host[0] ? e.mme_host : NULL);
	json_str(j, "mme_realm", e.mme_realm[0] ? e.mme_realm : NULL);
	json_bool(j, "purged", e.purged);
	json_arr_begin(j, "apns");
	db_sub_apn_foreach(db, s->id, show_apn_json, j);
	json_arr_end(j);
	json_obj_end(j);
}
