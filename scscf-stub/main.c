/* scscf-stub: an IMS S-CSCF stub — Sofia-SIP registrar + Cx client in one
 * su_root loop (DESIGN.md). Signal handlers only set flags (STYLE.md §2);
 * a 100 ms timer in the su_root loop acts on them. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sofia-sip/su.h>
#include <sofia-sip/su_wait.h>

#include "clock.h"
#include "scscf_config.h"
#include "cx_client.h"
#include "metrics_io.h"
#include "registrar.h"
#include "scscf_metrics.h"
#include "sip_io.h"
#include "util/cli.h"
#include "util/log.h"

static volatile sig_atomic_t got_term, got_usr1, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Writes path atomically (tmp + rename) so readers never see half a file. */
static int write_file(const char *path, void (*fn)(void *, FILE *), void *arg)
{
	char tmp[SCSCF_STR + 8];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (!fp)
		return -errno;
	fn(arg, fp);
	if (fclose(fp))
		return -errno;
	return rename(tmp, path) ? -errno : 0;
}

static void dump_bindings(void *arg, FILE *fp)
{
	bind_dump_json(registrar_bindings(arg), mono_ms(), fp);
}

static void dump_state(const struct scscf_config *cfg, struct registrar *reg)
{
	int rc;

	if (!*cfg->state_file) {
		dump_bindings(reg, stderr);
		return;
	}
	rc = write_file(cfg->state_file, dump_bindings, reg);
	if (rc)
		LOGE(LOG_MAIN, "state file %s: %s", cfg->state_file, strerror(-rc));
	else
		LOGI(LOG_MAIN, "bindings written to %s", cfg->state_file);
}

static void write_port(void *arg, FILE *fp)
{
	fprintf(fp, "%u\n", *(unsigned *)arg);
}

static int cx_send(void *arg, const uint8_t *buf, size_t len,
		   void (*fn)(void *, int, const struct diam_msg *, const char *), void *fnarg)
{
	return cx_client_request(arg, buf, len, fn, fnarg);
}

static ssize_t on_cx_request(void *arg, const struct diam_msg *req, uint8_t *buf, size_t cap)
{
	if (req->hdr.code == DIAM_CMD_PP)
		return registrar_on_ppr(arg, req, buf, cap);
	return registrar_on_rtr(arg, req, buf, cap);
}

static int setup_logging(const struct scscf_config *cfg)
{
	log_set_level((enum log_level)cfg->log_level);
	log_keys_enabled = cfg->log_keys;
	sip_io_sofia_logging(cfg->sofia_log);
	if (*cfg->log_file && log_open(cfg->log_file)) {
		fprintf(stderr, "scscf-stub: cannot open log file %s\n", cfg->log_file);
		return -1;
	}
	return 0;
}

static void cx_cfg_from(const struct scscf_config *cfg, struct cx_client_cfg *cc)
{
	memset(cc, 0, sizeof(*cc));
	scscf_parse_hss_uri(cfg->hss, &cc->hss); /* validated before */
	cc->id = (struct cx_ident){ .origin_host = cfg->origin_host, .origin_realm = cfg->realm,
				    .dest_realm = *cfg->hss_realm ? cfg->hss_realm : cfg->realm,
				    .dest_host = cfg->hss_host, .server_name = cfg->name,
				    .origin_state_id = (uint32_t)time(NULL) };
	cc->timeout_ms = cfg->hss_timeout_ms;
	cc->watchdog_s = cfg->watchdog_s;
	cc->reconnect_max_s = cfg->reconnect_max_s;
}

/* Host part of each sip:HOST:PORT listen URI: a digest-uri may name it. */
static void add_local_hosts(struct registrar *reg, const struct scscf_config *cfg)
{
	for (unsigned i = 0; i < cfg->n_sip; i++) {
		char h[SCSCF_STR];
		const char *p = cfg->sip[i] + 4;
		size_t l = *p == '[' ? strcspn(p, "]") + 1 : strcspn(p, ":;");
		snprintf(h, sizeof(h), "%.*s", (int)l, p);
		registrar_add_local_host(reg, h);
	}
}

