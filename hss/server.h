/* hssd's core: one epoll loop over the listening sockets and the peer
 * connections, the RFC 6733 peer state machine per connection
 * (diameter/peer.h), dispatch of application requests to the routes of
 * hss/app.h, and group commit of the store.
 *
 * Group commit (hss/app.h, DESIGN.md "SQN is never reused"): one loop
 * turn = one epoll_wait. Every request that arrived in the turn runs
 * inside one store transaction; its answer is held back in a per-peer
 * "gated" buffer. At the end of the turn the turn is sealed (held.h: the
 * answers and their requests copied into a batch) and its commit starts
 * without stopping the loop (db.h db_commit_start: SQLite COMMITs without
 * an fsync and a thread fsyncs the WAL, or the loop itself when it has
 * nothing else to do and that has been faster; PostgreSQL gets COMMIT in a
 * pipeline); the loop collects turn N+1 while the commit of turn N becomes
 * durable, and a batch's answers leave only when its commit is reported
 * durable (db_commit_poll, in commit order). If a commit fails, each of
 * its answers is replaced by DIAMETER_UNABLE_TO_COMPLY (5012), so no
 * vector whose SQN is not durable ever leaves; a request whose SQN
 * compare-and-swap found another hssd's SQN runs again on fresh data
 * (at most MAX_RUNS times, then 5012). Base-protocol answers (CEA, DWA,
 * DPA) and validator errors touch no state and are not gated. With 64
 * requests in flight, a commit typically carries tens of requests, so the
 * fsync cost is shared. */
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
