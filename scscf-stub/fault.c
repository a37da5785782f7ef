/* SIP fault rules of scscf-stub (see fault.h). */
#include "fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/log.h"

static int perr(char *err, size_t errsz, const char *fmt, const char *arg)
{
	snprintf(err, errsz, fmt, arg);
	return -1;
}

static int parse_secs(const char *key, const char *v, unsigned *out, char *err, size_t errsz)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || *v == '-' || n > 86400) {
		snprintf(err, errsz, "%s: expected seconds (0..86400), got '%s'", key, v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* The action word: status:CODE, drop, challenge-twice, stale-nonce,
 * omit:HEADER, deregister-after:S. */
static int parse_action(const char *w, struct sfault_rule *r, char *err, size_t errsz)
{
	snprintf(r->name, sizeof(r->name), "%s", w);
	if (!strncmp(w, "status:", 7)) {
		char *end;
		long code = strtol(w + 7, &end, 10);

		if (!w[7] || *end || code < 300 || code > 699 || code == 401)
			return perr(err, errsz, "status: expected a code 300..699 other than 401, got '%s'",
				    w + 7);
		r->action = SF_STATUS;
		r->status = (int)code;
		return 0;
	}
	if (!strncmp(w, "omit:", 5)) {
		r->action = SF_OMIT;
		if (!strcasecmp(w + 5, "Service-Route"))
			r->omit = SF_OMIT_SERVICE_ROUTE;
		else if (!strcasecmp(w + 5, "P-Associated-URI"))
			r->omit = SF_OMIT_PAU;
		else
			return perr(err, errsz,
				    "omit: expected Service-Route or P-Associated-URI, got '%s'", w + 5);
		snprintf(r->name, sizeof(r->name), "omit:%s",
			 r->omit == SF_OMIT_PAU ? "P-Associated-URI" : "Service-Route");
		return 0;
	}
	if (!strncmp(w, "deregister-after:", 17)) {
		r->action = SF_DEREGISTER;
		if (parse_secs("deregister-after", w + 17, &r->after_s, err, errsz) < 0)
			return -1;
		return 0;
	}
	if (!strcmp(w, "drop"))
		r->action = SF_DROP;
	else if (!strcmp(w, "challenge-twice"))
		r->action = SF_CHALLENGE_TWICE;
	else if (!strcmp(w, "stale-nonce"))
		r->action = SF_STALE_NONCE;
	else
		return perr(err, errsz,
			    "unknown action '%s' (status:CODE, drop, challenge-twice, stale-nonce, "
			    "omit:HEADER, deregister-after:S)", w);
	return 0;
}

static int parse_option(const char *w, struct sfault_rule *r, char *err, size_t errsz)
{
	char key[32];
	const char *eq = strchr(w, '=');
	size_t kl = eq ? (size_t)(eq - w) : 0;
	int rc;

	if (!eq || kl == 0 || kl >= sizeof(key))
		return perr(err, errsz, "'%s' is not KEY=VALUE", w);
	memcpy(key, w, kl);
	key[kl] = '\0';
	rc = fault_match_option(&r->m, key, eq + 1, err, errsz);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (!strcmp(key, "on")) {
		if (!strcmp(eq + 1, "any"))
			r->on = SF_ON_ANY;
		else if (!strcmp(eq + 1, "initial"))
			r->on = SF_ON_INITIAL;
		else if (!strcmp(eq + 1, "auth"))
			r->on = SF_ON_AUTH;
		else
			return perr(err, errsz, "on: expected initial, auth or any, got '%s'", eq + 1);
		return 0;
	}
	if (!strcmp(key, "retry-after"))
		return parse_secs(key, eq + 1, &r->retry_after, err, errsz);
	if (!strcmp(key, "min-expires"))
		return parse_secs(key, eq + 1, &r->min_expires, err, errsz);
	return perr(err, errsz,
		    "unknown option '%s' (on, user, every, probability, count, retry-after, "
		    "min-expires)", key);
}

int sfault_parse(const char *text, struct sfault_rule *r, char *err, size_t errsz)
{
	char buf[SFAULT_TEXT], *save = NULL, *w;
	bool first = true;

	memset(r, 0, sizeof(*r));
	if (strlen(text) >= sizeof(buf))
		return perr(err, errsz, "%s", "rule too long");
	snprintf(r->text, sizeof(r->text), "%s", text);
	snprintf(buf, sizeof(buf), "%s", text);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (first ? parse_action(w, r, err, errsz) : parse_option(w, r, err, errsz))
			return -1;
		first = false;
	}
	if (first)
		return perr(err, errsz, "%s", "empty rule (an action is needed)");
	if ((r->retry_after || r->min_expires) && r->action != SF_STATUS)
		return perr(err, errsz, "%s", "retry-after and min-expires go with status:CODE");
	if (r->min_expires && r->status != 423)
		return perr(err, errsz, "%s", "min-expires goes with status:423");
	if (r->on != SF_ON_ANY && r->action != SF_STATUS && r->action != SF_DROP)
		return perr(err, errsz, "%s", "on= goes with status:CODE and drop");
	return fault_match_check(&r->m, err, errsz);
}

const char *sfault_phrase(int status)
{
	static const struct { int code; const char *phrase; } t[] = {
		{ 403, "Forbidden" }, { 404, "Not Found" }, { 408, "Request Timeout" },
		{ 420, "Bad Extension" }, { 423, "Interval Too Brief" },
		{ 480, "Temporarily Unavailable" }, { 482, "Loop Detected" },
		{ 500, "Server Internal Error" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" }, { 504, "Server Time-out" }, { 600, "Busy Everywhere" },
		{ 603, "Decline" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == status)
			return t[i].phrase;
	return status >= 600 ? "Global Failure" : status >= 500 ? "Server Error"
	       : status >= 400 ? "Client Error" : "Redirection";
}

int sfault_set_rules(struct sfaults *f, const char *const *rules, size_t n, char *err,
		     size_t errsz)
{
	struct sfault_rule *tmp;
	char why[200];

	if (n > SFAULT_MAX) {
		snprintf(err, errsz, "more than %d fault rules", SFAULT_MAX);
		return -1;
	}
	tmp = calloc(n ? n : 1, sizeof(*tmp));
	if (!tmp) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (sfault_parse(rules[i], &tmp[i], why, sizeof(why))) {
			snprintf(err, errsz, "fault %zu '%s': %s", i + 1, rules[i], why);
			free(tmp);
			return -1;
		}
		tmp[i].id = (unsigned)i + 1;
	}
	memcpy(f->rule, tmp, n * sizeof(*tmp));
	f->n = n;
	free(tmp);
	return 0;
}

static bool at_point(const struct sfault_rule *r, enum sfault_point at)
{
	switch (r->action) {
	case SF_STATUS:
	case SF_DROP: return at == SF_AT_REQUEST;
	case SF_CHALLENGE_TWICE:
	case SF_STALE_NONCE: return at == SF_AT_CREDENTIALS;
	case SF_OMIT: return at == SF_AT_200;
	case SF_DEREGISTER: return at == SF_AT_REGISTERED;
	}
	return false;
}

const struct sfault_rule *sfault_pick(struct sfaults *f, enum sfault_point at, bool initial,
				      const char *impi, const char *impu)
{
	for (size_t i = 0; i < f->n; i++) {
		struct sfault_rule *r = &f->rule[i];

		if (!at_point(r, at) || !fault_match_user(&r->m, impi, impu))
			continue;
		if ((r->on == SF_ON_INITIAL && !initial) || (r->on == SF_ON_AUTH && initial))
			continue;
		if (!fault_match_fire(&r->m))
			continue;
		fault_log(LOG_SIP, r->id, r->name, "REGISTER", impu, &r->m);
		if (f->injected)
			f->injected(f->arg, r);
		return r;
	}
	return NULL;
}

void sfault_dereg_cancel(struct sfaults *f, const char *impu)
{
	for (size_t i = 0; i < f->ndereg; i++)
		if (!strcmp(f->dereg[i].impu, impu)) {
			f->dereg[i] = f->dereg[--f->ndereg];
			return;
		}
}

void sfault_dereg_arm(struct sfaults *f, const struct sfault_rule *r, const char *impi,
		      const char *impu, uint64_t now_ms)
{
	struct sfault_dereg *d;

	sfault_dereg_cancel(f, impu);
	if (f->ndereg == SFAULT_DEREG_MAX) {
		LOGW(LOG_SIP, "fault #%u: more than %d de-registrations pending, impu=%s left alone",
		     r->id, SFAULT_DEREG_MAX, impu);
		return;
	}
	d = &f->dereg[f->ndereg++];
	snprintf(d->impi, sizeof(d->impi), "%s", impi);
	snprintf(d->impu, sizeof(d->impu), "%s", impu);
	d->at_ms = now_ms + (uint64_t)r->after_s * 1000u;
}

void sfault_dereg_due(struct sfaults *f, uint64_t now_ms,
		      void (*due)(void *arg, const char *impi, const char *impu), void *arg)
{
	for (size_t i = 0; i < f->ndereg;) {
		struct sfault_dereg d = f->dereg[i];

		if (now_ms < d.at_ms) {
			i++;
			continue;
		}
		f->dereg[i] = f->dereg[--f->ndereg];
		due(arg, d.impi, d.impu);
	}
}
