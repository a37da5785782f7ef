/* Sofia-SIP nta glue (see sip_io.h). Everything Sofia-specific lives
 * here; the registrar sees plain strings. */
#define NTA_LEG_MAGIC_T void
#define NTA_AGENT_MAGIC_T void
#define NTA_INCOMING_MAGIC_T void

#include "sip_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/nta.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/tport_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_log.h>
#include <sofia-sip/url.h>

#include "digest/auth_header.h"
#include "scscf_metrics.h"
#include "clock.h"
#include "sockbuf.h"
#include "util/esc.h"
#include "util/str.h"
#include "util/log.h"

/* nta's NTATAG_MAXSIZE bounds what tport reads in one go, not one message:
 * on TCP it reads every byte pending on the socket (FIONREAD) into one
 * buffer, so with many REGISTERs pipelined on one connection a 64 KiB
 * limit answered 413 to requests of 600 octets. It must cover what all
 * requests in flight on a connection add up to: 8 MiB is ~10,000
 * REGISTERs. UDP datagrams stay below 64 KiB anyway. */
#define SIP_MAX_MSG (8u << 20)
/* Responses waiting on one TCP connection (tport default 64): one
 * connection carries every UE of a load generator or a P-CSCF. */
#define SIP_TCP_QUEUE 4096
/* Octets preloaded into every message's home (NTATAG_PRELOAD): one
 * malloc per message instead of one per header, parameter and string,
 * and one free at its teardown. nta preloads a received message with its
 * size plus this (the parsed REGISTER and the copies nta makes into its
 * server transaction: ≈ 2.7 KiB beside the datagram), and each response
 * it creates for us (nta_msg_create) with this (a 401 ≈ 2.3 KiB, a 200
 * with its Contacts, Service-Route and P-Associated-URI ≈ 2.5–3 KiB, its
 * encoded text included). What does not fit is malloc'd as before. Every
 * answered UDP transaction keeps both for Timer J, so the unused part is
 * memory held rate × Timer J times: 4 KiB left ≈ 1.3 KiB a message
 * unused; 3 KiB costs no measurable instructions and ≈ 10 % less memory
 * per registration, 2 KiB ≈ +1.3 % instructions (issue 14,
 * bench/README.md). */
#define SIP_MSG_PRELOAD 3072

/* Timer J (RFC 3261 §17.2.2): an answered non-INVITE server transaction
 * over UDP stays to absorb retransmissions of the request for 64*T1 =
 * 32 s, the client's whole Timer F. nta keeps the request and the answer
 * for it, ≈ 13 KiB, so a flood of REGISTERs that never answer their 401
 * holds rate × 32 s of them: 500/s was 218 MB and growing (issue 16).
 * cfg->timer_j_ms (default 5 s) sets nta's 64*T1, which is Timer J here:
 * the stub sends no requests (no Timer B/F) and answers INVITE 405 (Timer
 * H, also 64*T1, as short). The deviation: a retransmission arriving after
 * it, i.e. after the answer was lost again and again for 5 s (≥ 2
 * retransmissions at T2 = 4 s apart), is handled as a new REGISTER: a
 * fresh challenge, or for a lost 200 a 401 stale=true (its nonce is
 * spent), which the UE answers. Kamailio's tm keeps a completed
 * transaction 5 s too (wt_timer) and challenges statelessly; RFC 3261
 * §8.2.7 and §26.1.5 name floods of unauthenticated requests as the reason
 * not to keep state for them. docs/scscf-stub.md, "Overload". */

struct sip_io {
	su_home_t home[1];
	nta_agent_t *agent;
	nta_leg_t *leg;
	struct registrar *reg;
	const struct scscf_config *cfg;
	struct scscf_metrics *met;
	nta_incoming_t *current;  /* the REGISTER inside registrar_handle() */
	bool current_answered;    /* ... and it was answered (or dropped) at once */
	bool late_100;            /* hss-timeout outlasts Timer E reaching T2 */
	struct held *held;        /* ring of SIP_HELD_MAX */
	size_t held_head, nheld;
	/* The contacts of the REGISTER being handled: one array for the loop,
	 * not a 16 KiB calloc per REGISTER (issue 14: memset and malloc were
	 * a fifth of the stub's CPU). Only the n used entries are written. */
	struct reg_contact contacts[BIND_MAX_CONTACTS];
	struct auth_header auth_pick; /* a REGISTER with several Authorization */
	char impu[1024], ruri[1024];  /* its To AOR and Request-URI (url_text) */
	msg_mclass_t *mclass;         /* sip_io_mclass() */
};

