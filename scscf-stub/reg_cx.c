/* REGISTER handling, the HSS side: MAR/MAA -> 401, SAR/SAA -> 200, the
 * timeout de-registration and RTR (TS 29.228 §6.1-6.3, TS 24.229 §5.4.1). */
#include "registrar_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "challenge.h"
#include "diameter/codes.h"
#include "util/log.h"
#include "util/esc.h"
#include "util/str.h"

#define CX_BUF 2048

static const char *scheme_of(enum digest_alg a)
{
	return a == DIGEST_ALG_AKAV2_MD5 ? CX_SCHEME_AKAV2
	       : a == DIGEST_ALG_MD5	 ? CX_SCHEME_DIGEST
					 : CX_SCHEME_AKAV1;
}

/* The MAA may name another scheme than asked (the subscriber's own). */
static enum digest_alg alg_of_scheme(const char *s, enum digest_alg dflt)
{
	if (!strcasecmp(s, CX_SCHEME_AKAV1))
		return DIGEST_ALG_AKAV1_MD5;
	if (!strcasecmp(s, CX_SCHEME_AKAV2))
		return DIGEST_ALG_AKAV2_MD5;
	if (!strcasecmp(s, CX_SCHEME_DIGEST))
		return DIGEST_ALG_MD5;
	return dflt;
}

static void fail(struct registrar *r, struct reg_txn *t, int status, const char *phrase,
		 unsigned retry_after, const char *why)
{
	struct reg_reply rep = { .status = status, .phrase = phrase, .retry_after = retry_after };

	reg_finish(r, t->handle, t->impi, t->impu, t->start_ms, &rep, why);
}

/* An HSS that stops answering times out every REGISTER in flight: one
 * warning when it starts, one notice when answers come again (with the
 * count), the REGISTERs in between at info (issue 16: no log floods). */
static void stall_timeout(struct registrar *r)
{
	if (!r->stall.on) {
		r->stall.on = true;
		r->stall.since_ms = r->ops.now_ms();
		r->stall.timeouts = 0;
		LOGW(LOG_DIAM, "the HSS left a request unanswered for %u ms: REGISTERs get 504; "
		     "further timeouts are logged at info until it answers again",
		     r->cfg->hss_timeout_ms);
	}
	r->stall.timeouts++;
}

/* An answer arrived (good or defective): the stall, if any, is over. */
static void stall_over(struct registrar *r)
{
	if (!r->stall.on)
		return;
	r->stall.on = false;
	LOGN(LOG_DIAM, "the HSS answers again: %lu requests timed out in %.1f s",
	     r->stall.timeouts, (double)(r->ops.now_ms() - r->stall.since_ms) / 1000.0);
}

void reg_diam_failure(struct registrar *r, struct reg_txn *t, int status,
		      const struct cx_result *res, const char *what, const char *detail)
{
	char why[400];

	if (status == -EBADMSG) {
		/* Never use a defective answer: name the defect, 500 (issue 10). */
		snprintf(why, sizeof(why), "%s: invalid answer from the HSS: %s", what,
			 detail ? detail : "malformed");
		fail(r, t, 500, "Server Internal Error", 0, why);
		return;
	}
	if (status == -ETIMEDOUT) {
		struct reg_reply rep = { .status = 504, .phrase = "Server Time-out" };
		stall_timeout(r);
		snprintf(why, sizeof(why), "%s: HSS did not answer in time", what);
		reg_finish_at(r, r->stall.timeouts > 1 ? LOG_LVL_INFO : LOG_LVL_WARN, t->handle,
			      t->impi, t->impu, t->start_ms, &rep, why);
		return;
	}
	if (status < 0) {
		snprintf(why, sizeof(why), "%s: HSS unreachable (%s)", what,
			 detail ? detail : strerror(-status));
		fail(r, t, 500, "Server Internal Error", r->cfg->retry_after, why);
		return;
	}
	snprintf(why, sizeof(why), "%s: %s %u", what, res->experimental ? "Experimental-Result"
								       : "Result-Code",
		 res->code);
	/* TS 29.229 §6.2 errors about the user -> 403, like Kamailio. */
	if ((res->experimental && res->code >= 5000 && res->code < 6000) ||
	    res->code == DIAM_AUTHENTICATION_REJECTED || res->code == DIAM_AUTHORIZATION_REJECTED)
		fail(r, t, 403, "Forbidden", 0, why);
	else
		fail(r, t, 500, "Server Internal Error", r->cfg->retry_after, why);
}

