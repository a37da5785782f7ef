/* `ue-sim load` (see load.h).
 *
 * Design: one su_root, one nta agent, one `struct ue` per user. A 10 ms
 * tick adds rate tokens and starts registrations while fewer than
 * `concurrency` are in flight; a user is never in flight twice. Every
 * registration is a full AKA flow (the S-CSCF challenges every REGISTER),
 * so each costs one MAR and one SAR at the HSS. */
#include "load.h"
#include "lean_uac.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "register.h"
#include "uac.h"
#include "ue_cli.h"
#include "util/cli.h"
#include "util/json.h"
#include "util/metrics.h"

#define TICK_MS 10
#define MAX_CAUSES 16

struct load_opts {
	struct ue_cli ue;
	unsigned long count;        /* --count N generated users */
	const char *users_csv;
	const char *imsi_base;      /* first IMSI of --count users */
	double rate;                /* registrations started per second, 0 = unpaced */
	unsigned concurrency;
	double duration;            /* seconds; 0 = each user once */
	unsigned timeout_ms;        /* one registration at most this long */
	unsigned turn_us;           /* lean: the shortest loop turn while busy */
	bool json;
	bool nta;                   /* --stack nta: the full UAC instead of the lean one */
};

struct load {
	struct load_opts *o;
	struct uac uac;
	struct lean *lean;
	struct ue *ues;
	char (*ids)[2][128];        /* generated impi/impu storage */
	size_t nues, next, inflight;
	uint64_t t0, t_end_start;   /* start, end of the start window (ns) */
	double tokens;
	unsigned long started, ok, failed;
	bool stopping, finished;
	struct lat_series l401, l200, ltotal, lue;
	/* the same three in the buckets of hssd's and scscf-stub's histograms */
	struct metrics *reg;
	struct metric_series *h401, *h200, *htotal;
	struct { char cause[112]; unsigned long n; } causes[MAX_CAUSES];
	size_t ncauses;
	su_timer_t *tick;
	uint64_t last_progress, last_scan, last_tick;
	bool *busy;
	bool tty;                   /* progress overwrites one line on a terminal */
	char timeout_cause[64];
};

static void count_cause(struct load *L, const char *cause)
{
	for (size_t i = 0; i < L->ncauses; i++)
		if (!strcmp(L->causes[i].cause, cause)) {
			L->causes[i].n++;
			return;
		}
	if (L->ncauses < MAX_CAUSES) {
		snprintf(L->causes[L->ncauses].cause, sizeof(L->causes[0].cause), "%s", cause);
		L->causes[L->ncauses++].n = 1;
	}
}

static void load_kick(struct load *L);

/* b - a, 0 when b is not later (a clock step between two stamps must not
 * make a 4,295 s latency). */
