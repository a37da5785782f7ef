/* hssd's Diameter fault rules (diam_fault.h): parsing, reading them from the
 * store, choosing the rule for a request, rewriting an answer. */
#include "diam_fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/log.h"

static const char *const commands[] = { "MAR", "SAR", "UAR", "LIR", "AIR", "ULR", "PUR", "any" };

int hfault_parse_command(const char *s, char *out, size_t outsz, char *err, size_t errsz)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcasecmp(s, commands[i])) {
			snprintf(out, outsz, "%s", commands[i]);
			return 0;
		}
	snprintf(err, errsz, "expected MAR, SAR, UAR, LIR, AIR, ULR, PUR or any, got '%s'", s);
	return -1;
}

const char *hfault_kind_name(enum hfault_kind k)
{
	static const char *const n[] = { "drop", "delay", "result", "omit", "bad-length", "close",
					  "dpr" };
	return (unsigned)k < sizeof(n) / sizeof(n[0]) ? n[k] : "?";
}

static int parse_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	*out = strtoul(s, &end, 10);
	return *end || *out < min || *out > max ? -1 : 0;
}

/* result:[exp:|base:]CODE. A bare CODE is experimental when the dictionary
 * names it as a 3GPP error (TS 29.229 §6.2.2, TS 29.272 §7.4.3/4): the
 * codes such as 5001 that mean one thing in Experimental-Result and
 * another in Result-Code. Successes (2xxx) stay base unless asked. */
static int parse_result(const char *s, struct hfault_action *a, char *err, size_t errsz)
{
	unsigned long code;
	int forced = 0;

	if (!strncmp(s, "exp:", 4))
		forced = 1, s += 4;
	else if (!strncmp(s, "base:", 5))
		forced = -1, s += 5;
	if (parse_number(s, 1000, 5999, &code) < 0) {
		snprintf(err, errsz, "result: expected a code 1000..5999 (result:[exp:|base:]CODE), "
			 "got '%s'", s);
		return -1;
	}
	a->kind = HF_RESULT;
	a->code = (uint32_t)code;
	a->experimental = forced ? forced > 0 : code >= 3000 && diam_exp_result_name(a->code);
	return 0;
}

static int parse_avp(const char *s, const char *what, struct hfault_action *a, char *err,
		     size_t errsz)
{
	a->avp = diam_dict_avp_by_name(s);
	if (!a->avp) {
		snprintf(err, errsz, "%s: '%s' is not an AVP name of the dictionary (e.g. "
			 "SIP-Auth-Data-Item, User-Name, Confidentiality-Key)", what, s);
		return -1;
	}
	return 0;
}

int hfault_parse_action(const char *s, struct hfault_action *a, char *err, size_t errsz)
{
	unsigned long ms;

	memset(a, 0, sizeof(*a));
	if (!strcmp(s, "drop"))
		a->kind = HF_DROP;
	else if (!strcmp(s, "close"))
		a->kind = HF_CLOSE;
	else if (!strcmp(s, "dpr"))
		a->kind = HF_DPR;
	else if (!strncmp(s, "delay:", 6)) {
		if (parse_number(s + 6, 1, 600000, &ms) < 0) {
			snprintf(err, errsz, "delay: expected milliseconds 1..600000, got '%s'", s + 6);
			return -1;
		}
		a->kind = HF_DELAY;
		a->delay_ms = (unsigned)ms;
	} else if (!strncmp(s, "result:", 7))
		return parse_result(s + 7, a, err, errsz);
	else if (!strncmp(s, "omit:", 5)) {
		a->kind = HF_OMIT;
		return parse_avp(s + 5, "omit", a, err, errsz);
	} else if (!strncmp(s, "bad-length:", 11)) {
		a->kind = HF_BAD_LENGTH;
		return parse_avp(s + 11, "bad-length", a, err, errsz);
	} else {
		snprintf(err, errsz, "unknown action '%s' (drop, delay:MS, result:CODE, omit:AVP, "
			 "bad-length:AVP, close, dpr)", s);
		return -1;
	}
	return 0;
}

/* ---- Rules from the store ------------------------------------------------ */
void hfaults_init(struct hfaults *f)
{
	memset(f, 0, sizeof(*f));
	f->version = -1;
}

void hfaults_free(struct hfaults *f)
{
	free(f->rule);
	f->rule = NULL;
	f->n = 0;
}

struct load {
	struct hfault_rule *r;
	size_t n, cap;
};