struct loop {
	su_root_t *root;
	const struct scscf_config *cfg;
	struct registrar *reg;
	struct cx_client *cx;
	struct sip_io *io;
	struct metrics_io *mio;
	struct scscf_metrics *sm;
	unsigned fault_gen;
	uint64_t next_tick;
};

/* The rules as the config says (file, then --fault flags). */
static int apply_faults(struct loop *l, const char (*rules)[SCSCF_STR], unsigned n)
{
	const char *v[SCSCF_MAX_FAULTS] = { 0 };
	char err[512];

	for (unsigned i = 0; i < n; i++)
		v[i] = rules[i];
	if (registrar_set_faults(l->reg, v, n, err, sizeof(err))) {
		LOGE(LOG_MAIN, "fault rules not changed: %s", err);
		return -1;
	}
	/* one line per change: scripts wait for it after a SIGHUP */
	LOGN(LOG_MAIN, "fault rules (generation %u): %u active", ++l->fault_gen, n);
	for (unsigned i = 0; i < n; i++)
		LOGN(LOG_MAIN, "fault #%u: %s", i + 1, rules[i]);
	return 0;
}

/* SIGHUP: the file's `fault =` lines are read again (other keys need a
 * restart); the --fault flags stay. */
static void reload_faults(struct loop *l)
{
	static char rules[SCSCF_MAX_FAULTS][SCSCF_STR];
	unsigned n = 0;
	char err[512];

	if (scscf_config_reload_faults(l->cfg, rules, &n, err, sizeof(err))) {
		LOGE(LOG_MAIN, "SIGHUP: %s: fault rules not changed", err);
		return;
	}
	apply_faults(l, (const char (*)[SCSCF_STR])rules, n);
}

/* Gauges read at scrape time (metrics_write's collect hook). */
static void collect(void *arg, struct metrics *m)
{
	struct loop *l = arg;
	struct scscf_metrics *sm = l->sm;

	(void)m;
	metric_set(sm->bindings, (double)bind_count(registrar_bindings(l->reg)));
	metric_set(sm->contacts, (double)bind_contact_count(registrar_bindings(l->reg)));
	metric_set(sm->pending, (double)registrar_pending(l->reg));
	metric_set(sm->hss_up, cx_client_is_open(l->cx) ? 1 : 0);
}

/* Every 100 ms: act on the signal flags, and once a second let the
 * registrar expire nonces and bindings. (su_timer_set_interval fired only
 * once in Sofia 1.12.11 here; su_timer_run repeats reliably.) */
static void on_loop_timer(su_root_magic_t *m, su_timer_t *t, su_timer_arg_t *arg)
{
	struct loop *l = arg;

	(void)m, (void)t;
	if (got_term) {
		su_root_break(l->root);
		return;
	}
	if (got_usr1) {
		got_usr1 = 0;
		dump_state(l->cfg, l->reg);
	}
	if (got_hup) {
		got_hup = 0;
		log_reopen();
		reload_faults(l);
	}
	if (mono_ms() >= l->next_tick) {
		registrar_tick(l->reg);
		sip_io_tick(l->io);
		metrics_io_tick(l->mio);
		l->next_tick = mono_ms() + 1000;
	}
}

static int run(struct loop *l)
{
	su_timer_t *t = su_timer_create(su_root_task(l->root), 100);

	l->next_tick = mono_ms() + 1000;
	if (!t || su_timer_run(t, on_loop_timer, l)) {
		LOGE(LOG_MAIN, "cannot start the loop timer");
		su_timer_destroy(t);
		return -1;
	}
	su_root_run(l->root);
	su_timer_destroy(t);
	return 0;
}

/* --metrics: the registry, the stub's families and the listener. */
static int setup_metrics(struct loop *l, struct sip_io *io, struct metrics **m)
{
	char err[300];

	if (!*l->cfg->metrics)
		return 0;
	*m = metrics_new();
	l->sm = *m ? scscf_metrics_new(*m) : NULL;
	if (!l->sm) {
		LOGE(LOG_MAIN, "metrics: out of memory");
		return -1;
	}
	metrics_on_collect(*m, collect, l);
	l->mio = metrics_io_open(l->root, l->cfg->metrics, *m, err, sizeof(err));
	if (!l->mio) {
		LOGE(LOG_MAIN, "--metrics: %s", err);
		return -1;
	}
	registrar_set_metrics(l->reg, l->sm);
	sip_io_set_metrics(io, l->sm);
	LOGN(LOG_MAIN, "metrics: GET /metrics on port %u", metrics_io_port(l->mio));
	return 0;
}

