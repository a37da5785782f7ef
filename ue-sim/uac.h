/* The SIP side of ue-sim: one nta agent (Sofia-SIP) carrying any number of
 * UEs, each with its own leg, Call-ID and USIM. A UE runs one step at a time
 * (register, answer, re-register, de-register, query); `done` is called on
 * the final response of the step. Everything runs on one su_root. */
#ifndef UE_UAC_H
#define UE_UAC_H

#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/nta.h>
#include <sofia-sip/su_wait.h>

#include "ue_auth.h"
#include "ue.h"
#include "usim.h"

struct uac {
	su_home_t home[1];
	su_root_t *root;
	nta_agent_t *agent;
	char host[64];      /* our address for Contact */
	unsigned port;
	bool seeded;        /* deterministic Call-ID, tags, branch, cnonce */
	uint64_t prng;
};

/* bind: "sip:127.0.0.1:0" style. seed < 0: random identifiers. 0 or -1. */
int uac_open(struct uac *a, const char *bind, long long seed);
void uac_close(struct uac *a);
/* SIP T1 of the agent in ms (0: RFC 3261's 500); Timer F becomes 64*T1. */
void uac_set_t1(struct uac *a, unsigned t1_ms);
/* Fills buf with `n` lower-case hex digits from the PRNG (seeded or not). */
void uac_random_hex(struct uac *a, char *buf, size_t n);

enum ue_step {
	UE_STEP_REGISTER,    /* REGISTER with the empty credentials of §5.1.1.2 */
	UE_STEP_ANSWER,      /* REGISTER answering the last 401 */
	UE_STEP_REREGISTER,  /* refresh: last nonce with nc+1, answers new 401s */
	UE_STEP_DEREGISTER,  /* Expires: 0 */
	UE_STEP_QUERY,       /* REGISTER without Contact: read the bindings */
};

struct ue_step_opts {
	bool auto_answer;    /* answer 401s until a non-401 final response */
	bool corrupt_res;    /* answer with a wrong RES (next answer only) */
	int expires;         /* -1 = the UE's configured expires */
	unsigned max_challenges; /* auto: give up after this many 401s (default 3) */
};

#define UE_HDRS_MAX 64
struct ue_resp {
	int status;
	char phrase[64];
	size_t nhdr;
	struct { const char *name, *value; } hdr[UE_HDRS_MAX];
	char buf[8192];
};

struct ue;
typedef void (*ue_done_fn)(struct ue *ue, void *arg);
/* Observers for the explain view (any may be NULL). */
struct ue_observer {
	void (*request)(struct ue *ue, const char *what, const char *authz, const struct ue_answer *ans);
	void (*response)(struct ue *ue, const struct ue_resp *r);
	void *arg;
};

struct ue {
	struct uac *uac;
	struct ue_cfg cfg;          /* strings borrowed from the caller */
	struct usim usim;
	nta_leg_t *leg;
	nta_outgoing_t *orq;
	su_timer_t *timer;
	char call_id[112], from_tag[24], uri[300], contact[400];
	char error_buf[160];        /* a formatted ue->error */

	struct ue_challenge chal;   /* the last 401 */
	bool have_chal;
	bool answered;              /* ans is valid for chal (re-use with nc+1) */
	unsigned nc;
	struct ue_answer ans;

	/* the current step */
	enum ue_step step;
	struct ue_step_opts opts;
	unsigned challenges;        /* 401s seen in this step */
	unsigned retries;           /* 503 + Retry-After resends in this step */
	unsigned retry_waited_ms;   /* the last such wait (>= its Retry-After) */
	unsigned retry_after_s;     /* ... and the Retry-After it obeyed */
	bool last_initial;          /* the last request sent had no credentials */
	su_timer_t *retry_timer;
	uint64_t t_retry_armed;
	ue_done_fn done;
	void *done_arg;
	const char *error;          /* why the step failed locally, or NULL */

	/* the last final response */
	struct ue_resp *resp;       /* allocated when keep_headers */
	int status;
	bool status_local;          /* made by our own nta (transport error, timeout), not received */
	char service_route[512];
	char associated_uris[1024];
	int granted_expires;        /* from the 200's Contact/Expires, -1 unknown */

	/* timing (load mode): monotonic ns; t_answer: the last answer to a 401 handed to nta */
	uint64_t t_step, t_first_resp, t_answer, t_final;
	struct ue_observer obs;
	struct ue_sec *sec;         /* sec-agree state (ue_secagree.h), NULL when off */
};

/* "" for a received final status; for one nta made itself (status_local)
 * a note starting with " (made locally" that says why. */
const char *ue_status_origin(const struct ue *ue);

/* keep_headers: store every header of the final response (scenarios). */
int ue_init(struct ue *ue, struct uac *a, const struct ue_cfg *cfg, bool keep_headers);
void ue_fini(struct ue *ue);
/* Starts a step; done() runs on its final response. 0, or -1 with ue->error. */
int ue_start(struct ue *ue, enum ue_step step, const struct ue_step_opts *opts,
	     ue_done_fn done, void *arg);
const char *ue_step_name(enum ue_step s);
/* Gives up on a step in flight (its transaction and answer timer go) with
 * `why` as ue->error and status 0; done() is not called. */
void ue_abort(struct ue *ue, const char *why);

/* Header lookup in the last final response: all values of `name` joined
 * with ", " into out. Returns the number of headers found. */
int ue_resp_header(const struct ue_resp *r, const char *name, char *out, size_t outsz);

uint64_t uac_now_ns(void);

/* Runs a step and the loop until its final response or timeout_ms.
 * 0 when a final response arrived, -1 with ue->error otherwise. */
int ue_step_sync(struct ue *ue, enum ue_step step, const struct ue_step_opts *opts,
		 unsigned timeout_ms);
/* Runs the loop for ms milliseconds (answers, retransmissions go on). */
void uac_sleep(struct uac *a, unsigned ms);

#endif
