/* REGISTER handling of the S-CSCF (TS 24.229 §5.4.1, RFC 3261 §10.3):
 * authentication with vectors from the HSS (MAR/MAA), registration
 * (SAR/SAA), bindings, de-registration, RTR.
 *
 * Independent of Sofia: the SIP glue (sip_io.c) fills a reg_request from
 * the parsed message and sends the reg_reply it gets back; Diameter goes
 * through reg_ops, so unit tests run the whole flow with a fake HSS.
 *
 * Decisions (docs/scscf-stub.md has the full table):
 *  - MAA/SAA Experimental-Result 5001 (user unknown), 5002, 5006 and
 *    Result-Code 4001/5003 -> 403 Forbidden (as Kamailio's S-CSCF; a 404
 *    would tell a scanner which IMPIs exist).
 *  - HSS not connected / connection lost / other Diameter errors -> 500
 *    with Retry-After; no answer within hss_timeout -> 504. */
#ifndef SCSCF_REGISTRAR_H
#define SCSCF_REGISTRAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bindings.h"
#include "scscf_config.h"
#include "cx_msg.h"
#include "vectors.h"

struct reg_contact {
	char uri[BIND_URI_MAX];
	char params[BIND_URI_MAX]; /* without expires */
	long expires;              /* contact's expires param, -1 if none
				    * (reg_delta_seconds) */
};

/* One REGISTER, as the glue extracted it. Strings are borrowed for the
 * duration of registrar_handle(); the registrar copies what it keeps. */
struct reg_request {
	void *handle;             /* the glue's transaction (nta_incoming_t) */
	const char *impu;         /* To URI, NULL if missing */
	const char *call_id;      /* NULL if missing */
	const char *request_uri;
	const char *auth;         /* Authorization value "Digest …", NULL if none */
	size_t auth_len;
	bool auth_malformed;      /* the SIP parser already rejected it */
	bool oversized;           /* a Contact/Path too long */
	bool too_many;            /* more than BIND_MAX_CONTACTS contacts */
	const struct reg_contact *contacts;
	size_t n_contacts;
	bool star;                /* Contact: * */
	long expires;             /* Expires header, -1 if none (reg_delta_seconds) */
	const char *path;         /* Path values joined with ", ", NULL if none */
	const char *source;       /* who sent it, for the pending reservation
				   * (cfg pending_source); NULL: unknown */
	const uint8_t *body;
	size_t body_len;
};

struct reg_reply {
	int status;               /* 0: send nothing at all (fault "drop") */
	const char *phrase;
	const char *www_authenticate;
	const char *contact;
	const char *service_route;
	const char *p_associated_uri;
	const char *path;
	unsigned retry_after;     /* 0 = no header */
	unsigned min_expires;     /* 423 */
};

struct reg_ops {
	/* Sends a Cx request; same contract as cx_client_request. */
	int (*cx_send)(void *arg, const uint8_t *buf, size_t len,
		       void (*fn)(void *fnarg, int status, const struct diam_msg *ans,
				  const char *why),
		       void *fnarg);
	/* Sends the final SIP response for req->handle (strings borrowed for
	 * the call). */
	void (*reply)(void *arg, void *handle, const struct reg_reply *r);
	void *arg;
	uint64_t (*now_ms)(void);
};

struct registrar;

/* The one parser of an expiry (the Expires header, a Contact's expires=):
 * delta-seconds (RFC 3261 §25.1, 1*DIGIT) with overflow checks. A value
 * above 2^32-1 (the range of §20.19) is read as 2^32-1, never wrapped
 * (4294967296 is not 0); the registrar then clamps to max_expires. A
 * malformed value reads as 3600 (RFC 3261 §10.2.1.1). */
#define REG_DELTA_MAX 4294967295L
long reg_delta_seconds(const char *s);

struct registrar *registrar_new(const struct scscf_config *cfg, const struct reg_ops *ops);
void registrar_free(struct registrar *r);

/* Hosts (our listen IPs) a digest-uri may name; copied. */
void registrar_add_local_host(struct registrar *r, const char *host);

/* Handles one REGISTER: replies at once or after the HSS answers. */
void registrar_handle(struct registrar *r, const struct reg_request *req);

/* Once a second: expire nonces and bindings (SAR TIMEOUT_DEREGISTRATION). */
void registrar_tick(struct registrar *r);

/* An RTR from the HSS: drops bindings, writes the RTA. Length or < 0. */
ssize_t registrar_on_rtr(struct registrar *r, const struct diam_msg *req, uint8_t *buf,
			 size_t cap);

/* Replaces the SIP fault rules (fault.h); on an error the old ones stay
 * and err says which rule is wrong. */
int registrar_set_faults(struct registrar *r, const char *const *rules, size_t n, char *err,
			 size_t errsz);
/* Counts into sm from now on (NULL: off); borrowed for the registrar's life. */
struct scscf_metrics;
void registrar_set_metrics(struct registrar *r, struct scscf_metrics *sm);
/* A PPR from the HSS (ppr.c): updates the IMPI's bindings' profile,
 * writes the PPA. Length or < 0. */
ssize_t registrar_on_ppr(struct registrar *r, const struct diam_msg *req, uint8_t *buf,
			 size_t cap);
/* The profile of a binding as the SAA gave it (barring, iFC, charging). */
void registrar_profile_from_saa(struct registrar *r, const char *impu,
				const struct diam_msg *saa);

struct bstore *registrar_bindings(struct registrar *r);
struct vstore *registrar_vectors(struct registrar *r);
struct vqueue *registrar_queue(struct registrar *r);
/* Pending (waiting for the HSS) transactions. */
size_t registrar_pending(const struct registrar *r);

#endif
