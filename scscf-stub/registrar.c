/* REGISTER handling, the SIP side (see registrar.h): what to do with one
 * request, decided before any Diameter is sent. reg_cx.c continues when
 * the HSS answers. */
#include "registrar_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "challenge.h"
#include "clock.h"
#include "digest/auth_header.h"
#include "util/hex.h"
#include "util/esc.h"
#include "util/log.h"
#include "util/str.h"
#include "util/utf8.h"

static uint64_t default_now(void)
{
	return mono_ms();
}

static void reg_fault_injected(void *arg, const struct sfault_rule *f)
{
	struct registrar *r = arg;

	scscf_metrics_fault(r->met, f->name);
}

struct registrar *registrar_new(const struct scscf_config *cfg, const struct reg_ops *ops)
{
	struct registrar *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->cfg = cfg;
	r->ops = *ops;
	if (!r->ops.now_ms)
		r->ops.now_ms = default_now;
	r->vs = vstore_new(4096);
	r->bs = bstore_new();
	r->vq = vqueue_new(1024);
	r->psrc = psrc_new(cfg->max_pending, cfg->pending_reserve);
	if (!r->vs || !r->bs || !r->vq || !r->psrc) {
		registrar_free(r);
		return NULL;
	}
	r->id = (struct cx_ident){
		.origin_host = cfg->origin_host,
		.origin_realm = cfg->realm,
		.dest_realm = *cfg->hss_realm ? cfg->hss_realm : cfg->realm,
		.dest_host = cfg->hss_host,
		.server_name = cfg->name,
		.origin_state_id = (uint32_t)time(NULL),
	};
	/* TS 24.229 §5.4.1.2.2: Service-Route names this S-CSCF, loose routing. */
	snprintf(r->service_route, sizeof(r->service_route), "<%s;lr>", cfg->name);
	return r;
}

void registrar_free(struct registrar *r)
{
	if (!r)
		return;
	vstore_free(r->vs);
	vqueue_free(r->vq);
	psrc_free(r->psrc);
	bstore_free(r->bs);
	for (size_t i = 0; i < r->n_local; i++)
		free(r->local_hosts[i]);
	free(r);
}

void registrar_add_local_host(struct registrar *r, const char *host)
{
	if (r->n_local < REG_MAX_LOCAL)
		r->local_hosts[r->n_local++] = strdup(host);
}

int registrar_set_faults(struct registrar *r, const char *const *rules, size_t n, char *err,
			 size_t errsz)
{
	r->faults.injected = reg_fault_injected;
	r->faults.arg = r;
	return sfault_set_rules(&r->faults, rules, n, err, errsz);
}

void registrar_set_metrics(struct registrar *r, struct scscf_metrics *sm)
{
	r->met = sm;
}

struct bstore *registrar_bindings(struct registrar *r) { return r->bs; }
struct vstore *registrar_vectors(struct registrar *r) { return r->vs; }
struct vqueue *registrar_queue(struct registrar *r) { return r->vq; }
size_t registrar_pending(const struct registrar *r) { return r->pending; }

/* 5xx lines at warn: at most this many a second. A burst (the HSS
 * connection lost with thousands of REGISTERs in flight) writes the rest
 * at info and one warning with their count. */
#define WARN_5XX_PER_S 10

static enum log_level level_5xx(struct registrar *r)
{
	uint64_t sec = r->ops.now_ms() / 1000u;

	if (sec != r->warn5xx.sec) {
		if (r->warn5xx.demoted)
			LOGW(LOG_SIP, "%lu more REGISTERs were answered 5xx in a burst (logged at "
			     "info: %d a second at warn)", r->warn5xx.demoted, WARN_5XX_PER_S);
		r->warn5xx.sec = sec;
		r->warn5xx.n = 0;
		r->warn5xx.demoted = 0;
	}
	if (r->warn5xx.n < WARN_5XX_PER_S) {
		r->warn5xx.n++;
		return LOG_LVL_WARN;
	}
	r->warn5xx.demoted++;
	return LOG_LVL_INFO;
}

void reg_finish(struct registrar *r, void *handle, const char *impi, const char *impu,
		uint64_t start_ms, struct reg_reply *rep, const char *why)
{
	reg_finish_at(r, rep->status >= 500 ? level_5xx(r) : LOG_LVL_INFO, handle, impi, impu,
		      start_ms, rep, why);
}