static int load_one(void *arg, const struct db_fault *row)
{
	struct load *l = arg;
	struct hfault_rule *r;
	char err[200];

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct hfault_rule *p = realloc(l->r, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->r = p;
		l->cap = cap;
	}
	r = &l->r[l->n];
	memset(r, 0, sizeof(*r));
	r->row = *row;
	if (hfault_parse_action(row->action, &r->act, err, sizeof(err)) < 0) {
		LOGW(LOG_MAIN, "fault #%lld skipped: %s", (long long)row->id, err);
		return 0;
	}
	snprintf(r->m.user, sizeof(r->m.user), "%s", row->user);
	r->m.every = row->every;
	r->m.probability = row->probability_ppm / 1e6;
	r->m.count = row->count;
	r->m.fired = r->fired_stored = row->fired;
	l->n++;
	return 0;
}

/* Counters of a rule that stays (same id) go on where they were. */
static void carry_over(const struct hfaults *old, struct hfault_rule *r)
{
	for (size_t i = 0; i < old->n; i++)
		if (old->rule[i].row.id == r->row.id) {
			r->m.seen = old->rule[i].m.seen;
			if (old->rule[i].m.fired > r->m.fired)
				r->m.fired = old->rule[i].m.fired;
			return;
		}
}

static void log_rules(const struct hfaults *f)
{
	LOGN(LOG_MAIN, "fault rules (generation %lld): %zu active", (long long)f->version, f->n);
	for (size_t i = 0; i < f->n; i++) {
		char opts[300];

		fault_match_format(&f->rule[i].m, opts, sizeof(opts));
		LOGN(LOG_MAIN, "fault #%lld: %s %s%s", (long long)f->rule[i].row.id,
		     f->rule[i].row.command, f->rule[i].row.action, opts);
	}
}

static int write_fired(struct hfaults *f, struct db *db)
{
	for (size_t i = 0; i < f->n; i++) {
		struct hfault_rule *r = &f->rule[i];
		int rc;

		if (r->m.fired == r->fired_stored)
			continue;
		rc = db_fault_set_fired(db, r->row.id, r->m.fired);
		if (rc < 0)
			return rc;
		r->fired_stored = r->m.fired;
	}
	return 0;
}

int hfaults_poll(struct hfaults *f, struct db *db)
{
	struct load l = { 0 };
	int64_t v;
	int rc = write_fired(f, db);

	if (!rc)
		rc = db_fault_version(db, &v);
	if (rc < 0 || v == f->version)
		return rc < 0 ? rc : 0;
	rc = db_fault_foreach(db, load_one, &l);
	if (rc < 0) {
		free(l.r);
		return rc;
	}
	for (size_t i = 0; i < l.n; i++)
		carry_over(f, &l.r[i]);
	hfaults_free(f);
	f->rule = l.r;
	f->n = l.n;
	f->version = v;
	log_rules(f);
	return 1;
}

/* User-Name, else Public-Identity (Cx), for the user glob and the log. */
static void request_users(const struct diam_msg *req, char *user, size_t usz, char *impu,
			  size_t isz)
{
	user[0] = impu[0] = '\0';
	diam_msg_str(req, AVP_USER_NAME, 0, user, usz);
	diam_msg_str(req, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP, impu, isz);
}

const struct hfault_rule *hfaults_pick(struct hfaults *f, const char *cmd,
				       const struct diam_msg *req)
{
	char user[DB_ID_MAX], impu[DB_ID_MAX];
	bool have_users = false;

	for (size_t i = 0; i < f->n; i++) {
		struct hfault_rule *r = &f->rule[i];

		if (strcmp(r->row.command, "any") && strcmp(r->row.command, cmd))
			continue;
		if (!have_users) {
			request_users(req, user, sizeof(user), impu, sizeof(impu));
			have_users = true;
		}
		if (!fault_match_user(&r->m, user[0] ? user : NULL, impu[0] ? impu : NULL) ||
		    !fault_match_fire(&r->m))
			continue;
		fault_log(LOG_DIAM, (unsigned)r->row.id, r->row.action, cmd,
			  user[0] ? user : impu, &r->m);
		if (f->injected)
			f->injected(f->arg, r, cmd);
		return r;
	}
	return NULL;
}

/* ---- Rewriting an answer ------------------------------------------------ */
static void copy_avp(struct diam_wr *w, const struct diam_msg *req, uint32_t code,
		     uint32_t vendor)
{
	struct diam_avp a;

	if (diam_msg_find(req, code, vendor, &a) == 0)
		diam_put_raw_avp(w, &a);
}

/* An answer carrying only the asked result, in the ABNF order of the Cx
 * and S6a answers (TS 29.229 §6.1, TS 29.272 §7.2): Session-Id,
 * Vendor-Specific-Application-Id, the result, Auth-Session-State,
 * Origin-Host/Realm, then the identities echoed (Kamailio reads them from
 * an MAA even when it fails). A 3xxx (protocol error) sets the E bit. */