/* One Cx round trip into the metrics: result label from the answer or the
 * failure. */
static void cx_done(struct registrar *r, struct reg_txn *t, const char *cmd, int status,
		    const struct cx_result *res)
{
	char result[24];

	if (!r->met)
		return;
	if (status == -ETIMEDOUT)
		snprintf(result, sizeof(result), "timeout");
	else if (status == -EPROTO || status == -EBADMSG)
		snprintf(result, sizeof(result), "malformed");
	else if (status < 0)
		snprintf(result, sizeof(result), "unreachable");
	else if (!res)
		snprintf(result, sizeof(result), "error");
	else
		snprintf(result, sizeof(result), "%s%u", res->experimental ? "exp:" : "", res->code);
	scscf_metrics_cx(r->met, cmd, result, scscf_mono_us() - t->cx_t0_us);
}

/* max_pending REGISTERs await the HSS: this one gets 503 at once (RFC
 * 3261 §21.5.4, with Retry-After), instead of holding one more
 * transaction. One log line when an overload starts and one when it ends
 * (registrar_tick), never one per refused request: a flood must not
 * become a log flood. */
static bool overload_refuse(struct registrar *r, struct reg_txn *t)
{
	struct reg_reply rep = { .status = 503, .phrase = "Service Unavailable",
				 .retry_after = r->cfg->retry_after ? r->cfg->retry_after : 1 };

	if (!r->overload.on) {
		r->overload.on = true;
		r->overload.since_ms = r->ops.now_ms();
		r->overload.refused = r->overload.refused_at_tick = 0;
		LOGW(LOG_SIP, "overload: %zu REGISTERs await the HSS (max_pending %u): new ones "
		     "get 503 Retry-After %u until fewer wait; one line when it ends",
		     r->pending, r->cfg->max_pending, rep.retry_after);
	}
	r->overload.refused++;
	reg_finish_at(r, LOG_LVL_DEBUG, t->handle, t->impi, t->impu, t->start_ms, &rep,
		      "overload: max_pending REGISTERs await the HSS");
	reg_txn_free(t);
	return true;
}

/* Background SARs (no REGISTER waits for them) are bounded by the
 * bindings, not by max_pending. Beyond max_pending the reserve serves the
 * sources that hold few slots (pending_src.h): a source flooding
 * REGISTERs it never completes fills max_pending, not the slots of the
 * others. True when t was answered and freed. */
static bool overloaded(struct registrar *r, struct reg_txn *t)
{
	return t->handle && !psrc_admit(r->psrc, r->pending, t->source) &&
	       overload_refuse(r, t);
}

/* One fewer waiting for the HSS (its MAA/SAA came, or never will). */
static void pending_done(struct registrar *r, struct reg_txn *t)
{
	r->pending--;
	if (t->src_counted)
		psrc_del(r->psrc, t->source);
	t->src_counted = false;
}

/* Called once a second: a second without a refusal ends the overload. */
static void overload_tick(struct registrar *r, uint64_t now)
{
	if (!r->overload.on)
		return;
	if (r->overload.refused != r->overload.refused_at_tick) {
		r->overload.refused_at_tick = r->overload.refused;
		return;
	}
	r->overload.on = false;
	LOGN(LOG_SIP, "overload over: %lu REGISTERs answered 503 in %.1f s, %zu await the HSS",
	     r->overload.refused, (double)(now - r->overload.since_ms) / 1000.0, r->pending);
}

static int send_req(struct registrar *r, struct reg_txn *t, const uint8_t *buf, ssize_t n,
		    void (*fn)(void *, int, const struct diam_msg *, const char *))
{
	int rc;

	t->cx_t0_us = scscf_mono_us();
	rc = n < 0 ? (int)n : r->ops.cx_send(r->ops.arg, buf, (size_t)n, fn, t);

	if (rc == 0) {
		r->pending++;
		t->src_counted = t->handle && !psrc_add(r->psrc, t->source);
	}
	return rc;
}

/* A vector we can challenge with, else false and why names the defect
 * (TS 29.229 §6.3.13: AKA needs RAND‖AUTN and XRES, AKAv2 also CK and IK;
 * SIP Digest needs Digest-HA1). */