/* Dropped REGISTERs (fault "drop") and until when they are held. */
#define SIP_HELD_MAX 4096
#define SIP_HOLD_MS 40000
struct held {
	nta_incoming_t *irq;
	uint64_t until_ms;
};

/* reg_ops.reply gets the Cx client as its arg (one arg serves both ops):
 * the one sip_io of the process is reached through this pointer. */
static struct sip_io *the_io;

static void sofia_to_log(void *stream, char const *fmt, va_list ap)
{
	char line[1024];

	(void)stream;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (*line)
		LOGI(LOG_SIP, "sofia: %s", ESC(line));
}

static void sofia_drop(void *stream, char const *fmt, va_list ap)
{
	(void)stream, (void)fmt, (void)ap;
}

/* Exported by libsofia-sip-ua but not declared in its headers. */
extern su_log_t nta_log[];

/* With Sofia's log off, keep one line for each request nta refuses itself
 * (missing To/From/Call-ID/CSeq, unparsable headers: it answers 400 before
 * our callback runs): "nta: REGISTER (1) is Bad Request", nta's format
 * "nta: %s (%u) is %s". The format is looked at before anything is
 * formatted: nta logs several level-5 lines per message, and formatting
 * them all was 7 % of the stub's instructions (issue 14). */
#define NTA_REFUSAL_FMT "nta: %s (%u) is "
static void nta_refusals_only(void *stream, char const *fmt, va_list ap)
{
	char line[512];

	(void)stream;
	if (strncmp(fmt, NTA_REFUSAL_FMT, sizeof(NTA_REFUSAL_FMT) - 1))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "nta: ", 5) && strstr(line, ") is "))
		LOGI(LOG_SIP, "refused by the SIP parser: %s", ESC(line + 5));
}

void sip_io_sofia_logging(bool on)
{
	su_log_redirect(NULL, on ? sofia_to_log : sofia_drop, NULL);
	if (!on) {
		su_log_set_level(nta_log, 5); /* the refusal lines are level 5 */
		su_log_redirect(nta_log, nta_refusals_only, NULL);
	}
}

/* A URL as text: into buf[size] when it fits (url_e, no allocation: each
 * url_as_string was a su_alloc in a home torn down per REGISTER, issue
 * 14), else allocated in home as before. NULL only without memory. */
static char *url_text(su_home_t *home, char *buf, size_t size, const url_t *u)
{
	isize_t n = url_e(buf, (isize_t)size, u);

	return n >= 0 && (size_t)n < size ? buf : url_as_string(home, u);
}

/* AOR of a To URI: sip:user@host[:port] without parameters (the IMPU as
 * the HSS knows it). tel: URIs are kept whole. */
static char *aor_of(su_home_t *home, char *buf, size_t size, const url_t *u)
{
	char *s = url_text(home, buf, size, u);

	if (s && (u->url_type == url_sip || u->url_type == url_sips))
		s[strcspn(s, ";?")] = '\0';
	return s;
}

/* Authorization is not parsed by Sofia (sip_io_mclass): its fields are
 * in sip->sip_unknown as written, and the registrar parses the one it
 * uses (digest/auth_header.c) — once, not Sofia's parse, glued back into
 * text and parsed again (issue 14: ≈ 10 k instructions a REGISTER). */
static bool is_authorization(const msg_unknown_t *u)
{
	return u->un_name && !strcasecmp(u->un_name, "Authorization") && u->un_value;
}

/* The Authorization value to use: the one with our realm, else the
 * first (RFC 3261 §22.4: one per realm). With several, each is parsed
 * here to find the realm, and *malformed set when one does not parse
 * (as Sofia's parser rejected a broken one, whichever it was). */
static const char *auth_value(struct sip_io *io, const sip_t *sip, size_t *len, bool *malformed)
{
	const msg_unknown_t *first = NULL, *pick = NULL;
	int n = 0;

	*malformed = false;
	for (const msg_unknown_t *u = sip->sip_unknown; u; u = u->un_next)
		if (is_authorization(u) && !n++)
			first = u;
	for (const msg_unknown_t *u = sip->sip_unknown; n > 1 && u; u = u->un_next) {
		const char *r;

		if (!is_authorization(u))
			continue;
		if (auth_header_parse(u->un_value, strlen(u->un_value), &io->auth_pick)) {
			*malformed = true;
			return NULL;
		}
		r = auth_param_get(&io->auth_pick, "realm");
		if (!pick && r && !strcasecmp(r, io->cfg->realm))
			pick = u;
	}
	if (!pick)
		pick = first;
	if (!pick)
		return NULL;
	*len = strlen(pick->un_value);
	return pick->un_value;
}

