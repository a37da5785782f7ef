/* --html: one self-contained HTML5 page (inline CSS and SVG, no script, no
 * link to anything) for teaching and for attaching to a bug report:
 *   the result and the findings (red),
 *   per attempt: the verdict, an SVG ladder — one column per element in
 *   chain order (UE, P-CSCF, I-CSCF, S-CSCF, HSS), one arrow per message
 *   with its frame number, the checks drawn beside the message they are
 *   about (ok green, FAIL red, info grey), an arrow red when a finding
 *   names its frame — and the checks as a table,
 *   per Diameter exchange checked on its own: the same,
 *   the ESP SA sets, the notes.
 * Key material is never written, as in the other reports. */
#include "report.h"
#include "esp_sa.h"
#include "hops.h"
#include "sip_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COL_W 175       /* distance between lifelines */
#define ROW_H 34        /* one message */
#define LINE_H 15       /* one more check line beside a message */
#define TOP 58          /* room for the column heads */
#define LEFT 100
#define CHECK_W 700     /* the checks beside the ladder (72 characters and the name) */
#define MAX_COLS 12
#define MAX_EVS 128

static void esc(FILE *fp, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
}

/* s cut to n characters (UTF-8 safe), "…" when cut. */
static void esc_cut(FILE *fp, const char *s, size_t n)
{
	char buf[512];
	size_t i = 0, chars = 0;

	while (s[i] && chars < n && i + 4 < sizeof(buf)) {
		size_t l = 1;
		while ((s[i + l] & 0xc0) == 0x80)
			l++;
		i += l;
		chars++;
	}
	snprintf(buf, sizeof(buf), "%.*s%s", (int)i, s, s[i] ? "…" : "");
	esc(fp, buf);
}

static bool in_finding(const struct analysis *an, unsigned frame)
{
	for (size_t i = 0; i < an->f.n; i++)
		for (size_t k = 0; k < an->f.f[i].nframes; k++)
			if (an->f.f[i].frames[k] == frame)
				return true;
	return false;
}

static const char *state_class(enum check_state s)
{
	static const char *const n[] = { "ok", "bad", "info", "skip" };
	return n[s];
}

/* --- the ladder ------------------------------------------------------------- */

struct ladder {
	const struct analysis *an;
	const int *evs;
	size_t n;
	const struct vcheck *chk;
	size_t nchk;
	int col_node[MAX_COLS];       /* node of each column, -1 "other" */
	size_t ncols;
	int y[MAX_EVS + 1];           /* top of each row, y[n] = bottom */
};

static int role_rank(enum trace_role r)
{
	static const int rank[] = { [ROLE_UE] = 0, [ROLE_PCSCF] = 1, [ROLE_ICSCF] = 2,
				    [ROLE_SCSCF] = 3, [ROLE_DRA] = 4, [ROLE_HSS] = 5,
				    [ROLE_MME] = 6, [ROLE_UNKNOWN] = 7 };
	return rank[r];
}

static int column_of(const struct ladder *l, int node)
{
	for (size_t i = 0; i < l->ncols; i++)
		if (l->col_node[i] == node)
			return (int)i;
	return (int)l->ncols - 1; /* the "other" column when there were too many */
}

static void add_column(struct ladder *l, int node)
{
	for (size_t i = 0; i < l->ncols; i++)
		if (l->col_node[i] == node)
			return;
	if (l->ncols < MAX_COLS - 1)
		l->col_node[l->ncols++] = node;
}

/* The elements of these messages, in chain order (UE first, HSS last). */
static void columns(struct ladder *l)
{
	const struct trace_ctx *c = l->an->c;

	for (size_t i = 0; i < l->n; i++) {
		add_column(l, c->ev[l->evs[i]].src_node);
		add_column(l, c->ev[l->evs[i]].dst_node);
	}
	for (size_t i = 1; i < l->ncols; i++)
		for (size_t j = i; j > 0; j--) {
			int a = l->col_node[j - 1], b = l->col_node[j];
			int ra = a >= 0 ? role_rank(c->nodes[a].role) : 9;
			int rb = b >= 0 ? role_rank(c->nodes[b].role) : 9;
			if (ra <= rb)
				break;
			l->col_node[j - 1] = b;
			l->col_node[j] = a;
		}
}