static bool maa_usable(const struct cx_maa *m, enum digest_alg alg, char *why, size_t sz)
{
	const char *miss = NULL;

	if (m->defect[0]) {
		snprintf(why, sz, "MAR: invalid answer from the HSS: %s", m->defect);
		return false;
	}
	if (alg == DIGEST_ALG_MD5)
		miss = m->have_ha1 ? NULL : "Digest-HA1";
	else if (!m->authenticate_len)
		miss = "SIP-Authenticate";
	else if (!m->authorization_len)
		miss = "SIP-Authorization";
	else if (alg == DIGEST_ALG_AKAV2_MD5 && !(m->have_ck && m->have_ik))
		miss = m->have_ck ? "Integrity-Key" : "Confidentiality-Key";
	if (miss)
		snprintf(why, sz, "MAR: invalid answer from the HSS: SIP-Auth-Data-Item (%s) "
			 "without %s", m->scheme[0] ? m->scheme : "no scheme", miss);
	return miss == NULL;
}

/* Vector from the MAA (or the queue) -> stored entry + 401. `src` names
 * where it came from in the log line. */
static void challenge_from_maa(struct registrar *r, struct reg_txn *t, const struct cx_maa *m,
			       const char *src)
{
	char why[256];
	struct vec_entry v = { 0 };
	struct challenge_params cp;
	char www[1024];
	enum digest_alg alg = alg_of_scheme(m->scheme, t->alg);
	bool aka = alg != DIGEST_ALG_MD5, keys;
	int n;

	if (!maa_usable(m, alg, why, sizeof(why))) {
		fail(r, t, 500, "Server Internal Error", 0, why);
		return;
	}
	/* HA1 is bound to its realm: ours must be the one it was made for. */
	if (!aka && m->digest_realm[0] && strcasecmp(m->digest_realm, r->cfg->realm)) {
		LOGE(LOG_SIP, "impi=%s: HSS Digest-Realm '%s' differs from our realm '%s'",
		     ESC(t->impi), ESC(m->digest_realm), r->cfg->realm);
		fail(r, t, 500, "Server Internal Error", 0, "Digest-Realm mismatch");
		return;
	}
	n = aka ? challenge_nonce(m->authenticate, m->authenticate_len, v.nonce, sizeof(v.nonce))
		: challenge_nonce(NULL, 0, v.nonce, sizeof(v.nonce));
	if (n < 0) {
		fail(r, t, 500, "Server Internal Error", 0, "cannot build nonce");
		return;
	}
	str_copy(v.impi, sizeof(v.impi), t->impi);
	str_copy(v.impu, sizeof(v.impu), t->impu);
	v.alg = alg;
	memcpy(v.xres, m->authorization, m->authorization_len);
	v.xres_len = m->authorization_len;
	memcpy(v.ck, m->ck, 16);
	memcpy(v.ik, m->ik, 16);
	memcpy(v.ha1, m->ha1, sizeof(v.ha1));
	v.fault_reissued = t->fault_id != 0;
	v.expires_ms = r->ops.now_ms() + (uint64_t)r->cfg->nonce_ttl * 1000u;
	/* CK/IK only for a P-CSCF (issue 16 item 2): TS 33.203 §7.1 has the
	 * S-CSCF send them to the P-CSCF, which strips them. A REGISTER with
	 * no Path did not come through one: the 401 goes straight to the
	 * sender, who may be anyone (no credentials yet), and a valid
	 * (RAND, AUTN, CK, IK) is what a false base station needs. */
	keys = aka && m->have_ck && m->have_ik && (t->path[0] || r->cfg->ck_ik_always);
	cp = (struct challenge_params){ .realm = r->cfg->realm, .nonce = v.nonce, .alg = alg,
					.qop = r->cfg->qop, .stale = t->stale,
					.ck = keys ? m->ck : NULL, .ik = keys ? m->ik : NULL };
	if (challenge_build(&cp, www, sizeof(www)) < 0 || vstore_put(r->vs, &v)) {
		fail(r, t, 500, "Server Internal Error", 0, "cannot store the challenge");
		memset(&v, 0, sizeof(v));
		return;
	}
	memset(&v, 0, sizeof(v));
	struct reg_reply rep = { .status = 401, .phrase = "Unauthorized", .www_authenticate = www };
	size_t wl = 0; /* the log line's reason, without snprintf (issue 14) */
	str_append(why, sizeof(why), &wl,
		   t->resync ? "challenge after resync" : t->stale ? "challenge, stale nonce"
								   : "challenge");
	str_append(why, sizeof(why), &wl, t->fault_id ? " (fault), " : ", ");
	str_append(why, sizeof(why), &wl, src);
	reg_finish(r, t->handle, t->impi, t->impu, t->start_ms, &rep, why);
}

