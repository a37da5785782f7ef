/* One simulated UE: its identities, its USIM and how it answers
 * challenges. Shared by `ue-sim register`, the scenario runner and the
 * load mode. */
#ifndef UE_UE_H
#define UE_UE_H

#include <stdbool.h>
#include <stdint.h>

#include "digest/digest.h"
#include "usim.h"

#define UE_DEFAULT_EXPIRES 600
#define UE_DEFAULT_RETRY_AFTER_MAX 30
#define UE_MAX_RETRIES 2 /* per step: 503 + Retry-After resends */

/* sec-agree (TS 33.203 §7, ue_secagree.h): offered when on. */
struct ue_sec_cfg {
	bool on;
	unsigned algs, ealgs;    /* offered: bits 1 << enum sa_alg / sa_ealg; 0 = all */
	uint16_t port_c, port_s; /* the UE's protected ports; 0 = free ones */
};

struct ue_cfg {
	const char *registrar;   /* next hop, "sip:IP:PORT" (IP literal) */
	const char *impi;        /* Authorization username */
	const char *impu;        /* From/To */
	const char *realm;       /* Request-URI sip:REALM and digest realm */
	const char *auth_realm;  /* realm put in Authorization; NULL = realm (fault: wrong realm) */
	const char *password;    /* MD5 (SIP Digest) subscribers */
	enum digest_alg alg;     /* what the UE is willing to answer */
	enum digest_qop qop;     /* preferred qop when the challenge offers it */
	unsigned expires;        /* Contact expires */
	unsigned answer_delay_ms;/* wait before answering a 401 (Kamailio, see docs) */
	unsigned retry_after_max;/* s: a 503 with Retry-After up to this is retried after
				  * that time (RFC 3261 §21.5.4); 0 = never */
	unsigned t1_ms;          /* SIP T1 (Timer F = 64*T1, RFC 3261 §17.1.2.2); 0 = 500 */
	struct usim_cfg usim;
	struct ue_sec_cfg sec;
};

void ue_cfg_default(struct ue_cfg *c);

#endif
