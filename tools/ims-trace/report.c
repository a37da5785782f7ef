#include "report.h"
#include "diam_in.h"
#include "esp_sa.h"
#include "hops.h"
#include "secagree.h"
#include "sip_msg.h"

#include "diameter/codes.h"
#include "digest/auth_header.h"
#include "util/hex.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LADDER_MAX 128

static int int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The other Cx legs of the same IMPI inside the attempt: the I-CSCF's
 * UAR/UAA, the S-CSCF's SAR/SAA. */
static size_t other_cx(const struct trace_ctx *c, const struct attempt *a, int *out, size_t m,
		       size_t n)
{
	int lo = out[0], hi = out[m - 1];

	for (int i = lo; i <= hi && m < n; i++) {
		const struct diam_info *d = c->ev[i].diam;
		if (c->ev[i].kind == EV_DIAM && (d->code == DIAM_CMD_UA || d->code == DIAM_CMD_SA) &&
		    d->user_name[0] && !strcmp(d->user_name, a->impi))
			out[m++] = i;
	}
	for (size_t i = 0, k = m; i < k && m < n; i++) { /* and their answers */
		const struct trace_event *e = &c->ev[out[i]];
		int ans;
		if (e->kind == EV_DIAM && e->diam->request &&
		    (e->diam->code == DIAM_CMD_UA || e->diam->code == DIAM_CMD_SA) &&
		    (ans = pair_diam_answer(c, (size_t)out[i])) >= 0)
			out[m++] = ans;
	}
	return m;
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
	if (m && a->impi[0])
		m = other_cx(c, a, out, m, n);
	qsort(out, m, sizeof(int), int_cmp);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (!u || out[u - 1] != out[i])
			out[u++] = out[i];
	return u;
}

size_t report_exchange_events(const struct diam_exchange *x, int *out)
{
	size_t n = 0;

	if (x->req >= 0)
		out[n++] = x->req;
	if (x->ans >= 0)
		out[n++] = x->ans;
	return n;
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
	char name[32], plmn[32] = "";

	diam_info_name(d, name, sizeof(name));
	if (d->request) {
		if (d->has_plmn)
			diam_plmn_text(d->visited_plmn, plmn, sizeof(plmn));
		snprintf(buf, sz, "%s User-Name=%s%s%s%s", name, d->user_name[0] ? d->user_name : "-",
			 d->has_resync ? " (resync: RAND ‖ AUTS)" : "", plmn[0] ? " Visited-PLMN " : "",
			 plmn);
	} else if (d->code == DIAM_CMD_MA || d->code == DIAM_CMD_AI)
		snprintf(buf, sz, "%s result %u, %zu vector%s%s", name, diam_info_result(d),
			 d->nvec, d->nvec == 1 ? "" : "s", d->malformed ? " (malformed)" : "");
	else
		snprintf(buf, sz, "%s result %u%s", name, diam_info_result(d),
			 d->malformed ? " (malformed)" : "");
}

void report_marks(const struct trace_ctx *c, int ev, char *buf, size_t sz)
{
	const struct trace_event *e = &c->ev[ev];
	size_t o = 0;

	buf[0] = '\0';
	if (e->m.gtp)
		o += (size_t)snprintf(buf + o, sz - o, " [GTP-U TEID 0x%x]", e->m.teid);
	if (e->m.esp && o < sz)
		o += (size_t)snprintf(buf + o, sz - o, " [ESP%s%s]", e->m.esp_decrypted ? " decrypted" : "",
				      e->m.esp_icv > 0 ? " ICV ok" : e->m.esp_icv < 0 ? " ICV BAD" :
				      " ICV not checked");
	if (e->copy != COPY_ORIGINAL && o < sz)
		snprintf(buf + o, sz - o, " [%s%s]", e->copy == COPY_REPLAY ? "REPLAY" :
			 trace_copy_name(e->copy), e->copy == COPY_FORWARD ? " copy" : "");
}

void report_summary(const struct trace_ctx *c, int ev, char *buf, size_t sz)
{
	const struct trace_event *e = &c->ev[ev];
	char s[400], mk[96];

	if (e->kind == EV_SIP)
		sip_summary(e, s, sizeof(s));
	else
		diam_summary(e->diam, s, sizeof(s));
	report_marks(c, ev, mk, sizeof(mk));
	snprintf(buf, sz, "%s%s", s, mk);
}

