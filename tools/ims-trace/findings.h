/* ims-trace's findings: every check that fails becomes one finding
 * {kind, frames, text}, collected from the SIP attempts, the Diameter
 * exchanges, the hops and ESP, and printed at the end of the text report,
 * as JSON "findings" and on the HTML page. The kinds are a stable contract
 * (scripts match on them); each is documented in docs/ims-trace.md. */
#ifndef TRACE_FINDINGS_H
#define TRACE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

enum finding_kind {
	FK_NONE = -1,
	FK_MAC_A_MISMATCH = 0,     /* AUTN's MAC-A does not verify with the keys */
	FK_XRES_MISMATCH,          /* vector XRES != f2 of the keys that verify MAC-A */
	FK_CK_IK_MISMATCH,         /* vector or 401 CK/IK != f3/f4 / the vector's */
	FK_KASME_MISMATCH,         /* S6a KASME != KDF(CK‖IK, SN id, SQN⊕AK) */
	FK_AUTS_MAC_S_BAD,         /* AUTS's MAC-S does not verify */
	FK_RAND_REUSE,             /* one RAND in two vectors of one subscriber */
	FK_RESPONSE_MISMATCH,      /* the UE's response/answer is wrong */
	FK_KEYS_NOT_SUBSCRIBER,    /* the keys given are not the subscriber's */
	FK_OP_OPC_SWAPPED,         /* MAC-A verifies only with OP and OPc swapped */
	FK_CK_IK_TO_UE,            /* a 401 with ck/ik reached the UE */
	FK_SECURITY_VERIFY_MISMATCH, /* Security-Verify != the Security-Server received */
	FK_HOP_ALTERED,            /* a proxy changed what it must forward unchanged */
	FK_ESP_ICV_BAD,            /* an ESP ICV does not verify */
	FK_REPLAY,                 /* nonce / (nonce, nc) used again, nc not increasing */
	FK_NO_FINAL_RESPONSE,      /* a REGISTER without a final response */
	FK_STATUS_WRONG,           /* the network's final answer was wrong */
	FK_FIELD_MISMATCH,         /* a digest field (realm, uri, nonce, qop, nc...) wrong */
	FK_NONCE_BAD,              /* the nonce is not base64(RAND ‖ AUTN ...) */
	FK_RESYNC_NOT_APPLIED,     /* after a valid AUTS the next SQN is not above SQN_MS */
	FK_NONCE_NOT_VECTOR,       /* the nonce's AUTN is not the vector's */
	FK_MAC_FAILURE_AT_UE,      /* the UE's card rejected AUTN (empty response) */
	FK_COUNT
};
const char *finding_kind_name(enum finding_kind k);

#define FINDING_FRAMES_MAX 8
#define FINDING_TEXT 600

struct finding {
	enum finding_kind kind;
	unsigned frames[FINDING_FRAMES_MAX];
	size_t nframes;
	char text[FINDING_TEXT];
};

struct findings {
	struct finding *f;
	size_t n, cap;
};

/* Adds a finding; the same kind with the same frames is kept once.
 * frames may hold 0s (absent), which are skipped. */
void findings_add(struct findings *fs, enum finding_kind k, const unsigned *frames,
		  size_t nframes, const char *text);
void findings_free(struct findings *fs);

#endif