void reg_finish_at(struct registrar *r, enum log_level lvl, void *handle, const char *impi,
		   const char *impu, uint64_t start_ms, struct reg_reply *rep, const char *why)
{
	uint64_t now = r->ops.now_ms();

	if (handle)
		r->ops.reply(r->ops.arg, handle, rep);
	if (handle)
		scscf_metrics_response(r->met, rep->status, why);
	/* One line per transaction (issue 4 §6): identities, outcome, time;
	 * never key material. */
	if (!log_enabled(lvl))
		return;
	/* identities and reasons may quote the network: escaped (esc.h) */
	char ei[512], eu[512], ew[512];
	log_msg(LOG_SIP, lvl, "REGISTER impi=%s impu=%s -> %d %s (%s) in %llu ms",
		esc_str(ei, sizeof(ei), impi && *impi ? impi : "-"),
		esc_str(eu, sizeof(eu), impu && *impu ? impu : "-"), rep->status,
		rep->status ? rep->phrase : "(no response)", esc_str(ew, sizeof(ew), why),
		(unsigned long long)(now - start_ms));
}

static void simple(struct registrar *r, const struct reg_request *q, const char *impi,
		   uint64_t start, int status, const char *phrase, const char *why)
{
	struct reg_reply rep = { .status = status, .phrase = phrase };

	reg_finish(r, q->handle, impi, q->impu, start, &rep, why);
}

void reg_txn_free(struct reg_txn *t)
{
	if (!t)
		return;
	free(t->contacts);
	free(t);
}

static struct reg_txn *txn_new(struct registrar *r, const struct reg_request *q,
			       const char *impi, uint64_t start)
{
	struct reg_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->reg = r;
	t->handle = q->handle;
	t->start_ms = start;
	str_copy(t->impi, sizeof(t->impi), impi);
	str_copy(t->impu, sizeof(t->impu), q->impu);
	str_copy(t->path, sizeof(t->path), q->path ? q->path : "");
	str_copy(t->source, sizeof(t->source), q->source ? q->source : "");
	return t;
}

/* IMPI when the REGISTER carries none: user@host of the To URI, as
 * TS 24.229 §5.4.1.2.1 and Kamailio derive it. NULL for tel: URIs. */
static const char *derive_impi(const char *impu, char *buf, size_t bufsz)
{
	const char *p;
	size_t l;

	if (!strncasecmp(impu, "sip:", 4))
		p = impu + 4;
	else if (!strncasecmp(impu, "sips:", 5))
		p = impu + 5;
	else
		return NULL;
	l = strcspn(p, ";?>");
	if (!memchr(p, '@', l) || l >= bufsz)
		return NULL;
	memcpy(buf, p, l);
	buf[l] = '\0';
	return buf;
}

static void challenge_new(struct registrar *r, const struct reg_request *q, const char *impi,
			  uint64_t start, enum digest_alg alg, bool stale, const uint8_t *ra,
			  unsigned fault_id)
{
	struct reg_txn *t = txn_new(r, q, impi, start);

	if (!t) {
		simple(r, q, impi, start, 500, "Server Internal Error", "out of memory");
		return;
	}
	t->kind = TXN_MAR;
	t->fault_id = fault_id;
	t->alg = alg;
	t->stale = stale;
	t->resync = ra != NULL;
	if (!ra && reg_challenge_queued(r, t)) {
		reg_txn_free(t);
		return;
	}
	reg_start_mar(r, t, ra);
}

/* RFC 3310 §3.4 resync: auts = base64 of 14 octets (some UEs send hex). */
static int decode_auts(const char *s, uint8_t auts[14])
{
	if (b64_decode(s, strlen(s), auts, 14) == 14)
		return 0;
	return hex_decode_exact(s, auts, 14);
}

static void handle_resync(struct registrar *r, const struct reg_request *q,
			  const struct auth_header *h, const char *impi, struct vec_entry *v,
			  uint64_t start)
{
	uint8_t ra[30];
	struct nonce_parts np;
	const char *nonce = auth_param_get(h, "nonce");
	enum digest_alg alg = v->alg;

	if (decode_auts(auth_param_get(h, "auts"), ra + 16)) {
		simple(r, q, impi, start, 400, "Bad Request", "auts is not 14 octets");
		return;
	}
	if (nonce_decode(nonce, strlen(nonce), &np)) {
		simple(r, q, impi, start, 400, "Bad Request", "nonce not decodable for resync");
		return;
	}
	memcpy(ra, np.rand, 16); /* TS 29.228 §6.3: RAND of the failed challenge */
	vstore_del(r->vs, nonce);
	/* The USIM's SQN ran ahead of these: TS 33.203 §6.1.2, they are stale. */
	if (vqueue_del_impi(r->vq, impi))
		LOGI(LOG_SIP, "impi=%s: queued vectors dropped (resync)",
		     ESC(impi));
	challenge_new(r, q, impi, start, alg, false, ra, 0);
}

