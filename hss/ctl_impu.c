/* hss-ctl add-impu, set-impu, del-impu, set-charging (ctl_impu.h): changes
 * to what an S-CSCF holds, each pushed with a PPR when an S-CSCF holds it.
 *
 * "Held" means: an IMPU of the implicit set concerned has a registration
 * with an S-CSCF stored (registered, or unregistered with services), the
 * state the SAR left (cx.c). The implicit set is registered as a whole
 * (TS 29.228 §6.5.1), so an IMPU that joins a held set takes over the
 * set's registration, and one that leaves it drops its own. A held set is
 * never emptied by these commands: its last IMPU goes with an RTR first. */
#include "ctl_impu.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl.h"
#include "ctl_cli.h"
#include "cx.h"
#include "util/cli.h"
#include "util/json.h"

#define PROG CTL_PROG

/* ---- shared ---------------------------------------------------------------- */
static char *read_ifc(const char *path)
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
	free(buf);
	cli_usage_error(PROG, "--ifc-file: cannot read %s (at most 1 MiB)", path);
}

static void check_uri(const char *uri)
{
	if (strlen(uri) >= DB_ID_MAX || ctl_impu_check(uri))
		cli_usage_error(PROG, "IMPU: expected a sip:, sips: or tel: URI (tel:+E.164 digits, "
				"RFC 3966), got '%s'", uri);
}

static bool held(const struct db_impu *u)
{
	return u->state != DB_REG_NOT_REGISTERED && u->scscf_host[0];
}

/* The other IMPUs of a subscriber's implicit set: how many, and the
 * registration of one that an S-CSCF holds (found). */
struct set_probe {
	int irs;
	int64_t except;        /* the IMPU being changed */
	int members, total;    /* in the set, in the subscriber */
	bool found;
	struct db_impu reg;
	const char *uri;       /* also: copy this IMPU (with its iFC) into self */
	struct db_impu self;
	char *self_ifc;        /* malloc'ed */
};

static int probe_one(void *arg, const struct db_impu *u)
{
	struct set_probe *p = arg;

	p->total++;
	if (p->uri && !strcmp(u->uri, p->uri)) {
		p->self = *u;
		p->self.ifc_xml = NULL;
		free(p->self_ifc);
		p->self_ifc = u->ifc_xml ? strdup(u->ifc_xml) : NULL;
		if (u->ifc_xml && !p->self_ifc)
			return -ENOMEM;
	}
	if (u->irs != p->irs || u->id == p->except)
		return 0;
	p->members++;
	if (!p->found && held(u)) {
		p->reg = *u;
		p->reg.ifc_xml = NULL;
		p->found = true;
	}
	return 0;
}

static int probe(struct db *db, int64_t sub_id, int irs, int64_t except, struct set_probe *p)
{
	char *keep = p->self_ifc;
	const char *uri = p->uri;
	struct db_impu self = p->self;

	*p = (struct set_probe){ .irs = irs, .except = except, .uri = uri, .self = self,
				 .self_ifc = keep };
	return db_impu_foreach(db, sub_id, probe_one, p) ? -EIO : 0;
}

/* The IMPU joins implicit set p (probed): it takes the set's registration,
 * or, leaving a held set for one nobody holds, drops its own. */
static int join_set(struct db *db, const struct db_impu *u, const struct set_probe *p)
{
	if (p->found)
		return db_reg_set(db, u->id, p->reg.state, p->reg.scscf_name, p->reg.scscf_host,
				  p->reg.scscf_realm);
	if (held(u))
		return db_reg_set(db, u->id, DB_REG_NOT_REGISTERED, NULL, NULL, NULL);
	return 0;
}

/* Queues the PPR (parts: CX_PPR_*); *id 0 when no S-CSCF holds anything. */
static int push(struct db *db, const struct db_sub *s, int parts, int64_t *id)
{
	return cx_ppr_queue(db, s, parts, id);
}

static int done(struct ctl_cli *c, const struct db_sub *s, int64_t ppr)
{
	int ret = ctl_commit(c);

	if (!ret && ppr)
		printf("queued PPR %lld for %s (hssd sends it to the S-CSCF within a second)\n",
		       (long long)ppr, s->impi);
	return ret;
}

