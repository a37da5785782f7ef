/* hssd's configuration: one INI file (hss/hssd.conf.example documents
 * every key) plus command-line overrides (DESIGN.md command-line
 * contract). `hssd -n` checks it, reports errors as file:line, and prints
 * the effective configuration back in the same INI form. */
#ifndef HSS_CONFIG_H
#define HSS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diameter/transport.h"

#define HSS_MAX_LISTEN 8
#define HSS_MAX_PEERS 64
#define HSS_DEFAULT_MAX_VECTORS 5
#define HSS_VECTORS_LIMIT 32

struct hss_config {
	char db[512];
	char origin_host[256];
	char realm[256];
	struct diam_endpoint listen[HSS_MAX_LISTEN];
	int nlisten;
	char peers[HSS_MAX_PEERS][256];
	bool peer_agent[HSS_MAX_PEERS]; /* [diameter] agent: a relay/proxy in front */
	int npeers;
	bool accept_any_peer;
	unsigned watchdog_s;   /* Tw, RFC 3539 (default 30) */
	unsigned max_vectors;  /* cap on SIP-Number-Auth-Items */
	int log_level;         /* enum log_level */
	char log_file[512];    /* "" = stderr */
	bool log_keys;
	bool seeded;           /* --seed: deterministic RANDs (tests only) */
	uint64_t seed;
	char port_file[512];   /* write the first bound port here */
	char metrics[128];     /* tcp://IP:PORT for GET /metrics; "" = off */
	bool no_faults;        /* ignore the store's fault rules (production) */
};

void hss_config_defaults(struct hss_config *c);
/* Loads an INI file over the current values. 0, or -1 with
 * "file:line: reason" in err. */
int hss_config_load(struct hss_config *c, const char *path, char *err, size_t errsz);
/* Final checks (required keys, limits). 0, or -1 with a reason in err. */
int hss_config_check(const struct hss_config *c, char *err, size_t errsz);
/* True when FQDN is a configured Diameter agent (key `agent`): a relay or
 * proxy (RFC 6733 §2.8) whose requests carry the Origin-Host of the node
 * behind it, and through which HSS-initiated requests (RTR, PPR, CLR, IDR)
 * reach a node that is not a direct peer. */
bool hss_config_is_agent(const struct hss_config *c, const char *fqdn);
/* Writes the effective configuration as an INI file. */
void hss_config_print(const struct hss_config *c, FILE *fp);

/* Setters shared by the INI loader and the command line: 0, or -1 with a
 * reason in err (no file:line; the caller adds it). */
int hss_config_set(struct hss_config *c, const char *key, const char *value, char *err,
		   size_t errsz);

#endif