long reg_delta_seconds(const char *s)
{
	long v = 0;
	const char *p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return 3600;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v > (REG_DELTA_MAX - (*p - '0')) / 10 ? REG_DELTA_MAX : v * 10 + (*p - '0');
	while (*p == ' ' || *p == '\t')
		p++;
	return *p ? 3600 : v;
}

/* Contact expiry (RFC 3261 §10.3 step 6) resolved and clamped to
 * max_expires (whatever the UE asked, up to 2^32-1); -1 means "too
 * brief" (423). */
static int contact_expires(const struct registrar *r, const struct reg_request *q,
			   const struct reg_contact *c)
{
	long e = c->expires >= 0 ? c->expires : q->expires >= 0 ? q->expires
							      : (long)r->cfg->default_expires;

	if (e > 0 && e < (long)r->cfg->min_expires)
		return -1;
	return e > (long)r->cfg->max_expires ? (int)r->cfg->max_expires : (int)e;
}

/* Contacts the AOR would have after this request: those bound and not
 * named in it, plus those it adds or refreshes (expires > 0). */
static size_t contacts_after(const struct binding_rec *rec, const struct reg_contact *c,
			     size_t n)
{
	size_t k = 0;

	for (size_t j = 0; rec && j < rec->n; j++) {
		bool named = false;
		for (size_t i = 0; i < n && !named; i++)
			named = !strcmp(rec->c[j].uri, c[i].uri);
		k += !named;
	}
	for (size_t i = 0; i < n; i++) {
		bool again = false;
		for (size_t h = 0; h < i && !again; h++)
			again = !strcmp(c[h].uri, c[i].uri);
		k += c[i].expires > 0 && !again;
	}
	return k;
}

/* More contacts than a binding keeps (BIND_MAX_CONTACTS): refused as a
 * whole, never 200 with some of them dropped. RFC 3261 and TS 24.229 set
 * no status for it; 503 "Too Many Registered Contacts" is what Kamailio's
 * registrar answers (max_contacts), without Retry-After: retrying the
 * same request will not help. */
static void too_many_contacts(struct registrar *r, const struct reg_request *q,
			      const char *impi, uint64_t start, size_t n)
{
	struct reg_reply rep = { .status = 503, .phrase = "Too Many Registered Contacts" };
	char why[96];

	snprintf(why, sizeof(why), "%s%zu contacts, at most %d", n ? "would bind " : "more than ",
		 n ? n : (size_t)BIND_MAX_CONTACTS, BIND_MAX_CONTACTS);
	reg_finish_at(r, LOG_LVL_INFO, q->handle, impi, q->impu, start, &rep, why);
}

/* Authenticated: query, register, refresh or de-register. */
static void do_register(struct registrar *r, const struct reg_request *q, const char *impi,
			uint64_t start)
{
	struct binding_rec *rec = bind_find(r->bs, q->impu);
	struct reg_txn *t;
	size_t after;

	if (rec)
		bind_prune(rec, r->ops.now_ms());
	if (!q->n_contacts && !q->star) { /* RFC 3261 §10.3 step 6: a query */
		reg_reply_200(r, q->handle, impi, q->impu, start, rec, "query");
		return;
	}
	t = txn_new(r, q, impi, start);
	if (!t || (q->n_contacts && !(t->contacts = calloc(q->n_contacts, sizeof(*t->contacts))))) {
		reg_txn_free(t);
		simple(r, q, impi, start, 500, "Server Internal Error", "out of memory");
		return;
	}
	for (size_t i = 0; i < q->n_contacts; i++) {
		t->contacts[i] = q->contacts[i];
		t->contacts[i].expires = contact_expires(r, q, &q->contacts[i]);
		if (t->contacts[i].expires < 0) {
			struct reg_reply rep = { .status = 423, .phrase = "Interval Too Brief",
						 .min_expires = r->cfg->min_expires };
			reg_txn_free(t);
			reg_finish(r, q->handle, impi, q->impu, start, &rep, "expires too short");
			return;
		}
	}
	t->n_contacts = q->n_contacts;
	t->kind = TXN_SAR;
	after = contacts_after(rec, t->contacts, t->n_contacts);
	if (!q->star && after > BIND_MAX_CONTACTS) {
		reg_txn_free(t);
		too_many_contacts(r, q, impi, start, after);
		return;
	}
	if (q->star || after == 0) {
		if (!rec || !rec->n) { /* nothing registered: nothing to tell the HSS */
			reg_txn_free(t);
			reg_reply_200(r, q->handle, impi, q->impu, start, NULL, "not registered");
			return;
		}
		t->sat = CX_SAT_USER_DEREGISTRATION;
	}
	else
		t->sat = rec && rec->n ? CX_SAT_RE_REGISTRATION : CX_SAT_REGISTRATION;
	reg_start_sar(r, t);
}