static size_t checks_at(const struct ladder *l, int ev)
{
	size_t n = 0;

	for (size_t i = 0; i < l->nchk; i++)
		n += l->chk[i].ev == ev;
	return n;
}

static void rows(struct ladder *l)
{
	int y = TOP;

	for (size_t i = 0; i < l->n; i++) {
		size_t k = checks_at(l, l->evs[i]);
		l->y[i] = y;
		y += ROW_H + (k > 1 ? (int)(k - 1) * LINE_H : 0);
	}
	l->y[l->n] = y;
}

static void heads(FILE *fp, const struct ladder *l)
{
	const struct trace_ctx *c = l->an->c;
	char lab[96];

	for (size_t i = 0; i < l->ncols; i++) {
		int x = LEFT + (int)i * COL_W, node = l->col_node[i];
		const struct trace_node *nd = node >= 0 ? &c->nodes[node] : NULL;
		hops_label(c, node, lab, sizeof(lab));
		const char *sp = strchr(lab, ' ');
		fprintf(fp, "<g class=\"head\"><title>");
		esc(fp, lab);
		if (nd && nd->host[0]) {
			fputs(" — ", fp);
			esc(fp, nd->host);
		}
		fprintf(fp, "</title><rect x=\"%d\" y=\"8\" width=\"%d\" height=\"36\" rx=\"5\"/>"
			"<text x=\"%d\" y=\"23\" class=\"role\">", x - COL_W / 2 + 8, COL_W - 16, x);
		if (nd && nd->role != ROLE_UNKNOWN && sp)
			fprintf(fp, "%s</text><text x=\"%d\" y=\"38\" class=\"addr\">", trace_role_name(nd->role),
				x);
		esc(fp, nd && nd->role != ROLE_UNKNOWN && sp ? sp + 1 : lab);
		fprintf(fp, "</text><line x1=\"%d\" y1=\"44\" x2=\"%d\" y2=\"%d\" class=\"life\"/></g>\n",
			x, x, l->y[l->n]);
	}
}

/* What fits on an arrow: "REGISTER (response)", "401 (AKAv1-MD5, ck/ik)",
 * "MAA 2001, 1 vector", with [ESP]/[GTP-U]/[REPLAY] marks; the full
 * summary goes into the tooltip. */
static void short_label(const struct trace_ctx *c, int ev, char *buf, size_t sz)
{
	const struct trace_event *e = &c->ev[ev];
	char s[600];
	const char *p;

	report_summary(c, ev, s, sizeof(s));
	if (e->kind == EV_SIP && e->sip->request && (p = strrchr(s, '(')) && strchr(p, ')'))
		snprintf(buf, sz, "%s %.*s", e->sip->method, (int)(strchr(p, ')') - p + 1), p);
	else if (e->kind == EV_SIP && !e->sip->request) {
		bool chal = e->sip->status == 401 || e->sip->status == 407;
		p = chal ? strchr(s, '(') : NULL;
		snprintf(buf, sz, "%d%s%s", e->sip->status, p ? " " : "", p ? p : "");
	}
	else
		snprintf(buf, sz, "%s", s);
	char *cut = strstr(buf, " User-Name=");
	if (cut) /* the identity is in the section title */
		memmove(cut, cut + strcspn(cut + 1, " ") + 1, strlen(cut + strcspn(cut + 1, " ") + 1) + 1);
	if (e->copy == COPY_REPLAY)
		strncat(buf, " [REPLAY]", sz - strlen(buf) - 1);
	if (e->m.esp && !strstr(buf, "[ESP"))
		strncat(buf, " [ESP]", sz - strlen(buf) - 1);
}