/* A held set keeps at least one IMPU: its last one goes with an RTR. */
static int keep_set(struct ctl_cli *c, const struct db_impu *u, const struct set_probe *p)
{
	if (!held(u) || p->members)
		return 0;
	return ctl_fail(c, -EPERM, "%s is the last public identity of implicit set %d, "
			"registered at %s: de-register it first (hss-ctl rtr %s)", u->uri, u->irs,
			u->scscf_host, u->uri);
}

/* ---- add-impu ----------------------------------------------------------------- */
int ctl_add_impu_cmd(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"barred", 0, 0, 'b'}, {"irs", 1, 0, 'r'},
					     {"ifc-file", 1, 0, 'f'}, {"help", 0, 0, 'h'}, {0}};
	const char *uri, *ifc_path = NULL;
	struct set_probe p = {0};
	struct db_impu u;
	struct db_sub s;
	int64_t ppr = 0;
	bool barred = false;
	char *ifc = NULL;
	int o, irs = 1, ret;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		if (o == 'b')
			barred = true;
		else if (o == 'r')
			irs = (int)cli_uint(PROG, "--irs", optarg, 1, 1000000);
		else
			ifc_path = optarg;
	}
	ctl_want_args(c, argc, argv, 2);
	uri = argv[optind + 1];
	check_uri(uri);
	if (ifc_path)
		ifc = read_ifc(ifc_path);
	ctl_begin(c);
	if (ctl_lookup(c, argv[optind], &s))
		return free(ifc), EXIT_CHECK_FAILED;
	if (db_impu_by_uri(c->db, uri, &u) == 0)
		return free(ifc), ctl_fail(c, -EEXIST, "IMPU: %s already exists", uri);
	ret = probe(c->db, s.id, irs, 0, &p);
	if (!ret)
		ret = db_impu_add(c->db, s.id, uri, barred, irs, ifc, &u.id);
	free(ifc);
	u.state = DB_REG_NOT_REGISTERED;
	if (!ret && p.found && !(ret = join_set(c->db, &u, &p)))
		ret = push(c->db, &s, CX_PPR_USER_DATA, &ppr);
	if (ret)
		return ctl_fail(c, ret, "--db: %s", db_errmsg(c->db));
	return done(c, &s, ppr);
}

/* ---- set-impu ------------------------------------------------------------------- */
struct impu_change {
	int barred;         /* -1 keep */
	int irs;            /* 0 keep */
	const char *ifc;    /* path; NULL keep */
	bool no_ifc;
};

static void impu_opts(struct ctl_cli *c, int argc, char **argv, struct impu_change *x)
{
	static const struct option opts[] = {{"barred", 1, 0, 'b'}, {"irs", 1, 0, 'r'},
					     {"ifc-file", 1, 0, 'f'}, {"no-ifc", 0, 0, 'n'},
					     {"help", 0, 0, 'h'}, {0}};
	int o;

	*x = (struct impu_change){ .barred = -1 };
	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		if (o == 'b' && (!strcasecmp(optarg, "yes") || !strcasecmp(optarg, "no")))
			x->barred = !strcasecmp(optarg, "yes");
		else if (o == 'b')
			cli_usage_error(PROG, "--barred: expected yes or no, got '%s'", optarg);
		else if (o == 'r')
			x->irs = (int)cli_uint(PROG, "--irs", optarg, 1, 1000000);
		else if (o == 'f')
			x->ifc = optarg;
		else
			x->no_ifc = true;
	}
	ctl_want_args(c, argc, argv, 1);
	if (x->ifc && x->no_ifc)
		cli_usage_error(PROG, "--no-ifc: give either --ifc-file or --no-ifc");
	if (x->barred < 0 && !x->irs && !x->ifc && !x->no_ifc)
		cli_usage_error(PROG, "set-impu: nothing to change (--barred, --irs, --ifc-file, "
				      "--no-ifc)");
}

