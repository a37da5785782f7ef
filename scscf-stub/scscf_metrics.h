/* scscf-stub's Prometheus metrics (served by --metrics tcp://IP:PORT from
 * the su_root loop, docs/scscf-stub.md "Metrics"):
 *
 *   scscf_register_responses_total{status,outcome}  final responses to REGISTER
 *   scscf_register_duration_seconds                 REGISTER received -> final sent
 *   scscf_cx_request_duration_seconds{command}      MAR/SAR sent -> answer (or timeout)
 *   scscf_cx_requests_total{command,result}         by answer: the Result-Code /
 *                                                   Experimental-Result-Code, or
 *                                                   timeout / unreachable / malformed
 *   scscf_bindings, scscf_contacts                  registered IMPUs and their contacts
 *   scscf_pending_cx_requests                       REGISTERs waiting for the HSS
 *   scscf_hss_connection_up                         1 while the Cx connection is open
 *   scscf_faults_injected_total{action}             SIP faults (fault.h)
 *
 * Every entry point accepts a NULL struct (metrics off): the registrar
 * and its unit tests run the same code with or without them. */
#ifndef SCSCF_METRICS_H
#define SCSCF_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "util/metrics.h"

struct scscf_metrics {
	struct metrics *m;
	struct metric_family *responses, *reg_duration, *cx_duration, *cx_requests, *faults;
	struct metric_series *bindings, *contacts, *pending, *hss_up;
	struct metric_series *mar_duration, *sar_duration;
};

/* Families registered in m (owned by the caller). NULL on ENOMEM. */
struct scscf_metrics *scscf_metrics_new(struct metrics *m);
void scscf_metrics_free(struct scscf_metrics *sm);

/* "registered", "re_registered", "de_registered", "query", "challenged",
 * "forbidden", "bad_request", "interval_too_brief", "hss_timeout",
 * "server_error", "fault" … from the status and the registrar's reason. */
const char *scscf_outcome(int status, const char *why);

void scscf_metrics_response(struct scscf_metrics *sm, int status, const char *why);
void scscf_metrics_register_time(struct scscf_metrics *sm, uint64_t us);
/* command "MAR"/"SAR"; result "2001", "exp:5001", "timeout", "unreachable" … */
void scscf_metrics_cx(struct scscf_metrics *sm, const char *command, const char *result,
		      uint64_t us);
void scscf_metrics_fault(struct scscf_metrics *sm, const char *action);

static inline uint64_t scscf_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
