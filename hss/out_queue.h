/* What the HSS-initiated requests have in common: Cx RTR (cx_rtr.c) and
 * S6a CLR/IDR (s6a_out.c) are rows of a queue table, sent on hssd's tick
 * through hss_core_send_request(), retried while their peer is not
 * connected, and closed from their answer. The tables differ (db.h), the
 * message head and the send/retry/drop decision do not. */
#ifndef HSS_OUT_QUEUE_H
#define HSS_OUT_QUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "app.h"

/* Queued requests handled per tick, and ticks a request waits for its
 * peer to connect before it is dropped. */
#define HSS_OUT_PER_TICK 16
#define HSS_OUT_MAX_ATTEMPTS 30

/* The head every HSS-initiated Cx/S6a request starts with (TS 29.229
 * §6.1.9, TS 29.272 §7.2.7/§7.2.9): header (R|P), a fresh Session-Id,
 * Vendor-Specific-Application-Id, Auth-Session-State NO_STATE_MAINTAINED,
 * Origin-Host/-Realm, Destination-Host, Destination-Realm (ours when
 * `realm` is empty), User-Name. */
void hss_out_head(struct hss_ctx *ctx, struct diam_wr *w, uint32_t cmd, uint32_t app,
		  const char *host, const char *realm, const char *user, uint32_t hbh,
		  uint32_t e2e);

enum hss_out_fate { HSS_OUT_SENT, HSS_OUT_RETRY, HSS_OUT_DROP };

/* Sends a built request (len < 0: the build failed with that error) to
 * `host`. The caller marks the row from the fate: SENT, RETRY (peer not
 * connected and attempts left), DROP (anything else). *err gets the
 * error for the log (0 when sent). */
enum hss_out_fate hss_out_send(struct hss_ctx *ctx, const char *host, const uint8_t *buf,
			       ssize_t len, int attempts, int *err);

/* A 2xxx answer (Result-Code or Experimental-Result-Code in *result). */
bool hss_out_answer_ok(const struct diam_msg *ans, uint32_t *result);

#endif