/* ";a=b;c" from a parameter list, skipping expires; -1 if cut short. */
static int join_params(const msg_param_t *params, char *out, size_t outsz)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; params && params[i]; i++) {
		if (!strncasecmp(params[i], "expires=", 8))
			continue;
		if (str_append(out, outsz, &used, ";") || str_append(out, outsz, &used, params[i]))
			return -1;
	}
	return 0;
}

/* Contacts into out[max]; *too_long when one does not fit (the registrar
 * answers 400 rather than store a cut URI), *too_many when there are more
 * than max. */
static size_t get_contacts(const sip_t *sip, struct reg_contact *out,
			   size_t max, bool *star, bool *too_long, bool *too_many)
{
	size_t n = 0;

	*star = false;
	for (const sip_contact_t *m = sip->sip_contact; m; m = m->m_next) {
		if (m->m_url->url_type == url_any) {
			*star = true;
			continue;
		}
		if (n == max) {
			*too_many = true;
			break;
		}
		isize_t ul = url_e(out[n].uri, (isize_t)sizeof(out[n].uri), m->m_url);

		if (ul < 0 || (size_t)ul >= sizeof(out[n].uri) ||
		    join_params(m->m_params, out[n].params, sizeof(out[n].params)))
			*too_long = true;
		if (ul < 0)
			out[n].uri[0] = '\0';
		out[n].expires = m->m_expires ? reg_delta_seconds(m->m_expires) : -1;
		n++;
	}
	return n;
}

static char *get_path(su_home_t *home, const sip_t *sip)
{
	char *s = NULL, params[BIND_URI_MAX];

	for (const sip_path_t *p = sip->sip_path; p; p = p->r_next) {
		char *u = url_as_string(home, p->r_url);
		join_params(p->r_params, params, sizeof(params));
		s = s ? su_sprintf(home, "%s, <%s>%s", s, u, params)
		      : su_sprintf(home, "<%s>%s", u, params);
	}
	return s;
}

/* Who sent the REGISTER, for the pending reservation (pending_src.h): the
 * address it came from (nta has put it in the top Via's received= when
 * the sent-by differs), or with pending_source = via the UE's own Via,
 * the bottom one, which a P-CSCF marks with received= in turn. The host
 * only: a flood changes its port for free. */
static const char *source_of(const struct sip_io *io, const sip_t *sip)
{
	const sip_via_t *v = sip->sip_via;

	if (v && io->cfg->pending_source == SCSCF_PSRC_VIA)
		while (v->v_next)
			v = v->v_next;
	return !v ? NULL : v->v_received ? v->v_received : v->v_host;
}

static void handle_register(struct sip_io *io, nta_incoming_t *irq, const sip_t *sip)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct reg_contact *contacts = io->contacts;
	struct reg_request q = { .handle = irq, .expires = -1 };

	q.impu = sip->sip_to ? aor_of(home, io->impu, sizeof(io->impu), sip->sip_to->a_url) : NULL;
	q.call_id = sip->sip_call_id ? sip->sip_call_id->i_id : NULL;
	q.request_uri = url_text(home, io->ruri, sizeof(io->ruri), sip->sip_request->rq_url);
	q.auth = auth_value(io, sip, &q.auth_len, &q.auth_malformed);
	q.n_contacts = get_contacts(sip, contacts, BIND_MAX_CONTACTS, &q.star, &q.oversized,
				    &q.too_many);
	q.contacts = contacts;
	if (sip->sip_expires) { /* Sofia's value (saturated, never wrapped) as text */
		char ex[24];
		unsigned long d = sip->sip_expires->ex_delta;

		/* reg_delta_seconds saturates at 2^32-1 too: same reading */
		str_u32(ex, d > UINT32_MAX ? UINT32_MAX : (uint32_t)d);
		q.expires = reg_delta_seconds(ex);
	}
	q.path = get_path(home, sip);
	q.source = source_of(io, sip);
	if (sip->sip_payload) {
		q.body = (const uint8_t *)sip->sip_payload->pl_data;
		q.body_len = sip->sip_payload->pl_len;
	}
	if (!sip->sip_from && q.call_id)
		q.call_id = NULL; /* reported as missing headers: 400 */
	io->current = irq;
	io->current_answered = false;
	registrar_handle(io->reg, &q);
	io->current = NULL;
	/* Waiting for the HSS: no 100 Trying. The server transaction absorbs
	 * the UE's retransmissions in Trying without one (RFC 3261 §17.2.2),
	 * and RFC 4320 §4.1 says an element SHOULD NOT send a 100 to a
	 * non-INVITE over UDP before the client's Timer E has reached T2;
	 * over TCP one MAY be sent but changes nothing for a non-INVITE
	 * (Timer F runs on). When the HSS wait can outlast that point
	 * (late_100), nta answers a retransmission arriving after it with
	 * a 100 (UDP), or sends one at T2/2 (TCP). A "drop" fault decided
	 * here leaves the UE with nothing at all. */
	if (!io->current_answered && io->late_100)
		nta_incoming_set_params(irq, NTATAG_EXTRA_100(1), TAG_END());
	su_home_deinit(home);
}

