/* The RFC 6733 peer state machine (§5.6), without sockets: bytes in,
 * actions out. Messages to send go through a callback, so the same code
 * runs under hssd's epoll loop, Sofia-SIP's su_root (scscf-stub) and a
 * unit test. Time is passed in (milliseconds, any monotonic origin).
 *
 * Responder (hssd):  accepted → WAIT_CER → (CER ok: CEA 2001) → OPEN
 *   CER from a host not allowed → CEA 3010 + close; no common app → 5010.
 *   With cfg->check_routing, an application request of an OPEN peer must
 *   carry the peer's CER Origin-Host (3010 otherwise; an agent named in
 *   cfg->agents relays others' requests and is exempt) and, where present,
 *   our Destination-Realm (3003) and Destination-Host (3002) (RFC 6733
 *   §6.1: a node that is not an agent delivers only what is for itself).
 * Initiator (a client): connect → CER sent → WAIT_CEA → (CEA 2001) → OPEN.
 * OPEN: DWR→DWA, DPR→DPA + close, application messages delivered; after
 *   Tw of silence a DWR is sent, and if no answer arrives within another
 *   Tw the connection is closed (RFC 3539 §3.4). Tw is jittered: each
 *   time the watchdog is armed it is Twinit ± 2 s (RFC 3539 §3.4.1; ±Tw/4
 *   for the short Twinit of tests), so peers that started together do not
 *   send their DWRs in step.
 * Received requests are validated in full (rule tables); answers in
 *   structure only, or in full with cfg->check_answers (a client that
 *   must not use a defective answer: scscf-stub). A defective answer is
 *   never answered; it is reported as DIAM_PA_BAD_ANSWER with the verdict.
 * disconnect(): DPR sent → CLOSING → DPA (or dpa_wait_ms) → close.
 * No election (§5.6.4): a responder-only daemon never races its peers. */
#ifndef DIAMETER_PEER_H
#define DIAMETER_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "validate.h"

enum diam_peer_state {
	DIAM_PS_CLOSED,
	DIAM_PS_WAIT_CER,
	DIAM_PS_WAIT_CEA,
	DIAM_PS_OPEN,
	DIAM_PS_CLOSING,
};
const char *diam_peer_state_name(enum diam_peer_state s);

struct diam_peer_cfg {
	const struct diam_local *local;
	const char *const *allowed; /* Origin-Hosts allowed to connect (borrowed) */
	size_t nallowed;
	const char *const *agents;  /* agents (relays, proxies) allowed to connect */
	size_t nagents;
	bool check_routing;         /* bind requests to the peer, check Destination-* */
	bool accept_any;            /* labs: any Origin-Host */
	unsigned tw_ms;             /* watchdog Twinit; 0 → 30000 (RFC 3539 default) */
	unsigned dpa_wait_ms;       /* wait for DPA after our DPR; 0 → 2000 */
	unsigned cex_timeout_ms;    /* wait for CER/CEA; 0 → Tw */
	bool check_answers;         /* validate answers against the rule tables */
	/* The rule sets of the applications we serve (rules.h), NULL-
	 * terminated; NULL = every set known. Requests of others get 3007. */
	const struct diam_rule_set *const *rules;
};

/* Sends one complete message; 0 or negative errno. */
typedef int (*diam_send_fn)(void *arg, const uint8_t *buf, size_t len);

struct diam_peer {
	enum diam_peer_state state;
	const struct diam_peer_cfg *cfg;
	diam_send_fn send;
	void *send_arg;
	struct diam_host_ip local_ip;   /* advertised in CER/CEA Host-IP-Address */
	char host[256];                 /* peer's Origin-Host once known */
	char realm[256];
	uint32_t peer_state_id;         /* peer's Origin-State-Id (0 = none sent) */
	uint32_t app_mask;              /* bit i: cfg->local->apps[i] in common */
	bool relay;                     /* peer advertised Relay */
	bool agent;                     /* peer is one of cfg->agents */
	uint64_t last_rx_ms;
	uint64_t state_since_ms;
	bool dwr_pending;
	uint64_t dwr_sent_ms;
	uint32_t dpr_hbh;
	uint32_t rejected;              /* Result-Code of the last request answered
	                                 * by the validator (caller clears it) */
	unsigned tw_cur_ms;             /* Tw with this arming's jitter */
	struct diam_verdict verdict;    /* of the last rejected message */
	char why[400];                  /* last notable event, for the log */
};

enum diam_peer_act {
	DIAM_PA_NONE = 0, /* handled here (base protocol, or an error answered) */
	DIAM_PA_DELIVER,  /* an application message: the caller handles it */
	DIAM_PA_OPENED,   /* just reached OPEN */
	DIAM_PA_CLOSE,    /* close the transport after flushing what was sent */
	DIAM_PA_BAD_ANSWER, /* an answer failed validation (p->verdict): the
	                     * caller fails the request it answers */
};

void diam_peer_init(struct diam_peer *p, const struct diam_peer_cfg *cfg, diam_send_fn send,
		    void *send_arg);
/* Responder: a connection was accepted. */
void diam_peer_accepted(struct diam_peer *p, const struct diam_host_ip *local_ip, uint64_t now);
/* Initiator: the transport connected; sends CER. 0 or negative. */
int diam_peer_connected(struct diam_peer *p, const struct diam_host_ip *local_ip, uint64_t now);
/* One complete received message (framing is the transport's job). */
enum diam_peer_act diam_peer_rx(struct diam_peer *p, const uint8_t *buf, size_t len,
				uint64_t now);
/* Timers: call at least every second; returns NONE or CLOSE. */
enum diam_peer_act diam_peer_tick(struct diam_peer *p, uint64_t now);
/* How long a connection may wait for CER/CEA (ms). */
unsigned diam_peer_cex_timeout(const struct diam_peer *p);
/* Milliseconds until the next timer event (for poll timeouts). */
uint64_t diam_peer_next_timer(const struct diam_peer *p, uint64_t now);
/* Graceful close: DPR (cause per §5.4.3) → CLOSING. Returns CLOSE when
 * the peer was not OPEN (nothing to say goodbye to), else NONE. */
enum diam_peer_act diam_peer_disconnect(struct diam_peer *p, int32_t cause, uint64_t now);
/* The transport went away (peer closed, error): → CLOSED. */
void diam_peer_lost(struct diam_peer *p, const char *why);

/* True when host may connect under cfg (case-insensitive, §4.3 FQDN):
 * accept_any, or in allowed or agents. */
bool diam_peer_allowed(const struct diam_peer_cfg *cfg, const char *host);
/* True when host is one of cfg->agents. */
bool diam_peer_is_agent(const struct diam_peer_cfg *cfg, const char *host);
/* The cfg->check_routing checks on one application request of p (see the
 * note above), given v, the request's verdict from diam_validate_in (its
 * route[]): 0, or the Result-Code with v filled (Failed-AVP, why). */
uint32_t diam_peer_check_routing(const struct diam_peer *p, struct diam_verdict *v);

#endif