static void arrow(FILE *fp, const struct ladder *l, size_t i)
{
	const struct trace_ctx *c = l->an->c;
	const struct trace_event *e = &c->ev[l->evs[i]];
	int x1 = LEFT + column_of(l, e->src_node) * COL_W;
	int x2 = LEFT + column_of(l, e->dst_node) * COL_W, y = l->y[i] + 22;
	bool bad = in_finding(l->an, e->m.frame);
	char s[600];

	report_summary(c, l->evs[i], s, sizeof(s));
	fprintf(fp, "<g class=\"msg%s%s%s\"><title>#%u ", bad ? " bad" : "",
		e->kind == EV_DIAM ? " diam" : "", e->m.esp ? " esp" : "", e->m.frame);
	esc(fp, s);
	fprintf(fp, "</title>");
	if (x1 == x2) /* to itself: a small loop */
		fprintf(fp, "<path d=\"M%d %d h30 v10 h-30\" class=\"arrow\" marker-end=\"url(#a)\"/>",
			x1, y - 5);
	else
		fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"arrow\" "
			"marker-end=\"url(#a)\"/>", x1, y, x2 + (x2 > x1 ? -3 : 3), y);
	int lx = x1 < x2 ? x1 + 6 : x2 + 6;
	short_label(c, l->evs[i], s, sizeof(s));
	fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"lab\">#%u ", lx, y - 5, e->m.frame);
	esc_cut(fp, s, (size_t)(abs(x2 - x1) / 7 > 30 ? abs(x2 - x1) / 7 : 30));
	fprintf(fp, "</text></g>\n");
}

/* The checks about message i, beside the ladder on its row. */
static void beside(FILE *fp, const struct ladder *l, size_t i, int xc)
{
	int y = l->y[i] + 22;

	for (size_t k = 0; k < l->nchk; k++) {
		const struct vcheck *v = &l->chk[k];
		if (v->ev != l->evs[i])
			continue;
		fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"chk %s\"><title>", xc, y,
			state_class(v->st));
		esc(fp, v->detail);
		fprintf(fp, "</title>%s %s: ", v->st == CHK_FAIL ? "✗" : v->st == CHK_OK ? "✓" : "·",
			v->name);
		esc_cut(fp, v->detail, 72);
		fprintf(fp, "</text>\n");
		y += LINE_H;
	}
}

static void ladder_svg(FILE *fp, const struct analysis *an, const int *evs, size_t n,
		       const struct vcheck *chk, size_t nchk)
{
	struct ladder l = { .an = an, .evs = evs, .n = n < MAX_EVS ? n : MAX_EVS, .chk = chk,
			    .nchk = nchk };

	columns(&l);
	rows(&l);
	int xc = LEFT + (int)(l.ncols - 1) * COL_W + COL_W / 2 + 10;
	int w = xc + CHECK_W, h = l.y[l.n] + 10;
	fprintf(fp, "<svg class=\"ladder\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"role=\"img\">\n<defs><marker id=\"a\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
		"markerWidth=\"9\" markerHeight=\"9\" markerUnits=\"userSpaceOnUse\" "
		"orient=\"auto-start-reverse\">"
		"<path d=\"M0 0L10 5L0 10z\"/></marker></defs>\n", w, h, w, h);
	heads(fp, &l);
	for (size_t i = 0; i < l.n; i++) {
		arrow(fp, &l, i);
		beside(fp, &l, i, xc);
	}
	fprintf(fp, "</svg>\n");
}

/* --- the page ---------------------------------------------------------------- */

