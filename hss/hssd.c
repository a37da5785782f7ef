/* hssd: the HSS daemon (Cx over Diameter, TCP and SCTP). Command line per
 * DESIGN.md's contract; configuration in hss/config.c; the loop in
 * hss/server.c. Exit codes: 0 clean stop (or -n check passed), 1 config
 * check / startup failure, 2 bad usage. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aka/aka.h"
#include "config.h"
#include "db.h"
#include "server.h"
#include "util/cli.h"
#include "util/log.h"

#define PROG "hssd"

static volatile sig_atomic_t stop_flag, hup_flag;

static void on_stop(int sig) { (void)sig; stop_flag = 1; }
static void on_hup(int sig) { (void)sig; hup_flag = 1; }

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: hssd [-c FILE] [--db FILE|URI] [--listen tcp://IP:PORT|sctp://IP:PORT ...]\n"
		"            [--origin-host FQDN] [--realm REALM] [--peer FQDN ...]\n"
		"            [--agent FQDN ...] [--accept-any-peer] [--log-level L] [--log-file FILE] [--log-keys]\n"
		"            [--max-vectors N] [--watchdog SECONDS] [--port-file FILE] [--seed N]\n"
		"            [--metrics tcp://IP:PORT] [--no-faults]\n"
		"       hssd -n -c FILE [overrides]   check the configuration and print it\n"
		"\n"
		"  -c, --config FILE     INI configuration (every key: hssd.conf.example in\n"
		"                        /usr/share/doc/ims-hss-bench/examples, or hss/)\n"
		"      --db FILE|URI     the store: an SQLite file (created if missing) or\n"
		"                        postgresql://USER@HOST:PORT/DB; provision with hss-ctl\n"
		"      --listen URI      listen endpoint, repeatable (replaces the file's list);\n"
		"                        port 0 = a free port (logged, see --port-file)\n"
		"      --origin-host FQDN  our Diameter identity\n"
		"      --realm REALM     our Origin-Realm\n"
		"      --peer FQDN       Origin-Host allowed to connect, repeatable (replaces the file's)\n"
		"      --agent FQDN      a Diameter agent allowed to connect (relay/proxy, e.g.\n"
		"                        freeDiameterd): its requests carry other Origin-Hosts, and\n"
		"                        RTR/PPR/CLR/IDR to a node that is no direct peer go\n"
		"                        through it; repeatable, with --peer replaces the file's\n"
		"      --accept-any-peer accept any Origin-Host (labs only)\n"
		"      --log-level L     error|warn|notice|info|debug (default info)\n"
		"      --log-file FILE   log here instead of stderr (reopened on SIGHUP)\n"
		"      --log-keys        allow key material (CK, IK, XRES) in debug dumps\n"
		"      --max-vectors N   cap on SIP-Number-Auth-Items (1..32, default 5)\n"
		"      --watchdog S      Tw for DWR/DWA in seconds (6..3600, default 30)\n"
		"      --port-file FILE  write the first listener's bound port to FILE\n"
		"      --seed N          deterministic RANDs (golden-file tests; never in production)\n"
		"      --metrics URI     serve Prometheus metrics (GET /metrics) on tcp://IP:PORT\n"
		"      --no-faults       ignore the store's fault rules (hss-ctl fault; production)\n"
		"  -n, --check           check the configuration, print it, exit 0 or 1\n"
		"  -h, --help            this text\n"
		"      --version         print \"hssd VERSION\" and exit\n");
}

enum {
	OPT_DB = 256, OPT_LISTEN, OPT_ORIGIN, OPT_REALM, OPT_PEER, OPT_ANY, OPT_LEVEL, OPT_LOGFILE,
	OPT_KEYS, OPT_MAXV, OPT_WATCHDOG, OPT_PORTFILE, OPT_SEED, OPT_METRICS, OPT_NO_FAULTS,
	OPT_AGENT,
};

static const struct option opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "check", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "db", required_argument, NULL, OPT_DB },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "origin-host", required_argument, NULL, OPT_ORIGIN },
	{ "realm", required_argument, NULL, OPT_REALM },
	{ "peer", required_argument, NULL, OPT_PEER },
	{ "agent", required_argument, NULL, OPT_AGENT },
	{ "accept-any-peer", no_argument, NULL, OPT_ANY },
	{ "log-level", required_argument, NULL, OPT_LEVEL },
	{ "log-file", required_argument, NULL, OPT_LOGFILE },
	{ "log-keys", no_argument, NULL, OPT_KEYS },
	{ "max-vectors", required_argument, NULL, OPT_MAXV },
	{ "watchdog", required_argument, NULL, OPT_WATCHDOG },
	{ "port-file", required_argument, NULL, OPT_PORTFILE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "no-faults", no_argument, NULL, OPT_NO_FAULTS },
	{ NULL, 0, NULL, 0 },
};

/* Command-line values, applied over the file in a second pass. */
struct cli {
	const char *config;
	bool check;
	const char *listen[HSS_MAX_LISTEN], *peer[HSS_MAX_PEERS];
	bool agent[HSS_MAX_PEERS]; /* peer[i] came from --agent */
	int nlisten, npeer;
	struct { const char *key, *val, *opt; } set[16];
	int nset;
	bool any, keys, seeded;
	uint64_t seed;
	const char *port_file;
};

