/* hssd's core: one epoll loop over the listening sockets and the peer
 * connections, the RFC 6733 peer state machine per connection
 * (diameter/peer.h), dispatch of application requests to the routes of
 * hss/app.h, and group commit of the store.
 *
 * Group commit (hss/app.h, DESIGN.md "SQN is never reused"): one loop
 * turn = one epoll_wait. Every request that arrived in the turn runs
 * inside one store transaction; its answer is held back in a per-peer
 * "gated" buffer. After the turn, one COMMIT (one fsync) makes all the
 * SQNs durable, and only then are the gated answers appended to the peer's
 * output and written (one write per peer). If the commit fails, the turn
 * is rolled back and each held-back answer is replaced by
 * DIAMETER_UNABLE_TO_COMPLY (5012), so no vector whose SQN is not durable
 * ever leaves. Base-protocol answers (CEA, DWA, DPA) and validator errors
 * touch no state and are not gated. With 64 requests in flight, a turn
 * typically carries tens of requests, so the fsync cost is shared. */
#ifndef HSS_SERVER_H
#define HSS_SERVER_H

#include <signal.h>

#include "config.h"

struct db;
struct hss_server;

/* Opens the listeners (port 0 → a free port, logged and written to
 * cfg->port_file). 0 or negative errno; *out owned by the caller. */
int hss_server_open(struct hss_server **out, const struct hss_config *cfg, struct db *db);
/* Runs until *stop is set (SIGTERM/SIGINT), then sends DPR to every open
 * peer, waits up to 2 s for the DPAs, and returns 0. *hup set → the log
 * file is reopened. */
int hss_server_run(struct hss_server *s, volatile sig_atomic_t *stop,
		   volatile sig_atomic_t *hup);
void hss_server_free(struct hss_server *s);

#endif