static const char css[] =
	"body{font:14px/1.4 sans-serif;margin:24px;color:#222;background:#fff}"
	"h1{font-size:20px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}"
	"code,td.mono,.verdict{font-family:monospace}"
	".result{font-size:16px;font-weight:bold;padding:6px 10px;display:inline-block}"
	".result.consistent{background:#e3f4e3}.result.inconsistent{background:#fbe1e1;color:#a00}"
	".result.nothing_to_check,.result.unreadable{background:#fff2cc}"
	"table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 6px;"
	"vertical-align:top;text-align:left}"
	"tr.bad td,.finding td{color:#b00000}tr.ok td.st{color:#1a7f1a}tr.info td,tr.skip td{color:#666}"
	".verdict{padding:6px 10px;background:#f4f4f4;border-left:4px solid #888}"
	".verdict.inconsistent{border-color:#c00;color:#900}.verdict.consistent{border-color:#2a2}"
	"svg.ladder{display:block;margin:10px 0;font:12px monospace}"
	"svg .head rect{fill:#eef3fb;stroke:#8aa4cc}svg .head text{text-anchor:middle}"
	"svg .role{font-weight:bold}svg .life{stroke:#9aa;stroke-dasharray:4 3}"
	"svg .arrow{stroke:#333;stroke-width:1.4;fill:none}svg marker path{fill:#333}"
	"svg .diam .arrow{stroke:#35679a}svg .esp .arrow{stroke-dasharray:7 2}"
	"svg .bad .arrow{stroke:#d00000;stroke-width:2.2}svg .bad .lab{fill:#d00000;font-weight:bold}"
	"svg .chk.ok{fill:#1a7f1a}svg .chk.bad{fill:#d00000;font-weight:bold}"
	"svg .chk.info,svg .chk.skip{fill:#777}";

static void checks_table(FILE *fp, const struct vcheck *chk, size_t n)
{
	fprintf(fp, "<table class=\"checks\"><tr><th>check</th><th></th><th>detail</th>"
		"<th>finding</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(fp, "<tr class=\"%s\"><td>", state_class(chk[i].st));
		esc(fp, chk[i].name);
		fprintf(fp, "</td><td class=\"st\">%s</td><td>", check_state_name(chk[i].st));
		esc(fp, chk[i].detail);
		fprintf(fp, "</td><td>%s</td></tr>\n", chk[i].kind != FK_NONE ?
			finding_kind_name(chk[i].kind) : "");
	}
	fprintf(fp, "</table>\n");
}

static void findings(FILE *fp, const struct analysis *an)
{
	if (!an->f.n)
		return;
	fprintf(fp, "<h2>Findings (%zu)</h2>\n<table class=\"finding\"><tr><th>kind</th>"
		"<th>frames</th><th>what</th></tr>\n", an->f.n);
	for (size_t i = 0; i < an->f.n; i++) {
		const struct finding *f = &an->f.f[i];
		fprintf(fp, "<tr><td class=\"mono\">%s</td><td class=\"mono\">",
			finding_kind_name(f->kind));
		for (size_t k = 0; k < f->nframes; k++)
			fprintf(fp, "%s#%u", k ? " " : "", f->frames[k]);
		fprintf(fp, "</td><td>");
		esc(fp, f->text);
		fprintf(fp, "</td></tr>\n");
	}
	fprintf(fp, "</table>\n");
}

static void attempt(FILE *fp, const struct analysis *an, size_t k)
{
	const struct attempt *a = &an->p.a[k];
	const struct verdict *v = &an->v[k];
	int evs[MAX_EVS];
	size_t n = report_attempt_events(an->c, &an->p, k, evs, MAX_EVS);

	fprintf(fp, "<section class=\"attempt\"><h2>Attempt %zu: IMPI ", k + 1);
	esc(fp, a->impi[0] ? a->impi : "?");
	fprintf(fp, ", Call-ID ");
	esc(fp, a->call_id[0] ? a->call_id : "?");
	fprintf(fp, "</h2>\n<p class=\"verdict %s\">", v->kind == VK_MISMATCH ? "inconsistent" :
		v->kind == VK_CONSISTENT ? "consistent" : "unverified");
	esc(fp, v->sentence);
	fprintf(fp, "</p>\n");
	if (n)
		ladder_svg(fp, an, evs, n, v->chk, v->nchk);
	checks_table(fp, v->chk, v->nchk);
	fprintf(fp, "</section>\n");
}

