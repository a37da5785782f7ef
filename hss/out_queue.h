/* The one outbound request queue: every HSS-initiated request (Cx RTR and
 * PPR, S6a CLR and IDR) is a row of out_queue (db.h db_out_*), and this
 * module alone persists, sends, retries, matches the answer and drops.
 *
 * Life of a request:
 *
 *   queued --tick: built and handed to the core-----------> sent
 *   queued --tick: peer not connected (attempts left)----> queued
 *   sent   --answer 2xxx--> done      sent --other answer--> failed
 *   sent   --no answer within HSS_OUT_ANSWER_WAIT_S-------> queued again,
 *             resent with the T flag (RFC 6733 §3) up to HSS_OUT_MAX_SENDS
 *   anything else (unknown user, nobody to send it to, attempts or sends
 *   used up, build failed) ------------------------------> failed, logged
 *
 * What differs per command is a struct hss_out_kind: how to find the
 * destination and build the request, and what the answer changes. A new
 * HSS-initiated request is one kind (in its application's file) listed in
 * its application's `originates` (struct hss_app, app.h). The core calls
 * hss_out_tick() about once a second and hss_out_answer() with the answers
 * to these kinds, inside its transaction, and sends through
 * hss_core_send_request() (app.h), which holds the request until the
 * turn's commit so it never reflects state that was rolled back. */
#ifndef HSS_OUT_QUEUE_H
#define HSS_OUT_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "app.h"
#include "db.h"

/* Queued requests handled per tick; ticks a request waits for its peer to
 * connect before it is dropped; how long a sent request waits for its
 * answer, and how often it is sent before it is dropped unanswered. */
#define HSS_OUT_PER_TICK 16
#define HSS_OUT_MAX_ATTEMPTS 30
#define HSS_OUT_ANSWER_WAIT_S 10
#define HSS_OUT_MAX_SENDS 2

struct hss_out_kind {
	const char *name;        /* out_queue.kind: "RTR" */
	uint32_t app_id, cmd;    /* the command sent (its answer is matched on them) */
	/* Finds the destination (fills r->host/realm when the row leaves them
	 * empty) and builds the request into buf. The length, or < 0:
	 * -ENOENT unknown user, -ENOLINK nobody to send it to; any error
	 * drops the row with the reason logged. */
	ssize_t (*build)(struct hss_ctx *ctx, struct db_out *r, uint32_t hbh, uint32_t e2e,
			 uint8_t *buf, size_t cap);
	/* The answer arrived (ok: 2xxx); what it changes in the store. NULL:
	 * nothing beyond closing the row. */
	void (*answered)(struct hss_ctx *ctx, const struct db_out *r, const struct diam_msg *ans,
			 bool ok, uint32_t result);
};

/* The kinds (listed by the applications' descriptors), by name or by
 * the command they send; NULL if none. */
extern const struct hss_out_kind cx_out_rtr, cx_out_ppr, s6a_out_clr, s6a_out_idr;
const struct hss_out_kind *hss_out_kind(const char *name);
const struct hss_out_kind *hss_out_kind_of(uint32_t app_id, uint32_t cmd);

/* Queues r (db_out_add) and, inside hssd (ctx non-NULL), sends it at
 * once: the CLR of a ULR leaves in the ULR's own turn. */
int hss_out_queue(struct db *db, struct hss_ctx *ctx, struct db_out *r);
/* Sends what is queued, resends or drops what went unanswered. */
void hss_out_tick(struct hss_ctx *ctx);
/* An answer from a peer: true when it answered a request of the queue
 * (its row is closed and its kind's answered() has run). */
bool hss_out_answer(struct hss_ctx *ctx, const struct diam_msg *ans);

/* The head every HSS-initiated Cx/S6a request starts with (TS 29.229
 * §6.1.9, TS 29.272 §7.2.7/§7.2.9): header (R|P), a fresh Session-Id,
 * Vendor-Specific-Application-Id, Auth-Session-State NO_STATE_MAINTAINED,
 * Origin-Host/-Realm, Destination-Host, Destination-Realm (ours when
 * `realm` is empty), User-Name. */
void hss_out_head(struct hss_ctx *ctx, struct diam_wr *w, uint32_t cmd, uint32_t app,
		  const char *host, const char *realm, const char *user, uint32_t hbh,
		  uint32_t e2e);

#endif
