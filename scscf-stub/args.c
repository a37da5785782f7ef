/* scscf-stub command line (DESIGN.md contract): -c FILE is read first, then
 * every flag overrides the file. Flags map onto config keys, so a flag and
 * its key can never disagree. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scscf_config.h"
#include "util/cli.h"

#define PROG "scscf-stub"

static const char usage[] =
	"usage: scscf-stub [-c FILE] [-n] [--sip sip:IP:PORT ...] [--hss tcp|sctp://IP:PORT]\n"
	"       [--origin-host FQDN] [--realm REALM] [--name sip:URI] [--hss-host FQDN]\n"
	"       [--hss-realm REALM] [--scheme AKAv1-MD5|AKAv2-MD5|MD5]\n"
	"       [--challenge every|initial] [--qop auth|auth-int|auth,auth-int]\n"
	"       [--nonce-ttl S] [--hss-timeout MS] [--auth-items N] [--sip-rcvbuf OCTETS]\n"
	"       [--sip-sndbuf OCTETS] [--watchdog S] [--reconnect-max S]\n"
	"       [--default-expires S] [--min-expires S] [--max-expires S] [--retry-after S]\n"
	"       [--max-pending N] [--pending-reserve PCT] [--pending-source address|via]\n"
	"       [--timer-j MS] [--ck-ik-always]\n"
	"       [--state-file FILE] [--port-file FILE]\n"
	"       [--log-level error|warn|notice|info|debug] [--log-file FILE] [--log-keys]\n"
	"       [--sofia-log] [--metrics tcp://IP:PORT] [--fault RULE ...]\n"
	"\n"
	"An IMS S-CSCF stub: answers SIP REGISTER with IMS AKA (or SIP Digest)\n"
	"challenges fetched from an HSS over Diameter Cx. See docs/scscf-stub.md.\n"
	"  -c, --config FILE  INI config (keys as in scscf.conf.example)\n"
	"  -n               check the config, print the effective config, exit\n"
	"  --sip URI        listen URI (repeatable; port 0 picks a free port)\n"
	"  --KEY VALUE      every other option sets the config key of the same name\n"
	"  --port-file FILE write the bound SIP port there once listening\n"
	"  --max-pending N  REGISTERs awaiting the HSS at most (default 4096, about\n"
	"                   10 KiB each); beyond: 503 with Retry-After\n"
	"  --pending-reserve PCT  PCT % more slots (default 25) for the sources that\n"
	"                   hold fewer than that many: one flooding source cannot\n"
	"                   take them all\n"
	"  --pending-source address|via  one source is the sender's address (default)\n"
	"                   or the UE's Via (behind a P-CSCF)\n"
	"  --timer-j MS     how long an answered UDP REGISTER transaction absorbs\n"
	"                   retransmissions (default 5000; RFC 3261: 64*T1 = 32000)\n"
	"  --ck-ik-always   ck=/ik= in every AKA 401; by default only when the\n"
	"                   REGISTER came through a P-CSCF (a Path header)\n"
	"  --metrics tcp://IP:PORT  serve Prometheus metrics (GET /metrics)\n"
	"  --fault RULE     inject a SIP fault (repeatable; docs/faults.md):\n"
	"                   ACTION [on=initial|auth|any] [user=GLOB] [every=N|probability=P]\n"
	"                   [count=N] [retry-after=S] [min-expires=S] with ACTION one of\n"
	"                   status:CODE, drop, challenge-twice, stale-nonce,\n"
	"                   omit:Service-Route, omit:P-Associated-URI, deregister-after:S.\n"
	"                   SIGHUP re-reads the file's `fault =` lines (flags stay)\n"
	"  --version        print \"scscf-stub VERSION\" and exit\n";

/* Long options: `key` is the config key the flag sets (NULL = special). */
struct flag {
	const char *opt;
	const char *key;
	int has_arg;
};

