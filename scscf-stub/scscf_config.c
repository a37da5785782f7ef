/* scscf-stub configuration (see config.h). Every key has one row in
 * `keys[]`: the same table serves the INI file, the flags and -n output. */
#include "scscf_config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fault.h"
#include "util/cli.h"
#include "util/ini.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/sip_addr.h"

#define PROG "scscf-stub"

void scscf_config_defaults(struct scscf_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->sip[0], SCSCF_STR, "sip:127.0.0.1:5060");
	c->n_sip = 1;
	snprintf(c->hss, SCSCF_STR, "tcp://127.0.0.1:3868");
	snprintf(c->origin_host, SCSCF_STR, "scscf.ims.mnc001.mcc001.3gppnetwork.org");
	snprintf(c->realm, SCSCF_STR, "ims.mnc001.mcc001.3gppnetwork.org");
	snprintf(c->name, SCSCF_STR, "sip:scscf.ims.mnc001.mcc001.3gppnetwork.org:6060");
	c->scheme = DIGEST_ALG_AKAV1_MD5;
	c->challenge = SCSCF_CHALLENGE_EVERY;
	snprintf(c->qop, sizeof(c->qop), "auth,auth-int");
	c->nonce_ttl = 30;
	c->auth_items = 1;
	c->sip_rcvbuf = c->sip_sndbuf = 4u << 20;
	c->hss_timeout_ms = 3000;
	c->watchdog_s = 30;
	c->reconnect_max_s = 30;
	c->default_expires = 600;
	c->min_expires = 60;
	c->max_expires = 3600;
	c->retry_after = 5;
	c->max_pending = 4096;
	c->pending_reserve = 25;
	c->timer_j_ms = 5000;
	c->log_level = LOG_LVL_INFO;
}

const char *scscf_challenge_name(enum scscf_challenge ch)
{
	return ch == SCSCF_CHALLENGE_INITIAL ? "initial" : "every";
}

static int set_str(char *dst, size_t dstsz, const char *v, char *err, size_t errsz)
{
	if (strlen(v) >= dstsz) {
		snprintf(err, errsz, "value too long");
		return -1;
	}
	snprintf(dst, dstsz, "%s", v);
	return 0;
}

static int set_uint(unsigned *dst, const char *v, unsigned min, unsigned max, char *err,
		    size_t errsz)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || n < min || n > max) {
		snprintf(err, errsz, "'%s' is not a number in %u..%u", v, min, max);
		return -1;
	}
	*dst = (unsigned)n;
	return 0;
}

static int set_sip(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	if (strncasecmp(v, "sip:", 4)) {
		snprintf(err, errsz, "'%s' is not a sip: URI", v);
		return -1;
	}
	if (sip_addr_check(v, false)) {
		snprintf(err, errsz, "'%s' is not sip:IP:PORT (an IP literal, IPv6 in brackets; "
			 "port 0..65535)", v);
		return -1;
	}
	if (c->n_sip >= SCSCF_MAX_SIP) {
		snprintf(err, errsz, "more than %d listen URIs", SCSCF_MAX_SIP);
		return -1;
	}
	return set_str(c->sip[c->n_sip++], SCSCF_STR, v, err, errsz);
}

static int set_scheme(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	int a = digest_alg_parse(v);

	if (a < 0 || !*v) {
		snprintf(err, errsz, "unknown scheme '%s' (AKAv1-MD5, AKAv2-MD5, MD5)", v);
		return -1;
	}
	c->scheme = (enum digest_alg)a;
	return 0;
}

static int set_challenge(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	if (!strcasecmp(v, "every"))
		c->challenge = SCSCF_CHALLENGE_EVERY;
	else if (!strcasecmp(v, "initial"))
		c->challenge = SCSCF_CHALLENGE_INITIAL;
	else {
		snprintf(err, errsz, "'%s' is not every|initial", v);
		return -1;
	}
	return 0;
}

static int set_pending_source(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	if (!strcasecmp(v, "address"))
		c->pending_source = SCSCF_PSRC_ADDRESS;
	else if (!strcasecmp(v, "via"))
		c->pending_source = SCSCF_PSRC_VIA;
	else {
		snprintf(err, errsz, "'%s' is not address|via", v);
		return -1;
	}
	return 0;
}

static int set_qop(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	if (strcmp(v, "auth") && strcmp(v, "auth-int") && strcmp(v, "auth,auth-int") &&
	    strcmp(v, "auth-int,auth")) {
		snprintf(err, errsz, "'%s' is not auth, auth-int or auth,auth-int", v);
		return -1;
	}
	return set_str(c->qop, sizeof(c->qop), v, err, errsz);
}

