/* RFC 6733 §7 validation (see validate.h). Design: the header is checked
 * first (its failures make the rest meaningless), then one recursive walk
 * checks every AVP's framing, flag bits, dictionary type and — against the
 * command's or grouped AVP's rule table — its occurrence count. The first
 * problem found wins; the offending AVP is reported as Failed-AVP. */
#include "validate.h"

#include <stdio.h>
#include <string.h>

#include "codes.h"
#include "dict.h"
#include "rules.h"
#include "util/utf8.h"

#define MAX_DEPTH 8
#define MAX_RULES 64

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fail(struct diam_verdict *v, uint32_t rc, const char *fmt, const char *arg)
{
	v->result_code = rc;
	v->e_bit = rc >= 3000 && rc < 4000;
	snprintf(v->why, sizeof(v->why), fmt, arg ? arg : "");
	return (int)rc;
}

static const char *avp_name(uint32_t code, uint32_t vendor)
{
	const struct diam_dict_avp *d = diam_dict_avp(code, vendor);
	static char buf[40];

	if (d)
		return d->name;
	snprintf(buf, sizeof(buf), "AVP %u (vendor %u)", code, vendor);
	return buf;
}

/* Minimal payload for a type (§7.5: "zero filled payload of the minimum
 * required length for the payload data type"). Strings get one zero octet
 * rather than none: Wireshark flags an empty value as an expert warning,
 * and our answers must decode cleanly. */
static size_t min_payload(uint32_t code, uint32_t vendor)
{
	const struct diam_dict_avp *d = diam_dict_avp(code, vendor);

	if (!d)
		return 0;
	switch (d->type) {
	case DT_I32: case DT_U32: case DT_F32: case DT_ENUM: case DT_TIME: return 4;
	case DT_I64: case DT_U64: case DT_F64: return 8;
	case DT_ADDRESS: return 6;
	case DT_GROUPED: return 0;
	default: return 1;
	}
}

/* Failed-AVP holding a synthesized AVP: header copied (or built), length
 * rewritten to header + zero payload so our answer is itself well formed. */
static void synth_failed(struct diam_verdict *v, uint32_t code, uint8_t flags, uint32_t vendor)
{
	size_t hl = (flags & DIAM_AVP_V) ? 12 : 8, pl = min_payload(code, vendor);
	uint8_t *p = v->failed_buf;

	memset(p, 0, sizeof(v->failed_buf));
	p[0] = (uint8_t)(code >> 24); p[1] = (uint8_t)(code >> 16);
	p[2] = (uint8_t)(code >> 8); p[3] = (uint8_t)code;
	p[4] = flags;
	p[5] = 0; p[6] = 0; p[7] = (uint8_t)(hl + pl);
	if (hl == 12) {
		p[8] = (uint8_t)(vendor >> 24); p[9] = (uint8_t)(vendor >> 16);
		p[10] = (uint8_t)(vendor >> 8); p[11] = (uint8_t)vendor;
	}
	v->failed.code = code;
	v->failed.flags = flags;
	v->failed.vendor = vendor;
	v->failed.raw = p;
	v->failed.raw_len = hl + pl;
	v->failed.data = p + hl;
	v->failed.len = pl;
	v->has_failed = true;
}

static void set_failed(struct diam_verdict *v, const struct diam_avp *a)
{
	v->failed = *a;
	v->has_failed = true;
}

/* §4.2/§4.3: size and form of a value for its declared type. */
static bool value_ok(enum diam_type t, const struct diam_avp *a)
{
	switch (t) {
	case DT_I32: case DT_U32: case DT_F32: case DT_ENUM: case DT_TIME: return a->len == 4;
	case DT_I64: case DT_U64: case DT_F64: return a->len == 8;
	case DT_ADDRESS:
		if (a->len < 2)
			return false;
		if (a->data[0] == 0 && a->data[1] == 1)
			return a->len == 6;
		if (a->data[0] == 0 && a->data[1] == 2)
			return a->len == 18;
		return true;
	case DT_IDENTITY:
		return a->len > 0 && utf8_valid_nonul(a->data, a->len);
	case DT_UTF8: case DT_URI:
		return utf8_valid(a->data, a->len);
	default:
		return true;
	}
}

