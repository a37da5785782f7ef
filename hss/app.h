/* The seam between hssd's core (event loop, peers, transport: hss/hssd.c,
 * hss/server.c …) and its Diameter applications (hss/cx.c, later
 * hss/s6a.c). Handlers are pure: request + store -> answer bytes; they never
 * touch sockets, so unit tests call them directly over a temp database.
 *
 * SQN durability (group commit): the core opens one store transaction per
 * loop turn (db_txn_begin), runs every request that arrived in that turn,
 * commits once (db_txn_commit, one fsync), and only then sends the
 * answers. If the commit fails, answers are replaced by
 * DIAMETER_UNABLE_TO_COMPLY, so no vector whose SQN is not durable leaves. */
#ifndef HSS_APP_H
#define HSS_APP_H

#include <stdint.h>

#include "diameter/diam.h"

struct db;

struct hss_identity {
	const char *origin_host;  /* our Origin-Host */
	const char *origin_realm; /* our Origin-Realm */
};

struct hss_ctx {
	struct db *db;                 /* open store, transaction already begun */
	struct hss_identity id;
	unsigned max_vectors;          /* cap for SIP-Number-Auth-Items / AIR */
	const char *peer_host;         /* Origin-Host of the peer that sent req */
	uint32_t origin_state_id;
	void *core;                    /* opaque, for hss_core_* below */
};

/* A request handler writes a complete answer into `ans` (starting with
 * diam_answer_begin). Return 0 when ans holds the answer; a negative value
 * makes the core answer DIAMETER_UNABLE_TO_COMPLY (5012) itself. The core has
 * already validated `req` against the command's rule table (so required
 * AVPs are present and well-formed) before calling. */
typedef int (*hss_handler_fn)(struct hss_ctx *ctx, const struct diam_msg *req,
			      struct diam_wr *ans);

struct hss_route {
	uint32_t app_id;
	uint32_t cmd_code;
	hss_handler_fn handler;
	const char *name;              /* "MAR", for the log line */
};

/* Provided by hss/cx.c (and later hss/s6a.c): NULL-handler-terminated. */
extern const struct hss_route cx_routes[];

/* Called by the core about once a second (inside a transaction), so an
 * application can send HSS-initiated requests queued by hss-ctl (RTR). */
void cx_tick(struct hss_ctx *ctx);
/* Called by the core with an answer to a request an application sent. */
void cx_on_answer(struct hss_ctx *ctx, const struct diam_msg *ans);

/* Provided by hss/s6a.c and hss/s6a_out.c: S6a (TS 29.272) AIR, ULR, PUR;
 * the tick sends queued CLR/IDR, the answer hook closes them on CLA/IDA. */
extern const struct hss_route s6a_routes[];
void s6a_tick(struct hss_ctx *ctx);
void s6a_on_answer(struct hss_ctx *ctx, const struct diam_msg *ans);

/* Core services for applications (implemented in the core). */
/* Sends a request to the connected peer whose Origin-Host is `host`.
 * 0 sent, -ENOTCONN no such open peer, -ENOSPC/-EIO on failure. */
int hss_core_send_request(struct hss_ctx *ctx, const char *host, const uint8_t *buf,
			  size_t len);

#endif
