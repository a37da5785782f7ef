/* hssd's metric families (hss_metrics.h). */
#include "hss_metrics.h"

#include <stdio.h>
#include <stdlib.h>

#include "diameter/diam.h"

struct hss_metrics *hss_metrics_new(struct metrics *m)
{
	static const char *const cmd_res[] = { "command", "result", NULL };
	static const char *const cmd[] = { "command", NULL };
	static const char *const cmd_act[] = { "command", "action", NULL };
	static const char *const state[] = { "state", NULL };
	struct hss_metrics *hm = calloc(1, sizeof(*hm));

	if (!hm)
		return NULL;
	hm->m = m;
	hm->requests = metrics_counter(m, "hssd_diameter_requests_total",
				       "Diameter answers sent, by command and result "
				       "(Result-Code, or exp:Experimental-Result-Code).", cmd_res);
	hm->duration = metrics_histogram(m, "hssd_diameter_request_duration_seconds",
					 "From reading a request to handing its answer to the socket "
					 "(handler, group commit, any delay fault).", cmd, NULL, 0);
	hm->commit = metric_series(metrics_histogram(
		m, "hssd_sqn_commit_duration_seconds",
		"One store COMMIT (fsync) per loop turn that wrote: SQNs become durable.", NULL,
		NULL, 0));
	hm->peers = metrics_gauge(m, "hssd_peers", "Diameter connections by peer state.", state);
	hm->out_queue = metrics_gauge(m, "hssd_outbound_queue_requests",
				      "HSS-initiated requests (RTR, PPR, CLR, IDR) by state.", state);
	hm->send_queue = metric_series(metrics_gauge(
		m, "hssd_send_queue_bytes", "Octets waiting in the connections' output buffers.",
		NULL));
	hm->faults = metrics_counter(m, "hssd_faults_injected_total",
				     "Diameter faults injected (docs/faults.md).", cmd_act);
	hm->fault_rules = metric_series(metrics_gauge(m, "hssd_fault_rules",
						      "Fault rules in force (0 with --no-faults).",
						      NULL));
	if (!hm->requests || !hm->duration || !hm->commit || !hm->peers || !hm->out_queue ||
	    !hm->send_queue || !hm->faults || !hm->fault_rules) {
		free(hm);
		return NULL;
	}
	return hm;
}

void hss_metrics_free(struct hss_metrics *hm)
{
	free(hm);
}

static struct hss_metrics_cmd *cmd_of(struct hss_metrics *hm, const char *cmd)
{
	struct hss_metrics_cmd *c;

	for (size_t i = 0; i < hm->ncmd; i++)
		if (hm->cmd[i].cmd == cmd)
			return &hm->cmd[i];
	if (hm->ncmd == HSS_METRICS_CMDS)
		return NULL;
	c = &hm->cmd[hm->ncmd++];
	c->cmd = cmd;
	c->duration = metric_series(hm->duration, cmd);
	return c;
}

static struct metric_series *result_of(struct hss_metrics *hm, struct hss_metrics_cmd *c,
				       uint32_t code, bool exp)
{
	char label[24];
	struct metric_series *s;

	for (size_t i = 0; i < c->nres; i++)
		if (c->res[i].code == code && c->res[i].exp == exp)
			return c->res[i].s;
	if (code)
		snprintf(label, sizeof(label), "%s%u", exp ? "exp:" : "", code);
	else
		snprintf(label, sizeof(label), "none"); /* a malformed answer (bad-length) */
	s = metric_series(hm->requests, c->cmd, label);
	if (c->nres < HSS_METRICS_RESULTS)
		c->res[c->nres++] = (typeof(c->res[0])){ code, exp, s };
	return s;
}

void hss_metrics_result(struct hss_metrics *hm, const char *cmd, uint32_t code, bool exp,
			uint64_t us)
{
	struct hss_metrics_cmd *c;

	if (!hm || !(c = cmd_of(hm, cmd)))
		return;
	metric_inc(result_of(hm, c, code, exp));
	metric_observe_us(c->duration, us);
}

void hss_metrics_answer(struct hss_metrics *hm, const char *cmd, const uint8_t *ans, size_t len,
			uint64_t us)
{
	struct diam_msg m;
	uint32_t code = 0;
	bool exp = false;

	if (!hm)
		return;
	if (diam_msg_parse(ans, len, &m) != 0 || diam_msg_result(&m, &code, &exp) != 0)
		code = 0, exp = false;
	hss_metrics_result(hm, cmd, code, exp, us);
}

void hss_metrics_commit(struct hss_metrics *hm, uint64_t us)
{
	if (hm)
		metric_observe_us(hm->commit, us);
}

void hss_metrics_fault(struct hss_metrics *hm, const char *cmd, const char *action)
{
	if (hm)
		metric_inc(metric_series(hm->faults, cmd, action));
}
