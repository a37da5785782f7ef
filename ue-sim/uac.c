/* SIP UAC on Sofia-SIP nta (see ../shared/reference/sofia-sip.md: nta, not
 * nua; a leg per UE carrying its Call-ID, From and To; IP literals for the
 * next hop; destroy the orq only after reading it).
 *
 * Step machine of one UE:
 *   start(step) -> send REGISTER -> final response
 *       401 and auto_answer and < max_challenges -> [answer delay] -> answer
 *       otherwise -> done()                                            */
#include "uac.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/su_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/tport_tag.h>
#include <openssl/rand.h>

#include "ue_secagree.h"

uint64_t uac_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* splitmix64: tiny, good enough for identifiers; never used for keys. */
static uint64_t prng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void uac_random_hex(struct uac *a, char *buf, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	uint64_t r = 0;

	for (size_t i = 0; i < n; i++) {
		if (i % 16 == 0)
			r = prng_next(&a->prng);
		buf[i] = hx[r & 15];
		r >>= 4;
	}
	buf[n] = '\0';
}

static void sofia_drop(void *stream, char const *fmt, va_list ap)
{
	(void)stream, (void)fmt, (void)ap;
}

int uac_open(struct uac *a, const char *bind, long long seed)
{
	sip_contact_t const *m;

	memset(a, 0, sizeof(*a));
	a->seeded = seed >= 0;
	if (a->seeded)
		a->prng = (uint64_t)seed;
	else if (RAND_bytes((unsigned char *)&a->prng, sizeof(a->prng)) != 1)
		return -1;
	su_init();
	/* Sofia's own diagnostics (ICMP errors, ...) only on request. */
	if (!getenv("UE_SIM_SOFIA_LOG"))
		su_log_redirect(NULL, sofia_drop, NULL);
	su_home_init(a->home);
	a->root = su_root_create(NULL);
	if (!a->root)
		return -1;
	/* Over TCP every UE shares one connection: Sofia's default send queue
	 * (TPTAG_QUEUESIZE 64) fails requests beyond 64 with a local 503 while
	 * it opens, and NTATAG_MAXSIZE bounds one read of the whole stream
	 * (pipelined responses), not one message. */
	a->agent = nta_agent_create(a->root, URL_STRING_MAKE(bind), NULL, NULL, NTATAG_UA(0),
				    NTATAG_MAXSIZE(8u << 20), TPTAG_QUEUESIZE(4096), TAG_END());
	if (!a->agent)
		return -1;
	m = nta_agent_contact(a->agent);
	snprintf(a->host, sizeof(a->host), "%s", m->m_url->url_host);
	a->port = m->m_url->url_port ? (unsigned)atoi(m->m_url->url_port) : 5060;
	return 0;
}

void uac_close(struct uac *a)
{
	if (a->agent)
		nta_agent_destroy(a->agent);
	if (a->root)
		su_root_destroy(a->root);
	su_home_deinit(a->home);
	su_deinit();
	memset(a, 0, sizeof(*a));
}

