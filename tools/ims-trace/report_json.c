#include "report.h"
#include "diam_in.h"
#include "esp_sa.h"
#include "secagree.h"
#include "sip_msg.h"

#include "util/json.h"

#include <stdio.h>

static void json_event(struct json *j, const struct trace_ctx *c, int ev)
{
	const struct trace_event *e = &c->ev[ev];
	char a[96], s[600];

	json_obj_begin(j, NULL);
	json_int(j, "frame", e->m.frame);
	snprintf(s, sizeof(s), "%.6f", e->m.ts - c->first_ts);
	json_str(j, "time", s);
	json_str(j, "src", trace_addr_str(&e->m.src, a, sizeof(a)));
	json_str(j, "dst", trace_addr_str(&e->m.dst, a, sizeof(a)));
	json_str(j, "src_role", e->src_node >= 0 ? trace_role_name(c->nodes[e->src_node].role) : NULL);
	json_str(j, "dst_role", e->dst_node >= 0 ? trace_role_name(c->nodes[e->dst_node].role) : NULL);
	json_str(j, "proto", e->kind == EV_SIP ? "sip" : "diameter");
	json_bool(j, "esp", e->m.esp);
	if (e->m.esp)
		json_str(j, "esp_icv", e->m.esp_icv > 0 ? "ok" : e->m.esp_icv < 0 ? "bad" : "unchecked");
	json_bool(j, "gtp", e->m.gtp);
	json_str(j, "copy", trace_copy_name(e->copy));
	report_summary(c, ev, s, sizeof(s));
	json_str(j, "summary", s);
	json_obj_end(j);
}

static void json_mechs(struct json *j, const char *key, const struct sip_msg *s, const char *h)
{
	struct sec_mech m[SECAGREE_MAX];
	size_t n = secagree_get(s, h, m, SECAGREE_MAX);

	json_arr_begin(j, key);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "mechanism", m[i].mech);
		json_str(j, "alg", m[i].alg[0] ? m[i].alg : NULL);
		json_str(j, "ealg", m[i].ealg[0] ? m[i].ealg : NULL);
		json_int(j, "spi_c", m[i].spi_c);
		json_int(j, "spi_s", m[i].spi_s);
		json_int(j, "port_c", m[i].port_c);
		json_int(j, "port_s", m[i].port_s);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* RFC 3329 negotiation as seen on the wire (first of each header): the
 * raw header and its mechanisms. */
static void json_security(struct json *j, const struct trace_ctx *c, const int *evs, size_t n)
{
	static const char *const hs[] = { "Security-Client", "Security-Server", "Security-Verify" };
	static const char *const keys[] = { "client", "server", "verify" };
	static const char *const mk[] = { "client_mechanisms", "server_mechanisms",
					  "verify_mechanisms" };

	json_obj_begin(j, "security");
	for (size_t h = 0; h < 3; h++) {
		const struct sip_msg *s = NULL;
		for (size_t i = 0; i < n && !s; i++)
			if (c->ev[evs[i]].kind == EV_SIP && sip_hdr(c->ev[evs[i]].sip, hs[h]))
				s = c->ev[evs[i]].sip;
		json_str(j, keys[h], s ? sip_hdr(s, hs[h]) : NULL);
		if (s)
			json_mechs(j, mk[h], s, hs[h]);
	}
	json_obj_end(j);
}

static void json_messages(struct json *j, const struct trace_ctx *c, const int *evs, size_t n)
{
	json_arr_begin(j, "messages");
	for (size_t i = 0; i < n; i++)
		json_event(j, c, evs[i]);
	json_arr_end(j);
}

static void json_checks(struct json *j, const struct vcheck *chk, size_t n)
{
	json_arr_begin(j, "checks");
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "name", chk[i].name);
		json_str(j, "result", check_state_name(chk[i].st));
		json_str(j, "kind", chk[i].kind != FK_NONE ? finding_kind_name(chk[i].kind) : NULL);
		json_str(j, "detail", chk[i].detail);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_verdict(struct json *j, const struct verdict *v)
{
	char hx[16];

	json_str(j, "result", verdict_kind_name(v->kind));
	json_str(j, "verdict", v->sentence);
	json_str(j, "cause", v->cause[0] ? v->cause : NULL);
	json_str(j, "first_difference", v->first_diff[0] ? v->first_diff : NULL);
	json_int(j, "status", v->status);
	if (v->have_right)
		json_bool(j, "network_right", v->right);
	json_str(j, "algorithm", v->alg);
	json_str(j, "keys_source", v->keys_source[0] ? v->keys_source : NULL);
	if (v->have_nonce) {
		json_hex(j, "rand", v->rand, 16);
		json_hex(j, "sqn_xor_ak", v->autn, 6);
		json_hex(j, "amf", v->autn + 6, 2);
		json_hex(j, "mac_a", v->autn + 8, 8);
	}
	if (v->have_sqn) {
		snprintf(hx, sizeof(hx), "%012llx", (unsigned long long)v->sqn);
		json_str(j, "sqn", hx);
	}
	json_str(j, "mac_a_keys", v->key_variant == 0 ? "as_given" : v->key_variant == 1 ?
		 "op_opc_swapped" : NULL);
	if (v->resync) {
		json_obj_begin(j, "resync");
		if (v->have_sqn_ms) {
			snprintf(hx, sizeof(hx), "%012llx", (unsigned long long)v->sqn_ms);
			json_str(j, "sqn_ms", hx);
			json_bool(j, "mac_s_ok", v->mac_s_ok);
			if (v->have_sqn)
				json_int(j, "seq_ahead", v->seq_delta);
		}
		json_obj_end(j);
	}
	json_checks(j, v->chk, v->nchk);
}

