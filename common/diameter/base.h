/* Base protocol messages (RFC 6733 §5): builders for CER/CEA, DWR/DWA,
 * DPR/DPA and the generic error answer, and the capability-exchange
 * helpers (which applications a CER/CEA shares with us). Pure functions
 * over buffers; the peer state machine (peer.h) drives them. */
#ifndef DIAMETER_BASE_H
#define DIAMETER_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diam.h"
#include "validate.h"

/* One application we advertise: vendor 0 → Auth-Application-Id; else
 * Vendor-Specific-Application-Id {vendor, app} plus Supported-Vendor-Id
 * (how Kamailio needs Cx: kamailio-interop.md). */
struct diam_app {
	uint32_t vendor;
	uint32_t app_id;
};

struct diam_host_ip {
	uint16_t family; /* 1 IPv4, 2 IPv6 (IANA, as in the Address AVP) */
	uint8_t addr[16];
	size_t len;
};

/* Who we are, for every base message we build. Strings are borrowed. */
struct diam_local {
	const char *origin_host;
	const char *origin_realm;
	const char *product_name;
	uint32_t vendor_id;         /* our product's vendor (0 = none) */
	uint32_t firmware_revision; /* 0 = not sent */
	uint32_t origin_state_id;
	const struct diam_app *apps;
	size_t napps;
};

/* Each returns the message length or a negative DIAM_E* error. */
ssize_t diam_build_cer(uint8_t *buf, size_t cap, const struct diam_local *l,
		       const struct diam_host_ip *ip, uint32_t hbh, uint32_t e2e);
/* CEA answering `cer`: result 2001 advertises our apps; an error result
 * (3010, 5010 ...) carries error_message (may be NULL). */
ssize_t diam_build_cea(uint8_t *buf, size_t cap, const struct diam_msg *cer,
		       const struct diam_local *l, const struct diam_host_ip *ip,
		       uint32_t result, const char *error_message);
ssize_t diam_build_dwr(uint8_t *buf, size_t cap, const struct diam_local *l, uint32_t hbh,
		       uint32_t e2e);
ssize_t diam_build_dwa(uint8_t *buf, size_t cap, const struct diam_msg *dwr,
		       const struct diam_local *l, uint32_t result);
/* cause: 0 REBOOTING, 1 BUSY, 2 DO_NOT_WANT_TO_TALK_TO_YOU (§5.4.3). */
ssize_t diam_build_dpr(uint8_t *buf, size_t cap, const struct diam_local *l, int32_t cause,
		       uint32_t hbh, uint32_t e2e);
ssize_t diam_build_dpa(uint8_t *buf, size_t cap, const struct diam_msg *dpr,
		       const struct diam_local *l, uint32_t result);

/* The answer for a request the validator rejected (§7.2 answer-message
 * for 3xxx with the E bit; otherwise the command's own answer shape with
 * Result-Code, Error-Message and Failed-AVP). `req` may have failed
 * parsing: only its first 20 octets (header) are needed, plus the
 * Session-Id when the AVPs are readable. For Cx/S6a answers the
 * Vendor-Specific-Application-Id and Auth-Session-State (1) are added so
 * the answer keeps its command's shape. */
ssize_t diam_build_error_answer(uint8_t *buf, size_t cap, const uint8_t *req, size_t req_len,
				const struct diam_local *l, const struct diam_verdict *v);
/* The error answer is bounded: Failed-AVP quotes at most
 * DIAM_FAILED_QUOTE_MAX octets of the offending AVP's data (RFC 6733 §7.5
 * asks for the AVP; a long one is cut, its AVP Length set to what is
 * quoted, a Grouped one cut after its last whole child), Error-Message is
 * the verdict's short text, and the only part of the request echoed whole
 * is the Session-Id. diam_error_answer_room() is a cap that always fits. */
#define DIAM_FAILED_QUOTE_MAX 128u
size_t diam_error_answer_room(const uint8_t *req, size_t req_len);
/* Puts a's copy for a Failed-AVP, cut as said above (the one quoting rule,
 * for the validator's answers and the applications' alike). */
void diam_put_failed_quote(struct diam_wr *w, const struct diam_avp *a);

/* Capability negotiation (§5.3): counts the applications of `cer` (or a
 * CEA) that we also support; Relay (0xffffffff) counts as common (relay
 * agents are legitimate peers). *mask gets bit i set for l->apps[i]
 * shared; *relay is set when the peer is a relay. */
int diam_common_apps(const struct diam_msg *ce, const struct diam_local *l, uint32_t *mask,
		     bool *relay);

#endif
