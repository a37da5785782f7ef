/* hssd's Prometheus metrics (served with --metrics tcp://IP:PORT from the
 * epoll loop, docs/hssd.md "Metrics"):
 *
 *   hssd_diameter_requests_total{command,result}   answers sent, by result
 *                                                  ("2001", "exp:5001" …)
 *   hssd_diameter_request_duration_seconds{command} request read -> answer
 *                                                  handed to the socket
 *                                                  (commit and any delay
 *                                                  fault included); its
 *                                                  _count equals the answers
 *   hssd_sqn_commit_duration_seconds               one COMMIT (one fsync) per
 *                                                  loop turn that wrote
 *   hssd_peers{state}                              connections by RFC 6733 state
 *   hssd_outbound_queue_requests{state}            HSS-initiated requests
 *                                                  (RTR, PPR, CLR, IDR) queued/sent
 *   hssd_send_queue_bytes                          octets waiting in the sockets'
 *                                                  output buffers
 *   hssd_faults_injected_total{command,action}     Diameter faults (diam_fault.h)
 *   hssd_fault_rules                               rules in force
 *
 * The request path pays a header parse, a Result-Code lookup and a few
 * integer operations: series are found through a small per-command cache
 * keyed by the route's name pointer and the result code. */
#ifndef HSS_METRICS_H
#define HSS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/metrics.h"

#define HSS_METRICS_CMDS 16
#define HSS_METRICS_RESULTS 8

struct hss_metrics_cmd {
	const char *cmd;                     /* the route's name (pointer compared) */
	struct metric_series *duration;
	struct { uint32_t code; bool exp; struct metric_series *s; } res[HSS_METRICS_RESULTS];
	size_t nres;
};

struct hss_metrics {
	struct metrics *m;
	struct metric_family *requests, *duration, *faults, *peers, *out_queue;
	struct metric_series *commit, *send_queue, *fault_rules;
	struct hss_metrics_cmd cmd[HSS_METRICS_CMDS];
	size_t ncmd;
};

/* Families registered in m (owned by the caller); NULL on ENOMEM. */
struct hss_metrics *hss_metrics_new(struct metrics *m);
void hss_metrics_free(struct hss_metrics *hm);

/* One answer of command cmd (a static string) sent us after its request
 * was read. A NULL hm does nothing. */
void hss_metrics_answer(struct hss_metrics *hm, const char *cmd, const uint8_t *ans, size_t len,
			uint64_t us);
/* The same when the answer's result is known (a 5012 the core made). */
void hss_metrics_result(struct hss_metrics *hm, const char *cmd, uint32_t code, bool exp,
			uint64_t us);
void hss_metrics_commit(struct hss_metrics *hm, uint64_t us);
void hss_metrics_fault(struct hss_metrics *hm, const char *cmd, const char *action);

#endif