static int on_request(nta_leg_magic_t *magic, nta_leg_t *leg, nta_incoming_t *irq,
		      const sip_t *sip)
{
	struct sip_io *io = magic;

	(void)leg;
	if (!sip || !sip->sip_request)
		return 400;
	switch (sip->sip_request->rq_method) {
	case sip_method_register:
		handle_register(io, irq, sip);
		return 0;
	case sip_method_ack:
		nta_incoming_destroy(irq);
		return 0;
	case sip_method_options:
		nta_incoming_treply(irq, SIP_200_OK, SIPTAG_ALLOW_STR("REGISTER, OPTIONS"),
				    TAG_END());
		break;
	default:
		LOGI(LOG_SIP, "%s refused: 405 (only REGISTER)",
		     ESC(sip->sip_request->rq_method_name));
		nta_incoming_treply(irq, SIP_405_METHOD_NOT_ALLOWED,
				    SIPTAG_ALLOW_STR("REGISTER, OPTIONS"), TAG_END());
		break;
	}
	nta_incoming_destroy(irq);
	return 0;
}

/* REGISTER arrival (tport receive time) -> now, for the histogram. */
static void observe_duration(struct sip_io *io, nta_incoming_t *irq)
{
	su_nanotime_t rx = 0, now = su_nanotime(NULL);

	if (!io || !io->met)
		return;
	nta_incoming_received(irq, &rx);
	scscf_metrics_register_time(io->met, now > rx ? (uint64_t)(now - rx) / 1000u : 0);
}

/* Fault "drop": no response, ever. The server transaction is kept
 * unanswered (nta then absorbs the UE's retransmissions and sends
 * nothing) until the UE's own transaction is over (Timer F = 64*T1 =
 * 32 s, RFC 3261 §17.1.2.2), and only then destroyed. (Answering 408
 * instead would not do: nta suppresses a 408 to a non-INVITE, RFC 4320,
 * but sends it on the first retransmission.) */
static void drop(struct sip_io *io, nta_incoming_t *irq)
{
	struct held *h;

	nta_incoming_set_params(irq, NTATAG_EXTRA_100(0), TAG_END()); /* nothing, ever */
	if (!io || io->nheld == SIP_HELD_MAX) { /* memory bound: the oldest goes now */
		LOGW(LOG_SIP, "drop fault: %d dropped REGISTERs held, releasing the oldest early",
		     SIP_HELD_MAX);
		if (!io) {
			nta_incoming_destroy(irq);
			return;
		}
		nta_incoming_destroy(io->held[io->held_head].irq);
		io->held_head = (io->held_head + 1) % SIP_HELD_MAX;
		io->nheld--;
	}
	h = &io->held[(io->held_head + io->nheld++) % SIP_HELD_MAX];
	h->irq = irq;
	h->until_ms = mono_ms() + SIP_HOLD_MS;
}

void sip_io_tick(struct sip_io *io)
{
	uint64_t now = mono_ms();

	while (io->nheld && io->held[io->held_head].until_ms <= now) {
		nta_incoming_destroy(io->held[io->held_head].irq);
		io->held_head = (io->held_head + 1) % SIP_HELD_MAX;
		io->nheld--;
	}
}

