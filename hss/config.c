/* hssd configuration (see config.h). One table maps each key to its
 * section and setter, so the INI loader, the command line and the printer
 * agree on names. */
#include "config.h"
#include "db.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/ini.h"
#include "util/log.h"
#include "util/metrics.h"

void hss_config_defaults(struct hss_config *c)
{
	memset(c, 0, sizeof(*c));
	c->watchdog_s = 30;
	c->max_vectors = HSS_DEFAULT_MAX_VECTORS;
	c->log_level = LOG_LVL_INFO;
}

static int copy(char *dst, size_t dstsz, const char *v, char *err, size_t errsz)
{
	if (strlen(v) >= dstsz) {
		snprintf(err, errsz, "value too long (max %zu characters)", dstsz - 1);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

static int uint_in(const char *v, unsigned lo, unsigned hi, unsigned *out, char *err, size_t errsz)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi) {
		snprintf(err, errsz, "expected a number in %u..%u, got '%s'", lo, hi, v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int set_bool(bool *b, const char *v, char *err, size_t errsz)
{
	int r = ini_bool(v);

	if (r < 0) {
		snprintf(err, errsz, "expected yes or no, got '%s'", v);
		return -1;
	}
	*b = r;
	return 0;
}

static int add_listen(struct hss_config *c, const char *v, char *err, size_t errsz)
{
	if (c->nlisten >= HSS_MAX_LISTEN) {
		snprintf(err, errsz, "at most %d listen endpoints", HSS_MAX_LISTEN);
		return -1;
	}
	if (diam_endpoint_parse(v, &c->listen[c->nlisten]) < 0) {
		snprintf(err, errsz, "expected tcp://IP:PORT or sctp://IP:PORT, got '%s'", v);
		return -1;
	}
	c->nlisten++;
	return 0;
}

static int add_peer(struct hss_config *c, const char *v, bool agent, char *err, size_t errsz)
{
	if (c->npeers >= HSS_MAX_PEERS) {
		snprintf(err, errsz, "at most %d peers", HSS_MAX_PEERS);
		return -1;
	}
	if (!*v || strpbrk(v, " \t;")) {
		snprintf(err, errsz, "expected a DiameterIdentity (FQDN), got '%s'", v);
		return -1;
	}
	c->peer_agent[c->npeers] = agent;
	return copy(c->peers[c->npeers++], sizeof(c->peers[0]), v, err, errsz);
}

bool hss_config_is_agent(const struct hss_config *c, const char *fqdn)
{
	for (int i = 0; i < c->npeers; i++)
		if (c->peer_agent[i] && !strcasecmp(c->peers[i], fqdn))
			return true;
	return false;
}

int hss_config_set(struct hss_config *c, const char *key, const char *v, char *err, size_t errsz)
{
	int lvl;
	unsigned u;

	if (!strcmp(key, "db"))
		return copy(c->db, sizeof(c->db), v, err, errsz);
	if (!strcmp(key, "origin-host"))
		return copy(c->origin_host, sizeof(c->origin_host), v, err, errsz);
	if (!strcmp(key, "realm"))
		return copy(c->realm, sizeof(c->realm), v, err, errsz);
	if (!strcmp(key, "max-vectors")) {
		if (uint_in(v, 1, HSS_VECTORS_LIMIT, &u, err, errsz) < 0)
			return -1;
		c->max_vectors = u;
		return 0;
	}
	if (!strcmp(key, "listen"))
		return add_listen(c, v, err, errsz);
	if (!strcmp(key, "peer"))
		return add_peer(c, v, false, err, errsz);
	if (!strcmp(key, "agent"))
		return add_peer(c, v, true, err, errsz);
	if (!strcmp(key, "accept-any-peer"))
		return set_bool(&c->accept_any_peer, v, err, errsz);
	if (!strcmp(key, "metrics")) {
		if (*v && metrics_uri_check(v, err, errsz) < 0)
			return -1;
		return copy(c->metrics, sizeof(c->metrics), v, err, errsz);
	}
	if (!strcmp(key, "no-faults"))
		return set_bool(&c->no_faults, v, err, errsz);
	if (!strcmp(key, "watchdog")) {
		/* RFC 3539 §3.4.1: Tw must not be set below 6 s. */
		if (uint_in(v, 6, 3600, &u, err, errsz) < 0)
			return -1;
		c->watchdog_s = u;
		return 0;
	}
	if (!strcmp(key, "level")) {
		lvl = log_level_parse(v);
		if (lvl < 0) {
			snprintf(err, errsz, "expected error|warn|notice|info|debug, got '%s'", v);
			return -1;
		}
		c->log_level = lvl;
		return 0;
	}
	if (!strcmp(key, "file"))
		return copy(c->log_file, sizeof(c->log_file), v, err, errsz);
	if (!strcmp(key, "keys"))
		return set_bool(&c->log_keys, v, err, errsz);
	snprintf(err, errsz, "unknown key '%s'", key);
	return -1;
}

/* Which section each key lives in (the INI layout of hssd.conf.example),
 * and whether it may repeat (a list). */
static const struct { const char *key, *section; bool repeats; } layout[] = {
	{ "origin-host", "hssd", false }, { "realm", "hssd", false }, { "db", "hssd", false },
	{ "max-vectors", "hssd", false }, { "metrics", "hssd", false },
	{ "no-faults", "hssd", false },
	{ "listen", "diameter", true }, { "peer", "diameter", true }, { "agent", "diameter", true },
	{ "accept-any-peer", "diameter", false }, { "watchdog", "diameter", false },
	{ "level", "log", false }, { "file", "log", false }, { "keys", "log", false },
};

/* One file being loaded: which single-valued keys it has set already. */
struct load {
	struct hss_config *c;
	unsigned seen; /* bit i: layout[i] */
};

static int on_key(void *arg, const char *section, const char *key, const char *value, char *err,
		  size_t errsz)
{
	struct load *l = arg;

	for (size_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
		if (strcmp(layout[i].key, key))
			continue;
		if (!section || strcmp(layout[i].section, section)) {
			snprintf(err, errsz, "key '%s' belongs in section [%s]", key,
				 layout[i].section);
			return -1;
		}
		/* A second `db =` would silently win over the first: refused,
		 * as hss-ctl refuses a repeated option. */
		if (!layout[i].repeats && (l->seen & 1u << i)) {
			snprintf(err, errsz, "key '%s' given twice (only listen, peer and agent "
				 "repeat)", key);
			return -1;
		}
		l->seen |= 1u << i;
		return hss_config_set(l->c, key, value, err, errsz);
	}
	snprintf(err, errsz, "unknown key '%s'%s%s%s", key, section ? " in [" : "",
		 section ? section : "", section ? "]" : "");
	return -1;
}

int hss_config_load(struct hss_config *c, const char *path, char *err, size_t errsz)
{
	struct load l = { c, 0 };

	return ini_parse_file(path, on_key, &l, err, errsz);
}

int hss_config_check(const struct hss_config *c, char *err, size_t errsz)
{
	if (!c->origin_host[0])
		snprintf(err, errsz, "origin-host is not set ([hssd] origin-host or --origin-host)");
	else if (!c->realm[0])
		snprintf(err, errsz, "realm is not set ([hssd] realm or --realm)");
	else if (!c->db[0])
		snprintf(err, errsz, "db is not set ([hssd] db or --db)");
	else if (!c->npeers && !c->accept_any_peer)
		snprintf(err, errsz, "no peer is allowed ([diameter] peer, agent or accept-any-peer)");
	else
		return 0;
	return -1;
}

void hss_config_print(const struct hss_config *c, FILE *fp)
{
	char ep[128], db[sizeof(c->db) + 4];

	/* a PostgreSQL URI's password is never printed (db_where_shown) */
	fprintf(fp, "[hssd]\norigin-host = %s\nrealm = %s\ndb = %s\nmax-vectors = %u\n",
		c->origin_host, c->realm, db_where_shown(c->db, db, sizeof(db)), c->max_vectors);
	if (c->metrics[0]) /* only when set: older checks print what they printed */
		fprintf(fp, "metrics = %s\n", c->metrics);
	if (c->no_faults)
		fprintf(fp, "no-faults = yes\n");
	fprintf(fp, "\n");
	fprintf(fp, "[diameter]\n");
	for (int i = 0; i < c->nlisten; i++) {
		diam_endpoint_format(&c->listen[i], ep, sizeof(ep));
		fprintf(fp, "listen = %s\n", ep);
	}
	for (int i = 0; i < c->npeers; i++)
		fprintf(fp, "%s = %s\n", c->peer_agent[i] ? "agent" : "peer", c->peers[i]);
	fprintf(fp, "accept-any-peer = %s\nwatchdog = %u\n\n", c->accept_any_peer ? "yes" : "no",
		c->watchdog_s);
	fprintf(fp, "[log]\nlevel = %s\nfile = %s\nkeys = %s\n", log_level_name(c->log_level),
		c->log_file[0] ? c->log_file : "-", c->log_keys ? "yes" : "no");
}