static void add_set(struct cli *c, const char *key, const char *val, const char *opt)
{
	if (c->nset < 16)
		c->set[c->nset++] = (typeof(c->set[0])){ key, val, opt };
}

static void parse_cli(int argc, char **argv, struct cli *c)
{
	int o;

	memset(c, 0, sizeof(*c));
	opterr = 0; /* one line of ours, not getopt's as well */
	while ((o = cli_getopt_long(PROG, argc, argv, "c:nh", opts, NULL)) != -1) {
		switch (o) {
		case 'c': c->config = optarg; break;
		case 'n': c->check = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_DB: add_set(c, "db", optarg, "--db"); break;
		case OPT_ORIGIN: add_set(c, "origin-host", optarg, "--origin-host"); break;
		case OPT_REALM: add_set(c, "realm", optarg, "--realm"); break;
		case OPT_LEVEL: add_set(c, "level", optarg, "--log-level"); break;
		case OPT_LOGFILE: add_set(c, "file", optarg, "--log-file"); break;
		case OPT_MAXV: add_set(c, "max-vectors", optarg, "--max-vectors"); break;
		case OPT_WATCHDOG: add_set(c, "watchdog", optarg, "--watchdog"); break;
		case OPT_METRICS: add_set(c, "metrics", optarg, "--metrics"); break;
		case OPT_NO_FAULTS: add_set(c, "no-faults", "yes", "--no-faults"); break;
		case OPT_ANY: c->any = true; break;
		case OPT_KEYS: c->keys = true; break;
		case OPT_PORTFILE: c->port_file = optarg; break;
		case OPT_SEED:
			c->seed = cli_uint(PROG, "--seed", optarg, 0, UINT64_MAX);
			c->seeded = true;
			break;
		case OPT_LISTEN:
			if (c->nlisten >= HSS_MAX_LISTEN)
				cli_usage_error(PROG, "--listen: at most %d", HSS_MAX_LISTEN);
			c->listen[c->nlisten++] = optarg;
			break;
		case OPT_PEER:
		case OPT_AGENT:
			if (c->npeer >= HSS_MAX_PEERS)
				cli_usage_error(PROG, "--peer/--agent: at most %d", HSS_MAX_PEERS);
			c->agent[c->npeer] = o == OPT_AGENT;
			c->peer[c->npeer++] = optarg;
			break;
		default:
			cli_usage_error(PROG, "unknown option or missing value: %s",
					argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_usage_error(PROG, "unexpected argument '%s'", argv[optind]);
}

static void apply_cli(const struct cli *c, struct hss_config *cfg)
{
	char err[256];

	for (int i = 0; i < c->nset; i++)
		if (hss_config_set(cfg, c->set[i].key, c->set[i].val, err, sizeof(err)) < 0)
			cli_usage_error(PROG, "%s: %s", c->set[i].opt, err);
	if (c->nlisten)
		cfg->nlisten = 0;
	for (int i = 0; i < c->nlisten; i++)
		if (hss_config_set(cfg, "listen", c->listen[i], err, sizeof(err)) < 0)
			cli_usage_error(PROG, "--listen: %s", err);
	if (c->npeer)
		cfg->npeers = 0;
	for (int i = 0; i < c->npeer; i++)
		if (hss_config_set(cfg, c->agent[i] ? "agent" : "peer", c->peer[i], err,
				   sizeof(err)) < 0)
			cli_usage_error(PROG, "--%s: %s", c->agent[i] ? "agent" : "peer", err);
	if (c->any)
		cfg->accept_any_peer = true;
	if (c->keys)
		cfg->log_keys = true;
	if (c->port_file)
		snprintf(cfg->port_file, sizeof(cfg->port_file), "%s", c->port_file);
	cfg->seeded = c->seeded;
	cfg->seed = c->seed;
	if (!cfg->nlisten) /* RFC 6733 §2.1: 3868; loopback unless told otherwise */
		hss_config_set(cfg, "listen", "tcp://127.0.0.1:3868", err, sizeof(err));
}

#define HSSD_BUSY_TIMEOUT_MS 250

static int run(const struct hss_config *cfg)
{
	struct hss_server *srv = NULL;
	struct db *db = NULL;
	struct sigaction sa = { 0 };
	char shown[512];
	int rc;

	rc = db_open(cfg->db, &db);
	if (rc < 0) {
		LOGE(LOG_MAIN, "cannot open the store: %s", db_errmsg(NULL));
		return 1;
	}
	/* A store hssd may read but not write (a SELECT-only role, a
	 * read-only database or standby) would start and answer 5012 to every
	 * MAR/AIR: refuse it with one line instead (issue 16 item 8). A full
	 * disk is not refused: hssd starts and recovers when space returns,
	 * as when the disk fills while it runs (docs/hssd.md, "Store
	 * faults"). */
	rc = db_probe_write(db);
	if (rc && rc != -EBUSY) {
		LOGE(LOG_MAIN, "cannot write the store %s: %s",
		     db_where_shown(cfg->db, shown, sizeof(shown)), db_errmsg(db));
		db_close(db);
		return 1;
	}
	/* A turn blocked on hss-ctl's lock stalls every peer: wait at most
	 * this long, then answer the turn's requests with 5012. */
	db_set_busy_timeout(db, HSSD_BUSY_TIMEOUT_MS);
	rc = hss_server_open(&srv, cfg, db);
	if (rc < 0) {
		db_close(db);
		return 1;
	}
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	LOGN(LOG_MAIN, "hssd started: origin-host %s, realm %s, store %s, %d allowed peer(s)%s",
	     cfg->origin_host, cfg->realm, db_where_shown(cfg->db, shown, sizeof(shown)),
	     cfg->npeers,
	     cfg->accept_any_peer ? ", any peer accepted" : "");
	rc = hss_server_run(srv, &stop_flag, &hup_flag);
	hss_server_free(srv);
	db_close(db);
	LOGN(LOG_MAIN, "hssd stopped");
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct hss_config cfg;
	struct aka_seeded seeded;
	struct cli cli;
	char err[600];
	int rc;

	cli_version_check(PROG, argc, argv);
	parse_cli(argc, argv, &cli);
	hss_config_defaults(&cfg);
	if (cli.config && hss_config_load(&cfg, cli.config, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err); /* err names the file (and line) */
		return EXIT_CHECK_FAILED;
	}
	apply_cli(&cli, &cfg);
	if (hss_config_check(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s%s\n", cli.config ? cli.config : PROG, err,
			cli.config ? "" : " (no -c FILE given)");
		return EXIT_CHECK_FAILED;
	}
	if (cli.check) {
		hss_config_print(&cfg, stdout);
		return 0;
	}
	log_set_level((enum log_level)cfg.log_level);
	log_keys_enabled = cfg.log_keys;
	if (cfg.log_file[0] && (rc = log_open(cfg.log_file)) < 0) {
		fprintf(stderr, "%s: --log-file %s: %s\n", PROG, cfg.log_file, strerror(-rc));
		return EXIT_CHECK_FAILED;
	}
	if (cfg.seeded) {
		/* Deterministic RANDs for golden-file CI (aka.h randomness seam). */
		aka_seeded_init(&seeded, cfg.seed);
		aka_set_rand_source(aka_seeded_rand, &seeded);
		LOGW(LOG_MAIN, "--seed %llu: RANDs are predictable (tests only)",
		     (unsigned long long)cfg.seed);
	}
	rc = run(&cfg);
	log_close();
	return rc;
}