/* A header object of class hc whose encoded text is line[len] (CRLF
 * included), as Sofia would encode it: msg_headers_prepare() sends a
 * header that has its data as it is, so Sofia neither parses it into an
 * object nor encodes it back (issue 14: ≈ 2–3 k instructions a header;
 * its snprintf alone ≈ 1 k). xtra octets after the copy of the text are
 * for the caller's fields (*xp). Not inserted; NULL without memory. */
static msg_header_t *encoded_header(msg_t *msg, msg_hclass_t *hc, const char *line, size_t len,
				    size_t xtra, char **xp)
{
	msg_header_t *h = msg_header_alloc(msg_home(msg), hc, (isize_t)(len + 1 + xtra));
	char *b;

	if (!h)
		return NULL;
	b = (char *)h + hc->hc_size;
	memcpy(b, line, len);
	b[len] = '\0';
	h->sh_data = b;
	h->sh_len = len;
	if (xp)
		*xp = b + len + 1;
	return h;
}

/* "Name: value" CRLF inserted encoded (encoded_header). For values that
 * Sofia would send back as they are: the challenge and the Service-Route
 * of our own name (built in that form), and the value of a header Sofia
 * does not know (hc = sip_unknown_class, name given: Sofia keeps its
 * value whole, trimmed). Anything with a CR or LF, or for an unknown
 * header leading or trailing whitespace, goes the parsing way: -1,
 * nothing inserted. */
static int add_encoded(msg_t *msg, msg_hclass_t *hc, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	bool unknown = hc == sip_unknown_class;
	char line[4096], *nv;
	msg_header_t *h;

	if (nl + vl + 5 > sizeof(line) || strpbrk(value, "\r\n") ||
	    (unknown && (!vl || strchr(" \t", value[0]) || strchr(" \t", value[vl - 1]))))
		return -1;
	memcpy(line, name, nl);
	memcpy(line + nl, ": ", 2);
	memcpy(line + nl + 2, value, vl);
	memcpy(line + nl + 2 + vl, "\r\n", 2);
	h = encoded_header(msg, hc, line, nl + vl + 4, unknown ? nl + vl + 2 : 0, &nv);
	if (!h)
		return -1;
	if (unknown) { /* name and value as the parser would have set them */
		memcpy(nv, name, nl);
		nv[nl] = '\0';
		memcpy(nv + nl + 1, value, vl + 1);
		h->sh_unknown->un_name = nv;
		h->sh_unknown->un_value = nv + nl + 1;
	}
	return msg_header_insert(msg, NULL, h);
}

/* Is this one contact of a 200's Contact value (bind_format_contacts:
 * "<uri>params;expires=N", ", " between contacts) one that Sofia would
 * parse and encode back octet for octet? Its URI and parameters are
 * Sofia's own encoding of the REGISTER's (url_e, the parameters as
 * parsed), and the message's encoding is canonic (brackets kept). Only
 * characters with no quoting, escaping or list meaning: no comma, quote,
 * backslash or whitespace, one <...> at the start, parameters after it. */
static bool contact_as_is(const char *v, size_t len)
{
	const char *gt = memchr(v, '>', len);

	if (!len || v[0] != '<' || !gt || gt == v + 1 || gt + 1 == v + len || gt[1] != ';')
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c == '<' || c == '>') ? v + i != gt
		    : (c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == '\\'))
			return false;
	}
	return true;
}

/* The 200's contacts inserted encoded, one Contact line each, as Sofia
 * encodes a parsed list (issue 14: parsing them back cost ≈ 4.4 k
 * instructions a 200, with the usual two contacts of the load benchmark).
 * All or nothing: -1 when one of them is not contact_as_is (Sofia then
 * parses the value as before) or on no memory. */
static int add_contacts(msg_t *msg, const char *v)
{
	char one[2048];
	const char *p, *e;

	for (p = v;; p = e + 2) { /* all checked before any is inserted */
		e = strstr(p, ", ");
		if (!contact_as_is(p, e ? (size_t)(e - p) : strlen(p)))
			return -1;
		if (!e)
			break;
	}
	for (p = v;; p = e + 2) {
		size_t n;

		e = strstr(p, ", ");
		n = e ? (size_t)(e - p) : strlen(p);
		if (n >= sizeof(one))
			goto undo;
		memcpy(one, p, n);
		one[n] = '\0';
		if (add_encoded(msg, sip_contact_class, "Contact", one))
			goto undo;
		if (!e)
			return 0;
	}
undo:
	if (sip_object(msg)->sip_contact)
		msg_header_remove_all(msg, NULL, (msg_header_t *)sip_object(msg)->sip_contact);
	return -1;
}