const char *ue_step_name(enum ue_step s)
{
	static const char *const names[] = { "register", "answer", "reregister",
					     "deregister", "query" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int ue_init(struct ue *ue, struct uac *a, const struct ue_cfg *cfg, bool keep_headers)
{
	char from[600], to[600], tag[17], cid[33];
	const char *at = strchr(cfg->impi, '@');
	int user_len = at ? (int)(at - cfg->impi) : (int)strlen(cfg->impi);

	memset(ue, 0, sizeof(*ue));
	ue->uac = a;
	ue->cfg = *cfg;
	ue->granted_expires = -1;
	if (usim_init(&ue->usim, &cfg->usim) < 0) {
		ue->error = "USIM: cannot initialise (keys or --usim-state file)";
		return -1;
	}
	uac_random_hex(a, cid, 32);
	uac_random_hex(a, tag, 16);
	snprintf(ue->call_id, sizeof(ue->call_id), "%s@%s", cid, a->host);
	snprintf(ue->from_tag, sizeof(ue->from_tag), "%s", tag);
	snprintf(ue->uri, sizeof(ue->uri), "sip:%s", cfg->realm);
	snprintf(ue->contact, sizeof(ue->contact), "<sip:%.*s@%s:%u>", user_len, cfg->impi,
		 a->host, a->port);
	snprintf(from, sizeof(from), "<%s>;tag=%s", cfg->impu, tag);
	snprintf(to, sizeof(to), "<%s>", cfg->impu);
	/* A dialog-style leg per UE (nta allows one NO_DIALOG default leg per
	 * agent): it carries the UE's Call-ID, From and To, and counts CSeq. */
	ue->leg = nta_leg_tcreate(a->agent, NULL, NULL, SIPTAG_CALL_ID_STR(ue->call_id),
				  SIPTAG_FROM_STR(from), SIPTAG_TO_STR(to),
				  TAG_IF(a->seeded, SIPTAG_CSEQ_STR("1 REGISTER")), TAG_END());
	if (!ue->leg) {
		ue->error = "nta: cannot create leg";
		return -1;
	}
	if (keep_headers) {
		ue->resp = calloc(1, sizeof(*ue->resp));
		if (!ue->resp)
			return -1;
	}
	if (cfg->sec.on && ue_sec_init(ue) < 0)
		return -1;
	return 0;
}

void uac_set_t1(struct uac *a, unsigned t1_ms)
{
	unsigned t1 = t1_ms ? t1_ms : 500;

	nta_agent_set_params(a->agent, NTATAG_SIP_T1(t1), NTATAG_SIP_T1X64(64 * t1), TAG_END());
}

void ue_fini(struct ue *ue)
{
	if (ue->orq)
		nta_outgoing_destroy(ue->orq);
	if (ue->timer)
		su_timer_destroy(ue->timer);
	if (ue->retry_timer)
		su_timer_destroy(ue->retry_timer);
	if (ue->leg)
		nta_leg_destroy(ue->leg);
	ue_sec_fini(ue);
	free(ue->resp);
	memset(ue, 0, sizeof(*ue));
}

/* ---- responses ---------------------------------------------------------- */

static const char *hdr_name(msg_header_t const *h)
{
	if (h->sh_class->hc_hash == sip_unknown_hash)
		return h->sh_unknown->un_name;
	return h->sh_class->hc_name;
}

/* The value of one header. Unknown headers (P-Associated-URI has no class
 * in Sofia) keep their raw value; msg_header_field_e would repeat the name. */
static issize_t hdr_value(char *buf, size_t size, msg_header_t const *h)
{
	if (h->sh_class->hc_hash == sip_unknown_hash) {
		const char *v = h->sh_unknown->un_value ? h->sh_unknown->un_value : "";
		size_t n = strlen(v);
		if (n >= size)
			return -1;
		memcpy(buf, v, n + 1);
		return (issize_t)n;
	}
	return msg_header_field_e(buf, (isize_t)size, h, 0);
}

/* Copies every named header of the response into r (scenario asserts). */
static void resp_keep(struct ue_resp *r, msg_t *msg)
{
	size_t used = 0;

	r->nhdr = 0;
	for (msg_header_t *h = msg ? *msg_chain_head(msg) : NULL; h; h = h->sh_succ) {
		const char *name = hdr_name(h);
		size_t nlen;
		issize_t vlen;

		if (!name || !name[0] || r->nhdr >= UE_HDRS_MAX)
			continue;
		nlen = strlen(name) + 1;
		if (used + nlen + 2 > sizeof(r->buf))
			break;
		memcpy(r->buf + used, name, nlen);
		vlen = hdr_value(r->buf + used + nlen, sizeof(r->buf) - used - nlen, h);
		if (vlen < 0 || used + nlen + (size_t)vlen + 1 > sizeof(r->buf))
			break;
		r->buf[used + nlen + (size_t)vlen] = '\0';
		r->hdr[r->nhdr].name = r->buf + used;
		r->hdr[r->nhdr].value = r->buf + used + nlen;
		r->nhdr++;
		used += nlen + (size_t)vlen + 1;
	}
}

int ue_resp_header(const struct ue_resp *r, const char *name, char *out, size_t outsz)
{
	size_t used = 0;
	int found = 0;

	if (outsz)
		out[0] = '\0';
	for (size_t i = 0; r && i < r->nhdr; i++) {
		if (strcasecmp(r->hdr[i].name, name) != 0)
			continue;
		int n = snprintf(out + used, outsz - used, "%s%s", found ? ", " : "", r->hdr[i].value);
		if (n > 0)
			used = used + (size_t)n < outsz ? used + (size_t)n : outsz - 1;
		found++;
	}
	return found;
}

/* Appends each header of a chain (Service-Route, P-Associated-URI). */
static void join_field(char *out, size_t outsz, msg_header_t const *h, const char *unk_name)
{
	size_t used = strlen(out);

	for (; h; h = h->sh_next) {
		if (unk_name && strcasecmp(h->sh_unknown->un_name, unk_name) != 0)
			continue;
		if (used && used + 2 < outsz)
			used += (size_t)snprintf(out + used, outsz - used, ", ");
		if (used + 1 >= outsz)
			break;
		issize_t n = hdr_value(out + used, outsz - used, h);
		if (n < 0 || used + (size_t)n >= outsz)
			break;
		used += (size_t)n;
		out[used] = '\0';
	}
}

static bool contact_is_ours(const struct ue *ue, sip_contact_t const *m)
{
	const url_t *u = m->m_url;
	unsigned port = u->url_port ? (unsigned)atoi(u->url_port) : 5060;

	return u->url_host && !strcmp(u->url_host, ue->uac->host) &&
	       (port == ue->uac->port || port == ue_sec_contact_port(ue));
}

static void resp_record_200(struct ue *ue, sip_t const *sip)
{
	ue->service_route[0] = ue->associated_uris[0] = '\0';
	join_field(ue->service_route, sizeof(ue->service_route),
		   (msg_header_t const *)sip->sip_service_route, NULL);
	join_field(ue->associated_uris, sizeof(ue->associated_uris),
		   (msg_header_t const *)sip->sip_unknown, "P-Associated-URI");
	ue->granted_expires = -1;
	/* The 200 lists every binding of the AOR: take the expiry of ours. */
	for (sip_contact_t const *m = sip->sip_contact; m; m = m->m_next)
		if (m->m_expires && contact_is_ours(ue, m))
			ue->granted_expires = atoi(m->m_expires);
	if (ue->granted_expires < 0 && sip->sip_expires)
		ue->granted_expires = (int)sip->sip_expires->ex_delta;
}

static void resp_record_401(struct ue *ue, sip_t const *sip)
{
	char buf[UE_AUTH_HDR_MAX];
	issize_t n;

	ue->have_chal = false;
	if (!sip->sip_www_authenticate)
		return;
	n = msg_header_field_e(buf, sizeof(buf), (msg_header_t const *)sip->sip_www_authenticate, 0);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return;
	buf[n] = '\0';
	if (ue_challenge_parse(buf, &ue->chal) == 0) {
		ue->have_chal = true;
		ue->answered = false;
		ue->nc = 0;
	}
	if (ue->sec)
		ue_sec_on_401(ue, sip);
}

static void ue_finish(struct ue *ue)
{
	ue->t_final = uac_now_ns();
	if (ue->done)
		ue->done(ue, ue->done_arg);
}

static int ue_send_answer(struct ue *ue);

static void on_answer_timer(su_root_magic_t *m, su_timer_t *t, su_timer_arg_t *arg)
{
	struct ue *ue = (struct ue *)arg;

	(void)m, (void)t;
	if (ue_send_answer(ue) < 0)
		ue_finish(ue);
}

/* 401 in an auto step: answer now or after --answer-delay. With sec-agree
 * always from the timer: the answer may replace the agent the 401 came on. */
static void ue_continue(struct ue *ue)
{
	if (!ue->cfg.answer_delay_ms && !ue->sec) {
		if (ue_send_answer(ue) < 0)
			ue_finish(ue);
		return;
	}
	if (!ue->timer)
		ue->timer = su_timer_create(su_root_task(ue->uac->root),
					    ue->cfg.answer_delay_ms ? ue->cfg.answer_delay_ms : 1);
	if (!ue->timer || su_timer_set(ue->timer, on_answer_timer, (su_timer_arg_t *)ue) < 0) {
		ue->error = "cannot arm the answer-delay timer";
		ue_finish(ue);
	}
}

static int ue_send_initial(struct ue *ue);

static void on_retry_timer(su_root_magic_t *m, su_timer_t *t, su_timer_arg_t *arg)
{
	struct ue *ue = (struct ue *)arg;
	uint64_t waited = (uac_now_ns() - ue->t_retry_armed) / 1000000ull;

	(void)m, (void)t;
	ue->retry_waited_ms = (unsigned)waited;
	if ((ue->last_initial ? ue_send_initial(ue) : ue_send_answer(ue)) < 0)
		ue_finish(ue);
}

/* RFC 3261 §21.5.4 / §20.33: a 503 with Retry-After means "not before
 * then". The UE sends the same kind of request again after that many
 * seconds (TS 24.229 §5.1.1.2.1 leaves the retry to the UE), at most
 * UE_MAX_RETRIES times per step and only for waits up to retry_after_max. */
static bool ue_retry_later(struct ue *ue, sip_retry_after_t const *ra)
{
	if (ue->retries >= UE_MAX_RETRIES || !ue->cfg.retry_after_max ||
	    ra->af_delta > ue->cfg.retry_after_max)
		return false;
	if (!ue->retry_timer)
		ue->retry_timer = su_timer_create(su_root_task(ue->uac->root), 1000);
	if (!ue->retry_timer ||
	    su_timer_set_interval(ue->retry_timer, on_retry_timer, (su_timer_arg_t *)ue,
				  (su_duration_t)ra->af_delta * 1000) < 0)
		return false;
	ue->retries++;
	ue->retry_after_s = (unsigned)ra->af_delta;
	ue->t_retry_armed = uac_now_ns();
	return true;
}

static int on_resp(nta_outgoing_magic_t *magic, nta_outgoing_t *orq, sip_t const *sip)
{
	struct ue *ue = (struct ue *)magic;
	int status = sip && sip->sip_status ? sip->sip_status->st_status : nta_outgoing_status(orq);
	msg_t *msg;
	bool again;

	if (status < 200)
		return 0;
	if (!ue->t_first_resp)
		ue->t_first_resp = uac_now_ns();
	ue->status = status;
	/* nta answers a request itself on a transport error (503: refused,
	 * ICMP unreachable, DNS) or a timeout (408): say so, the registrar's
	 * log will not show it. */
	msg = nta_outgoing_getresponse(orq);
	ue->status_local = !msg || nta_is_internal_msg(msg);
	if (ue->resp) {
		ue->resp->status = status;
		snprintf(ue->resp->phrase, sizeof(ue->resp->phrase), "%s",
			 sip && sip->sip_status ? sip->sip_status->st_phrase : "(local)");
		resp_keep(ue->resp, msg);
	}
	if (msg)
		msg_destroy(msg);
	if (sip && status == 401)
		resp_record_401(ue, sip);
	else if (sip && status >= 200 && status < 300)
		resp_record_200(ue, sip);
	if (ue->obs.response && ue->resp)
		ue->obs.response(ue, ue->resp);
	nta_outgoing_destroy(orq);
	ue->orq = NULL;
	if (status == 503 && sip && sip->sip_retry_after && ue_retry_later(ue, sip->sip_retry_after))
		return 0;
	if (status == 401)
		ue->challenges++;
	again = status == 401 && ue->opts.auto_answer && ue->have_chal &&
		ue->challenges <= ue->opts.max_challenges;
	if (again)
		ue_continue(ue);
	else
		ue_finish(ue);
	return 0;
}

const char *ue_status_origin(const struct ue *ue)
{
	if (!ue->status_local)
		return "";
	if (ue->status == 408)
		return " (made locally by ue-sim's SIP stack: no response from the registrar in time)";
	return " (made locally by ue-sim's SIP stack, not sent by the registrar: it could not be"
	       " reached — connection refused, ICMP unreachable or no DNS answer)";
}

/* ---- requests ----------------------------------------------------------- */

static int ue_expires(const struct ue *ue)
{
	if (ue->step == UE_STEP_DEREGISTER)
		return 0;
	return ue->opts.expires >= 0 ? ue->opts.expires : (int)ue->cfg.expires;
}

/* One REGISTER on the UE's leg with the given Authorization value. */
static int ue_send_register(struct ue *ue, const char *authz, const char *what,
			    const struct ue_answer *ans)
{
	struct uac *a = ue->uac;
	char contact[480], expires[16], branch[40];
	bool with_contact = ue->step != UE_STEP_QUERY;
	int exp = ue_expires(ue);
	struct ue_sec_req sec;

	ue->last_initial = !strcmp(what, "initial");
	if (ue_sec_request(ue, &sec) < 0) /* sec-agree headers and route, TS 24.229 §5.1.1.2 */
		return -1;
	snprintf(contact, sizeof(contact), "%s;expires=%d", sec.contact ? sec.contact : ue->contact, exp);
	snprintf(expires, sizeof(expires), "%d", exp);
	if (a->seeded) {
		memcpy(branch, "z9hG4bK", 7);
		uac_random_hex(a, branch + 7, 16);
	}
	if (ue->obs.request)
		ue->obs.request(ue, what, authz, ans);
	ue->orq = nta_outgoing_tcreate(
		sec.leg ? sec.leg : ue->leg, on_resp, (nta_outgoing_magic_t *)ue,
		URL_STRING_MAKE(sec.next_hop ? sec.next_hop : ue->cfg.registrar),
		SIP_METHOD_REGISTER, URL_STRING_MAKE(ue->uri), SIPTAG_CALL_ID_STR(ue->call_id),
		TAG_IF(with_contact, SIPTAG_CONTACT_STR(contact)),
		TAG_IF(with_contact, SIPTAG_EXPIRES_STR(expires)),
		SIPTAG_SUPPORTED_STR(sec.supported ? sec.supported : "path"), SIPTAG_AUTHORIZATION_STR(authz),
		TAG_IF(sec.client, SIPTAG_SECURITY_CLIENT_STR(sec.client)),
		TAG_IF(sec.verify, SIPTAG_SECURITY_VERIFY_STR(sec.verify)),
		TAG_IF(sec.require, SIPTAG_REQUIRE_STR(sec.require)),
		TAG_IF(sec.require, SIPTAG_PROXY_REQUIRE_STR(sec.require)),
		TAG_IF(a->seeded, NTATAG_BRANCH_KEY(branch)), TAG_END());
	if (!ue->orq) {
		ue->error = "nta: cannot send REGISTER (bad --registrar?)";
		return -1;
	}
	return 0;
}

/* Answer the last challenge: a fresh one through the USIM, an already
 * answered one (refresh, de-register) with nc+1 and the same RES. */
static int ue_send_answer(struct ue *ue)
{
	char cnonce[17];
	struct ue_answer_req req = {
		.method = "REGISTER", .uri = ue->uri, .cnonce = cnonce,
		.corrupt_res = ue->opts.corrupt_res,
	};
	int rc;

	uac_random_hex(ue->uac, cnonce, 16);
	req.nc = ++ue->nc;
	if (!ue->answered)
		rc = ue_auth_answer(&ue->cfg, &ue->usim, &ue->chal, &req, &ue->ans);
	else
		rc = ue_auth_reanswer(&ue->cfg, &ue->chal, &req, &ue->ans, &ue->ans);
	ue->opts.corrupt_res = false;
	if (rc < 0) {
		/* RFC 3310 §3.1: no algorithm parameter means plain MD5 */
		snprintf(ue->error_buf, sizeof(ue->error_buf),
			 "the challenge's algorithm %s%s is not the UE's --alg %s",
			 ue->chal.algorithm[0] ? ue->chal.algorithm : "MD5",
			 ue->chal.algorithm[0] ? "" : " (none given)", digest_alg_name(ue->cfg.alg));
		ue->error = rc == UE_E_ALG      ? ue->error_buf
			    : rc == UE_E_NONCE   ? "the nonce is not base64(RAND||AUTN)"
			    : rc == USIM_ESTATE  ? "cannot write the --usim-state file"
						 : "cannot compute the digest answer";
		return -1;
	}
	ue->answered = ue->ans.kind == UE_ANS_RES || ue->ans.kind == UE_ANS_PASSWORD;
	if (ue->sec && ue->nc == 1 && ue_sec_protect(ue, &ue->ans) < 0)
		return -1;
	ue->t_answer = uac_now_ns();
	return ue_send_register(ue, ue->ans.header, "answer", &ue->ans);
}

static int ue_send_initial(struct ue *ue)
{
	char authz[UE_AUTH_HDR_MAX];

	if (ue_auth_initial(&ue->cfg, ue->uri, authz, sizeof(authz)) < 0) {
		ue->error = "identities too long";
		return -1;
	}
	return ue_send_register(ue, authz, "initial", NULL);
}

int ue_start(struct ue *ue, enum ue_step step, const struct ue_step_opts *opts,
	     ue_done_fn done, void *arg)
{
	static const struct ue_step_opts defaults = { .expires = -1, .max_challenges = 3 };

	ue->step = step;
	ue->opts = opts ? *opts : defaults;
	if (!ue->opts.max_challenges)
		ue->opts.max_challenges = 3;
	ue->done = done;
	ue->done_arg = arg;
	ue->challenges = 0;
	ue->retries = 0;
	ue->retry_waited_ms = 0;
	ue->error = NULL;
	ue->status = 0;
	ue->status_local = false;
	ue->t_step = uac_now_ns();
	ue->t_first_resp = ue->t_answer = ue->t_final = 0;
	switch (step) {
	case UE_STEP_REGISTER:
		ue->have_chal = ue->answered = false;
		return ue_send_initial(ue);
	case UE_STEP_ANSWER:
		if (!ue->have_chal) {
			ue->error = "no challenge to answer";
			return -1;
		}
		/* --answer-delay holds for an explicit answer too: Kamailio's
		 * ims_auth stores the vector after sending the 401 (docs/ue-sim.md) */
		if (ue->cfg.answer_delay_ms) {
			ue_continue(ue);
			return 0;
		}
		return ue_send_answer(ue);
	default: /* refresh, de-register, query: credentials of the last nonce */
		if (ue->have_chal && ue->answered)
			return ue_send_answer(ue);
		return ue_send_initial(ue);
	}
}

/* ---- synchronous use (register command, scenarios) ---------------------- */

static void sync_done(struct ue *ue, void *arg)
{
	(void)ue;
	*(bool *)arg = true;
}

void ue_abort(struct ue *ue, const char *why)
{
	if (ue->orq) {
		nta_outgoing_destroy(ue->orq);
		ue->orq = NULL;
	}
	if (ue->timer)
		su_timer_reset(ue->timer);
	if (ue->retry_timer)
		su_timer_reset(ue->retry_timer);
	ue->error = why;
	ue->status = 0;
	ue->t_final = uac_now_ns();
}

int ue_step_sync(struct ue *ue, enum ue_step step, const struct ue_step_opts *opts,
		 unsigned timeout_ms)
{
	bool done = false;
	uint64_t deadline = uac_now_ns() + (uint64_t)timeout_ms * 1000000ull;

	if (ue_start(ue, step, opts, sync_done, &done) < 0)
		return -1;
	while (!done) {
		if (uac_now_ns() > deadline) {
			ue_abort(ue, "timed out waiting for a final response");
			return -1;
		}
		su_root_step(ue->uac->root, 20);
	}
	return ue->error ? -1 : 0;
}

void uac_sleep(struct uac *a, unsigned ms)
{
	uint64_t end = uac_now_ns() + (uint64_t)ms * 1000000ull;

	for (uint64_t now = uac_now_ns(); now < end; now = uac_now_ns()) {
		uint64_t left = (end - now) / 1000000ull;
		su_root_step(a->root, left > 50 ? 50 : (su_duration_t)left + 1);
	}
}