static void json_attempts(struct json *j, const struct analysis *an)
{
	int evs[128];

	json_arr_begin(j, "attempts");
	for (size_t k = 0; k < an->p.n; k++) {
		if (!an->shown[k])
			continue;
		size_t n = report_attempt_events(an->c, &an->p, k, evs, 128);
		json_obj_begin(j, NULL);
		json_int(j, "index", (long long)k + 1);
		json_str(j, "impi", an->p.a[k].impi[0] ? an->p.a[k].impi : NULL);
		json_str(j, "call_id", an->p.a[k].call_id[0] ? an->p.a[k].call_id : NULL);
		json_verdict(j, &an->v[k]);
		json_security(j, an->c, evs, n);
		json_messages(j, an->c, evs, n);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_diameter(struct json *j, const struct analysis *an)
{
	int evs[2];

	json_arr_begin(j, "diameter");
	for (size_t i = 0; i < an->dx.n; i++) {
		const struct diam_exchange *x = &an->dx.x[i];
		size_t n = report_exchange_events(x, evs);
		json_obj_begin(j, NULL);
		json_str(j, "user_name", x->user[0] ? x->user : NULL);
		json_str(j, "keys_source", x->keys_source[0] ? x->keys_source : NULL);
		json_checks(j, x->chk, x->nchk);
		json_messages(j, an->c, evs, n);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_esp(struct json *j, const struct trace_ctx *c)
{
	json_arr_begin(j, "esp");
	for (size_t i = 0; i < c->nsas; i++) {
		const struct esp_sa_set *s = &c->sas[i];
		json_obj_begin(j, NULL);
		json_int(j, "frame", s->frame);
		json_str(j, "alg", s->alg);
		json_str(j, "ealg", s->ealg);
		json_int(j, "spi_uc", s->spi_uc);
		json_int(j, "spi_us", s->spi_us);
		json_int(j, "spi_pc", s->spi_pc);
		json_int(j, "spi_ps", s->spi_ps);
		json_str(j, "keys", s->key_src[0] ? s->key_src : NULL);
		json_int(j, "packets", s->npkt);
		json_int(j, "icv_ok", s->nok);
		json_int(j, "icv_bad", s->nbad);
		json_int(j, "unreadable", s->nunread);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_findings(struct json *j, const struct findings *fs)
{
	json_arr_begin(j, "findings");
	for (size_t i = 0; i < fs->n; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "kind", finding_kind_name(fs->f[i].kind));
		json_arr_begin(j, "frames");
		for (size_t k = 0; k < fs->f[i].nframes; k++)
			json_int(j, NULL, fs->f[i].frames[k]);
		json_arr_end(j);
		json_str(j, "text", fs->f[i].text);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_nodes(struct json *j, const struct trace_ctx *c)
{
	char a[64];

	json_arr_begin(j, "elements");
	for (size_t i = 0; i < c->nnodes; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "role", trace_role_name(c->nodes[i].role));
		json_str(j, "address", trace_addr_str(&c->nodes[i].addr, a, sizeof(a)));
		json_str(j, "host", c->nodes[i].host[0] ? c->nodes[i].host : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_tail(struct json *j, const struct analysis *an)
{
	char s[600];

	json_int(j, "unpaired_total", (long long)an->p.unpaired_total);
	json_arr_begin(j, "unpaired");
	for (size_t i = 0; i < an->p.nunpaired; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "frame", an->c->ev[an->p.unpaired[i]].m.frame);
		report_summary(an->c, an->p.unpaired[i], s, sizeof(s));
		json_str(j, "summary", s);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "identities");
	for (size_t i = 0; i < an->nids; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "id", an->ids[i].id);
		json_str(j, "kind", an->ids[i].kind);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "notes");
	for (size_t i = 0; i < an->c->nnotes; i++)
		json_str(j, NULL, an->c->notes[i]);
	if (an->read_error)
		json_str(j, NULL, an->read_error);
	json_arr_end(j);
}

void report_json(FILE *fp, const struct analysis *an)
{
	struct json j;

	json_begin(&j, fp);
	json_str(&j, "capture", an->capture);
	json_int(&j, "frames", an->c->frames);
	json_str(&j, "result", trace_result_name(an->result));
	json_str(&j, "error", an->read_error);
	json_findings(&j, &an->f);
	json_attempts(&j, an);
	json_diameter(&j, an);
	json_esp(&j, an->c);
	json_nodes(&j, an->c);
	json_tail(&j, an);
	json_end(&j);
}