/* Reports a framing problem at p (left octets remain in the area). */
static int bad_length(struct diam_verdict *v, const uint8_t *p, size_t left)
{
	if (left >= 8) {
		uint8_t f = p[4];
		uint32_t vendor = (f & DIAM_AVP_V) && left >= 12 ? rd32(p + 8) : 0;

		if ((f & DIAM_AVP_V) && left < 12)
			f &= (uint8_t)~DIAM_AVP_V;
		synth_failed(v, rd32(p), f, vendor);
		return fail(v, DIAM_INVALID_AVP_LENGTH, "invalid length of %s",
			    avp_name(rd32(p), vendor));
	}
	fail(v, DIAM_INVALID_AVP_LENGTH, "%s", NULL);
	snprintf(v->why, sizeof(v->why), "%zu trailing octets after the last AVP", left);
	return DIAM_INVALID_AVP_LENGTH;
}

static int walk(struct diam_verdict *v, const uint8_t *area, size_t len,
		const struct diam_rule *rules, size_t nrules, int depth, bool full);

static int check_rules_counts(struct diam_verdict *v, const struct diam_rule *rules, size_t n,
			      const uint16_t *count, const struct diam_avp *excess)
{
	for (size_t i = 0; i < n; i++) {
		const struct diam_rule *r = &rules[i];

		if (count[i] < r->min) {
			synth_failed(v, r->code, diam_dict_flags(r->code, r->vendor), r->vendor);
			return fail(v, DIAM_MISSING_AVP, "missing required AVP %s",
				    avp_name(r->code, r->vendor));
		}
		if (r->max == 0 && count[i] > 0) {
			set_failed(v, &excess[i]);
			return fail(v, DIAM_AVP_NOT_ALLOWED, "AVP %s not allowed here",
				    avp_name(r->code, r->vendor));
		}
		if (count[i] > r->max) {
			set_failed(v, &excess[i]);
			return fail(v, DIAM_AVP_OCCURS_TOO_MANY_TIMES, "AVP %s occurs too many times",
				    avp_name(r->code, r->vendor));
		}
	}
	return 0;
}

/* One AVP: flag bits, dictionary, value; recursion into known groups. */
static int check_avp(struct diam_verdict *v, const struct diam_avp *a, int depth, bool full)
{
	const struct diam_dict_avp *d;
	const struct diam_group_rules *g;

	/* §4.1: the five low flag bits are reserved ("must be zero"). */
	if (a->flags & 0x1f) {
		set_failed(v, a);
		return fail(v, DIAM_INVALID_AVP_BITS, "reserved flag bits set in %s",
			    avp_name(a->code, a->vendor));
	}
	d = diam_dict_avp(a->code, a->vendor);
	if (!d) {
		if (!(a->flags & DIAM_AVP_M))
			return 0; /* §4.1: unknown and optional: ignored */
		set_failed(v, a);
		return fail(v, DIAM_AVP_UNSUPPORTED, "unsupported mandatory %s",
			    avp_name(a->code, a->vendor));
	}
	if (!value_ok(d->type, a)) {
		set_failed(v, a);
		return fail(v, DIAM_INVALID_AVP_VALUE, "invalid value in %s", d->name);
	}
	/* Failed-AVP carries copies of foreign AVPs: never judged (§7.5). */
	if (d->type != DT_GROUPED || a->code == AVP_FAILED_AVP)
		return 0;
	if (depth + 1 >= MAX_DEPTH) {
		set_failed(v, a);
		return fail(v, DIAM_INVALID_AVP_VALUE, "%s nested too deeply", d->name);
	}
	g = diam_rules_group(a->code, a->vendor);
	return walk(v, a->data, a->len, g ? g->rules : NULL, g ? g->n : 0, depth + 1, full);
}

