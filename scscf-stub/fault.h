/* SIP fault injection of scscf-stub: rules that make the S-CSCF misbehave
 * on purpose, so that a UE's (ue-sim's, a phone's) error paths, timers and
 * retries can be tested. Rules come from `fault = RULE` config lines and
 * `--fault RULE` flags, and are replaced at run time on SIGHUP (the file is
 * read again). docs/faults.md has the full reference.
 *
 *   RULE = ACTION [on=initial|auth|any] [user=GLOB] [every=N | probability=P]
 *          [count=N] [retry-after=S] [min-expires=S]
 *
 *   status:CODE          answer the REGISTER with CODE (3xx-6xx, not 401);
 *                        retry-after=S adds Retry-After (RFC 3261 §20.33),
 *                        423 carries Min-Expires (min-expires=S, default
 *                        the configured min-expires, §10.3 step 7)
 *   drop                 no response at all (the UE's Timer F runs out)
 *   challenge-twice      a correct answer is challenged once more (a fresh
 *                        vector; the answer to that one goes through)
 *   stale-nonce          a correct answer gets 401 stale=true with a fresh
 *                        nonce (RFC 2617 §3.2.1: re-answer, no new dialog)
 *   omit:Service-Route   the 200 OK lacks Service-Route (TS 24.229 §5.4.1.2.2)
 *   omit:P-Associated-URI  the 200 OK lacks P-Associated-URI
 *   deregister-after:S   S seconds after a registration the S-CSCF drops it
 *                        as an RTR would (bindings, vectors) and tells the
 *                        HSS with SAR ADMINISTRATIVE_DEREGISTRATION
 *
 * `on` picks the REGISTERs a status/drop rule looks at: initial (no
 * credentials yet), auth (answering a challenge) or any (default).
 * Every injected fault writes one log line and counts in
 * scscf_faults_injected_total{action}. Pure: no Sofia, no sockets. */
#ifndef SCSCF_FAULT_H
#define SCSCF_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/fault_match.h"

#define SFAULT_MAX 16
#define SFAULT_DEREG_MAX 256
#define SFAULT_TEXT 256

enum sfault_action {
	SF_STATUS, SF_DROP, SF_CHALLENGE_TWICE, SF_STALE_NONCE, SF_OMIT, SF_DEREGISTER,
};
enum sfault_on { SF_ON_ANY, SF_ON_INITIAL, SF_ON_AUTH };
enum sfault_omit { SF_OMIT_SERVICE_ROUTE, SF_OMIT_PAU };

/* Where the registrar asks: which actions can fire there. */
enum sfault_point {
	SF_AT_REQUEST,     /* a REGISTER arrived: status, drop */
	SF_AT_CREDENTIALS, /* its digest response was right: challenge-twice, stale-nonce */
	SF_AT_200,         /* a 200 with bindings is about to leave: omit */
	SF_AT_REGISTERED,  /* SAA accepted a (re-)registration: deregister-after */
};

struct sfault_rule {
	unsigned id;                /* 1-based, in the order given */
	enum sfault_action action;
	int status;
	unsigned retry_after, min_expires, after_s;
	enum sfault_omit omit;
	enum sfault_on on;
	struct fault_match m;
	char name[48];              /* the action word: "status:503", log + metric label */
	char text[SFAULT_TEXT];     /* as given */
};

struct sfault_dereg {
	char impi[256], impu[256];
	uint64_t at_ms;
};

struct sfaults {
	struct sfault_rule rule[SFAULT_MAX];
	size_t n;
	struct sfault_dereg dereg[SFAULT_DEREG_MAX]; /* deregister-after timers */
	size_t ndereg;
	/* called once per injected fault (metrics); may be NULL */
	void (*injected)(void *arg, const struct sfault_rule *r);
	void *arg;
};

/* One rule; 0, or -1 with "reason" in err. */
int sfault_parse(const char *text, struct sfault_rule *r, char *err, size_t errsz);

/* Replaces the rule set (counters start again); on an error nothing
 * changes and err names the rule ("fault 2 'x': reason"). Pending
 * deregister-after timers stay. */
int sfault_set_rules(struct sfaults *f, const char *const *rules, size_t n, char *err,
		     size_t errsz);

/* The first rule of this point that matches the REGISTER and fires
 * (logged and counted), or NULL. initial: the REGISTER has no credentials. */
const struct sfault_rule *sfault_pick(struct sfaults *f, enum sfault_point at, bool initial,
				      const char *impi, const char *impu);

/* RFC 3261 §21 reason phrase of a status a rule answers with. */
const char *sfault_phrase(int status);

/* deregister-after: remember to drop impu at now + after_s (replaces an
 * earlier timer of the same IMPU). */
void sfault_dereg_arm(struct sfaults *f, const struct sfault_rule *r, const char *impi,
		      const char *impu, uint64_t now_ms);
/* Calls due() for each timer that ran out and forgets it. */
void sfault_dereg_due(struct sfaults *f, uint64_t now_ms,
		      void (*due)(void *arg, const char *impi, const char *impu), void *arg);
/* Forgets the timer of an IMPU (the user de-registered first). */
void sfault_dereg_cancel(struct sfaults *f, const char *impu);

#endif