static void exchange(FILE *fp, const struct analysis *an, size_t i)
{
	const struct diam_exchange *x = &an->dx.x[i];
	int evs[2];
	size_t n = report_exchange_events(x, evs);

	fprintf(fp, "<section class=\"diameter\"><h2>Diameter %zu: User-Name ", i + 1);
	esc(fp, x->user[0] ? x->user : "?");
	fprintf(fp, "</h2>\n");
	ladder_svg(fp, an, evs, n, x->chk, x->nchk);
	checks_table(fp, x->chk, x->nchk);
	fprintf(fp, "</section>\n");
}

static void esp_and_notes(FILE *fp, const struct analysis *an)
{
	const struct trace_ctx *c = an->c;

	if (c->nsas)
		fprintf(fp, "<h2>ESP security associations (TS 33.203 §7)</h2>\n<table><tr>"
			"<th>401</th><th>alg</th><th>ealg</th><th>UE SPIs / ports</th>"
			"<th>P-CSCF SPIs / ports</th><th>keys</th><th>ICV ok</th><th>ICV bad</th>"
			"<th>unreadable</th></tr>\n");
	for (size_t i = 0; i < c->nsas; i++) {
		const struct esp_sa_set *s = &c->sas[i];
		fprintf(fp, "<tr%s><td>#%u</td><td>", s->nbad ? " class=\"bad\"" : "", s->frame);
		esc(fp, s->alg);
		fprintf(fp, "</td><td>");
		esc(fp, s->ealg);
		fprintf(fp, "</td><td>%u/%u, %u/%u</td><td>%u/%u, %u/%u</td><td>", s->spi_uc,
			s->spi_us, s->port_uc, s->port_us, s->spi_pc, s->spi_ps, s->port_pc, s->port_ps);
		esc(fp, s->key_src);
		fprintf(fp, "</td><td>%u</td><td>%u</td><td>%u</td></tr>\n", s->nok, s->nbad,
			s->nunread);
	}
	if (c->nsas)
		fprintf(fp, "</table>\n");
	if (!c->nnotes && !an->read_error)
		return;
	fprintf(fp, "<h2>Notes</h2>\n<ul>\n");
	for (size_t i = 0; i < c->nnotes; i++) {
		fprintf(fp, "<li>");
		esc(fp, c->notes[i]);
		fprintf(fp, "</li>\n");
	}
	if (an->read_error) {
		fprintf(fp, "<li>");
		esc(fp, an->read_error);
		fprintf(fp, "</li>\n");
	}
	fprintf(fp, "</ul>\n");
}

int report_html(FILE *fp, const struct analysis *an)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<title>ims-trace: ");
	esc(fp, an->capture);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>ims-trace — ", css);
	esc(fp, an->capture);
	fprintf(fp, "</h1>\n<p class=\"result %s\">Result: %s (exit %d)%s</p>\n",
		trace_result_name(an->result), trace_result_name(an->result), analysis_exit(an),
		an->f.n ? " — see the findings" : "");
	fprintf(fp, "<p>%u frames, %zu registration attempt%s, %zu Diameter exchange%s checked on "
		"their own. Arrows: black SIP, blue Diameter, dashed ESP, <b style=\"color:#d00000\">"
		"red</b> a message a finding is about; beside each message the checks made on it "
		"(✓ ok, ✗ failed, · information).</p>\n", an->c->frames, an->nshown,
		an->nshown == 1 ? "" : "s", an->dx.n, an->dx.n == 1 ? "" : "s");
	findings(fp, an);
	for (size_t k = 0; k < an->p.n; k++)
		if (an->shown[k])
			attempt(fp, an, k);
	for (size_t i = 0; i < an->dx.n; i++)
		exchange(fp, an, i);
	esp_and_notes(fp, an);
	fprintf(fp, "</body>\n</html>\n");
	return ferror(fp) ? -1 : 0;
}