/* fault = RULE (repeatable): checked now, so -n and the file report it. */
static int set_fault(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	struct sfault_rule r;

	if (c->n_fault >= SCSCF_MAX_FAULTS) {
		snprintf(err, errsz, "more than %d fault rules", SCSCF_MAX_FAULTS);
		return -1;
	}
	if (sfault_parse(v, &r, err, errsz))
		return -1;
	return set_str(c->fault[c->n_fault++], SCSCF_STR, v, err, errsz);
}

static int set_metrics(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	if (*v && metrics_uri_check(v, err, errsz))
		return -1;
	return set_str(c->metrics, sizeof(c->metrics), v, err, errsz);
}

static int set_bool(bool *dst, const char *v, char *err, size_t errsz)
{
	int b = ini_bool(v);

	if (b < 0) {
		snprintf(err, errsz, "'%s' is not a boolean", v);
		return -1;
	}
	*dst = b;
	return 0;
}

static int set_level(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	int l = log_level_parse(v);

	if (l < 0) {
		snprintf(err, errsz, "unknown log level '%s'", v);
		return -1;
	}
	c->log_level = l;
	return 0;
}

/* hss and name are checked when set, as every other key is: a flag then
 * fails as a bad argument naming the flag (exit 2), a file line with its
 * file:line; scscf_config_validate() checks them again. */
static int set_hss(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	struct diam_endpoint ep;

	if (scscf_parse_hss_uri(v, &ep)) {
		snprintf(err, errsz, "'%s' is not tcp://IP:PORT or sctp://IP:PORT", v);
		return -1;
	}
	return set_str(c->hss, sizeof(c->hss), v, err, errsz);
}

static int set_name(struct scscf_config *c, const char *v, char *err, size_t errsz)
{
	if (strncasecmp(v, "sip:", 4) && strncasecmp(v, "sips:", 5)) {
		snprintf(err, errsz, "'%s' is not a SIP URI", v);
		return -1;
	}
	return set_str(c->name, sizeof(c->name), v, err, errsz);
}

int scscf_config_set(struct scscf_config *c, const char *key, const char *v, char *err,
		     size_t errsz)
{
#define STR(k, f) if (!strcmp(key, k)) return set_str(c->f, sizeof(c->f), v, err, errsz)
#define UINT(k, f, lo, hi) if (!strcmp(key, k)) return set_uint(&c->f, v, lo, hi, err, errsz)
	if (!strcmp(key, "sip"))
		return set_sip(c, v, err, errsz);
	if (!strcmp(key, "fault"))
		return set_fault(c, v, err, errsz);
	if (!strcmp(key, "metrics"))
		return set_metrics(c, v, err, errsz);
	if (!strcmp(key, "hss"))
		return set_hss(c, v, err, errsz);
	if (!strcmp(key, "name"))
		return set_name(c, v, err, errsz);
	STR("origin_host", origin_host);
	STR("realm", realm);
	STR("hss_host", hss_host);
	STR("hss_realm", hss_realm);
	STR("state_file", state_file);
	STR("port_file", port_file);
	STR("log_file", log_file);
	UINT("nonce_ttl", nonce_ttl, 1, 86400);
	UINT("hss_timeout", hss_timeout_ms, 10, 600000);
	UINT("auth_items", auth_items, 1, 16);
	UINT("sip_rcvbuf", sip_rcvbuf, 0, 1u << 30);
	UINT("sip_sndbuf", sip_sndbuf, 0, 1u << 30);
	UINT("watchdog", watchdog_s, 6, 3600);
	UINT("reconnect_max", reconnect_max_s, 1, 3600);
	UINT("default_expires", default_expires, 1, 86400 * 7);
	UINT("min_expires", min_expires, 1, 86400 * 7);
	UINT("max_expires", max_expires, 1, 86400 * 7);
	UINT("retry_after", retry_after, 0, 3600);
	UINT("max_pending", max_pending, 1, 1000000);
	UINT("pending_reserve", pending_reserve, 0, 100);
	UINT("timer_j", timer_j_ms, 500, 32000);
	if (!strcmp(key, "pending_source"))
		return set_pending_source(c, v, err, errsz);
	if (!strcmp(key, "scheme"))
		return set_scheme(c, v, err, errsz);
	if (!strcmp(key, "challenge"))
		return set_challenge(c, v, err, errsz);
	if (!strcmp(key, "qop"))
		return set_qop(c, v, err, errsz);
	if (!strcmp(key, "log_level"))
		return set_level(c, v, err, errsz);
	if (!strcmp(key, "log_keys"))
		return set_bool(&c->log_keys, v, err, errsz);
	if (!strcmp(key, "ck_ik_always"))
		return set_bool(&c->ck_ik_always, v, err, errsz);
	if (!strcmp(key, "sofia_log"))
		return set_bool(&c->sofia_log, v, err, errsz);
#undef STR
#undef UINT
	snprintf(err, errsz, "unknown key '%s'", key);
	return -1;
}