/* The status line as sip_status_e() writes it: "SIP/2.0 %03u %s" CRLF,
 * with the fields nta reads (st_status) set. A phrase with CR or LF (none
 * of ours) goes the usual way: -1. */
static int add_status_line(msg_t *msg, int status, const char *phrase)
{
	char line[256], *ph;
	size_t pl = strlen(phrase), n = 8;
	msg_header_t *h;

	if (status < 100 || status > 699 || pl > sizeof(line) - 14 || strpbrk(phrase, "\r\n"))
		return -1;
	memcpy(line, "SIP/2.0 ", 8);
	n += str_u32(line + n, (uint32_t)status);
	line[n++] = ' ';
	memcpy(line + n, phrase, pl);
	memcpy(line + n + pl, "\r\n", 2);
	h = encoded_header(msg, sip_status_class, line, n + pl + 2, pl + 1, &ph);
	if (!h)
		return -1;
	memcpy(ph, phrase, pl + 1);
	sip_status_t *st = (sip_status_t *)h;
	st->st_version = sip_version_2_0;
	st->st_status = status;
	st->st_phrase = ph;
	return msg_header_insert(msg, NULL, h);
}

/* The request's CSeq as sip_cseq_e() writes it ("%u %s"): nta then
 * neither copies the transaction's CSeq into the response nor encodes
 * it. */
static int add_cseq(msg_t *msg, const sip_cseq_t *cs)
{
	char line[64 + 32], *mn;
	size_t ml = cs && cs->cs_method_name ? strlen(cs->cs_method_name) : 0, n = 6;
	msg_header_t *h;

	if (!ml || ml > 63)
		return -1;
	memcpy(line, "CSeq: ", 6);
	n += str_u32(line + n, cs->cs_seq);
	line[n++] = ' ';
	memcpy(line + n, cs->cs_method_name, ml);
	memcpy(line + n + ml, "\r\n", 2);
	h = encoded_header(msg, sip_cseq_class, line, n + ml + 2, ml + 1, &mn);
	if (!h)
		return -1;
	memcpy(mn, cs->cs_method_name, ml + 1);
	sip_cseq_t *c = (sip_cseq_t *)h;
	c->cs_seq = cs->cs_seq;
	c->cs_method = cs->cs_method;
	c->cs_method_name = mn;
	return msg_header_insert(msg, NULL, h);
}

/* "Content-Length: 0": our responses carry no body, and
 * sip_complete_message() keeps a Content-Length whose value is right. */
static int add_content_length_0(msg_t *msg)
{
	static const char line[] = "Content-Length: 0\r\n";
	msg_header_t *h = encoded_header(msg, sip_content_length_class, line, sizeof(line) - 1, 0,
					 NULL);

	return h ? msg_header_insert(msg, NULL, h) : -1;
}

/* The request's To with the transaction's tag, as nta would add it
 * (sip_to_tag) but without its su_sprintf("tag=%s"): ≈ 1 k instructions
 * a response (issue 14). The tag is nta's own (nta_incoming_tag), so
 * retransmissions and the response agree. Left to nta when the request's
 * To has a tag already, or on no memory. */
static void add_tagged_to(msg_t *msg, nta_incoming_t *irq, const sip_to_t *rto)
{
	su_home_t *home = msg_home(msg);
	const char *tag;
	sip_to_t *to;
	size_t tl;
	char *p;

	if (!rto || rto->a_tag || !(tag = nta_incoming_tag(irq, NULL)))
		return;
	tl = strlen(tag);
	to = sip_to_copy(home, rto);
	p = su_alloc(home, tl + 5);
	if (!to || !p)
		return;
	memcpy(p, "tag=", 4);
	memcpy(p + 4, tag, tl + 1);
	if (msg_header_replace_param(home, to->a_common, p) < 0 || !to->a_tag)
		return;
	(void)msg_header_insert(msg, NULL, (msg_header_t *)to);
}

/* The status line, CSeq and Content-Length of a response to irq,
 * encoded here (issue 14: Sofia's three snprintf calls and the CSeq
 * copy, ≈ 3 k instructions a response), and its tagged To. What fails
 * here is left to nta. */
