/* `ue-sim run`: executes scenario files step by step against a registrar,
 * prints PASS/FAIL per scenario, optionally writes JUnit XML, and ends
 * with "N passed, N failed". */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "explain.h"
#include "register.h"
#include "scenario.h"
#include "uac.h"
#include "ue_cli.h"
#include "ue_secagree.h"
#include "util/cli.h"
#include "util/log.h"

struct run_opts {
	const char *registrar, *junit, *bind;
	const char *fault_hook;   /* program that sets hss/scscf faults */
	const char *scscf;        /* which S-CSCF: "[NAME]" steps run only for it */
	long long seed;
	unsigned timeout_ms;
	int answer_delay_ms;  /* -1: the scenario's */
	bool explain;
	struct ue_sec_cfg sec; /* --sec-*: applied to every scenario when on */
};

struct run_state {
	struct ue *ue;
	const struct run_opts *o;
	unsigned outcomes;    /* bit (1 << -usim_rc) per fresh answer in the last request */
	uint64_t sqn[2];      /* the last two accepted SQNs */
	unsigned nsqn;
	bool hss_faults, scscf_faults; /* set during the scenario: clear at the end */
};

struct run_result {
	char path[512], title[256];
	bool pass;
	char why[1024];
	double secs;
};

static struct run_state *cur;

static void run_observe(struct ue *ue, const char *what, const char *authz, const struct ue_answer *a)
{
	if (a && !strcmp(what, "answer") && !strcmp(a->nc, "00000001") &&
	    a->kind != UE_ANS_PASSWORD) {
		cur->outcomes |= 1u << -a->usim_rc;
		if (a->usim_rc == AKA_OK) {
			cur->sqn[0] = cur->sqn[1];
			cur->sqn[1] = a->usim.sqn;
			cur->nsqn++;
		}
	}
	if (cur->o->explain)
		explain_request(ue, what, authz, a);
}

static bool status_match(const struct scn_step *st, int status)
{
	for (size_t i = 0; i < st->nstatus; i++)
		if (st->status[i] == status || (st->status[i] < 0 && status / 100 == -st->status[i]))
			return true;
	return false;
}

static int run_request(struct run_state *rs, const struct scn_step *st, char *why, size_t n)
{
	static const enum ue_step map[] = { UE_STEP_REGISTER, UE_STEP_ANSWER, UE_STEP_REREGISTER,
					    UE_STEP_DEREGISTER, UE_STEP_QUERY };
	struct ue_step_opts so = { .auto_answer = st->auto_answer, .corrupt_res = st->corrupt,
				   .expires = st->expires, .max_challenges = 3 };

	rs->outcomes = 0;
	if (ue_step_sync(rs->ue, map[st->op], &so, rs->o->timeout_ms) < 0) {
		snprintf(why, n, "%s failed: %s", scn_op_name(st->op),
			 rs->ue->error ? rs->ue->error : "?");
		return -1;
	}
	return 0;
}

static int check_header(const struct ue *ue, const struct scn_step *st, char *why, size_t n)
{
	char val[4096];
	int found = ue_resp_header(ue->resp, st->name, val, sizeof(val));
	bool ok;

	switch (st->cmp) {
	case SCN_CMP_ABSENT: ok = !found; break;
	case SCN_CMP_PRESENT: ok = found; break;
	case SCN_CMP_IS: ok = found && !strcmp(val, st->text); break;
	default: ok = found && strcasestr(val, st->text); break;
	}
	if (ok)
		return 0;
	if (st->cmp == SCN_CMP_ABSENT)
		snprintf(why, n, "expected no %s header, got '%.300s'", st->name, val);
	else if (!found)
		snprintf(why, n, "expected a %s header, the %d response has none", st->name, ue->status);
	else
		snprintf(why, n, "expected %s %s '%.200s', got '%.300s'", st->name,
			 st->cmp == SCN_CMP_IS ? "to be" : "to contain", st->text, val);
	return ok ? 0 : -1;
}

/* The expires parameter of one Contact entry [p, e), -1 when absent (a
 * parameter inside <...> belongs to the URI, not to the binding). */