/* The IMPU named on the command line, its subscriber, its set probed. */
static int find_impu(struct ctl_cli *c, const char *uri, struct db_sub *s, struct set_probe *p)
{
	struct db_impu u;

	if (db_impu_by_uri(c->db, uri, &u) || db_sub_by_id(c->db, u.sub_id, s))
		return ctl_fail(c, -ENOENT, "no public identity '%s'", uri), -ENOENT;
	p->uri = uri;
	if (probe(c->db, s->id, u.irs, u.id, p))
		return ctl_fail(c, -EIO, "--db: %s", db_errmsg(c->db)), -EIO;
	return 0;
}

int ctl_set_impu_cmd(struct ctl_cli *c, int argc, char **argv)
{
	struct impu_change x;
	struct set_probe p = {0}, to = {0};
	struct db_impu u;
	struct db_sub s;
	int64_t ppr = 0;
	char *ifc = NULL;
	bool was_held;
	int ret;

	impu_opts(c, argc, argv, &x);
	check_uri(argv[optind]);
	if (x.ifc)
		ifc = read_ifc(x.ifc);
	ctl_begin(c);
	if (find_impu(c, argv[optind], &s, &p))
		return free(ifc), EXIT_CHECK_FAILED;
	u = p.self;
	was_held = held(&u) || p.found;
	if (!ifc && !x.no_ifc)
		ifc = p.self_ifc, p.self_ifc = NULL;
	free(p.self_ifc);
	if (x.irs && x.irs != u.irs && (ret = keep_set(c, &u, &p)))
		return free(ifc), ret;
	ret = db_impu_update(c->db, u.id, x.barred < 0 ? u.barred : x.barred,
			     x.irs ? x.irs : u.irs, ifc);
	free(ifc);
	if (!ret && x.irs && x.irs != u.irs && !(ret = probe(c->db, s.id, x.irs, u.id, &to)))
		ret = join_set(c->db, &u, &to);
	if (!ret && (was_held || to.found))
		ret = push(c->db, &s, CX_PPR_USER_DATA, &ppr);
	if (ret)
		return ctl_fail(c, ret, "--db: %s", db_errmsg(c->db));
	return done(c, &s, ppr);
}

/* ---- del-impu ------------------------------------------------------------------- */
int ctl_del_impu_cmd(struct ctl_cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"help", 0, 0, 'h'}, {0}};
	struct set_probe p = {0};
	struct db_sub s;
	int64_t ppr = 0;
	int ret;

	while (ctl_next_opt(c, argc, argv, opts) != -1)
		;
	ctl_want_args(c, argc, argv, 1);
	check_uri(argv[optind]);
	ctl_begin(c);
	if (find_impu(c, argv[optind], &s, &p))
		return EXIT_CHECK_FAILED;
	free(p.self_ifc);
	if (p.total == 1)
		return ctl_fail(c, -EPERM, "%s is the only public identity of %s: delete the "
				"subscriber instead (hss-ctl del %s)", p.self.uri, s.impi, s.impi);
	if ((ret = keep_set(c, &p.self, &p)))
		return ret;
	ret = db_impu_del(c->db, p.self.id);
	if (!ret && (held(&p.self) || p.found))
		ret = push(c->db, &s, CX_PPR_USER_DATA, &ppr);
	if (ret)
		return ctl_fail(c, ret, "--db: %s", db_errmsg(c->db));
	return done(c, &s, ppr);
}

/* ---- set-charging ----------------------------------------------------------------- */
/* RFC 6733 §4.3.1 DiameterURI: aaa:// or aaas:// FQDN [port] [params]. */
static void charging_opt(const char *opt, const char *v, char *out)
{
	if (!strcmp(v, "none")) {
		out[0] = '\0';
		return;
	}
	if ((strncmp(v, "aaa://", 6) && strncmp(v, "aaas://", 7)) || strlen(v) >= DB_ID_MAX ||
	    strpbrk(v, " \t\r\n") || !v[strncmp(v, "aaa://", 6) ? 7 : 6])
		cli_usage_error(PROG, "%s: expected a DiameterURI aaa://HOST[:PORT][;...] "
				      "(RFC 6733 §4.3.1) or none, got '%s'", opt, v);
	snprintf(out, DB_ID_MAX, "%s", v);
}

