/* The validator: one pass over a received message that yields the RFC 6733
 * §7 verdict {result_code, failed_avp, why} (STYLE.md §4). The caller
 * turns a non-zero verdict into an answer (diam_build_error_answer in
 * base.h) and closes the connection when `close` is set (the framing or the
 * protocol version can no longer be trusted). */
#ifndef DIAMETER_VALIDATE_H
#define DIAMETER_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diam.h"

struct diam_verdict {
	uint32_t result_code;    /* 0 = valid */
	bool e_bit;              /* protocol error (3xxx): answer with E set */
	bool close;              /* close the connection after answering */
	bool has_failed;         /* failed is meaningful */
	struct diam_avp failed;  /* the offending AVP (into the message or failed_buf) */
	uint8_t failed_buf[32];  /* synthesized Failed-AVP content (§7.5) */
	char why[160];           /* human text, also sent as Error-Message */
	/* The first top-level Origin-Host, Destination-Realm and
	 * Destination-Host (DIAM_ROUTE_*), met on the way: the peer's routing
	 * checks (peer.h) read them here instead of walking the message
	 * again. Whole AVPs (header and data); .raw NULL when absent. */
	struct diam_avp route[3];
};
enum { DIAM_ROUTE_ORIGIN_HOST, DIAM_ROUTE_DEST_REALM, DIAM_ROUTE_DEST_HOST };

/* Check depth: full (rules too), or structure only (lengths, header bits,
 * types) — used for answers and for messages whose command has no table. */
#define DIAM_V_FULL 0u
#define DIAM_V_STRUCTURE 1u

/* Validates `len` received bytes as one Diameter message. Returns 0 when
 * valid, else the Result-Code (also in v->result_code):
 *  5015 too short / length field wrong (close)   5011 version != 1 (close)
 *  3008 reserved or inconsistent header bits     3009 reserved AVP flag bits
 *  3007 unknown application  3001 unknown command (requests only)
 *  5014 AVP length < 8 (< 12 with V) or overrun  5001 unknown AVP with M
 *  5004 value of the wrong size/form for its type
 *  5005 missing required AVP (Failed-AVP: an example, zero-filled)
 *  5008 AVP that must not be present  5009 AVP present too many times. */
int diam_validate(const uint8_t *buf, size_t len, unsigned flags, struct diam_verdict *v);
/* The same against the rule sets of the applications a node serves
 * (rules.h; NULL-terminated, the base protocol's always included): a
 * request of an application not among them is 3007. NULL = every set. */
struct diam_rule_set;
int diam_validate_in(const uint8_t *buf, size_t len, unsigned flags,
		     const struct diam_rule_set *const *sets, struct diam_verdict *v);

#endif