void report_end(const struct trace_ctx *c, int ev, bool dst, char *buf, size_t sz)
{
	const struct trace_event *e = &c->ev[ev];
	int node = dst ? e->dst_node : e->src_node;
	enum trace_role r = node >= 0 && (size_t)node < c->nnodes ? c->nodes[node].role
								   : ROLE_UNKNOWN;
	char a[64];

	trace_addr_str(dst ? &e->m.dst : &e->m.src, a, sizeof(a));
	if (r == ROLE_UNKNOWN)
		snprintf(buf, sz, "%s", a);
	else
		snprintf(buf, sz, "%s %s", trace_role_name(r), a);
}

static void ladder_line(FILE *fp, const struct trace_ctx *c, int ev)
{
	const struct trace_event *e = &c->ev[ev];
	char a[96], b[96], s[600];

	report_summary(c, ev, s, sizeof(s));
	report_end(c, ev, false, a, sizeof(a));
	report_end(c, ev, true, b, sizeof(b));
	fprintf(fp, "  %10.6f  #%-5u %-28s -> %-28s %s\n", e->m.ts - c->first_ts, e->m.frame, a, b,
		s);
}

/* RFC 3329 negotiation of the attempt, as seen on the wire, one line per
 * mechanism with its SPIs, ports and algorithms (TS 33.203 §7.2). */
