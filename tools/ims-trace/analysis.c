#include "analysis.h"
#include "diam_in.h"
#include "esp_sa.h"
#include "sip_msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IDS_MAX 64

const char *trace_result_name(enum trace_result r)
{
	static const char *const n[] = { "consistent", "inconsistent", "unreadable",
					 "nothing_to_check" };
	return n[r];
}

static void id_add(struct analysis *an, const char *kind, const char *id)
{
	if (!id || !id[0] || an->nids == IDS_MAX)
		return;
	for (size_t i = 0; i < an->nids; i++)
		if (!strcmp(an->ids[i].id, id))
			return;
	struct trace_identity *t = &an->ids[an->nids++];
	snprintf(t->kind, sizeof(t->kind), "%s", kind);
	snprintf(t->id, sizeof(t->id), "%s", id);
}

/* Who the capture is about: what to suggest when nothing matched. */
static void identities(struct analysis *an)
{
	const struct trace_ctx *c = an->c;
	char v[256];

	for (size_t i = 0; i < c->nev; i++) {
		const struct trace_event *e = &c->ev[i];
		if (e->kind == EV_DIAM) {
			id_add(an, "user_name", e->diam->user_name);
			id_add(an, "impu", e->diam->public_identity);
		} else if (e->sip->request && !strcasecmp(e->sip->method, "REGISTER")) {
			if (pair_param(pair_authz(e->sip), "username", v, sizeof(v)))
				id_add(an, "impi", v);
			if (sip_hdr(e->sip, "To") && sip_uri_userhost(sip_hdr(e->sip, "To"), v, sizeof(v)))
				id_add(an, "impu", v);
		}
	}
}

static int attempts(struct analysis *an, const struct trace_keyring *kr)
{
	size_t n = an->p.n ? an->p.n : 1;

	an->v = calloc(n, sizeof(*an->v));
	an->shown = calloc(n, sizeof(bool));
	if (!an->v || !an->shown)
		return -ENOMEM;
	for (size_t k = 0; k < an->p.n; k++) {
		an->shown[k] = !an->impi || !strcmp(an->impi, an->p.a[k].impi);
		if (!an->shown[k])
			continue;
		an->nshown++;
		verdict_run(an->c, &an->p.a[k], kr, &an->v[k]);
		verdict_findings(&an->v[k], &an->f);
		an->checked += verdict_checked(&an->v[k]);
	}
	return 0;
}

int analysis_run(struct analysis *an, const struct trace_ctx *c, const struct trace_keyring *kr,
		 const char *capture, const char *impi, const char *read_error)
{
	memset(an, 0, sizeof(*an));
	an->c = c;
	an->capture = capture;
	an->impi = impi;
	an->read_error = read_error;
	an->ids = calloc(IDS_MAX, sizeof(*an->ids));
	/* pairing marks the events (attempt indices); nothing else changes them */
	if (!an->ids || pair_run((struct trace_ctx *)c, &an->p) || attempts(an, kr) ||
	    diam_check_run(c, &an->p, an->shown, kr, impi, &an->dx))
		return -ENOMEM;
	diam_check_findings(&an->dx, &an->f);
	an->checked += diam_check_verified(&an->dx);
	esp_sa_findings(c, impi, &an->f);
	an->checked += esp_sa_checked(c, impi);
	identities(an);
	an->result = read_error ? RESULT_UNREADABLE : an->f.n ? RESULT_INCONSISTENT
		   : an->checked ? RESULT_CONSISTENT : RESULT_NOTHING_TO_CHECK;
	return 0;
}

void analysis_free(struct analysis *an)
{
	if (an->v)
		memset(an->v, 0, (an->p.n ? an->p.n : 1) * sizeof(*an->v));
	free(an->v);
	free(an->shown);
	free(an->ids);
	diam_check_free(&an->dx);
	findings_free(&an->f);
	pair_free(&an->p);
	memset(an, 0, sizeof(*an));
}

int analysis_exit(const struct analysis *an)
{
	static const int code[] = { 0, 1, 2, 3 };
	return code[an->result];
}

void analysis_nothing_text(const struct analysis *an, char *buf, size_t sz)
{
	size_t o;

	if (an->impi && !an->nshown)
		o = (size_t)snprintf(buf, sz, "--impi %s matches no registration attempt", an->impi);
	else if (!an->p.n && !an->dx.n) /* keys would not help: say what is missing */
		o = (size_t)snprintf(buf, sz, "nothing to check: no SIP REGISTER and no Diameter "
				     "authentication (Cx MAR/MAA, S6a AIR/AIA) in the capture");
	else
		o = (size_t)snprintf(buf, sz, "nothing to check: %zu registration attempt%s and %zu "
				     "Diameter exchange%s, none verifiable without the subscriber's "
				     "keys (give --k and --op/--opc, or --db)", an->nshown,
				     an->nshown == 1 ? "" : "s", an->dx.n, an->dx.n == 1 ? "" : "s");
	if (!an->p.n && !an->dx.n && !an->nids)
		return;
	if (o < sz)
		o += (size_t)snprintf(buf + o, sz - o, "; identities seen: ");
	for (size_t i = 0; i < an->nids && o < sz; i++)
		o += (size_t)snprintf(buf + o, sz - o, "%s%s (%s)", i ? ", " : "", an->ids[i].id,
				      an->ids[i].kind);
	if (!an->nids && o < sz)
		snprintf(buf + o, sz - o, "none (no SIP REGISTER or Diameter authentication read)");
}