bool reg_challenge_queued(struct registrar *r, struct reg_txn *t)
{
	struct cx_maa m;
	char src[64];

	if (!vqueue_pop(r->vq, t->impi, r->ops.now_ms(), &m))
		return false;
	snprintf(src, sizeof(src), "queued vector, %zu left",
		 vqueue_count_impi(r->vq, t->impi));
	challenge_from_maa(r, t, &m, src);
	memset(&m, 0, sizeof(m));
	return true;
}

/* Items 2..n of a multi-vector MAA wait for the IMPI's next challenges. */
static size_t queue_rest(struct registrar *r, struct reg_txn *t, const struct cx_maa *items,
			 int n)
{
	uint64_t exp = r->ops.now_ms() + (uint64_t)r->cfg->nonce_ttl * 1000u;
	size_t queued = 0;

	for (int i = 1; i < n; i++)
		if (!vqueue_push(r->vq, t->impi, &items[i], exp))
			queued++;
	return queued;
}

static void on_maa(void *arg, int status, const struct diam_msg *ans, const char *detail)
{
	struct reg_txn *t = arg;
	struct registrar *r = t->reg;
	size_t max = r->cfg->auth_items ? r->cfg->auth_items : 1;
	struct cx_maa *m = calloc(max, sizeof(*m));
	char src[64];
	int n = 0;

	pending_done(r, t);
	if (status == 0 || status == -EBADMSG)
		stall_over(r);
	if (!m) {
		fail(r, t, 500, "Server Internal Error", 0, "out of memory");
		reg_txn_free(t);
		return;
	}
	if (status == 0) {
		n = cx_parse_maa_items(ans, m, max);
		if (n < 0)
			status = -EPROTO;
		else if (n == 0) /* no item: the result still counts */
			cx_get_result(ans, &m[0].res);
	}
	cx_done(r, t, "MAR", status, &m[0].res);
	if (status == 0 && n == 0 && cx_result_ok(&m[0].res)) {
		fail(r, t, 500, "Server Internal Error", 0,
		     "MAR: invalid answer from the HSS: success without SIP-Auth-Data-Item");
	} else if (status || !cx_result_ok(&m[0].res)) {
		reg_diam_failure(r, t, status, status ? NULL : &m[0].res, "MAR", detail);
	} else {
		char num[12];
		size_t sl = str_copy(src, sizeof(src), "MAR, ");

		str_u32(num, (uint32_t)n);
		str_append(src, sizeof(src), &sl, num);
		str_append(src, sizeof(src), &sl, n == 1 ? " vector, " : " vectors, ");
		str_u32(num, (uint32_t)queue_rest(r, t, m, n));
		str_append(src, sizeof(src), &sl, num);
		str_append(src, sizeof(src), &sl, " queued");
		challenge_from_maa(r, t, &m[0], src);
	}
	memset(m, 0, max * sizeof(*m));
	free(m);
	reg_txn_free(t);
}

void reg_start_mar(struct registrar *r, struct reg_txn *t, const uint8_t *rand_auts)
{
	uint8_t buf[CX_BUF];
	char sid[256];
	ssize_t n;
	int rc;

	if (overloaded(r, t))
		return;
	diam_session_id(r->cfg->origin_host, sid, sizeof(sid));
	n = cx_build_mar_n(buf, sizeof(buf), &r->id, sid, diam_next_hbh(), diam_next_e2e(),
			   t->impi, t->impu, scheme_of(t->alg), rand_auts, rand_auts ? 30 : 0,
			   r->cfg->auth_items);
	rc = send_req(r, t, buf, n, on_maa);
	if (rc) {
		reg_diam_failure(r, t, rc == -ENOTCONN ? -ENOTCONN : -EIO, NULL, "MAR", NULL);
		reg_txn_free(t);
	}
}

/* omit:HEADER faults on a 200 that carries bindings. */
static void fault_omit(struct registrar *r, const char *impi, const char *impu,
		       struct reg_reply *rep)
{
	const struct sfault_rule *f = sfault_pick(&r->faults, SF_AT_200, false, impi, impu);

	if (f && f->omit == SF_OMIT_SERVICE_ROUTE)
		rep->service_route = NULL;
	else if (f)
		rep->p_associated_uri = NULL;
}