static int entry_expires(const char *p, const char *e)
{
	const char *gt = memchr(p, '>', (size_t)(e - p));

	for (const char *x = gt ? gt : p; x + 9 <= e; x++)
		if (!strncasecmp(x, ";expires=", 9))
			return atoi(x + 9);
	return -1;
}

/* The bindings a REGISTER response lists (RFC 3261 §10.3 step 8): its
 * Contact entries, less those with an expiry of 0 (a registrar may list a
 * binding it just removed with expires=0, RFC 3261 §10.2.2). The expiry is
 * the entry's expires parameter, else the Expires header. */
static int count_bindings(const struct ue_resp *r)
{
	char exp_hdr[32];
	int n = 0;
	bool hdr_zero = ue_resp_header(r, "Expires", exp_hdr, sizeof(exp_hdr)) > 0 && atoi(exp_hdr) == 0;

	for (size_t i = 0; r && i < r->nhdr; i++) {
		const char *p = r->hdr[i].value;
		if (strcasecmp(r->hdr[i].name, "Contact") != 0)
			continue;
		while (*p) { /* one entry: up to a comma outside <...> */
			const char *e = p;
			int depth = 0, exp;
			for (; *e && (*e != ',' || depth); e++)
				depth += *e == '<' ? 1 : *e == '>' ? -1 : 0;
			exp = entry_expires(p, e);
			n += exp > 0 || (exp < 0 && !hdr_zero);
			p = *e ? e + 1 : e;
			while (*p == ' ')
				p++;
		}
	}
	return n;
}

static const char *usim_name(int rc)
{
	return rc == AKA_OK ? "ok" : rc == AKA_EMAC ? "mac-failure" : rc == AKA_ESYNC ? "sync-failure" : "?";
}

static int run_expect(struct run_state *rs, const struct scn_step *st, char *why, size_t n)
{
	const struct ue *ue = rs->ue;

	switch (st->op) {
	case SCN_EXPECT_STATUS:
		if (status_match(st, ue->status))
			return 0;
		snprintf(why, n, "expected status %d%s, got %d %s%s", st->status[0] < 0 ? -st->status[0] : st->status[0],
			 st->status[0] < 0 ? "xx" : st->nstatus > 1 ? " (or others listed)" : "",
			 ue->status, ue->resp ? ue->resp->phrase : "", ue_status_origin(ue));
		return -1;
	case SCN_EXPECT_HEADER:
		return check_header(ue, st, why, n);
	case SCN_EXPECT_USIM:
		if (rs->outcomes & (1u << -st->number))
			return 0;
		snprintf(why, n, "expected the USIM to report %s in the last request, %s%s%s%s%s",
			 usim_name(st->number), rs->outcomes ? "it reported" : "it was not asked (no challenge answered)",
			 rs->outcomes & (1u << -AKA_OK) ? " ok" : "",
			 rs->outcomes & (1u << -AKA_EMAC) ? " mac-failure" : "",
			 rs->outcomes & (1u << -AKA_ESYNC) ? " sync-failure" : "",
			 rs->outcomes & ~(1u << -AKA_OK | 1u << -AKA_EMAC | 1u << -AKA_ESYNC) ? " an error" : "");
		return -1;
	case SCN_EXPECT_CHALLENGES:
		if ((int)ue->challenges == st->number)
			return 0;
		snprintf(why, n, "expected %d challenge(s) in the last request, got %u", st->number,
			 ue->challenges);
		return -1;
	case SCN_EXPECT_ALG:
		if (ue->have_chal && digest_alg_parse(ue->chal.algorithm) == st->number)
			return 0;
		snprintf(why, n, "expected algorithm %s, the last challenge had '%s'",
			 digest_alg_name((enum digest_alg)st->number), ue->have_chal ? ue->chal.algorithm : "(none)");
		return -1;
	case SCN_EXPECT_RETRIES:
		if ((int)ue->retries == st->number &&
		    (!ue->retries || ue->retry_waited_ms + 20 >= ue->retry_after_s * 1000u))
			return 0;
		if ((int)ue->retries != st->number)
			snprintf(why, n, "expected %d resend(s) after 503 Retry-After, got %u", st->number,
				 ue->retries);
		else
			snprintf(why, n, "resent after %u ms, before Retry-After: %u", ue->retry_waited_ms,
				 ue->retry_after_s);
		return -1;
	case SCN_EXPECT_BINDINGS: {
		int got = count_bindings(ue->resp);
		if (got == st->number)
			return 0;
		snprintf(why, n, "expected %d binding(s) in the %d response, it lists %d", st->number,
			 ue->status, got);
		return -1;
	}
	case SCN_EXPECT_SQN_UP:
		if (rs->nsqn >= 2 && rs->sqn[1] > rs->sqn[0])
			return 0;
		snprintf(why, n, "expected two accepted challenges with increasing SQN (have %u)", rs->nsqn);
		return -1;
	default:
		return 0;
	}
}