static uint64_t span(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

/* A successful registration's latencies (struct lean_times): REGISTER->401
 * and answer->200 are the network's two transactions, the total their sum;
 * ue-sim's own time between the 401 and its answer (the USIM, the digest,
 * --answer-delay, a busy loop) is its own series, in no other. */
static void account_ok(struct load *L, const struct lean_times *t)
{
	uint64_t t401 = t->first ? span(t->start, t->first) : 0;
	uint64_t from = t->answer ? t->answer : t->first ? t->first : t->start;
	uint64_t t200 = span(from, t->final);
	uint64_t total = t->answer ? t401 + t200 : span(t->start, t->final);

	if (t->first) {
		lat_add(&L->l401, t401);
		metric_observe_us(L->h401, t401 / 1000u);
	}
	if (t->answer)
		lat_add(&L->lue, span(t->first, t->answer));
	lat_add(&L->l200, t200);
	metric_observe_us(L->h200, t200 / 1000u);
	lat_add(&L->ltotal, total);
	metric_observe_us(L->htotal, total / 1000u);
}

static void account(struct load *L, size_t idx, int status, bool local, const char *error,
		    const struct lean_times *t)
{
	char cause[112];

	L->busy[idx] = false;
	L->inflight--;
	if (status == 200 && !error) {
		L->ok++;
		account_ok(L, t);
	} else {
		L->failed++;
		if (error)
			snprintf(cause, sizeof(cause), "local: %.100s", error);
		else
			snprintf(cause, sizeof(cause), "%d%s", status,
				 status == 408 ? " (timeout)" /* nta's own: Timer F */
				 : local ? " (local: registrar unreachable)"
				 : status == 401 ? " (challenged again)" : "");
		count_cause(L, cause);
	}
	load_kick(L);
}

static void on_done(struct ue *ue, void *arg)
{
	struct load *L = arg;
	struct lean_times t = { ue->t_step, ue->t_first_resp, ue->t_answer, ue->t_final };

	/* a 401 left unanswered for want of a challenge: the lean stack's cause */
	account(L, (size_t)(ue - L->ues), ue->status, ue->status_local,
		ue->error || ue->status != 401 || ue->have_chal ? ue->error
								: "401 without a usable challenge",
		&t);
}

static void on_lean_done(void *arg, size_t idx, int status, const char *error,
			 const struct lean_times *t)
{
	account(arg, idx, status, false, error, t);
}

static int start_user(struct load *L, size_t idx)
{
	static const struct ue_step_opts so = { .auto_answer = true, .expires = -1, .max_challenges = 3 };

	if (L->lean)
		return lean_start(L->lean, idx);
	return ue_start(&L->ues[idx], UE_STEP_REGISTER, &so, on_done, L);
}

/* Starts registrations while tokens, concurrency and users allow. */
static void load_kick(struct load *L)
{
	uint64_t now = uac_now_ns();

	if (!L->stopping && (L->o->duration > 0 ? now >= L->t_end_start
						: L->started >= L->nues))
		L->stopping = true;
	while (!L->stopping && L->inflight < L->o->concurrency && (L->o->rate <= 0 || L->tokens >= 1)) {
		size_t tries = 0;
		while (L->busy[L->next] && tries++ < L->nues)
			L->next = (L->next + 1) % L->nues;
		if (L->busy[L->next])
			break;
		size_t idx = L->next;
		L->busy[idx] = true;
		L->next = (L->next + 1) % L->nues;
		L->inflight++;
		L->started++;
		if (L->o->rate > 0)
			L->tokens -= 1;
		if (start_user(L, idx) < 0)
			account(L, idx, 0, false, L->lean ? "cannot send" : L->ues[idx].error,
				&(struct lean_times){ now, 0, 0, now });
		if (L->o->duration <= 0 && L->started >= L->nues)
			L->stopping = true;
	}
	if (L->stopping && L->inflight == 0 && !L->finished) {
		L->finished = true;
		if (!L->lean)
			su_root_break(L->uac.root);
	}
}

static void progress(struct load *L, bool final)
{
	double t = (double)(uac_now_ns() - L->t0) / 1e9;

	if (final && !L->tty)
		return; /* the last per-second line stands; the report follows */
	fprintf(stderr, "%s[%6.1fs] started %lu  ok %lu  failed %lu  in flight %zu  %.0f reg/s   %s",
		L->tty ? "\r" : "", t, L->started, L->ok, L->failed, L->inflight,
		t > 0 ? (double)L->ok / t : 0.0, final || !L->tty ? "\n" : "");
}

/* nta path: a registration without a final response after --timeout is
 * given up (nta's own timer F is 32 s, and a TCP request can wait longer
 * in a send queue), so the run always ends and the cause is counted. */
static void expire_stuck(struct load *L, uint64_t now)
{
	uint64_t limit = (uint64_t)L->o->timeout_ms * 1000000ull;

	if (L->lean || now - L->last_scan < 100000000ull)
		return;
	L->last_scan = now;
	for (size_t i = 0; i < L->nues && L->inflight; i++) {
		struct ue *ue = &L->ues[i];
		if (!L->busy[i] || now - ue->t_step < limit)
			continue;
		ue_abort(ue, L->timeout_cause);
		account(L, i, 0, false, ue->error, &(struct lean_times){ ue->t_step, 0, 0, ue->t_final });
	}
}

static void load_tick(struct load *L)
{
	uint64_t now = uac_now_ns();

	/* tokens for the time really elapsed: a late tick must not slow the rate */
	if (L->o->rate > 0) {
		L->tokens += L->o->rate * (double)(now - L->last_tick) / 1e9;
		if (L->tokens > L->o->rate) /* at most one second of burst */
			L->tokens = L->o->rate;
	}
	L->last_tick = now;
	expire_stuck(L, now);
	load_kick(L);
	if (now - L->last_progress >= 1000000000ull) {
		L->last_progress = now;
		progress(L, false);
	}
}

static void on_tick(su_root_magic_t *m, su_timer_t *t, su_timer_arg_t *arg)
{
	(void)m, (void)t;
	load_tick((struct load *)arg);
}

/* The lean engine's loop: poll the socket, tick every TICK_MS. */
static void lean_run(struct load *L)
{
	uint64_t next_tick = uac_now_ns();

	while (!L->finished) {
		uint64_t now = uac_now_ns();
		if (now >= next_tick) {
			next_tick = now + TICK_MS * 1000000ull;
			load_tick(L);
			continue;
		}
		lean_poll(L->lean, (int)((next_tick - now) / 1000000ull) + 1);
	}
}

/* The measured part of a run, one function so that a profiler can count
 * it alone: bench/load/run.sh's CALLGRIND=ue-sim collects only inside it
 * (--toggle-collect=load_run), not the users' set-up. 0 or -1. */
__attribute__((noinline)) static int load_run(struct load *L)
{
	if (L->lean) {
		load_kick(L);
		lean_run(L);
		return 0;
	}
	/* su_timer_set_interval() arms ONE expiry (after the interval): with
	 * it the tick ran once, so --rate stalled after its first tokens,
	 * and no progress line nor the --duration check ever ran without a
	 * completion. set_for_ever re-arms after each expiry. */
	L->tick = su_timer_create(su_root_task(L->uac.root), TICK_MS);
	if (!L->tick || su_timer_set_for_ever(L->tick, on_tick, (su_timer_arg_t *)L) < 0) {
		fprintf(stderr, "ue-sim: cannot arm the load tick timer\n");
		return -1;
	}
	load_kick(L);
	if (!L->finished)
		su_root_run(L->uac.root);
	return 0;
}

static int init_user(struct load *L, size_t idx, const struct ue_cfg *c)
{
	if (L->lean)
		return lean_user_init(L->lean, idx, c);
	return ue_init(&L->ues[idx], &L->uac, c, false);
}

/* --count: IMSI base+i, IMPI IMSI@realm, IMPU sip:IMSI@realm, shared keys
 * (provision them with hss-ctl import; docs/ue-sim.md shows how). */
static int load_users_generated(struct load *L)
{
	struct load_opts *o = L->o;
	unsigned long long base = strtoull(o->imsi_base, NULL, 10);
	size_t width = strlen(o->imsi_base);

	L->ids = calloc(L->nues, sizeof(*L->ids));
	if (!L->ids)
		return -1;
	for (size_t i = 0; i < L->nues; i++) {
		struct ue_cfg c = o->ue.cfg;
		snprintf(L->ids[i][0], 128, "%0*llu@%s", (int)width, base + i, c.realm);
		snprintf(L->ids[i][1], 128, "sip:%0*llu@%s", (int)width, base + i, c.realm);
		c.impi = L->ids[i][0];
		c.impu = L->ids[i][1];
		if (init_user(L, i, &c) < 0)
			return -1;
	}
	return 0;
}

static int load_users_csv(struct load *L, struct load_user *u)
{
	for (size_t i = 0; i < L->nues; i++) {
		struct ue_cfg c = L->o->ue.cfg;
		c.impi = u[i].impi;
		c.impu = u[i].impu;
		memcpy(c.usim.k, u[i].k, u[i].k_len);
		c.usim.k_len = u[i].k_len;
		if (u[i].op_is_opc >= 0) {
			memcpy(c.usim.op, u[i].op, u[i].op_len);
			c.usim.op_len = u[i].op_len;
			c.usim.op_is_opc = u[i].op_is_opc;
		}
		if (u[i].have_amf)
			memcpy(c.usim.amf, u[i].amf, 2);
		if (init_user(L, i, &c) < 0)
			return -1;
	}
	return 0;
}

static void report(struct load *L)
{
	double secs = (double)(uac_now_ns() - L->t0) / 1e9;
	struct { const char *name; struct lat_series *s; struct metric_series *h; } steps[] = {
		{ "register_401", &L->l401, L->h401 }, { "answer_200", &L->l200, L->h200 },
		{ "total", &L->ltotal, L->htotal }, { "ue_answer", &L->lue, NULL },
	};

	if (L->o->json) {
		struct json j;
		json_begin(&j, stdout);
		json_int(&j, "registrations", (long long)L->ok);
		json_int(&j, "failed", (long long)L->failed);
		json_int(&j, "duration_ms", (long long)(secs * 1000));
		json_int(&j, "per_second", (long long)(secs > 0 ? (double)L->ok / secs : 0));
		json_obj_begin(&j, "latency_us");
		for (size_t i = 0; i < 4; i++) {
			json_obj_begin(&j, steps[i].name);
			json_int(&j, "p50", lat_percentile(steps[i].s, 0.50));
			json_int(&j, "p99", lat_percentile(steps[i].s, 0.99));
			json_obj_end(&j);
		}
		json_obj_end(&j);
		json_obj_begin(&j, "latency_histograms");
		for (size_t i = 0; i < 3; i++)
			if (steps[i].h)
				metric_histogram_json(&j, steps[i].name, steps[i].h);
		json_obj_end(&j);
		json_obj_begin(&j, "failures");
		for (size_t i = 0; i < L->ncauses; i++)
			json_int(&j, L->causes[i].cause, (long long)L->causes[i].n);
		json_obj_end(&j);
		json_end(&j);
		return;
	}
	printf("registrations: %lu ok, %lu failed in %.2f s = %.0f registrations/s\n", L->ok,
	       L->failed, secs, secs > 0 ? (double)L->ok / secs : 0.0);
	printf("latency (ms)         p50      p99\n");
	for (size_t i = 0; i < 4; i++)
		printf("  %-14s %8.2f %8.2f%s\n",
		       i == 0 ? "REGISTER->401" : i == 1 ? "answer->200" : i == 2 ? "total" : "401->answer",
		       lat_percentile(steps[i].s, 0.50) / 1000.0, lat_percentile(steps[i].s, 0.99) / 1000.0,
		       i == 3 ? "   (ue-sim's own time, not in the total)" : "");
	for (size_t i = 0; i < L->ncauses; i++)
		printf("failure %-30s %lu\n", L->causes[i].cause, L->causes[i].n);
}

static const char load_help[] =
	"usage: ue-sim load (--count N [--imsi-base DIGITS] | --users CSV) --registrar sip:IP:PORT\n"
	"                   --realm REALM [--k HEX (--op|--opc) HEX] [--rate R] [--concurrency C]\n"
	"                   [--duration S] [--json]\n"
	"Full AKA registrations (REGISTER/401/REGISTER/200) from many UEs.\n"
	"  --count N             N users: IMSI = imsi-base + i, IMPI IMSI@realm, IMPU sip:IMSI@realm,\n"
	"                        all with the --k/--op(c) keys\n"
	"  --imsi-base DIGITS    first IMSI (default 001010000100000)\n"
	"  --users CSV           users from a CSV with the hss-ctl import header\n"
	"                        (impi, impu, k, op|opc, amf used; others ignored)\n"
	"  --rate R              registrations started per second (default 0 = as fast as allowed)\n"
	"  --concurrency C       registrations in flight (default 64)\n"
	"  --duration S          keep registering for S seconds (default: each user once)\n"
	"  --timeout MS          give up on a registration without a final response after MS\n"
	"                        (default 10000); counted as a failure with that cause\n"
	"  --turn-us US          lean stack, 8 or more in flight: read and answer the responses\n"
	"                        in turns at most every US microseconds instead of waking for\n"
	"                        each (default 1000, 0 = wake for each); not in the latencies\n"

	"  --json                final report as JSON\n"
	"  --stack lean|nta      lean (default): a minimal UDP REGISTER client with the same\n"
	"                        USIM/digest code, so the generator costs little; nta: the full\n"
	"                        Sofia-SIP UAC of `register` (used for non-UDP transports)\n"
	"UE options:\n%s"
	"Exit: 0 when every registration succeeded, 1 otherwise, 2 bad usage.\n";

static void load_parse(int argc, char **argv, struct load_opts *o)
{
	enum { O_COUNT = OPT_UE_LAST + 1, O_USERS, O_BASE, O_RATE, O_CONC, O_DUR, O_TIMEOUT, O_TURN, O_JSON, O_STACK, O_HELP };
	static const struct option own[] = {
		{ "count", required_argument, NULL, O_COUNT }, { "users", required_argument, NULL, O_USERS },
		{ "imsi-base", required_argument, NULL, O_BASE }, { "rate", required_argument, NULL, O_RATE },
		{ "concurrency", required_argument, NULL, O_CONC },
		{ "duration", required_argument, NULL, O_DUR },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "turn-us", required_argument, NULL, O_TURN },
		{ "json", no_argument, NULL, O_JSON }, { "stack", required_argument, NULL, O_STACK },
		{ "help", no_argument, NULL, O_HELP }, { NULL, 0, NULL, 0 },
	};
	struct option opts[UE_CLI_NOPTS + 13];
	int c;

	memcpy(opts, ue_cli_options, UE_CLI_NOPTS * sizeof(opts[0]));
	memcpy(opts + UE_CLI_NOPTS, own, sizeof(own));
	ue_cli_init(&o->ue);
	o->imsi_base = "001010000100000";
	o->concurrency = 64;
	o->timeout_ms = 10000;
	o->turn_us = 1000;
	opterr = 0;
	while ((c = cli_getopt_long(UE_PROG, argc, argv, "", opts, NULL)) != -1) {
		if (ue_cli_option(&o->ue, c, optarg))
			continue;
		switch (c) {
		case O_COUNT: o->count = cli_uint(UE_PROG, "--count", optarg, 1, 10000000); break;
		case O_USERS: o->users_csv = optarg; break;
		case O_BASE:
			if (!optarg[0] || strspn(optarg, "0123456789") != strlen(optarg) || strlen(optarg) > 15)
				cli_usage_error(UE_PROG, "--imsi-base: expected up to 15 digits, got '%s'", optarg);
			o->imsi_base = optarg;
			break;
		case O_RATE: o->rate = (double)cli_uint(UE_PROG, "--rate", optarg, 0, 10000000); break;
		case O_CONC: o->concurrency = (unsigned)cli_uint(UE_PROG, "--concurrency", optarg, 1, 1000000); break;
		case O_DUR: o->duration = (double)cli_uint(UE_PROG, "--duration", optarg, 1, 86400); break;
		case O_TIMEOUT: o->timeout_ms = (unsigned)cli_uint(UE_PROG, "--timeout", optarg, 1, 600000); break;
		case O_TURN: o->turn_us = (unsigned)cli_uint(UE_PROG, "--turn-us", optarg, 0, 100000); break;
		case O_JSON: o->json = true; break;
		case O_STACK:
			if (strcmp(optarg, "lean") && strcmp(optarg, "nta"))
				cli_usage_error(UE_PROG, "--stack: expected lean or nta, got '%s'", optarg);
			o->nta = !strcmp(optarg, "nta");
			break;
		case O_HELP: printf(load_help, ue_cli_help); exit(0);
		default: cli_usage_error(UE_PROG, "%s: unknown or incomplete option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage_error(UE_PROG, "%s: unexpected argument", argv[optind]);
	if (!o->count == !o->users_csv)
		cli_usage_error(UE_PROG, "--count or --users: exactly one is needed");
	/* the IMSIs keep the base's digits: base+count-1 must fit in them (an
	 * IMSI has at most 15 digits, TS 23.003 §2.2) */
	if (o->count) {
		unsigned long long last = strtoull(o->imsi_base, NULL, 10) + o->count - 1, lim = 1;
		for (size_t d = strlen(o->imsi_base); d; d--)
			lim *= 10;
		if (last >= lim)
			cli_usage_error(UE_PROG, "--imsi-base: %s + %lu users run to %llu, longer than "
					"the base's %zu digits", o->imsi_base, (unsigned long)o->count,
					last, strlen(o->imsi_base));
	}
	ue_cli_finish(&o->ue, false);
	/* the lean client speaks UDP only; anything else goes through nta */
	if (strstr(o->ue.cfg.registrar, "transport=") && !strstr(o->ue.cfg.registrar, "transport=udp"))
		o->nta = true;
	if (o->count && o->ue.cfg.alg != DIGEST_ALG_MD5 && (!o->ue.have_k || !o->ue.have_op))
		cli_usage_error(UE_PROG, "--k and --op/--opc: needed for --count users");
	if (o->count && o->ue.cfg.alg == DIGEST_ALG_MD5 && !o->ue.cfg.password)
		cli_usage_error(UE_PROG, "--password: needed for --count users with --alg MD5");
}

int load_main(int argc, char **argv)
{
	static struct load_opts o;
	static struct load L;
	struct load_user *users = NULL;
	char err[512];
	long n;
	int rc = 1;

	load_parse(argc, argv, &o);
	L.o = &o;
	n = o.users_csv ? load_users_read(o.users_csv, &users, err, sizeof(err)) : (long)o.count;
	if (n < 0 || (o.users_csv && n == 0)) {
		fprintf(stderr, "ue-sim: --users: %s\n", n < 0 ? err : "no users in the file");
		return 2;
	}
	L.nues = (size_t)n;
	L.busy = calloc(L.nues, sizeof(*L.busy));
	L.reg = metrics_new();
	L.h401 = metric_series(metrics_histogram(L.reg, "register_401_seconds", "", NULL, NULL, 0));
	L.h200 = metric_series(metrics_histogram(L.reg, "answer_200_seconds", "", NULL, NULL, 0));
	L.htotal = metric_series(metrics_histogram(L.reg, "total_seconds", "", NULL, NULL, 0));
	if (!o.nta)
		L.lean = lean_open(o.ue.bind, o.ue.cfg.registrar, L.nues, o.ue.seed, on_lean_done, &L);
	else if ((L.ues = calloc(L.nues, sizeof(*L.ues))) && uac_open(&L.uac, o.ue.bind, o.ue.seed) < 0)
		L.uac.root = NULL;
	if (L.uac.root)
		uac_set_t1(&L.uac, o.ue.cfg.t1_ms); /* the lean client takes it per user (cfg) */
	if (!L.busy || (o.nta ? !L.uac.root : !L.lean)) {
		/* the lean client's socket is IPv4 (lean_uac.c) */
		fprintf(stderr, "ue-sim: cannot set up %zu UEs on %s towards %s%s\n", L.nues, o.ue.bind,
			o.ue.cfg.registrar, o.nta || !strchr(o.ue.cfg.registrar, '[') ? ""
			: " (the lean stack is IPv4 only: --stack nta for IPv6)");
		goto out;
	}
	if ((users ? load_users_csv(&L, users) : load_users_generated(&L)) < 0) {
		fprintf(stderr, "ue-sim: cannot create the UEs\n");
		goto out;
	}
	L.tty = isatty(STDERR_FILENO);
	snprintf(L.timeout_cause, sizeof(L.timeout_cause), "no final response within %u ms",
		 o.timeout_ms);
	if (L.lean) {
		lean_set_timeout(L.lean, o.timeout_ms);
		lean_set_turn(L.lean, o.turn_us);
	}
	L.t0 = L.last_progress = L.last_scan = L.last_tick = uac_now_ns();
	L.t_end_start = L.t0 + (uint64_t)(o.duration * 1e9);
	L.tokens = o.rate > 0 ? 1 : 0;
	if (load_run(&L) < 0)
		goto out;
	progress(&L, true);
	report(&L);
	rc = L.failed == 0 && L.ok > 0 ? 0 : 1;
out:
	if (L.tick)
		su_timer_destroy(L.tick);
	for (size_t i = 0; L.ues && i < L.nues; i++)
		if (L.ues[i].uac)
			ue_fini(&L.ues[i]);
	if (L.uac.root)
		uac_close(&L.uac);
	lean_close(L.lean);
	free(L.ues);
	free(L.busy);
	free(L.ids);
	load_users_free(users, n > 0 ? n : 0);
	lat_free(&L.l401), lat_free(&L.l200), lat_free(&L.ltotal), lat_free(&L.lue);
	metrics_free(L.reg);
	return rc;
}