struct load_ctx {
	struct scscf_config *c;
	bool sip_seen; /* the first `sip =` replaces the default */
};

/* The INI layout of scscf.conf.example: each key lives in one section and
 * is refused in another, as hssd does. In [log] the keys drop the "log_"
 * of the flag: level, file, keys. Keys may be written with '-' or '_'. */
static const struct { const char *section, *ini, *key; } layout[] = {
	{ "sip", "sip", "sip" },
	{ "sip", "name", "name" },
	{ "sip", "port_file", "port_file" },
	{ "sip", "sip_rcvbuf", "sip_rcvbuf" },
	{ "sip", "sip_sndbuf", "sip_sndbuf" },
	{ "sip", "timer_j", "timer_j" },
	{ "diameter", "hss", "hss" },
	{ "diameter", "origin_host", "origin_host" },
	{ "diameter", "hss_host", "hss_host" },
	{ "diameter", "hss_realm", "hss_realm" },
	{ "diameter", "hss_timeout", "hss_timeout" },
	{ "diameter", "watchdog", "watchdog" },
	{ "diameter", "reconnect_max", "reconnect_max" },
	{ "registrar", "realm", "realm" },
	{ "registrar", "scheme", "scheme" },
	{ "registrar", "challenge", "challenge" },
	{ "registrar", "qop", "qop" },
	{ "registrar", "nonce_ttl", "nonce_ttl" },
	{ "registrar", "auth_items", "auth_items" },
	{ "registrar", "default_expires", "default_expires" },
	{ "registrar", "min_expires", "min_expires" },
	{ "registrar", "max_expires", "max_expires" },
	{ "registrar", "retry_after", "retry_after" },
	{ "registrar", "max_pending", "max_pending" },
	{ "registrar", "pending_reserve", "pending_reserve" },
	{ "registrar", "pending_source", "pending_source" },
	{ "registrar", "ck_ik_always", "ck_ik_always" },
	{ "registrar", "state_file", "state_file" },
	{ "log", "level", "log_level" },
	{ "log", "file", "log_file" },
	{ "log", "keys", "log_keys" },
	{ "log", "sofia_log", "sofia_log" },
	{ "metrics", "listen", "metrics" },
	{ "faults", "fault", "fault" },
};
#define NLAYOUT (sizeof(layout) / sizeof(layout[0]))

static bool known_section(const char *section)
{
	for (size_t i = 0; i < NLAYOUT; i++)
		if (!strcmp(layout[i].section, section))
			return true;
	return false;
}

static int ini_cb_fn(void *arg, const char *section, const char *key, const char *value,
		     char *err, size_t errsz)
{
	struct load_ctx *lc = arg;
	const char *elsewhere = NULL;
	char k[64];

	if (*section && !known_section(section)) {
		snprintf(err, errsz, "unknown section [%s] (sip, diameter, registrar, log, metrics, faults)", section);
		return -1;
	}
	snprintf(k, sizeof(k), "%s", key);
	for (char *p = k; *p; p++)
		if (*p == '-')
			*p = '_';
	for (size_t i = 0; i < NLAYOUT; i++) {
		if (strcmp(layout[i].ini, k))
			continue;
		if (strcmp(layout[i].section, section)) {
			elsewhere = layout[i].section;
			continue;
		}
		if (!strcmp(k, "sip") && !lc->sip_seen) {
			lc->sip_seen = true; /* the file's list replaces the default */
			lc->c->n_sip = 0;
		}
		return scscf_config_set(lc->c, layout[i].key, value, err, errsz);
	}
	if (elsewhere)
		snprintf(err, errsz, "key '%s' belongs in section [%s]", key, elsewhere);
	else
		snprintf(err, errsz, "unknown key '%s'%s%s%s", key, *section ? " in [" : "",
			 section, *section ? "]" : "");
	return -1;
}

int scscf_config_load(struct scscf_config *c, const char *path, char *err, size_t errsz)
{
	struct load_ctx lc = { .c = c };

	snprintf(c->conf_path, sizeof(c->conf_path), "%s", path);
	return ini_parse_file(path, ini_cb_fn, &lc, err, errsz);
}

int scscf_parse_hss_uri(const char *uri, struct diam_endpoint *ep)
{
	const char *hp = strstr(uri, "://");

	/* The port must be written out: the HSS has no default here. */
	if (!hp || diam_endpoint_parse(uri, ep) || ep->port == 0)
		return -1;
	hp += 3;
	if (*hp == '[' ? !strstr(hp, "]:") : !strchr(hp, ':'))
		return -1;
	return 0;
}