/* Runs the fault hook: HOOK hss fault ARGS... / HOOK scscf fault RULE...
 * (words split at blanks). 0 when it exited 0. */
static int run_hook(const struct run_opts *o, const char *who, const char *text, char *why,
		    size_t n)
{
	char buf[600], *argv[40], *save = NULL;
	int argc = 0, status;
	pid_t pid;

	snprintf(buf, sizeof(buf), "%s", text);
	argv[argc++] = (char *)o->fault_hook;
	argv[argc++] = (char *)who;
	argv[argc++] = "fault";
	for (char *w = strtok_r(buf, " \t", &save); w && argc < 39; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		snprintf(why, n, "fault hook %s: %s", o->fault_hook, strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	snprintf(why, n, "fault hook '%s %s fault %.200s' %s %d", o->fault_hook, who, text,
		 WIFEXITED(status) ? "exited" : "killed by signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -1;
}

static int run_fault(struct run_state *rs, const struct scn_step *st, char *why, size_t n)
{
	bool hss = st->op == SCN_HSS_FAULT;

	if (!rs->o->fault_hook) {
		snprintf(why, n, "a fault line needs --fault-hook (ims-bench run gives one)");
		return -1;
	}
	*(hss ? &rs->hss_faults : &rs->scscf_faults) = true;
	return run_hook(rs->o, hss ? "hss" : "scscf", st->text, why, n);
}

static int run_step(struct run_state *rs, const struct scn_step *st, char *why, size_t n)
{
	if (st->only[0] && strcmp(st->only, rs->o->scscf))
		return 0; /* a step for another S-CSCF */
	if (st->op == SCN_HSS_FAULT || st->op == SCN_SCSCF_FAULT)
		return run_fault(rs, st, why, n);
	if (st->op <= SCN_QUERY)
		return run_request(rs, st, why, n);
	if (st->op == SCN_WAIT) {
		uac_sleep(rs->ue->uac, st->ms);
		return 0;
	}
	return run_expect(rs, st, why, n);
}

/* One scenario file: parse, build the UE, run the steps; the first failed
 * step ends it with "file:line: reason". */
static void run_one(struct uac *uac, const struct run_opts *o, const char *path,
		    struct run_result *res)
{
	static struct scenario s;
	static struct ue ue;
	struct run_state rs = { .ue = &ue, .o = o };
	char why[900];
	uint64_t t0 = uac_now_ns();

	memset(res, 0, sizeof(*res));
	snprintf(res->path, sizeof(res->path), "%s", path);
	if (scenario_parse_file(path, &s, res->why, sizeof(res->why)) < 0)
		return;
	snprintf(res->title, sizeof(res->title), "%s", s.title);
	s.ue.registrar = o->registrar;
	if (o->answer_delay_ms >= 0)
		s.ue.answer_delay_ms = (unsigned)o->answer_delay_ms;
	if (o->sec.on)
		s.ue.sec = o->sec;
	if (ue_init(&ue, uac, &s.ue, true) < 0) {
		snprintf(res->why, sizeof(res->why), "%s: %s", path, ue.error ? ue.error : "UE setup failed");
		ue_fini(&ue);
		return;
	}
	cur = &rs;
	uac_set_t1(uac, s.ue.t1_ms);
	if (o->explain)
		explain_begin(&ue, stdout);
	ue.obs.request = run_observe;
	ue.obs.response = o->explain ? explain_response : NULL;
	res->pass = true;
	for (size_t i = 0; i < s.nsteps && res->pass; i++) {
		if (run_step(&rs, &s.steps[i], why, sizeof(why)) < 0) {
			snprintf(res->why, sizeof(res->why), "%s:%d: %s: %s", path, s.steps[i].line,
				 scn_op_name(s.steps[i].op), why);
			res->pass = false;
		}
	}
	/* faults set by the scenario end with it, pass or fail */
	if (rs.hss_faults && run_hook(o, "hss", "clear", why, sizeof(why)) < 0 && res->pass) {
		snprintf(res->why, sizeof(res->why), "%s: clearing faults: %s", path, why);
		res->pass = false;
	}
	if (rs.scscf_faults && run_hook(o, "scscf", "clear", why, sizeof(why)) < 0 && res->pass) {
		snprintf(res->why, sizeof(res->why), "%s: clearing faults: %s", path, why);
		res->pass = false;
	}
	/* leave no binding behind when a scenario stopped half-way */
	if (!res->pass && ue.status == 200)
		ue_step_sync(&ue, UE_STEP_DEREGISTER, NULL, o->timeout_ms);
	uac_set_t1(uac, 0);
	ue_fini(&ue);
	cur = NULL;
	res->secs = (double)(uac_now_ns() - t0) / 1e9;
}

static void xml_escape(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, fp);
		}
	}
}

