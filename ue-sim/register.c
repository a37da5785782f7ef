/* `ue-sim register` (see register.h). */
#include "register.h"

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "uac.h"
#include "ue_cli.h"
#include "ue_secagree.h"
#include "util/cli.h"
#include "util/json.h"
#include "util/log.h"

enum { OPT_EXPLAIN = OPT_UE_LAST + 1, OPT_JSON, OPT_HOLD, OPT_DEREG, OPT_TIMEOUT, OPT_HELP, OPT_SEC };

struct reg_opts {
	struct ue_cli ue;
	bool explain, json, dereg;
	unsigned hold_s, timeout_ms;
};

static const char reg_help[] =
	"usage: ue-sim register --registrar sip:IP:PORT --impi S --impu URI --realm REALM\n"
	"                       --k HEX (--op|--opc) HEX [options]\n"
	"Registers one UE: REGISTER, 401 with an AKA nonce, REGISTER with the digest\n"
	"answer, 200 OK (resync and stale challenges are answered automatically).\n"
	"Options:\n%s"
	"  --explain                 print the flow as a ladder with every derived value\n"
	"  --json                    print {status, reason, service_route, associated_uris, ...}\n"
	"  --hold S                  stay registered S seconds (refresh before expiry), then de-register\n"
	"                            (SIGINT/SIGTERM: de-register now and exit)\n"
	"  --deregister              de-register right after the 200 OK\n"
	"  --timeout MS              give up on a step after MS (default 40000)\n"
	"  --sec-agree               sec-agree with the P-CSCF (TS 33.203 §7): offer IPsec in\n"
	"                            Security-Client, key ESP SAs from CK/IK after the 401 (needs\n"
	"                            CAP_NET_ADMIN and a kernel with ESP); --registrar is the P-CSCF\n"
	"  --sec-alg LIST            integrity algorithms offered: hmac-sha-1-96,hmac-md5-96 (default both)\n"
	"  --sec-ealg LIST           encryption offered: null,aes-cbc (default both)\n"
	"  --sec-ports C,S           the UE's protected client and server ports (default free ones)\n"
	"Exit: 0 on 200 OK, 1 otherwise (reason on stderr), 2 on bad usage.\n";