int scscf_config_validate(const struct scscf_config *c, char *err, size_t errsz)
{
	struct diam_endpoint ep;

	if (scscf_parse_hss_uri(c->hss, &ep)) {
		snprintf(err, errsz, "hss: '%s' is not tcp://IP:PORT or sctp://IP:PORT", c->hss);
		return -1;
	}
	if (strncasecmp(c->name, "sip:", 4) && strncasecmp(c->name, "sips:", 5)) {
		snprintf(err, errsz, "name: '%s' is not a SIP URI", c->name);
		return -1;
	}
	if (!*c->origin_host || !*c->realm) {
		snprintf(err, errsz, "origin_host and realm must not be empty");
		return -1;
	}
	/* a default below min_expires made every REGISTER without an expiry a 423 */
	if (c->min_expires > c->default_expires || c->default_expires > c->max_expires) {
		snprintf(err, errsz, "need min_expires <= default_expires <= max_expires, got %u, "
			 "%u, %u", c->min_expires, c->default_expires, c->max_expires);
		return -1;
	}
	if (c->n_sip == 0) {
		snprintf(err, errsz, "no sip listen URI");
		return -1;
	}
	return 0;
}

void scscf_config_print(const struct scscf_config *c, FILE *fp)
{
	/* the sections and keys of the layout table, so it loads again */
	fprintf(fp, "[sip]\n");
	for (unsigned i = 0; i < c->n_sip; i++)
		fprintf(fp, "sip = %s\n", c->sip[i]);
	fprintf(fp, "name = %s\nport_file = %s\nsip_rcvbuf = %u\nsip_sndbuf = %u\n", c->name,
		c->port_file, c->sip_rcvbuf, c->sip_sndbuf);
	fprintf(fp, "timer_j = %u\n", c->timer_j_ms);
	fprintf(fp, "\n[diameter]\nhss = %s\norigin_host = %s\nhss_host = %s\nhss_realm = %s\n",
		c->hss, c->origin_host, c->hss_host, *c->hss_realm ? c->hss_realm : c->realm);
	fprintf(fp, "hss_timeout = %u\nwatchdog = %u\nreconnect_max = %u\n", c->hss_timeout_ms,
		c->watchdog_s, c->reconnect_max_s);
	fprintf(fp, "\n[registrar]\nrealm = %s\nscheme = %s\nchallenge = %s\nqop = %s\n", c->realm,
		digest_alg_name(c->scheme), scscf_challenge_name(c->challenge), c->qop);
	fprintf(fp, "nonce_ttl = %u\nauth_items = %u\n", c->nonce_ttl, c->auth_items);
	fprintf(fp, "default_expires = %u\nmin_expires = %u\nmax_expires = %u\n",
		c->default_expires, c->min_expires, c->max_expires);
	fprintf(fp, "retry_after = %u\nmax_pending = %u\nck_ik_always = %s\nstate_file = %s\n",
		c->retry_after, c->max_pending, c->ck_ik_always ? "yes" : "no", c->state_file);
	fprintf(fp, "pending_reserve = %u\npending_source = %s\n", c->pending_reserve,
		c->pending_source == SCSCF_PSRC_VIA ? "via" : "address");
	fprintf(fp, "\n[log]\nlevel = %s\nfile = %s\nkeys = %s\nsofia_log = %s\n",
		log_level_name((enum log_level)c->log_level), c->log_file,
		c->log_keys ? "yes" : "no", c->sofia_log ? "yes" : "no");
	if (*c->metrics)
		fprintf(fp, "\n[metrics]\nlisten = %s\n", c->metrics);
	if (c->n_fault)
		fprintf(fp, "\n[faults]\n");
	for (unsigned i = 0; i < c->n_fault; i++)
		fprintf(fp, "fault = %s\n", c->fault[i]);
}

int scscf_config_reload_faults(const struct scscf_config *c, char rules[][SCSCF_STR],
			       unsigned *n, char *err, size_t errsz)
{
	struct scscf_config *tmp = malloc(sizeof(*tmp));
	unsigned k = 0;

	if (!tmp) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	scscf_config_defaults(tmp);
	if (*c->conf_path && scscf_config_load(tmp, c->conf_path, err, errsz)) {
		free(tmp);
		return -1;
	}
	for (unsigned i = 0; i < tmp->n_fault; i++)
		memcpy(rules[k++], tmp->fault[i], SCSCF_STR);
	for (unsigned i = c->n_fault_file; i < c->n_fault && k < SCSCF_MAX_FAULTS; i++)
		memcpy(rules[k++], c->fault[i], SCSCF_STR);
	*n = k;
	free(tmp);
	return 0;
}
