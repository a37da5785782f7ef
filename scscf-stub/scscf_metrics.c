/* scscf-stub's metric families (scscf_metrics.h). */
#include "scscf_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scscf_metrics *scscf_metrics_new(struct metrics *m)
{
	static const char *const resp_l[] = { "status", "outcome", NULL };
	static const char *const cmd_l[] = { "command", NULL };
	static const char *const cmd_res_l[] = { "command", "result", NULL };
	static const char *const action_l[] = { "action", NULL };
	struct scscf_metrics *sm = calloc(1, sizeof(*sm));

	if (!sm)
		return NULL;
	sm->m = m;
	sm->responses = metrics_counter(m, "scscf_register_responses_total",
					"Final responses to REGISTER, by status and outcome.", resp_l);
	sm->reg_duration = metrics_histogram(
		m, "scscf_register_duration_seconds",
		"Time from a REGISTER's arrival to its final response.", NULL, NULL, 0);
	sm->cx_duration = metrics_histogram(
		m, "scscf_cx_request_duration_seconds",
		"Round trip of a Cx request to the HSS (to its answer, or to the timeout).", cmd_l,
		NULL, 0);
	sm->cx_requests = metrics_counter(
		m, "scscf_cx_requests_total",
		"Cx requests by command and result (Result-Code, exp:Experimental-Result-Code, "
		"timeout, unreachable, malformed).", cmd_res_l);
	sm->bindings = metric_series(metrics_gauge(m, "scscf_bindings",
						   "Registered public identities (binding records).",
						   NULL));
	sm->contacts = metric_series(metrics_gauge(m, "scscf_contacts",
						   "Contacts of all binding records.", NULL));
	sm->pending = metric_series(metrics_gauge(m, "scscf_pending_cx_requests",
						  "REGISTERs waiting for an answer from the HSS.",
						  NULL));
	sm->hss_up = metric_series(metrics_gauge(m, "scscf_hss_connection_up",
						 "1 while the Diameter connection to the HSS is open.",
						 NULL));
	sm->faults = metrics_counter(m, "scscf_faults_injected_total",
				     "SIP faults injected, by action (docs/faults.md).", action_l);
	sm->mar_duration = metric_series(sm->cx_duration, "MAR");
	sm->sar_duration = metric_series(sm->cx_duration, "SAR");
	if (!sm->responses || !sm->reg_duration || !sm->cx_requests || !sm->bindings ||
	    !sm->contacts || !sm->pending || !sm->hss_up || !sm->faults || !sm->mar_duration ||
	    !sm->sar_duration) {
		free(sm);
		return NULL;
	}
	return sm;
}

void scscf_metrics_free(struct scscf_metrics *sm)
{
	free(sm);
}

const char *scscf_outcome(int status, const char *why)
{
	static const struct { const char *why; const char *outcome; } ok[] = {
		{ "registered", "registered" },	  { "re-registered", "re_registered" },
		{ "de-registered", "de_registered" }, { "not registered", "de_registered" },
		{ "query", "query" },
	};

	if (why && !strncmp(why, "fault", 5))
		return "fault";
	if (status >= 200 && status < 300) {
		for (size_t i = 0; why && i < sizeof(ok) / sizeof(ok[0]); i++)
			if (!strcmp(why, ok[i].why))
				return ok[i].outcome;
		return "ok";
	}
	switch (status) {
	case 401: return "challenged";
	case 403: return "forbidden";
	case 400: return "bad_request";
	case 423: return "interval_too_brief";
	case 504: return "hss_timeout";
	default: return status >= 500 ? "server_error" : "other";
	}
}

void scscf_metrics_response(struct scscf_metrics *sm, int status, const char *why)
{
	char st[8];

	if (!sm)
		return;
	if (!status) { /* a drop fault: nothing was sent */
		metric_inc(metric_series(sm->responses, "none", "dropped"));
		return;
	}
	snprintf(st, sizeof(st), "%d", status);
	metric_inc(metric_series(sm->responses, st, scscf_outcome(status, why)));
}

void scscf_metrics_register_time(struct scscf_metrics *sm, uint64_t us)
{
	if (sm)
		metric_observe_us(metric_series(sm->reg_duration), us);
}

void scscf_metrics_cx(struct scscf_metrics *sm, const char *command, const char *result,
		      uint64_t us)
{
	if (!sm)
		return;
	metric_observe_us(!strcmp(command, "MAR") ? sm->mar_duration : sm->sar_duration, us);
	metric_inc(metric_series(sm->cx_requests, command, result));
}

void scscf_metrics_fault(struct scscf_metrics *sm, const char *action)
{
	if (sm)
		metric_inc(metric_series(sm->faults, action));
}