static void reg_parse(int argc, char **argv, struct reg_opts *o)
{
	struct option opts[UE_CLI_NOPTS + 12];
	static const struct option own[] = {
		{ "explain", no_argument, NULL, OPT_EXPLAIN }, { "json", no_argument, NULL, OPT_JSON },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "deregister", no_argument, NULL, OPT_DEREG },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "sec-agree", no_argument, NULL, OPT_SEC }, { "sec-alg", required_argument, NULL, OPT_SEC },
		{ "sec-ealg", required_argument, NULL, OPT_SEC },
		{ "sec-ports", required_argument, NULL, OPT_SEC }, { NULL, 0, NULL, 0 },
	};
	int c, idx = 0;
	char err[160];

	memcpy(opts, ue_cli_options, UE_CLI_NOPTS * sizeof(opts[0]));
	memcpy(opts + UE_CLI_NOPTS, own, sizeof(own));
	ue_cli_init(&o->ue);
	o->timeout_ms = 40000;
	opterr = 0;
	while ((c = cli_getopt_long(UE_PROG, argc, argv, "", opts, &idx)) != -1) {
		if (ue_cli_option(&o->ue, c, optarg))
			continue;
		switch (c) {
		case OPT_EXPLAIN: o->explain = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_DEREG: o->dereg = true; break;
		case OPT_HOLD: o->hold_s = (unsigned)cli_uint(UE_PROG, "--hold", optarg, 0, 86400); break;
		case OPT_TIMEOUT:
			o->timeout_ms = (unsigned)cli_uint(UE_PROG, "--timeout", optarg, 1, 3600000);
			break;
		case OPT_HELP: printf(reg_help, ue_cli_help); exit(0);
		case OPT_SEC:
			if (ue_sec_option(&o->ue.cfg.sec, opts[idx].name, optarg, err, sizeof(err)) < 0)
				cli_usage_error(UE_PROG, "--%s: %s", opts[idx].name, err);
			break;
		default:
			cli_usage_error(UE_PROG, "%s: unknown or incomplete option",
					argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage_error(UE_PROG, "%s: unexpected argument", argv[optind]);
	ue_cli_finish(&o->ue, true);
}

/* URIs of a header value, split at commas outside <...>. */
static void json_uri_list(struct json *j, const char *key, const char *v)
{
	char item[1024];
	size_t n = 0;
	int depth = 0;

	json_arr_begin(j, key);
	for (const char *p = v;; p++) {
		if (*p == '<')
			depth++;
		else if (*p == '>')
			depth--;
		if (*p == '\0' || (*p == ',' && depth <= 0)) {
			while (n && item[n - 1] == ' ')
				n--;
			item[n] = '\0';
			if (n)
				json_str(j, NULL, item);
			n = 0;
			if (!*p)
				break;
			continue;
		}
		if ((n || *p != ' ') && n + 1 < sizeof(item))
			item[n++] = *p;
	}
	json_arr_end(j);
}

static const char *reg_reason(const struct ue *ue)
{
	static char buf[320];
	char me[24];

	if (ue->error)
		return ue->error;
	if (ue->status >= 200 && ue->status < 300)
		return ue->cfg.expires ? "registered" : "de-registered (--expires 0)";
	snprintf(buf, sizeof(buf), "%d %s%s", ue->status, ue->resp ? ue->resp->phrase : "",
		 ue_status_origin(ue));
	/* nothing was answered: say so rather than a bare "401 Unauthorized" */
	if (ue->status == 401 && !ue->have_chal && !ue->status_local)
		snprintf(buf, sizeof(buf), "401 %s (no Digest challenge with a nonce in it: "
			 "WWW-Authenticate missing, not Digest or unparsable)",
			 ue->resp ? ue->resp->phrase : "");
	/* RFC 3261 §10.2.8: a 423 names the shortest expiry the registrar takes */
	if (ue->status == 423 && ue->resp && ue_resp_header(ue->resp, "Min-Expires", me, sizeof(me)))
		snprintf(buf, sizeof(buf), "423 %s (Min-Expires: %s; --expires asked %u)",
			 ue->resp->phrase, me, ue->cfg.expires);
	if (ue->ans.kind == UE_ANS_MAC_FAILURE && ue->have_chal)
		snprintf(buf, sizeof(buf), "%d %s (the USIM found a MAC failure: wrong K/OP(c)?)",
			 ue->status, ue->resp ? ue->resp->phrase : "");
	return buf;
}

static void reg_report(const struct reg_opts *o, const struct ue *ue, int rc)
{
	if (o->json) {
		struct json j;
		json_begin(&j, stdout);
		json_int(&j, "status", ue->status);
		json_str(&j, "reason", reg_reason(ue));
		json_uri_list(&j, "service_route", ue->service_route);
		json_uri_list(&j, "associated_uris", ue->associated_uris);
		json_int(&j, "expires", ue->granted_expires);
		json_int(&j, "challenges", ue->challenges);
		json_int(&j, "retries", ue->retries);
		ue_sec_json(ue, &j);
		json_end(&j);
	} else if (rc == 0) {
		printf("%s: %d, expires %d\n", ue->cfg.expires ? "registered" : "de-registered",
		       ue->status, ue->granted_expires);
		printf("Service-Route: %s\nP-Associated-URI: %s\n", ue->service_route,
		       ue->associated_uris);
	}
	if (rc != 0)
		fprintf(stderr, "ue-sim: registration failed: %s\n", reg_reason(ue));
	fflush(stdout); /* --hold: the result is readable while the UE stays */
}

/* SIGINT/SIGTERM during --hold: end the hold now and de-register, as a
 * UE does when switched off (TS 24.229 §5.1.1.6), instead of dying with
 * its binding left at the S-CSCF until it expires. */
static volatile sig_atomic_t hold_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	hold_stop = 1;
}

/* Runs the loop for ms, in slices, until a stop signal. false when one came. */
static bool hold_sleep(struct ue *ue, uint64_t ms)
{
	for (uint64_t end = uac_now_ns() + ms * 1000000ull; !hold_stop && uac_now_ns() < end;) {
		uint64_t left = (end - uac_now_ns()) / 1000000ull;
		uac_sleep(ue->uac, left > 100 ? 100 : (unsigned)left + 1);
	}
	return !hold_stop;
}

/* --hold: refresh at half the granted expiry (TS 24.229 §5.1.1.4.1 asks
 * for 600 s before expiry or half the time when shorter), then leave. */
static int reg_hold(const struct reg_opts *o, struct ue *ue)
{
	uint64_t end = uac_now_ns() + (uint64_t)o->hold_s * 1000000000ull;
	struct sigaction sa = { .sa_handler = on_stop_signal }, old;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	/* an ignored SIGINT (a background job of a shell) stays ignored */
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	while (uac_now_ns() < end) {
		unsigned exp = ue->granted_expires > 0 ? (unsigned)ue->granted_expires : ue->cfg.expires;
		unsigned wait_ms = exp > 1200 ? (exp - 600) * 1000 : exp * 500;
		uint64_t left_ms = (end - uac_now_ns()) / 1000000ull;
		if (wait_ms >= left_ms) {
			hold_sleep(ue, left_ms);
			break;
		}
		if (!hold_sleep(ue, wait_ms))
			break;
		if (ue_step_sync(ue, UE_STEP_REREGISTER, NULL, o->timeout_ms) < 0 || ue->status != 200)
			return -1;
		if (!o->json)
			printf("refreshed: %d, expires %d\n", ue->status, ue->granted_expires);
	}
	return 0;
}

int register_main(int argc, char **argv)
{
	static struct reg_opts o;
	static struct uac uac;
	static struct ue ue;
	struct ue_step_opts so = { .auto_answer = true, .expires = -1, .max_challenges = 3 };
	int rc = -1;

	reg_parse(argc, argv, &o);
	log_keys_enabled = o.explain;
	if (uac_open(&uac, o.ue.bind, o.ue.seed) < 0) {
		fprintf(stderr, "ue-sim: cannot open SIP on %s\n", o.ue.bind);
		return 1;
	}
	uac_set_t1(&uac, o.ue.cfg.t1_ms);
	if (ue_init(&ue, &uac, &o.ue.cfg, true) == 0) {
		if (o.explain)
			explain_attach(&ue, stdout);
		if (ue_step_sync(&ue, UE_STEP_REGISTER, &so, o.timeout_ms) == 0 && ue.status == 200)
			rc = 0;
	}
	reg_report(&o, &ue, rc);
	if (rc == 0 && (o.hold_s || o.dereg)) {
		if (o.hold_s && reg_hold(&o, &ue) < 0)
			rc = -1;
		if (ue_step_sync(&ue, UE_STEP_DEREGISTER, &so, o.timeout_ms) < 0 || ue.status != 200)
			rc = -1;
		if (!o.json)
			printf("de-registered: %d\n", ue.status);
	}
	ue_fini(&ue);
	uac_close(&uac);
	return rc == 0 ? 0 : 1;
}