void reg_reply_200(struct registrar *r, void *handle, const char *impi, const char *impu,
		   uint64_t start_ms, const struct binding_rec *rec, const char *why)
{
	char contact[BIND_MAX_CONTACTS * (2 * BIND_URI_MAX + 32)];
	struct reg_reply rep = { .status = 200, .phrase = "OK" };

	if (rec && rec->n && bind_format_contacts(rec, r->ops.now_ms(), contact,
						  sizeof(contact)) > 0) {
		rep.contact = contact;
		rep.service_route = r->service_route;
		rep.p_associated_uri = *rec->assoc ? rec->assoc : NULL;
		rep.path = *rec->path ? rec->path : NULL;
		fault_omit(r, impi, impu, &rep);
	}
	reg_finish(r, handle, impi, impu, start_ms, &rep, why);
}

/* SAA success: apply the contacts and answer 200. */
static void registered(struct registrar *r, struct reg_txn *t, const struct cx_saa *s)
{
	uint64_t now = r->ops.now_ms();
	const struct sfault_rule *f;
	struct binding_rec *rec;

	if (t->sat == CX_SAT_USER_DEREGISTRATION) {
		sfault_dereg_cancel(&r->faults, t->impu);
		bind_del(r->bs, t->impu);
		vstore_del_impi(r->vs, t->impi); /* next REGISTER starts afresh */
		vqueue_del_impi(r->vq, t->impi);
		reg_reply_200(r, t->handle, t->impi, t->impu, t->start_ms, NULL,
			      "de-registered");
		return;
	}
	rec = bind_get(r->bs, t->impu, t->impi);
	if (!rec) {
		fail(r, t, 500, "Server Internal Error", 0, "out of memory");
		return;
	}
	for (size_t i = 0; i < t->n_contacts; i++)
		if (bind_set_contact(rec, t->contacts[i].uri, t->contacts[i].params,
				     (unsigned)t->contacts[i].expires, now))
			LOGW(LOG_SIP, "impu=%s: contact %s not stored (limit %d, or no memory)", ESC(t->impu),
			     ESC(t->contacts[i].uri), BIND_MAX_CONTACTS);
	if (s->assoc[0])
		str_copy(rec->assoc, sizeof(rec->assoc), s->assoc);
	else if (!rec->assoc[0])
		snprintf(rec->assoc, sizeof(rec->assoc), "<%s>", t->impu);
	str_copy(rec->path, sizeof(rec->path), t->path);
	f = sfault_pick(&r->faults, SF_AT_REGISTERED, false, t->impi, t->impu);
	if (f)
		sfault_dereg_arm(&r->faults, f, t->impi, t->impu, now);
	reg_reply_200(r, t->handle, t->impi, t->impu, t->start_ms, rec,
		      t->sat == CX_SAT_REGISTRATION ? "registered" : "re-registered");
}

static void on_saa(void *arg, int status, const struct diam_msg *ans, const char *detail)
{
	struct reg_txn *t = arg;
	struct registrar *r = t->reg;
	struct cx_saa *s = malloc(sizeof(*s));

	pending_done(r, t);
	if (status == 0 || status == -EBADMSG)
		stall_over(r);
	if (s && status == 0 && cx_parse_saa(ans, s))
		status = -EPROTO;
	cx_done(r, t, "SAR", status, s ? &s->res : NULL);
	if (!t->handle) { /* background SAR (timeout or fault de-registration) */
		LOGI(LOG_DIAM, "SAR %s impi=%s impu=%s: %s",
		     t->sat == CX_SAT_ADMINISTRATIVE_DEREGISTRATION ? "ADMINISTRATIVE_DEREGISTRATION"
								    : "TIMEOUT_DEREGISTRATION",
		     ESC(t->impi), ESC(t->impu), status ? strerror(-status) : "answered");
	} else if (!s) {
		fail(r, t, 500, "Server Internal Error", 0, "out of memory");
	} else {
		if (status || !cx_result_ok(&s->res)) {
			if (t->sat == CX_SAT_USER_DEREGISTRATION)
				bind_del(r->bs, t->impu); /* gone here, whatever the HSS says */
			reg_diam_failure(r, t, status, status ? NULL : &s->res, "SAR", detail);
		} else {
			registered(r, t, s);
			registrar_profile_from_saa(r, t->impu, ans);
		}
	}
	free(s);
	reg_txn_free(t);
}

