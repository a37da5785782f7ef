#include "report.h"
#include "diam_in.h"
#include "sip_msg.h"

#include "util/json.h"

#include <stdio.h>

static void json_messages(struct json *j, const struct report_in *r, size_t k)
{
	int evs[64];
	size_t n = report_attempt_events(r->c, r->p, k, evs, 64);
	char a[64], s[512];

	json_arr_begin(j, "messages");
	for (size_t i = 0; i < n; i++) {
		const struct trace_event *e = &r->c->ev[evs[i]];
		json_obj_begin(j, NULL);
		json_int(j, "frame", e->m.frame);
		snprintf(s, sizeof(s), "%.6f", e->m.ts - r->c->first_ts);
		json_str(j, "time", s);
		json_str(j, "src", trace_addr_str(&e->m.src, a, sizeof(a)));
		json_str(j, "dst", trace_addr_str(&e->m.dst, a, sizeof(a)));
		json_str(j, "proto", e->kind == EV_SIP ? "sip" : "diameter");
		json_bool(j, "esp", e->m.esp);
		report_summary(r->c, evs[i], s, sizeof(s));
		json_str(j, "summary", s);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* RFC 3329 negotiation as seen on the wire (first of each header). */
static void json_security(struct json *j, const struct report_in *r, size_t k)
{
	static const char *const hs[] = { "Security-Client", "Security-Server", "Security-Verify" };
	static const char *const keys[] = { "client", "server", "verify" };
	int evs[64];
	size_t n = report_attempt_events(r->c, r->p, k, evs, 64);

	json_obj_begin(j, "security");
	for (size_t h = 0; h < 3; h++) {
		const char *v = NULL;
		for (size_t i = 0; i < n && !v; i++)
			if (r->c->ev[evs[i]].kind == EV_SIP)
				v = sip_hdr(r->c->ev[evs[i]].sip, hs[h]);
		json_str(j, keys[h], v);
	}
	json_obj_end(j);
}

static void json_verdict(struct json *j, const struct verdict *v)
{
	char hx[16];

	json_str(j, "result", verdict_kind_name(v->kind));
	json_str(j, "verdict", v->sentence);
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
	json_arr_begin(j, "checks");
	for (size_t i = 0; i < v->nchk; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "name", v->chk[i].name);
		json_str(j, "result", check_state_name(v->chk[i].st));
		json_str(j, "detail", v->chk[i].detail);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_unpaired(struct json *j, const struct report_in *r)
{
	char s[512];

	json_arr_begin(j, "unpaired");
	for (size_t i = 0; i < r->p->nunpaired; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "frame", r->c->ev[r->p->unpaired[i]].m.frame);
		report_summary(r->c, r->p->unpaired[i], s, sizeof(s));
		json_str(j, "summary", s);
		json_obj_end(j);
	}
	json_arr_end(j);
}

void report_json(FILE *fp, const struct report_in *r)
{
	struct json j;
	const char *overall = "consistent";

	for (size_t k = 0; k < r->p->n; k++)
		if (r->shown[k] && r->v[k].kind == VK_MISMATCH)
			overall = "mismatch";
	json_begin(&j, fp);
	json_str(&j, "capture", r->capture);
	json_int(&j, "frames", r->c->frames);
	json_str(&j, "result", overall);
	json_arr_begin(&j, "attempts");
	for (size_t k = 0; k < r->p->n; k++) {
		if (!r->shown[k])
			continue;
		json_obj_begin(&j, NULL);
		json_int(&j, "index", (long long)k + 1);
		json_str(&j, "impi", r->p->a[k].impi[0] ? r->p->a[k].impi : NULL);
		json_str(&j, "call_id", r->p->a[k].call_id[0] ? r->p->a[k].call_id : NULL);
		json_verdict(&j, &r->v[k]);
		json_security(&j, r, k);
		json_messages(&j, r, k);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_int(&j, "unpaired_total", (long long)r->p->unpaired_total);
	json_unpaired(&j, r);
	json_arr_begin(&j, "notes");
	for (size_t i = 0; i < r->c->nnotes; i++)
		json_str(&j, NULL, r->c->notes[i]);
	if (r->read_error)
		json_str(&j, NULL, r->read_error);
	json_arr_end(&j);
	json_end(&j);
}
