#include "report.h"
#include "diam_in.h"
#include "sip_msg.h"

#include "digest/auth_header.h"
#include "util/hex.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

size_t report_attempt_events(const struct trace_ctx *c, const struct pairing *p, size_t k,
			     int *out, size_t n)
{
	const struct attempt *a = &p->a[k];
	int fixed[] = { a->req, a->chal, a->auth, a->final, a->mar, a->maa, a->resync_mar,
			a->resync_maa };
	size_t m = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && m < n; i++)
		if (fixed[i] >= 0)
			out[m++] = fixed[i];
	for (size_t i = 0; i < c->nev && m < n; i++)
		if (c->ev[i].kind == EV_SIP && c->ev[i].attempt == (int)k)
			out[m++] = (int)i;
	qsort(out, m, sizeof(int), int_cmp);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (!u || out[u - 1] != out[i])
			out[u++] = out[i];
	return u;
}

static void sip_summary(const struct trace_event *e, char *buf, size_t sz)
{
	const struct sip_msg *s = e->sip;
	const char *cseq = sip_hdr(s, "CSeq");
	struct auth_header *h = malloc(sizeof(*h));
	char extra[160] = "";

	const char *hv = s->request ? pair_authz(s) : pair_challenge(s);
	if (h && hv && auth_header_parse(hv, strlen(hv), h) == AUTH_OK) {
		const char *resp = auth_param_get(h, "response"), *auts = auth_param_get(h, "auts");
		const char *alg = auth_param_get(h, "algorithm"), *qop = auth_param_get(h, "qop");
		if (s->request)
			snprintf(extra, sizeof(extra), " (%s%s%s)", auts ? "auts" :
				 resp && resp[0] ? "response" : "no credentials",
				 qop ? ", qop=" : "", qop ? qop : "");
		else
			snprintf(extra, sizeof(extra), " (%s%s%s%s)", alg ? alg : "MD5",
				 qop ? ", qop=" : "", qop ? qop : "",
				 auth_param_get(h, "ck") ? ", ck/ik" : "");
	} else if (s->request)
		snprintf(extra, sizeof(extra), " (no credentials)");
	free(h);
	if (s->request)
		snprintf(buf, sz, "%s %s CSeq %s%s", s->method, s->ruri, cseq ? cseq : "?", extra);
	else
		snprintf(buf, sz, "%d %s CSeq %s%s", s->status, s->reason, cseq ? cseq : "?",
			 s->status == 401 || s->status == 407 ? extra : "");
}

static void diam_summary(const struct diam_info *d, char *buf, size_t sz)
{
	char name[32];

	diam_info_name(d, name, sizeof(name));
	if (d->request)
		snprintf(buf, sz, "%s User-Name=%s%s", name, d->user_name[0] ? d->user_name : "-",
			 d->has_resync ? " (resync: RAND ‖ AUTS)" : "");
	else
		snprintf(buf, sz, "%s result %u, %zu vector%s%s", name, diam_info_result(d),
			 d->nvec, d->nvec == 1 ? "" : "s", d->malformed ? " (malformed)" : "");
}

void report_summary(const struct trace_ctx *c, int ev, char *buf, size_t sz)
{
	const struct trace_event *e = &c->ev[ev];
	char s[400];

	if (e->kind == EV_SIP)
		sip_summary(e, s, sizeof(s));
	else
		diam_summary(e->diam, s, sizeof(s));
	snprintf(buf, sz, "%s%s%s", s, e->m.esp ? " [ESP]" : "",
		 e->retrans ? " [copy/retransmission]" : "");
}

static void ladder(FILE *fp, const struct report_in *r, size_t k)
{
	int evs[64];
	size_t n = report_attempt_events(r->c, r->p, k, evs, 64);
	char a[64], b[64], s[512];

	for (size_t i = 0; i < n; i++) {
		const struct trace_event *e = &r->c->ev[evs[i]];
		report_summary(r->c, evs[i], s, sizeof(s));
		fprintf(fp, "  %10.6f  #%-5u %-22s -> %-22s %s\n", e->m.ts - r->c->first_ts,
			e->m.frame, trace_addr_str(&e->m.src, a, sizeof(a)),
			trace_addr_str(&e->m.dst, b, sizeof(b)), s);
	}
}

