/* scscf-stub configuration: defaults, the INI file (same style as hssd,
 * see scscf.conf.example) and command-line overrides (DESIGN.md contract).
 * Pure: no sockets, so `scscf-stub -n` and unit tests use it directly. */
#ifndef SCSCF_CONFIG_H
#define SCSCF_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "diameter/transport.h"
#include "digest/digest.h"

#define SCSCF_MAX_SIP 8
#define SCSCF_STR 256
#define SCSCF_MAX_FAULTS 16           /* = SFAULT_MAX */

enum scscf_challenge { SCSCF_CHALLENGE_EVERY = 0, SCSCF_CHALLENGE_INITIAL };

/* What one source of REGISTERs is, for the pending reservation: the
 * address the request came from (the top Via's received=/host), or the
 * UE's own Via (the bottom one: the UE behind a P-CSCF). */
enum scscf_pending_source { SCSCF_PSRC_ADDRESS, SCSCF_PSRC_VIA };

struct scscf_config {
	char sip[SCSCF_MAX_SIP][SCSCF_STR]; /* listen URIs, sip:IP:PORT[;transport=] */
	unsigned n_sip;
	char hss[SCSCF_STR];          /* tcp://IP:PORT or sctp://IP:PORT */
	char origin_host[SCSCF_STR];  /* our Diameter identity */
	char realm[SCSCF_STR];        /* Origin-Realm and the digest realm */
	char name[SCSCF_STR];         /* our SIP URI: Server-Name, Service-Route */
	char hss_host[SCSCF_STR];     /* Destination-Host; empty = none */
	char hss_realm[SCSCF_STR];    /* Destination-Realm; empty = realm */
	enum digest_alg scheme;
	enum scscf_challenge challenge;
	char qop[32];                 /* offered qop list: "auth,auth-int" */
	unsigned nonce_ttl;           /* s, lifetime of a vector/nonce */
	unsigned hss_timeout_ms;      /* per MAR/SAR */
	unsigned auth_items;          /* SIP-Number-Auth-Items asked per MAR */
	unsigned sip_rcvbuf, sip_sndbuf; /* octets asked for the SIP sockets */
	unsigned watchdog_s;          /* Tw (RFC 3539 §3.4.1) */
	unsigned reconnect_max_s;     /* back-off ceiling */
	unsigned default_expires, min_expires, max_expires; /* s */
	unsigned retry_after;         /* s, in 500 answers when the HSS is gone */
	unsigned max_pending;         /* REGISTERs awaiting the HSS; beyond: 503 */
	unsigned pending_reserve;     /* % of max_pending more, for the sources that
				       * hold fewer than that many (issue 16) */
	enum scscf_pending_source pending_source; /* what "one source" is */
	unsigned timer_j_ms;          /* nta's 64*T1: Timer J of UDP non-INVITE */
	bool ck_ik_always;            /* ck=/ik= in a 401 without a Path too */
	char fault[SCSCF_MAX_FAULTS][SCSCF_STR]; /* fault rules (fault.h), file's first */
	unsigned n_fault;
	unsigned n_fault_file;        /* how many came from the file (the rest: --fault) */
	char metrics[SCSCF_STR];      /* tcp://IP:PORT for GET /metrics; empty = off */
	char state_file[SCSCF_STR];
	char port_file[SCSCF_STR];
	char log_file[SCSCF_STR];
	int log_level;                /* enum log_level */
	bool log_keys;
	bool sofia_log;
	char conf_path[SCSCF_STR];
	bool check_only;              /* -n */
};

void scscf_config_defaults(struct scscf_config *c);

/* Applies one key=value (from the file or a flag). 0, or -1 with err. */
int scscf_config_set(struct scscf_config *c, const char *key, const char *value, char *err,
		     size_t errsz);

/* Reads an INI file; errors are "file:line: reason". 0 or -1. */
int scscf_config_load(struct scscf_config *c, const char *path, char *err, size_t errsz);

/* Cross-field checks after loading (URIs well-formed, ranges). 0 or -1. */
int scscf_config_validate(const struct scscf_config *c, char *err, size_t errsz);

/* The effective configuration in INI form (for -n). */
void scscf_config_print(const struct scscf_config *c, FILE *fp);

/* SIGHUP: the fault rules the file says now (read again from conf_path),
 * followed by the --fault flags of the command line. rules has room for
 * SCSCF_MAX_FAULTS. 0, or -1 with "file:line: reason". */
int scscf_config_reload_faults(const struct scscf_config *c, char rules[][SCSCF_STR],
			       unsigned *n, char *err, size_t errsz);

/* "tcp://IP:PORT" or "sctp://IP:PORT" (IPv4 or [IPv6], port written out
 * and not 0) into *ep; 0 or -1. */
int scscf_parse_hss_uri(const char *uri, struct diam_endpoint *ep);

const char *scscf_challenge_name(enum scscf_challenge c);

/* Command line: fills c (reading -c FILE first, flags override). Exits 2
 * through cli_usage_error on a bad argument, 0 after --help. */
void scscf_config_from_args(struct scscf_config *c, int argc, char **argv);

#endif
