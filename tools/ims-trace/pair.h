/* Grouping a capture's messages into registration attempts (issue 7 §2).
 *
 * An attempt is one challenge and what answered it:
 *   req   REGISTER that got the challenge (no usable credentials)
 *   chal  401/407 carrying the nonce (RAND ‖ AUTN)
 *   auth  REGISTER answering with response= (or auts=)
 *   final final response to `auth` (200, 403, or a 401 that starts the
 *         next attempt after a resync)
 * plus the Cx MAR/MAA (or S6a AIR/AIA) whose vector RAND is the nonce's
 * RAND, and the resync MAR carrying RAND ‖ AUTS of this attempt.
 * SIP is matched by Call-ID + CSeq (responses to requests) and by nonce
 * (answers to challenges, falling back to Call-ID so that a wrongly
 * echoed nonce is still paired); Diameter answers to requests by
 * hop-by-hop + end-to-end id, vectors to attempts by RAND, and failing
 * MAAs to attempts by IMPI and time. Copies of a message on another hop
 * (Gm and Mw in one capture) and retransmissions are marked, not paired
 * twice. */
#ifndef TRACE_PAIR_H
#define TRACE_PAIR_H

#include "trace.h"

#include <stdbool.h>
#include <stdint.h>

struct attempt {
	int req, chal, chal_ckik, auth, final;  /* event indices, -1 = absent */
	int mar, maa, vec;                     /* vec: index in maa's vectors */
	int resync_mar, resync_maa;
	char call_id[256];
	char impi[256];
	char nonce[256];     /* from the challenge, else echoed by the UE */
	bool nonce_from_auth;
	uint8_t rand[16];    /* the nonce's RAND, when it decodes */
	bool has_rand;
	bool no_challenge;   /* REGISTER answered without a 401 */
};

struct pairing {
	struct attempt *a;
	size_t n;
	int unpaired[64];    /* events that belong to registration but fit nowhere */
	size_t nunpaired, unpaired_total;
	unsigned other_sip, other_diam;  /* messages that are not about registration */
};

/* Builds the attempts over c->ev (setting ev[i].attempt / retrans).
 * 0 or -ENOMEM. */
int pair_run(struct trace_ctx *c, struct pairing *p);
void pair_free(struct pairing *p);

/* The Authorization / Proxy-Authorization and WWW-/Proxy-Authenticate
 * header values of a SIP message (NULL when absent). */
const char *pair_authz(const struct sip_msg *s);
const char *pair_challenge(const struct sip_msg *s);
/* The answer to Diameter request event req (same hop-by-hop, end-to-end,
 * command and Session-Id, RFC 6733 §6.2), or -1. */
int pair_diam_answer(const struct trace_ctx *c, size_t req);
/* One parameter of an Authorization / WWW-Authenticate value (hv may be
 * NULL): copied into out, false when absent or unparsable. */
bool pair_param(const char *hv, const char *name, char *out, size_t sz);

#endif