static int serve(const struct scscf_config *cfg)
{
	struct cx_client_cfg cc;
	struct sip_io *io = NULL;
	struct cx_client *cx = NULL;
	struct registrar *reg = NULL;
	struct metrics *m = NULL;
	struct loop l = { .cfg = cfg };
	su_root_t *root;
	unsigned port;
	int rc = EXIT_CHECK_FAILED;

	su_init();
	root = su_root_create(NULL);
	if (!root)
		goto out;
	cx_cfg_from(cfg, &cc);
	io = sip_io_new(root, cfg);
	cx = cx_client_new(root, &cc);
	if (!io || !cx)
		goto out;
	struct reg_ops ops = { .cx_send = cx_send, .reply = sip_io_reply, .arg = NULL };
	ops.arg = cx; /* cx_send's arg; reply ignores its arg */
	reg = registrar_new(cfg, &ops);
	if (!reg)
		goto out;
	add_local_hosts(reg, cfg);
	l.root = root, l.reg = reg, l.cx = cx, l.io = io;
	if (apply_faults(&l, (const char (*)[SCSCF_STR])cfg->fault, cfg->n_fault) ||
	    setup_metrics(&l, io, &m))
		goto out;
	sip_io_set_registrar(io, reg);
	cx_client_on_request(cx, on_cx_request, reg);
	port = sip_io_port(io);
	LOGN(LOG_MAIN, "scscf-stub listening on %s (port %u), HSS %s, realm %s, scheme %s",
	     cfg->sip[0], port, cfg->hss, cfg->realm, digest_alg_name(cfg->scheme));
	/* A caller waiting for the port file would wait forever: fail now. */
	if (*cfg->port_file && (rc = write_file(cfg->port_file, write_port, &port))) {
		LOGE(LOG_MAIN, "--port-file %s: %s", cfg->port_file, strerror(-rc));
		rc = EXIT_CHECK_FAILED;
		goto out;
	}
	cx_client_start(cx);
	if (run(&l) == 0)
		rc = 0;
	LOGN(LOG_MAIN, "shutting down");
	/* DPR, then the DPA read before the socket closes (bounded by the
	 * peer machine's DPA wait; 3 s here in case the timer is late). */
	if (cx_client_disconnect(cx)) {
		uint64_t end = mono_ms() + 3000;

		while (cx_client_closing(cx) && mono_ms() < end)
			su_root_step(root, 50);
	}
	if (*cfg->state_file)
		dump_state(cfg, reg);
out:
	metrics_io_free(l.mio);
	cx_client_free(cx); /* pending REGISTERs get their 500 here */
	sip_io_free(io);
	registrar_free(reg);
	scscf_metrics_free(l.sm);
	metrics_free(m);
	if (root)
		su_root_destroy(root);
	su_deinit();
	return rc;
}

int main(int argc, char **argv)
{
	struct scscf_config cfg;
	char err[512];

	cli_version_check("scscf-stub", argc, argv);
	/* Sofia allocates and frees each message's buffers and headers on its
	 * own heap; with glibc's default 128 KiB trim threshold the heap top
	 * moved down and up again ≈ 20 times per 100 registrations (a brk and
	 * fresh zeroed pages each time, issue 14). Those allocations are
	 * Sofia's, so the heap keeps up to 16 MiB of free top instead. */
	mallopt(M_TRIM_THRESHOLD, 16 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	scscf_config_defaults(&cfg);
	scscf_config_from_args(&cfg, argc, argv);
	if (scscf_config_validate(&cfg, err, sizeof(err))) {
		fprintf(stderr, "scscf-stub: %s%s%s\n", *cfg.conf_path ? cfg.conf_path : "",
			*cfg.conf_path ? ": " : "", err);
		return cfg.check_only ? EXIT_CHECK_FAILED : EXIT_USAGE;
	}
	if (cfg.check_only) {
		scscf_config_print(&cfg, stdout);
		return 0;
	}
	if (setup_logging(&cfg))
		return EXIT_CHECK_FAILED;
	install_signals();
	return serve(&cfg);
}
