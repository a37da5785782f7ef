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
	struct usim_cfg usim;
};

void ue_cfg_default(struct ue_cfg *c);

#endif