/* RFC 3329 negotiation of the attempt, as seen on the wire. */
static void security(FILE *fp, const struct report_in *r, size_t k)
{
	static const char *const hs[] = { "Security-Client", "Security-Server", "Security-Verify" };
	int evs[64];
	size_t n = report_attempt_events(r->c, r->p, k, evs, 64);

	for (size_t h = 0; h < 3; h++)
		for (size_t i = 0; i < n; i++) {
			const struct trace_event *e = &r->c->ev[evs[i]];
			const char *v;
			if (e->kind != EV_SIP || e->retrans || !(v = sip_hdr(e->sip, hs[h])))
				continue;
			fprintf(fp, "  %-16s %s (#%u)\n", hs[h], v, e->m.frame);
			break;
		}
}

static void nonce_line(FILE *fp, const struct verdict *v)
{
	char rand[33], sx[13], amf[5], mac[17];

	if (!v->have_nonce)
		return;
	hex_encode(v->rand, 16, rand);
	hex_encode(v->autn, 6, sx);
	hex_encode(v->autn + 6, 2, amf);
	hex_encode(v->autn + 8, 8, mac);
	fprintf(fp, "  nonce            RAND %s  SQN⊕AK %s  AMF %s  MAC-A %s  (%s)\n", rand, sx,
		amf, mac, v->alg);
}

static void one_attempt(FILE *fp, const struct report_in *r, size_t k)
{
	const struct attempt *a = &r->p->a[k];
	const struct verdict *v = &r->v[k];

	fprintf(fp, "\nAttempt %zu: IMPI %s, Call-ID %s\n", k + 1, a->impi[0] ? a->impi : "?",
		a->call_id[0] ? a->call_id : "?");
	ladder(fp, r, k);
	security(fp, r, k);
	nonce_line(fp, v);
	for (size_t i = 0; i < v->nchk; i++)
		fprintf(fp, "  %-16s %-7s %-11s %s\n", i ? "" : "checks",
			check_state_name(v->chk[i].st), v->chk[i].name, v->chk[i].detail);
	fprintf(fp, "  verdict          %s [%s]\n", v->sentence, verdict_kind_name(v->kind));
}

static void unpaired(FILE *fp, const struct report_in *r)
{
	char s[512];

	if (!r->p->unpaired_total)
		return;
	fprintf(fp, "\nCould not pair %zu registration message%s:\n", r->p->unpaired_total,
		r->p->unpaired_total == 1 ? "" : "s");
	for (size_t i = 0; i < r->p->nunpaired; i++) {
		const struct trace_event *e = &r->c->ev[r->p->unpaired[i]];
		report_summary(r->c, r->p->unpaired[i], s, sizeof(s));
		fprintf(fp, "  %10.6f  #%-5u %s\n", e->m.ts - r->c->first_ts, e->m.frame, s);
	}
}

static void footer(FILE *fp, const struct report_in *r)
{
	const struct trace_ctx *c = r->c;

	if (c->nnotes || r->read_error)
		fprintf(fp, "\nNotes:\n");
	for (size_t i = 0; i < c->nnotes; i++)
		fprintf(fp, "  - %s\n", c->notes[i]);
	if (r->read_error)
		fprintf(fp, "  - %s\n", r->read_error);
}

void report_text(FILE *fp, const struct report_in *r)
{
	const struct trace_ctx *c = r->c;
	size_t sip = 0, diam = 0, shown = 0;

	for (size_t i = 0; i < c->nev; i++)
		c->ev[i].kind == EV_SIP ? sip++ : diam++;
	for (size_t k = 0; k < r->p->n; k++)
		shown += r->shown[k];
	fprintf(fp, "%s: %u frames, %zu SIP and %zu Diameter messages, %zu registration "
		"attempt%s\n", r->capture, c->frames, sip, diam, shown, shown == 1 ? "" : "s");
	for (size_t k = 0; k < r->p->n; k++)
		if (r->shown[k])
			one_attempt(fp, r, k);
	unpaired(fp, r);
	footer(fp, r);
}