static const struct flag flags[] = {
	{ "sip", "sip", 1 },               { "hss", "hss", 1 },
	{ "origin-host", "origin_host", 1 }, { "realm", "realm", 1 },
	{ "name", "name", 1 },             { "hss-host", "hss_host", 1 },
	{ "hss-realm", "hss_realm", 1 },   { "scheme", "scheme", 1 },
	{ "challenge", "challenge", 1 },   { "qop", "qop", 1 },
	{ "nonce-ttl", "nonce_ttl", 1 },   { "hss-timeout", "hss_timeout", 1 },
	{ "auth-items", "auth_items", 1 }, { "sip-rcvbuf", "sip_rcvbuf", 1 },
	{ "sip-sndbuf", "sip_sndbuf", 1 },  { "watchdog", "watchdog", 1 },
	{ "reconnect-max", "reconnect_max", 1 }, { "default-expires", "default_expires", 1 },
	{ "min-expires", "min_expires", 1 }, { "max-expires", "max_expires", 1 },
	{ "retry-after", "retry_after", 1 }, { "max-pending", "max_pending", 1 },
	{ "ck-ik-always", "ck_ik_always", 0 },
	{ "pending-reserve", "pending_reserve", 1 }, { "pending-source", "pending_source", 1 },
	{ "timer-j", "timer_j", 1 },
	{ "state-file", "state_file", 1 }, { "port-file", "port_file", 1 },
	{ "log-level", "log_level", 1 },   { "log-file", "log_file", 1 },
	{ "log-keys", "log_keys", 0 },     { "sofia-log", "sofia_log", 0 },
	{ "metrics", "metrics", 1 },       { "fault", "fault", 1 },
	{ "help", NULL, 0 },
	{ "config", "", 1 }, /* read by load_file_first() */
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static void build_longopts(struct option *lo)
{
	for (size_t i = 0; i < NFLAGS; i++)
		lo[i] = (struct option){ .name = flags[i].opt,
					 .has_arg = flags[i].has_arg ? required_argument
								     : no_argument,
					 .val = 256 + (int)i };
	lo[NFLAGS] = (struct option){ 0 };
}

static void load_file_first(struct scscf_config *c, int argc, char **argv)
{
	char err[512];

	for (int i = 1; i < argc; i++) {
		const char *file;

		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) {
			if (i + 1 >= argc)
				cli_usage_error(PROG, "%s: missing FILE", argv[i]);
			file = argv[++i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			file = argv[i] + 9;
		} else if (!strncmp(argv[i], "-c", 2) && argv[i][2] && argv[i][1] != '-') {
			file = argv[i] + 2;
		} else {
			continue;
		}
		if (scscf_config_load(c, file, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", PROG, err);
			exit(EXIT_CHECK_FAILED);
		}
	}
}

void scscf_config_from_args(struct scscf_config *c, int argc, char **argv)
{
	struct option lo[NFLAGS + 1];
	bool sip_flag_seen = false;
	char err[512];
	int opt;

	build_longopts(lo);
	load_file_first(c, argc, argv);
	c->n_fault_file = c->n_fault;
	optind = 1;
	opterr = 0; /* our own one-line message below */
	while ((opt = cli_getopt_long(PROG, argc, argv, "c:nh", lo, NULL)) != -1) {
		if (opt == 'c' || (opt >= 256 && flags[opt - 256].key && !*flags[opt - 256].key))
			continue;
		if (opt == 'n') {
			c->check_only = true;
			continue;
		}
		if (opt == 'h' || (opt >= 256 && !flags[opt - 256].key)) {
			fputs(usage, stdout);
			exit(0);
		}
		/* getopt's '?' with optopt set: a known flag without its value */
		if (opt == '?' && optopt >= 256 && optopt < 256 + (int)NFLAGS)
			cli_usage_error(PROG, "--%s: missing value", flags[optopt - 256].opt);
		if (opt < 256)
			cli_usage_error(PROG, "unknown argument '%s'", argv[optind - 1]);
		const struct flag *f = &flags[opt - 256];
		if (!strcmp(f->key, "sip") && !sip_flag_seen) {
			sip_flag_seen = true; /* flags replace the file's list */
			c->n_sip = 0;
		}
		if (scscf_config_set(c, f->key, f->has_arg ? optarg : "yes", err, sizeof(err)))
			cli_usage_error(PROG, "--%s: %s", f->opt, err);
	}
	if (optind < argc)
		cli_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
}