static void security(FILE *fp, const struct trace_ctx *c, const int *evs, size_t n)
{
	static const char *const hs[] = { "Security-Client", "Security-Server", "Security-Verify" };
	struct sec_mech m[SECAGREE_MAX];
	char t[200], a[96], b[96];

	for (size_t h = 0; h < 3; h++)
		for (size_t i = 0; i < n; i++) {
			const struct trace_event *e = &c->ev[evs[i]];
			if (e->kind != EV_SIP || e->copy == COPY_RETRANS || e->copy == COPY_SAME_PACKET)
				continue;
			size_t k = secagree_get(e->sip, hs[h], m, SECAGREE_MAX);
			hops_label(c, e->src_node, a, sizeof(a));
			hops_label(c, e->dst_node, b, sizeof(b));
			for (size_t j = 0; j < k; j++) {
				secagree_text(&m[j], t, sizeof(t));
				fprintf(fp, "  %-16s %s (#%u %s → %s)\n", j ? "" : hs[h], t, e->m.frame,
					a, b);
			}
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

static void checks(FILE *fp, const struct vcheck *chk, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "  %-16s %-7s %-11s %s\n", i ? "" : "checks", check_state_name(chk[i].st),
			chk[i].name, chk[i].detail);
}

static void one_attempt(FILE *fp, const struct analysis *an, size_t k)
{
	const struct attempt *a = &an->p.a[k];
	const struct verdict *v = &an->v[k];
	int evs[LADDER_MAX];
	size_t n = report_attempt_events(an->c, &an->p, k, evs, LADDER_MAX);

	fprintf(fp, "\nAttempt %zu: IMPI %s, Call-ID %s\n", k + 1, a->impi[0] ? a->impi : "?",
		a->call_id[0] ? a->call_id : "?");
	for (size_t i = 0; i < n; i++)
		ladder_line(fp, an->c, evs[i]);
	security(fp, an->c, evs, n);
	nonce_line(fp, v);
	checks(fp, v->chk, v->nchk);
	fprintf(fp, "  verdict          %s [%s]\n", v->sentence, verdict_kind_name(v->kind));
}

static void exchanges(FILE *fp, const struct analysis *an)
{
	char name[32];

	for (size_t i = 0; i < an->dx.n; i++) {
		const struct diam_exchange *x = &an->dx.x[i];
		int evs[2];
		size_t n = report_exchange_events(x, evs);
		if (!x->nchk)
			continue; /* fully checked with its SIP attempt */
		diam_info_name(an->c->ev[evs[0]].diam, name, sizeof(name));
		fprintf(fp, "\nDiameter %zu: %s, User-Name %s\n", i + 1, !strncmp(name, "AI", 2) ?
			"S6a AIR/AIA" : "Cx MAR/MAA", x->user[0] ? x->user : "?");
		for (size_t k = 0; k < n; k++)
			ladder_line(fp, an->c, evs[k]);
		checks(fp, x->chk, x->nchk);
	}
}

static void esp_sets(FILE *fp, const struct trace_ctx *c)
{
	for (size_t i = 0; i < c->nsas; i++) {
		const struct esp_sa_set *s = &c->sas[i];
		fprintf(fp, "%s  SA set of the 401 at #%u: alg=%s ealg=%s, UE SPIs %u/%u ports %u/%u, "
			"P-CSCF SPIs %u/%u ports %u/%u; keys: %s; %u packet%s: %u ICV ok, %u ICV BAD, %u "
			"unreadable\n", i ? "" : "\nESP (TS 33.203 §7):\n", s->frame, s->alg, s->ealg,
			s->spi_uc, s->spi_us, s->port_uc, s->port_us, s->spi_pc, s->spi_ps, s->port_pc,
			s->port_ps, s->key_src[0] ? s->key_src : "not needed", s->npkt,
			s->npkt == 1 ? "" : "s", s->nok, s->nbad, s->nunread);
	}
}

static void unpaired(FILE *fp, const struct analysis *an)
{
	const struct pairing *p = &an->p;

	if (!p->unpaired_total)
		return;
	fprintf(fp, "\nCould not pair %zu registration message%s:\n", p->unpaired_total,
		p->unpaired_total == 1 ? "" : "s");
	for (size_t i = 0; i < p->nunpaired; i++)
		ladder_line(fp, an->c, p->unpaired[i]);
}

static void footer(FILE *fp, const struct analysis *an)
{
	const struct trace_ctx *c = an->c;

	if (c->nnotes || an->read_error)
		fprintf(fp, "\nNotes:\n");
	for (size_t i = 0; i < c->nnotes; i++)
		fprintf(fp, "  - %s\n", c->notes[i]);
	if (an->read_error)
		fprintf(fp, "  - %s\n", an->read_error);
	if (an->f.n)
		fprintf(fp, "\nFindings (%zu):\n", an->f.n);
	for (size_t i = 0; i < an->f.n; i++) {
		const struct finding *f = &an->f.f[i];
		char fr[96] = "";
		size_t o = 0;
		for (size_t k = 0; k < f->nframes && o < sizeof(fr); k++)
			o += (size_t)snprintf(fr + o, sizeof(fr) - o, "%s#%u", k ? "," : "", f->frames[k]);
		fprintf(fp, "  %-24s %-14s %s\n", finding_kind_name(f->kind), fr, f->text);
	}
	fprintf(fp, "\nResult: %s (exit %d)\n", trace_result_name(an->result), analysis_exit(an));
}

/* The elements with a role, in the order of the chain (UE ... HSS). */
static void elements(FILE *fp, const struct trace_ctx *c)
{
	bool any = false;

	for (size_t i = 0; i < c->nnodes; i++)
		any |= c->nodes[i].role != ROLE_UNKNOWN;
	if (!any)
		return;
	fprintf(fp, "Elements:");
	for (int r = ROLE_UE; r <= ROLE_DRA; r++)
		for (size_t i = 0; i < c->nnodes; i++)
			if ((int)c->nodes[i].role == r)
				fprintf(fp, " %s%s%s%s;", c->nodes[i].label, c->nodes[i].host[0] ? " (" : "",
					c->nodes[i].host, c->nodes[i].host[0] ? ")" : "");
	fprintf(fp, "\n");
}

void report_text(FILE *fp, const struct analysis *an)
{
	const struct trace_ctx *c = an->c;
	size_t sip = 0, diam = 0;

	for (size_t i = 0; i < c->nev; i++)
		c->ev[i].kind == EV_SIP ? sip++ : diam++;
	fprintf(fp, "%s: %u frames, %zu SIP and %zu Diameter messages, %zu registration "
		"attempt%s, %zu Diameter exchange%s\n", an->capture, c->frames, sip, diam,
		an->nshown, an->nshown == 1 ? "" : "s", an->dx.n, an->dx.n == 1 ? "" : "s");
	elements(fp, c);
	for (size_t k = 0; k < an->p.n; k++)
		if (an->shown[k])
			one_attempt(fp, an, k);
	exchanges(fp, an);
	esp_sets(fp, c);
	unpaired(fp, an);
	footer(fp, an);
}