/* The checks of challenge_check failed: 400 for a broken header, 403 for
 * a wrong one (issue 4 §3: wrong response -> 403, no SAR). */
static void check_failed(struct registrar *r, const struct reg_request *q, const char *impi,
			 uint64_t start, int rc, const char *nonce)
{
	char why[96];

	snprintf(why, sizeof(why), "digest: %s", chk_strerror(rc));
	if (rc == CHK_EMISSING || rc == CHK_ENC) {
		simple(r, q, impi, start, 400, "Bad Request", why);
		return;
	}
	if (rc == CHK_ERESPONSE) /* TS 33.203 §6.1.2: a failed vector is not reused */
		vstore_del(r->vs, nonce);
	simple(r, q, impi, start, 403, "Forbidden", why);
}

/* A right answer that a challenge-twice or stale-nonce fault turns into a
 * new 401 (once: the vector it sends is marked and not faulted again). */
static bool fault_rechallenge(struct registrar *r, const struct reg_request *q, const char *impi,
			      uint64_t start, struct vec_entry *v)
{
	const struct sfault_rule *f;
	enum digest_alg alg = v->alg;

	if (v->fault_reissued ||
	    !(f = sfault_pick(&r->faults, SF_AT_CREDENTIALS, false, impi, q->impu)))
		return false;
	vstore_del(r->vs, v->nonce);
	challenge_new(r, q, impi, start, alg, f->action == SF_STALE_NONCE, NULL, f->id);
	return true;
}

/* Credentials for nonce, whose vector is v (a copy: vstore_use stores
 * what the check changed). */
static void check_credentials(struct registrar *r, const struct reg_request *q,
			      const struct auth_header *h, const char *impi, uint64_t start,
			      struct vec_entry *v)
{
	const char *nonce = auth_param_get(h, "nonce");
	const char *resp = auth_param_get(h, "response");
	struct check_input ci;
	bool was_used;
	int rc;

	/* Only the IMPI a vector was issued for may resync or drop it. */
	if (strcmp(v->impi, impi)) {
		simple(r, q, impi, start, 403, "Forbidden", "digest: username mismatch");
		return;
	}
	if (auth_param_get(h, "auts")) {
		handle_resync(r, q, h, impi, v, start);
		return;
	}
	if (!resp || !*resp) { /* TS 33.203 §6.1.2: the UE rejected AUTN */
		vstore_del(r->vs, nonce);
		simple(r, q, impi, start, 403, "Forbidden", "empty response: UE MAC failure");
		return;
	}
	if (strcmp(v->impu, q->impu)) {
		simple(r, q, impi, start, 403, "Forbidden", "IMPU differs from the challenged one");
		return;
	}
	ci = (struct check_input){
		.h = h, .method = "REGISTER", .request_uri = q->request_uri,
		.body = q->body, .body_len = q->body_len, .realm = r->cfg->realm,
		.qop_offered = r->cfg->qop,
		.local_hosts = (const char *const *)r->local_hosts, .n_local_hosts = r->n_local,
	};
	was_used = v->consumed;
	rc = challenge_check(&ci, v);
	if (rc) {
		check_failed(r, q, impi, start, rc, nonce);
		return;
	}
	if (was_used && r->cfg->challenge == SCSCF_CHALLENGE_EVERY) {
		vstore_use(r->vs, nonce, v->last_nc, true); /* this nc is spent */
		challenge_new(r, q, impi, start, v->alg, false, NULL, 0);
		return;
	}
	if (fault_rechallenge(r, q, impi, start, v)) /* the vector is dropped */
		return;
	vstore_use(r->vs, nonce, v->last_nc, true);
	do_register(r, q, impi, start);
}

static void handle_credentials(struct registrar *r, const struct reg_request *q,
			       const struct auth_header *h, const char *impi, uint64_t start)
{
	struct vec_entry v;

	if (!vstore_get(r->vs, auth_param_get(h, "nonce"), r->ops.now_ms(), &v)) {
		/* RFC 2617 §3.2.1: unknown/expired nonce -> stale=true */
		challenge_new(r, q, impi, start, r->cfg->scheme, true, NULL, 0);
		return;
	}
	check_credentials(r, q, h, impi, start, &v);
	explicit_bzero(&v, sizeof(v)); /* XRES/CK/IK/HA1 */
}