static ssize_t result_answer(const struct hfault_action *a, const struct diam_msg *req,
			     const struct hss_identity *id, uint8_t *out, size_t cap)
{
	struct diam_wr w;
	ssize_t n;

	diam_wr_init(&w, out, cap);
	diam_answer_begin(&w, req);
	copy_avp(&w, req, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0);
	if (a->experimental)
		diam_put_exp_result(&w, DIAM_VENDOR_3GPP, a->code);
	else
		diam_put_u32(&w, AVP_RESULT_CODE, 0, a->code);
	copy_avp(&w, req, AVP_AUTH_SESSION_STATE, 0);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, id->origin_host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, id->origin_realm);
	copy_avp(&w, req, AVP_USER_NAME, 0);
	copy_avp(&w, req, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP);
	n = diam_wr_finish(&w);
	if (n > 0 && !a->experimental && a->code >= 3000 && a->code < 4000)
		out[4] |= DIAM_FLAG_E; /* RFC 6733 §7.1.3 */
	return n;
}

/* The AVPs of area into w, without (code, vendor) at any depth. */
static void strip(struct diam_wr *w, const uint8_t *area, size_t len, uint32_t code,
		  uint32_t vendor, int depth)
{
	struct diam_iter it;
	struct diam_avp avp;

	diam_iter_init(&it, area, len);
	while (diam_iter_next(&it, &avp) == 1) {
		const struct diam_dict_avp *d = diam_dict_avp(avp.code, avp.vendor);

		if (avp.code == code && avp.vendor == vendor)
			continue;
		if (d && d->type == DT_GROUPED && depth < DIAM_WR_MAX_DEPTH - 1) {
			diam_group_begin(w, avp.code, avp.vendor);
			strip(w, avp.data, avp.len, code, vendor, depth + 1);
			diam_group_end(w);
		} else {
			diam_put_raw_avp(w, &avp);
		}
	}
}

static ssize_t omit(const struct diam_dict_avp *d, const uint8_t *ans, size_t len, uint8_t *out,
		    size_t cap)
{
	struct diam_msg m;
	struct diam_wr w;

	if (diam_msg_parse(ans, len, &m) < 0)
		return DIAM_ELENGTH;
	diam_wr_init(&w, out, cap);
	diam_put_hdr(&w, m.hdr.flags, m.hdr.code, m.hdr.app_id, m.hdr.hbh, m.hdr.e2e);
	strip(&w, m.avps, m.avps_len, d->code, d->vendor, 0);
	return diam_wr_finish(&w);
}

/* The first (code, vendor) at any depth: its offset in the message. */
static const uint8_t *find_deep(const uint8_t *area, size_t len, uint32_t code, uint32_t vendor,
				int depth)
{
	struct diam_iter it;
	struct diam_avp avp;

	diam_iter_init(&it, area, len);
	while (diam_iter_next(&it, &avp) == 1) {
		const struct diam_dict_avp *d = diam_dict_avp(avp.code, avp.vendor);
		const uint8_t *p;

		if (avp.code == code && avp.vendor == vendor)
			return avp.raw;
		if (d && d->type == DT_GROUPED && depth < 8 &&
		    (p = find_deep(avp.data, avp.len, code, vendor, depth + 1)))
			return p;
	}
	return NULL;
}

/* The AVP Length claims 4 octets more than are left in the message: a
 * receiver that checks lengths (RFC 6733 §4.1) finds it. */
static ssize_t bad_length(const struct diam_dict_avp *d, uint8_t *ans, size_t len)
{
	struct diam_msg m;
	const uint8_t *p;
	size_t claim;

	if (diam_msg_parse(ans, len, &m) < 0)
		return DIAM_ELENGTH;
	p = find_deep(m.avps, m.avps_len, d->code, d->vendor, 0);
	if (!p) {
		LOGW(LOG_DIAM, "bad-length fault: the answer has no %s; sent unchanged", d->name);
		return (ssize_t)len;
	}
	claim = len - (size_t)(p - ans) + 4;
	ans[(p - ans) + 5] = (uint8_t)(claim >> 16);
	ans[(p - ans) + 6] = (uint8_t)(claim >> 8);
	ans[(p - ans) + 7] = (uint8_t)claim;
	return (ssize_t)len;
}

ssize_t hfault_rewrite(const struct hfault_action *a, const struct diam_msg *req,
		       const struct hss_identity *id, uint8_t *ans, size_t len, size_t cap)
{
	uint8_t *tmp;
	ssize_t n;

	if (a->kind == HF_BAD_LENGTH)
		return bad_length(a->avp, ans, len);
	if (a->kind != HF_RESULT && a->kind != HF_OMIT)
		return (ssize_t)len;
	tmp = malloc(cap);
	if (!tmp)
		return DIAM_ENOSPC;
	n = a->kind == HF_RESULT ? result_answer(a, req, id, tmp, cap)
				 : omit(a->avp, ans, len, tmp, cap);
	if (n > 0)
		memcpy(ans, tmp, (size_t)n);
	free(tmp);
	return n;
}