static void add_fixed_lines(msg_t *msg, nta_incoming_t *irq, const struct reg_reply *r)
{
	msg_t *req = nta_incoming_getrequest(irq);
	const sip_t *rs = req ? sip_object(req) : NULL;

	if (r->phrase)
		(void)add_status_line(msg, r->status, r->phrase);
	if (rs && rs->sip_cseq)
		(void)add_cseq(msg, rs->sip_cseq);
	if (rs && r->status > 100)
		add_tagged_to(msg, irq, rs->sip_to);
	(void)add_content_length_0(msg);
	if (req)
		msg_destroy(req);
}

void sip_io_reply(void *arg, void *handle, const struct reg_reply *r)
{
	nta_incoming_t *irq = handle;
	char pau[2200], ra[16], me[16];
	bool www_done = false, sr_done = false, pau_done = false, m_done = false;

	(void)arg;
	if (the_io && the_io->current == irq)
		the_io->current_answered = true;
	if (r->status == 0) {
		drop(the_io, irq);
		return;
	}
	observe_duration(the_io, irq);
	if (r->p_associated_uri) {
		size_t n = str_copy(pau, sizeof(pau), "P-Associated-URI: ");
		str_copy(pau + n, sizeof(pau) - n, r->p_associated_uri);
	}
	str_u32(ra, r->retry_after);
	str_u32(me, r->min_expires);
	/* nta_incoming_treply() without its per-header mallocs: the
	 * response's home comes with one preloaded block (SIP_MSG_PRELOAD)
	 * that its headers are carved from, then nta completes and sends it. */
	msg_t *msg = the_io ? nta_msg_create(the_io->agent, 0) : NULL;
	if (msg) {
		add_fixed_lines(msg, irq, r);
		www_done = r->www_authenticate &&
			   !add_encoded(msg, sip_www_authenticate_class, "WWW-Authenticate",
					r->www_authenticate);
		m_done = r->contact && !add_contacts(msg, r->contact);
		sr_done = r->service_route && !add_encoded(msg, sip_service_route_class,
							   "Service-Route", r->service_route);
		pau_done = r->p_associated_uri && !add_encoded(msg, sip_unknown_class,
							       "P-Associated-URI",
							       r->p_associated_uri);
	}

	if (!msg ||
	    nta_incoming_complete_response(
		    irq, msg, r->status, r->phrase,
		    TAG_IF(r->www_authenticate && !www_done,
			   SIPTAG_WWW_AUTHENTICATE_STR(r->www_authenticate)),
		    TAG_IF(r->contact && !m_done, SIPTAG_CONTACT_STR(r->contact)),
		    TAG_IF(r->path, SIPTAG_PATH_STR(r->path)),
		    TAG_IF(r->service_route && !sr_done,
			   SIPTAG_SERVICE_ROUTE_STR(r->service_route)),
		    TAG_IF(r->p_associated_uri && !pau_done, SIPTAG_HEADER_STR(pau)),
		    TAG_IF(r->retry_after, SIPTAG_RETRY_AFTER_STR(ra)),
		    TAG_IF(r->min_expires, SIPTAG_MIN_EXPIRES_STR(me)), TAG_END()) < 0) {
		if (msg)
			msg_destroy(msg);
		nta_incoming_treply(irq, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
	} else {
		nta_incoming_mreply(irq, msg);
	}
	nta_incoming_destroy(irq);
}

/* RFC 4320 §4.1: a 100 to a non-INVITE over UDP only once the client's
 * Timer E has reached T2 (T1 + 2·T1 + 4·T1 = 3.5 s with the defaults).
 * With an hss-timeout shorter than that (3 s by default) the final
 * response (at worst the 504) always comes first, so nta's extra-100
 * machinery (a timer per TCP request) is left off. */
static void set_late_100(struct sip_io *io)
{
	unsigned t1 = 500, t2 = 4000, at = 0;

	nta_agent_get_params(io->agent, NTATAG_SIP_T1_REF(t1), NTATAG_SIP_T2_REF(t2), TAG_END());
	for (unsigned iv = t1 ? t1 : 1; iv < t2; iv *= 2)
		at += iv;
	io->late_100 = io->cfg->hss_timeout_ms > at;
	if (io->late_100)
		nta_agent_set_params(io->agent, NTATAG_EXTRA_100(1), TAG_END());
}

/* Sofia's SIP parser without Authorization: Sofia splits it into
 * parameters that the registrar would glue back and parse again with the
 * digest code, so it is left as an unknown header (name and value as
 * received). Every other header is parsed as before. free() it. */
static msg_mclass_t *sip_io_mclass(void)
{
	msg_mclass_t const *def = sip_default_mclass();
	msg_mclass_t *mc = msg_mclass_clone(def, 0, msg_mclass_empty);

	for (int i = 0; mc && i < def->mc_hash_size; i++)
		if (def->mc_hash[i].hr_class && def->mc_hash[i].hr_class != sip_authorization_class &&
		    msg_mclass_insert(mc, &def->mc_hash[i]) < 0) {
			free(mc);
			return NULL;
		}
	return mc;
}

struct sip_io *sip_io_new(su_root_t *root, const struct scscf_config *cfg)
{
	struct sip_io *io = calloc(1, sizeof(*io));

	if (!io)
		return NULL;
	su_home_init(io->home);
	io->cfg = cfg;
	io->held = calloc(SIP_HELD_MAX, sizeof(*io->held));
	if (!io->held)
		goto fail;
	io->mclass = sip_io_mclass();
	if (!io->mclass)
		goto fail;
	io->agent = nta_agent_create(root, URL_STRING_MAKE(cfg->sip[0]), NULL, NULL,
				     NTATAG_MCLASS(io->mclass),
				     NTATAG_UA(0), NTATAG_MAXSIZE(SIP_MAX_MSG),
				     NTATAG_PRELOAD(SIP_MSG_PRELOAD),
				     NTATAG_SIP_T1X64(cfg->timer_j_ms), /* Timer J: above */
				     TPTAG_QUEUESIZE(SIP_TCP_QUEUE),
				     TAG_IF(cfg->sip_rcvbuf, TPTAG_UDP_RMEM(cfg->sip_rcvbuf)),
				     TAG_IF(cfg->sip_sndbuf, TPTAG_UDP_WMEM(cfg->sip_sndbuf)), TAG_END());
	if (!io->agent) {
		LOGE(LOG_SIP, "cannot listen on %s", cfg->sip[0]);
		goto fail;
	}
	for (unsigned i = 1; i < cfg->n_sip; i++)
		if (nta_agent_add_tport(io->agent, URL_STRING_MAKE(cfg->sip[i]),
					TAG_IF(cfg->sip_rcvbuf, TPTAG_UDP_RMEM(cfg->sip_rcvbuf)),
					TAG_IF(cfg->sip_sndbuf, TPTAG_UDP_WMEM(cfg->sip_sndbuf)),
					TAG_END())) {
			LOGE(LOG_SIP, "cannot listen on %s", cfg->sip[i]);
			goto fail;
		}
	set_late_100(io);
	/* Sofia does not say what the kernel granted: look and log. */
	sockbuf_apply_udp(cfg->sip_rcvbuf, cfg->sip_sndbuf);
	io->leg = nta_leg_tcreate(io->agent, on_request, io, NTATAG_NO_DIALOG(1), TAG_END());
	if (!io->leg)
		goto fail;
	the_io = io;
	return io;
fail:
	sip_io_free(io);
	return NULL;
}

void sip_io_set_registrar(struct sip_io *io, struct registrar *reg)
{
	io->reg = reg;
}

void sip_io_set_metrics(struct sip_io *io, struct scscf_metrics *sm)
{
	io->met = sm;
}

unsigned sip_io_port(const struct sip_io *io)
{
	const sip_contact_t *m = nta_agent_contact(io->agent);

	/* url_port(): the scheme's default (5060) when the URI has none, as
	 * Sofia leaves it out of the contact for the default port. */
	return m ? (unsigned)strtoul(url_port(m->m_url), NULL, 10) : 0;
}

void sip_io_free(struct sip_io *io)
{
	if (!io)
		return;
	if (the_io == io)
		the_io = NULL;
	for (; io->nheld; io->nheld--, io->held_head = (io->held_head + 1) % SIP_HELD_MAX)
		nta_incoming_destroy(io->held[io->held_head].irq);
	free(io->held);
	if (io->leg)
		nta_leg_destroy(io->leg);
	if (io->agent)
		nta_agent_destroy(io->agent);
	free(io->mclass);
	su_home_deinit(io->home);
	free(io);
}