/* fp: opened before the run, so a path that cannot be written fails at once. */
static int write_junit(FILE *fp, const struct run_result *r, size_t n)
{
	size_t failed = 0;
	double total = 0;

	for (size_t i = 0; i < n; i++)
		failed += !r[i].pass, total += r[i].secs;
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<testsuite name=\"ue-sim scenarios\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n",
		n, failed, total);
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(r[i].path, '/');
		fputs("  <testcase classname=\"scenarios\" name=\"", fp);
		xml_escape(fp, base ? base + 1 : r[i].path);
		fprintf(fp, "\" time=\"%.3f\"", r[i].secs);
		if (r[i].pass) {
			fputs("/>\n", fp);
			continue;
		}
		fputs(">\n    <failure message=\"", fp);
		xml_escape(fp, r[i].why);
		fputs("\"/>\n  </testcase>\n", fp);
	}
	fputs("</testsuite>\n", fp);
	return fclose(fp) == 0 ? 0 : -1;
}

static const char run_help[] =
	"usage: ue-sim run SCENARIO... --registrar sip:IP:PORT [options]\n"
	"Runs scenario files (format: scenarios/README.md) against a registrar.\n"
	"The hss-ctl and network lines of a scenario are for the e2e runner; run\n"
	"does not provision the HSS itself.\n"
	"  --registrar sip:IP:PORT   the S-CSCF to register with\n"
	"  --junit FILE              write JUnit XML\n"
	"  --explain                 print each scenario's ladder\n"
	"  --seed N                  deterministic Call-ID, tags, branches and cnonces\n"
	"  --answer-delay MS         override every scenario's answer delay\n"
	"  --bind sip:IP:PORT        local SIP address (default sip:127.0.0.1:0)\n"
	"  --timeout MS              per request step (default 10000)\n"
	"  --fault-hook PROGRAM      runs 'PROGRAM hss fault ARGS' / 'PROGRAM scscf fault RULE'\n"
	"                            for the scenarios' fault lines, and '... fault clear' at\n"
	"                            the end of a scenario that set any\n"
	"  --scscf NAME              the S-CSCF under test (default scscf-stub): steps\n"
	"                            written '[NAME] step' run only for that one\n"
	"  --sec-agree               every scenario with sec-agree and IPsec (see register --help);\n"
	"  --sec-alg LIST, --sec-ealg LIST, --sec-ports C,S   its offers and ports\n"
	"Prints PASS/FAIL per scenario and ends with 'N passed, N failed'.\n"
	"Exit: 0 all passed, 1 any failed, 2 bad usage.\n";

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	enum { O_REG = 1, O_JUNIT, O_EXPLAIN, O_SEED, O_DELAY, O_BIND, O_TIMEOUT, O_HOOK, O_SCSCF,
	       O_HELP, O_SEC };
	static const struct option opts[] = {
		{ "registrar", required_argument, NULL, O_REG }, { "junit", required_argument, NULL, O_JUNIT },
		{ "explain", no_argument, NULL, O_EXPLAIN }, { "seed", required_argument, NULL, O_SEED },
		{ "answer-delay", required_argument, NULL, O_DELAY },
		{ "bind", required_argument, NULL, O_BIND },
		{ "timeout", required_argument, NULL, O_TIMEOUT }, { "help", no_argument, NULL, O_HELP },
		{ "fault-hook", required_argument, NULL, O_HOOK },
		{ "scscf", required_argument, NULL, O_SCSCF },
		{ "sec-agree", no_argument, NULL, O_SEC }, { "sec-alg", required_argument, NULL, O_SEC },
		{ "sec-ealg", required_argument, NULL, O_SEC }, { "sec-ports", required_argument, NULL, O_SEC },
		{ NULL, 0, NULL, 0 },
	};
	int c, idx = 0;
	char err[160];

	*o = (struct run_opts){ .bind = "sip:127.0.0.1:0", .seed = -1, .timeout_ms = 10000,
				.answer_delay_ms = -1, .scscf = "scscf-stub" };
	opterr = 0;
	while ((c = cli_getopt_long(UE_PROG, argc, argv, "", opts, &idx)) != -1) {
		switch (c) {
		case O_REG: o->registrar = optarg; break;
		case O_SEC:
			if (ue_sec_option(&o->sec, opts[idx].name, optarg, err, sizeof(err)) < 0)
				cli_usage_error(UE_PROG, "--%s: %s", opts[idx].name, err);
			break;
		case O_JUNIT: o->junit = optarg; break;
		case O_EXPLAIN: o->explain = true; break;
		case O_SEED: o->seed = (long long)cli_uint(UE_PROG, "--seed", optarg, 0, 1ull << 62); break;
		case O_DELAY: o->answer_delay_ms = (int)cli_uint(UE_PROG, "--answer-delay", optarg, 0, 60000); break;
		case O_BIND: o->bind = optarg; break;
		case O_TIMEOUT: o->timeout_ms = (unsigned)cli_uint(UE_PROG, "--timeout", optarg, 1, 600000); break;
		case O_HOOK: o->fault_hook = optarg; break;
		case O_SCSCF: o->scscf = optarg; break;
		case O_HELP: fputs(run_help, stdout); exit(0);
		default: cli_usage_error(UE_PROG, "%s: unknown or incomplete option", argv[optind - 1]);
		}
	}
	if (!o->registrar)
		cli_usage_error(UE_PROG, "--registrar: missing (sip:IP:PORT)");
	ue_cli_sip_addr("--registrar", o->registrar);
	ue_cli_sip_addr("--bind", o->bind);
	if (optind >= argc)
		cli_usage_error(UE_PROG, "SCENARIO: at least one scenario file is needed");
	return optind;
}