/* v->route: the first of each top-level routing AVP (validate.h). */
static void note_route(struct diam_verdict *v, const struct diam_avp *a)
{
	int i = a->code == AVP_ORIGIN_HOST ? DIAM_ROUTE_ORIGIN_HOST
		: a->code == AVP_DESTINATION_REALM ? DIAM_ROUTE_DEST_REALM
		: a->code == AVP_DESTINATION_HOST ? DIAM_ROUTE_DEST_HOST : -1;

	if (i >= 0 && !v->route[i].raw)
		v->route[i] = *a;
}

static int walk(struct diam_verdict *v, const uint8_t *area, size_t len,
		const struct diam_rule *rules, size_t nrules, int depth, bool full)
{
	uint16_t count[MAX_RULES] = { 0 };
	struct diam_avp excess[MAX_RULES];
	struct diam_iter it;
	struct diam_avp a;
	size_t last = 0; /* rule of the previous AVP: senders follow the ABNF order */
	int rc;

	if (nrules > MAX_RULES)
		nrules = MAX_RULES;
	diam_iter_init(&it, area, len);
	for (;;) {
		const uint8_t *at = it.p;
		size_t left = it.left;

		rc = diam_iter_next(&it, &a);
		if (rc == 0)
			break;
		if (rc < 0)
			return bad_length(v, at, left);
		if ((rc = check_avp(v, &a, depth, full)) != 0)
			return rc;
		if (depth == 0 && !(a.flags & DIAM_AVP_V))
			note_route(v, &a);
		for (size_t k = 0; full && k < nrules; k++) {
			size_t i = last + k < nrules ? last + k : last + k - nrules;

			if (rules[i].code == a.code && rules[i].vendor == a.vendor) {
				last = i;
				/* Keep the first occurrence beyond the limit (§7.5). */
				if (count[i] == rules[i].max)
					excess[i] = a;
				if (count[i] < 0xffff)
					count[i]++;
				break;
			}
		}
	}
	return full ? check_rules_counts(v, rules, nrules, count, excess) : 0;
}

static int check_header(const uint8_t *buf, size_t len, struct diam_msg *m, struct diam_verdict *v)
{
	int rc;

	if (len < DIAM_HDR_LEN) {
		v->close = true;
		return fail(v, DIAM_INVALID_MESSAGE_LENGTH, "message shorter than its header%s", NULL);
	}
	rc = diam_msg_parse(buf, len, m);
	if (rc == DIAM_EVERSION) {
		v->close = true;
		return fail(v, DIAM_UNSUPPORTED_VERSION, "unsupported version%s", NULL);
	}
	if (rc == DIAM_ELENGTH) {
		v->close = true;
		return fail(v, DIAM_INVALID_MESSAGE_LENGTH, "message length inconsistent%s", NULL);
	}
	if (rc == DIAM_EBITS)
		return fail(v, DIAM_INVALID_HDR_BITS, "invalid command flag bits%s", NULL);
	return rc ? fail(v, DIAM_UNABLE_TO_COMPLY, "unparseable header%s", NULL) : 0;
}

/* RFC 6733 §7.1, TS 29.229 §6.2: an answer carries its outcome in exactly
 * one of Result-Code and Experimental-Result, and a success (2xxx) as an
 * Experimental-Result only where the command defines one (cr->exp_success). */
static int check_result(struct diam_verdict *v, const struct diam_msg *m,
			const struct diam_cmd_rules *cr)
{
	struct diam_avp rc, er, code;
	bool has_rc = diam_msg_find(m, AVP_RESULT_CODE, 0, &rc) == 0;
	bool has_er = diam_msg_find(m, AVP_EXPERIMENTAL_RESULT, 0, &er) == 0;
	uint32_t c;

	if (has_rc && has_er) {
		set_failed(v, &er);
		return fail(v, DIAM_AVP_NOT_ALLOWED, "%s carries both Result-Code and "
			    "Experimental-Result", cr->name);
	}
	if (!has_rc && !has_er) {
		synth_failed(v, AVP_RESULT_CODE, DIAM_AVP_M, 0);
		return fail(v, DIAM_MISSING_AVP, "%s carries neither Result-Code nor "
			    "Experimental-Result", cr->name);
	}
	if (!has_er || diam_group_find(&er, AVP_EXPERIMENTAL_RESULT_CODE, 0, &code) ||
	    diam_avp_u32(&code, &c) || c < 2000 || c >= 3000)
		return 0;
	if (c >= 2001 && c <= 2032 && (cr->exp_success & (1u << (c - 2001))))
		return 0;
	set_failed(v, &er);
	fail(v, DIAM_INVALID_AVP_VALUE, "%s", NULL);
	snprintf(v->why, sizeof(v->why), "%s: success %u as Experimental-Result, where only "
		 "Result-Code is allowed", cr->name, c);
	return DIAM_INVALID_AVP_VALUE;
}