/* Input checks that need no HSS: 400/403 with a reason, else 0. */
static int precheck(struct registrar *r, const struct reg_request *q, struct auth_header *h,
		    bool *have_auth, uint64_t start)
{
	int rc;

	*have_auth = false;
	if (!q->impu || !q->call_id) {
		simple(r, q, NULL, start, 400, "Bad Request", "missing To, From or Call-ID");
		return -1;
	}
	if (q->too_many) {
		too_many_contacts(r, q, NULL, start, 0);
		return -1;
	}
	if (q->oversized || strlen(q->impu) >= sizeof(((struct reg_txn *)0)->impu) ||
	    (q->path && strlen(q->path) >= sizeof(((struct reg_txn *)0)->path))) {
		simple(r, q, NULL, start, 400, "Bad Request", "header too long");
		return -1;
	}
	if (q->auth_malformed) {
		simple(r, q, NULL, start, 400, "Bad Request", "malformed Authorization");
		return -1;
	}
	if (q->star && (q->n_contacts || q->expires != 0)) {
		simple(r, q, NULL, start, 400, "Bad Request", "Contact: * needs Expires: 0");
		return -1;
	}
	if (!q->auth)
		return 0;
	rc = auth_header_parse(q->auth, q->auth_len, h);
	if (rc || strcasecmp(h->scheme, "Digest")) {
		char why[96];
		snprintf(why, sizeof(why), "Authorization: %s",
			 rc ? auth_strerror(rc) : "scheme is not Digest");
		simple(r, q, NULL, start, 400, "Bad Request", why);
		return -1;
	}
	*have_auth = true;
	return 0;
}

/* status:CODE and drop faults: answered (or dropped) here, nothing else
 * happens. */
static bool fault_request(struct registrar *r, const struct reg_request *q, const char *impi,
			  bool initial, uint64_t start)
{
	const struct sfault_rule *f = sfault_pick(&r->faults, SF_AT_REQUEST, initial, impi, q->impu);
	struct reg_reply rep = { 0 };
	char why[80];

	if (!f)
		return false;
	snprintf(why, sizeof(why), "fault #%u %s", f->id, f->name);
	if (f->action == SF_STATUS) {
		rep.status = f->status;
		rep.phrase = sfault_phrase(f->status);
		rep.retry_after = f->retry_after;
		if (f->status == 423) /* RFC 3261 §10.3 step 7 */
			rep.min_expires = f->min_expires ? f->min_expires : r->cfg->min_expires;
	}
	reg_finish(r, q->handle, impi, q->impu, start, &rep, why);
	return true;
}

void registrar_handle(struct registrar *r, const struct reg_request *q)
{
	uint64_t start = r->ops.now_ms();
	struct auth_header *h = &r->auth;
	const char *impi = NULL, *realm, *nonce;
	char ibuf[256];
	bool have_auth;

	if (precheck(r, q, h, &have_auth, start))
		return;
	if (have_auth) {
		impi = auth_param_get(h, "username");
		realm = auth_param_get(h, "realm");
		if (realm && *realm && strcasecmp(realm, r->cfg->realm)) {
			simple(r, q, impi, start, 403, "Forbidden", "realm mismatch");
			return;
		}
	}
	if (impi && strlen(impi) >= sizeof(ibuf)) {
		simple(r, q, NULL, start, 400, "Bad Request", "username too long");
		return;
	}
	if (!impi || !*impi)
		impi = derive_impi(q->impu, ibuf, sizeof(ibuf));
	/* The IMPI and IMPU go to the HSS as UTF8String AVPs (TS 29.229
	 * §6.3, RFC 6733 §4.3.1), which it must refuse when they are not
	 * UTF-8 (5004), and SIP text is UTF-8 (RFC 3261 §7.3.1, §25.1): the
	 * request is malformed, a 400 (§21.4.1), not a 500 for our HSS. */
	if ((impi && !utf8_valid((const uint8_t *)impi, strlen(impi))) ||
	    !utf8_valid((const uint8_t *)q->impu, strlen(q->impu))) {
		simple(r, q, impi, start, 400, "Bad Request", "identity is not UTF-8");
		return;
	}
	if (!impi) {
		simple(r, q, NULL, start, 403, "Forbidden", "no private identity");
		return;
	}
	nonce = have_auth ? auth_param_get(h, "nonce") : NULL;
	if (fault_request(r, q, impi, !nonce || !*nonce, start))
		return;
	if (!nonce || !*nonce) /* initial REGISTER (TS 24.229 §5.4.1.2.1) */
		challenge_new(r, q, impi, start, r->cfg->scheme, false, NULL, 0);
	else
		handle_credentials(r, q, h, impi, start);
}
