/* The seam between hssd's core (event loop, peers, transport: hss/hssd.c,
 * hss/server.c …) and its Diameter applications (hss/cx.c, hss/s6a.c),
 * each described by one struct hss_app. Handlers are pure: request + store -> answer bytes; they never
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
#include "diameter/rules.h"

struct db;
struct hss_out_kind;

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

/* The key under which a route's handler looks its user up in the identity
 * cache (db.h db_ident_auth, db_sub_auth): the first AVP code/vendor of
 * the request, as a string. The core gathers a loop turn's keys and has
 * the cache fill the missing ones in one store call before the handlers
 * run (hss/prefetch.h). It must name what the handler looks up, or the
 * lookup is wasted (never wrong: the handler looks up its key anyway). */
enum hss_key_kind {
	HSS_KEY_NONE = 0,
	HSS_KEY_IMPU, /* a Public-Identity URI (db_ident_auth) */
	HSS_KEY_IMSI, /* an IMSI, digits only (db_sub_auth) */
};
struct hss_key {
	enum hss_key_kind kind;
	uint32_t code, vendor;
};
#define HSS_NO_KEY { HSS_KEY_NONE, 0, 0 }

struct hss_route {
	uint32_t app_id;
	uint32_t cmd_code;
	hss_handler_fn handler;
	const char *name;              /* "MAR", for the log line */
	struct hss_key key;            /* HSS_KEY_NONE: none to gather */
};

/* One Diameter application hssd serves: everything the core needs to know
 * about it, so the core (server.c) names no application. A new application
 * is a new file with one of these plus one line in hss_apps[] (apps.c);
 * its AVP rules go in common/diameter/rules_<app>.c (docs/HACKING.md). */
struct hss_app {
	const char *name;               /* "Cx", for logs */
	uint32_t vendor_id;             /* advertised in the CEA as Vendor-Specific- */
	uint32_t app_id;                /* Application-Id {vendor_id, app_id} */
	const struct hss_route *routes; /* requests served; NULL-handler-terminated */
	/* Its AVP rule tables (common/diameter/rules_<app>.c): every request
	 * is validated against them before a route's handler runs. */
	const struct diam_rule_set *rules;
	/* The requests this application originates (RTR, PPR, CLR, IDR …),
	 * NULL-terminated: kinds of the one outbound queue (hss/out_queue.h),
	 * which sends, retries, matches the answers and drops them. The core
	 * calls hss_out_tick() about once a second and hss_out_answer() with
	 * their answers, inside a transaction. */
	const struct hss_out_kind *const *originates;
};

/* The applications hssd serves, NULL-terminated (hss/apps.c). */
extern const struct hss_app *const hss_apps[];

/* Core services for applications (implemented in the core). */
/* Sends a request to the connected peer whose Origin-Host is `host`.
 * 0 sent, -ENOTCONN no such open peer, -ENOSPC/-EIO on failure. */
int hss_core_send_request(struct hss_ctx *ctx, const char *host, const uint8_t *buf,
			  size_t len);

#endif