/* RFC 6733 §6.11, TS 29.229 §6.1: a request's Vendor-Specific-Application-Id
 * names the application of its header (Cx 16777216 in a MAR). A MAR that
 * says S6a, or an accounting application, is not served as Cx: 5004 with
 * the Auth-/Acct-Application-Id inside as Failed-AVP. */
static int check_app_id(struct diam_verdict *v, const struct diam_msg *m)
{
	struct diam_avp vsai, id;
	uint32_t app;

	if (m->hdr.app_id == DIAM_APP_BASE ||
	    diam_msg_find(m, AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, &vsai))
		return 0;
	if (diam_group_find(&vsai, AVP_AUTH_APPLICATION_ID, 0, &id) &&
	    diam_group_find(&vsai, AVP_ACCT_APPLICATION_ID, 0, &id))
		return 0; /* neither: the group's rule table answers that */
	if (id.code == AVP_AUTH_APPLICATION_ID && !diam_avp_u32(&id, &app) &&
	    app == m->hdr.app_id)
		return 0;
	set_failed(v, &id);
	fail(v, DIAM_INVALID_AVP_VALUE, "%s", NULL);
	snprintf(v->why, sizeof(v->why), "Vendor-Specific-Application-Id names another "
		 "application than the header's %u", m->hdr.app_id);
	return DIAM_INVALID_AVP_VALUE;
}

/* Is app one the sets (NULL: every known set) have tables for? */
static bool app_served(const struct diam_rule_set *const *sets, uint32_t app)
{
	if (app == DIAM_APP_BASE)
		return true;
	if (!sets)
		return diam_dict_app_known(app);
	for (; *sets; sets++)
		if ((*sets)->app_id == app)
			return true;
	return false;
}

int diam_validate_in(const uint8_t *buf, size_t len, unsigned flags,
		     const struct diam_rule_set *const *sets, struct diam_verdict *v)
{
	const struct diam_cmd_rules *cr = NULL;
	struct diam_msg m;
	bool request;
	int rc;

	memset(v, 0, sizeof(*v));
	if ((rc = check_header(buf, len, &m, v)) != 0)
		return rc;
	request = m.hdr.flags & DIAM_FLAG_R;
	if (!(flags & DIAM_V_STRUCTURE) && !(m.hdr.flags & DIAM_FLAG_E))
		cr = diam_rules_cmd_in(sets, m.hdr.app_id, m.hdr.code, request);
	if (request && !cr && !(flags & DIAM_V_STRUCTURE)) {
		if (!app_served(sets, m.hdr.app_id))
			return fail(v, DIAM_APPLICATION_UNSUPPORTED, "application not supported%s",
				    NULL);
		return fail(v, DIAM_COMMAND_UNSUPPORTED, "command not supported%s", NULL);
	}
	/* A missing P bit on a proxiable request is tolerated: it only matters
	 * to agents, and some clients omit it. */
	rc = walk(v, m.avps, m.avps_len, cr ? cr->rules : NULL, cr ? cr->n : 0, 0, cr != NULL);
	if (rc == 0 && cr && !request)
		rc = check_result(v, &m, cr);
	if (rc == 0 && cr && request)
		rc = check_app_id(v, &m);
	return rc;
}

int diam_validate(const uint8_t *buf, size_t len, unsigned flags, struct diam_verdict *v)
{
	return diam_validate_in(buf, len, flags, NULL, v);
}