int scenario_main(int argc, char **argv)
{
	struct run_opts o;
	int first = run_parse(argc, argv, &o);
	size_t n = (size_t)(argc - first), passed = 0;
	struct run_result *res = calloc(n, sizeof(*res));
	static struct uac uac;
	FILE *junit = NULL;
	int rc;

	if (o.junit && !(junit = fopen(o.junit, "w"))) {
		fprintf(stderr, "ue-sim: --junit %s: %s\n", o.junit, strerror(errno));
		free(res);
		return 1;
	}
	if (!res || uac_open(&uac, o.bind, o.seed) < 0) {
		fprintf(stderr, "ue-sim: cannot open SIP on %s\n", o.bind);
		free(res);
		if (junit)
			fclose(junit);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		run_one(&uac, &o, argv[first + (int)i], &res[i]);
		passed += res[i].pass;
		printf("%s  %-40s %s (%.2f s)\n", res[i].pass ? "PASS" : "FAIL", res[i].path,
		       res[i].title, res[i].secs);
		if (!res[i].pass)
			printf("      %s\n", res[i].why);
		fflush(stdout);
	}
	uac_close(&uac);
	rc = passed == n ? 0 : 1;
	printf("%zu passed, %zu failed\n", passed, n - passed);
	/* a report that cannot be written is a failed run, not a pass */
	if (junit && write_junit(junit, res, n) < 0) {
		fprintf(stderr, "ue-sim: --junit %s: %s\n", o.junit, strerror(errno));
		rc = 1;
	}
	free(res);
	return rc;
}