void reg_start_sar(struct registrar *r, struct reg_txn *t)
{
	uint8_t buf[CX_BUF];
	char sid[256];
	ssize_t n;
	int rc;

	if (overloaded(r, t))
		return;
	diam_session_id(r->cfg->origin_host, sid, sizeof(sid));
	/* User-Data-Already-Available: only a first registration needs it. */
	n = cx_build_sar(buf, sizeof(buf), &r->id, sid, diam_next_hbh(), diam_next_e2e(), t->impi,
			 t->impu, t->sat, t->sat == CX_SAT_REGISTRATION ? 0 : 1);
	rc = send_req(r, t, buf, n, on_saa);
	if (rc) {
		if (t->handle)
			reg_diam_failure(r, t, rc == -ENOTCONN ? -ENOTCONN : -EIO, NULL, "SAR", NULL);
		else
			LOGW(LOG_DIAM, "SAR for impu=%s not sent: %s", t->impu, strerror(-rc));
		reg_txn_free(t);
	}
}

/* A SAR of the S-CSCF's own (no REGISTER waits for it). */
static void background_sar(struct registrar *r, const char *impi, const char *impu,
			   uint32_t sat)
{
	struct reg_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return;
	t->reg = r;
	t->kind = TXN_SAR;
	t->start_ms = r->ops.now_ms();
	t->sat = sat;
	str_copy(t->impi, sizeof(t->impi), impi);
	str_copy(t->impu, sizeof(t->impu), impu);
	reg_start_sar(r, t);
}

/* A binding ran out: tell the HSS (TS 29.228 §6.1.2, TIMEOUT_DEREGISTRATION). */
static void binding_gone(void *arg, const struct binding_rec *b)
{
	LOGI(LOG_SIP, "binding expired impi=%s impu=%s", ESC(b->impi), ESC(b->impu));
	background_sar(arg, b->impi, b->impu, CX_SAT_TIMEOUT_DEREGISTRATION);
}

/* deregister-after: the S-CSCF ends the registration itself, as an RTR
 * would make it (bindings of the IMPU and its implicit set, the IMPI's
 * vectors), and tells the HSS (TS 29.228 §6.1.2, ADMINISTRATIVE_DEREGISTRATION). */
static void fault_deregister(void *arg, const char *impi, const char *impu)
{
	struct registrar *r = arg;
	size_t n = bind_del_matching(r->bs, impi, impu);

	vstore_del_impi(r->vs, impi);
	vqueue_del_impi(r->vq, impi);
	LOGN(LOG_SIP, "fault: de-registered impi=%s impu=%s (%zu binding record(s) dropped)",
	     ESC(impi), ESC(impu), n);
	background_sar(r, impi, impu, CX_SAT_ADMINISTRATIVE_DEREGISTRATION);
}

void registrar_tick(struct registrar *r)
{
	uint64_t now = r->ops.now_ms();

	/* Keep expired nonces a minute longer (a late answer still reads
	 * "stale" in the log) but not more: under load they add up. */
	vstore_expire(r->vs, now, 60 * 1000u);
	vqueue_expire(r->vq, now);
	bind_expire(r->bs, now, binding_gone, r);
	sfault_dereg_due(&r->faults, now, fault_deregister, r);
	overload_tick(r, now);
	r->last_tick = now;
}

ssize_t registrar_on_rtr(struct registrar *r, const struct diam_msg *req, uint8_t *buf,
			 size_t cap)
{
	struct cx_rtr rtr;
	size_t n;

	if (req->hdr.code != DIAM_CMD_RT)
		return -1;
	if (cx_parse_rtr(req, &rtr)) {
		LOGW(LOG_DIAM, "RTR without User-Name");
		return cx_build_rta(buf, cap, &r->id, req, DIAM_MISSING_AVP);
	}
	/* TS 29.228 §6.1.3: the listed IMPUs, or without any, all of the IMPI's. */
	n = 0;
	for (size_t i = 0; i < rtr.n_impu; i++)
		n += bind_del_matching(r->bs, rtr.impi, rtr.impu[i]);
	if (!rtr.n_impu)
		n = bind_del_impi(r->bs, rtr.impi);
	vstore_del_impi(r->vs, rtr.impi);
	vqueue_del_impi(r->vq, rtr.impi);
	LOGI(LOG_DIAM, "RTR impi=%s reason=%u: %zu binding record(s) dropped -> RTA 2001",
	     ESC(rtr.impi), rtr.reason, n);
	return cx_build_rta(buf, cap, &r->id, req, DIAM_SUCCESS);
}