static bool charging_opts(struct ctl_cli *c, int argc, char **argv, struct db_charging *ch)
{
	static const struct option opts[] = {{"ecf", 1, 0, 'e'}, {"ecf2", 1, 0, 'E'},
					     {"ccf", 1, 0, 'c'}, {"ccf2", 1, 0, 'C'},
					     {"clear", 0, 0, 'x'}, {"help", 0, 0, 'h'}, {0}};
	bool any = false;
	int o;

	while ((o = ctl_next_opt(c, argc, argv, opts)) != -1) {
		any = true;
		switch (o) {
		case 'e': charging_opt("--ecf", optarg, ch->ecf[0]); break;
		case 'E': charging_opt("--ecf2", optarg, ch->ecf[1]); break;
		case 'c': charging_opt("--ccf", optarg, ch->ccf[0]); break;
		case 'C': charging_opt("--ccf2", optarg, ch->ccf[1]); break;
		case 'x': memset(ch, 0, sizeof(*ch)); break;
		}
	}
	ctl_want_args(c, argc, argv, 1);
	if (!any)
		cli_usage_error(PROG, "set-charging: nothing to change (--ecf, --ecf2, --ccf, "
				      "--ccf2, --clear)");
	return any;
}

int ctl_set_charging_cmd(struct ctl_cli *c, int argc, char **argv)
{
	struct db_charging ch;
	struct db_sub s;
	int64_t ppr = 0;
	int ret;

	charging_opts(c, argc, argv, &(struct db_charging){0}); /* validate first */
	ctl_begin(c);
	if (ctl_lookup(c, argv[optind], &s))
		return EXIT_CHECK_FAILED;
	ret = db_charging_get(c->db, s.id, &ch);
	optind = 0;
	charging_opts(c, argc, argv, &ch); /* over the stored names */
	if (!ret)
		ret = db_charging_set(c->db, s.id, &ch);
	/* A PPR can carry new names, not the absence of names. */
	if (!ret && !db_charging_empty(&ch))
		ret = push(c->db, &s, CX_PPR_CHARGING, &ppr);
	if (ret)
		return ctl_fail(c, ret, "--db: %s", db_errmsg(c->db));
	printf("charging of %s: ecf %s%s%s, ccf %s%s%s\n", s.impi, ch.ecf[0][0] ? ch.ecf[0] : "none",
	       ch.ecf[1][0] ? " / " : "", ch.ecf[1], ch.ccf[0][0] ? ch.ccf[0] : "none",
	       ch.ccf[1][0] ? " / " : "", ch.ccf[1]);
	return done(c, &s, ppr);
}

/* ---- show ----------------------------------------------------------------------------- */
void ctl_charging_show_text(struct db *db, const struct db_sub *s)
{
	struct db_charging ch;

	if (db_charging_get(db, s->id, &ch) || db_charging_empty(&ch))
		return;
	printf("charging:  ecf=%s%s%s ccf=%s%s%s\n", ch.ecf[0][0] ? ch.ecf[0] : "-",
	       ch.ecf[1][0] ? "," : "", ch.ecf[1], ch.ccf[0][0] ? ch.ccf[0] : "-",
	       ch.ccf[1][0] ? "," : "", ch.ccf[1]);
}

void ctl_charging_show_json(struct db *db, struct json *j, const struct db_sub *s)
{
	struct db_charging ch;

	if (db_charging_get(db, s->id, &ch) || db_charging_empty(&ch)) {
		json_str(j, "charging", NULL);
		return;
	}
	json_obj_begin(j, "charging");
	json_str(j, "ecf", ch.ecf[0][0] ? ch.ecf[0] : NULL);
	json_str(j, "ecf2", ch.ecf[1][0] ? ch.ecf[1] : NULL);
	json_str(j, "ccf", ch.ccf[0][0] ? ch.ccf[0] : NULL);
	json_str(j, "ccf2", ch.ccf[1][0] ? ch.ccf[1] : NULL);
	json_obj_end(j);
}
