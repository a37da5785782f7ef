/* The UE → P-CSCF → I-CSCF → S-CSCF chain of TS 24.229 §5.2-5.4, as a
 * capture on every hop shows it: each SIP message of the flow (the UE's
 * view of a request, the S-CSCF's view of a response) is written once per
 * hop with what each proxy does to it —
 *   P-CSCF  adds Via and Path (§5.2.2.1), removes Security-Client/-Verify
 *           and sec-agree from Require/Proxy-Require, marks the
 *           Authorization integrity-protected; towards the UE removes
 *           ck/ik from the 401 and adds its Security-Server (TS 33.203
 *           §7.1-7.2); Gm after the 401 runs in ESP;
 *   I-CSCF  asks the HSS (UAR/UAA), adds Via;
 * and the UE's packets once more inside GTP-U (eNB ↔ SGW on S1-U) when
 * the scenario says so. Faults: the P-CSCF leaves ck/ik in (ckik_to_ue),
 * the I-CSCF alters the response (hop_alter), a bad ICV (bad_icv). */
#include "tg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEID_UP 0x1001u
#define TEID_DOWN 0x2001u

struct msg {
	char t[MSGMAX];
	size_t n;
};

/* End of the header block (the empty line), or n. */
static size_t head_end(const struct msg *m)
{
	const char *e = strstr(m->t, "\r\n\r\n");
	return e ? (size_t)(e - m->t) + 2 : m->n;
}

/* Offset of the line of header `name` (nth occurrence 0), or -1. */
static long hdr_at(const struct msg *m, const char *name)
{
	size_t nl = strlen(name), end = head_end(m);

	for (const char *p = strstr(m->t, "\r\n"); p && (size_t)(p - m->t) < end;
	     p = strstr(p + 2, "\r\n")) {
		if (!strncasecmp(p + 2, name, nl) && p[2 + nl] == ':')
			return (long)(p + 2 - m->t);
	}
	return -1;
}

static void cut(struct msg *m, size_t at, size_t len)
{
	memmove(m->t + at, m->t + at + len, m->n - at - len + 1);
	m->n -= len;
}

static void put(struct msg *m, size_t at, const char *s)
{
	size_t l = strlen(s);

	if (m->n + l >= sizeof(m->t))
		return;
	memmove(m->t + at + l, m->t + at, m->n - at + 1);
	memcpy(m->t + at, s, l);
	m->n += l;
}

static void hdr_del(struct msg *m, const char *name)
{
	long at;

	while ((at = hdr_at(m, name)) >= 0)
		cut(m, (size_t)at, (size_t)(strstr(m->t + at, "\r\n") - (m->t + at)) + 2);
}

static void hdr_del_first(struct msg *m, const char *name)
{
	long at = hdr_at(m, name);

	if (at >= 0)
		cut(m, (size_t)at, (size_t)(strstr(m->t + at, "\r\n") - (m->t + at)) + 2);
}

/* Inserts a whole header line after the start line. */
static void hdr_top(struct msg *m, const char *line)
{
	put(m, (size_t)(strstr(m->t, "\r\n") - m->t) + 2, line);
}

/* Appends text at the end of header `name`'s line. */
static void hdr_append(struct msg *m, const char *name, const char *text)
{
	long at = hdr_at(m, name);

	if (at >= 0)
		put(m, (size_t)(strstr(m->t + at, "\r\n") - m->t), text);
}

/* Removes `, name="..."` from the header line at `at`. */
static void param_del(struct msg *m, const char *hdr, const char *name)
{
	long at = hdr_at(m, hdr);
	char pat[32];

	if (at < 0)
		return;
	snprintf(pat, sizeof(pat), ", %s=\"", name);
	char *p = strstr(m->t + at, pat), *eol = strstr(m->t + at, "\r\n");
	if (!p || p > eol)
		return;
	char *q = strchr(p + strlen(pat), '"');
	if (q && q < eol)
		cut(m, (size_t)(p - m->t), (size_t)(q + 1 - p));
}

static void set_max_forwards(struct msg *m, int v)
{
	char line[40];

	hdr_del(m, "Max-Forwards");
	snprintf(line, sizeof(line), "Max-Forwards: %d\r\n", v);
	hdr_top(m, line);
}

static void udp(struct emitter *e, const struct endpoint *s, const struct endpoint *d,
		const struct msg *m, struct esp_sa *sa)
{
	emit(e, build_udp(e->pkt, sizeof(e->pkt), s, d, (const uint8_t *)m->t, m->n, sa));
}

/* The UE ↔ P-CSCF hop: in ESP after the 401, and also seen on S1-U
 * inside GTP-U (captured there first). */
static void gm(struct emitter *e, const struct item *it, int ue, const struct msg *m)
{
	struct esp_sa sa, sa2;
	const struct endpoint *s, *d;
	uint8_t inner[MSGMAX + 200];

	memset(&sa, 0, sizeof(sa));
	if (it->esp) {
		s = it->to_ue ? &e->pcscf_esp : &e->ue_esp[ue];
		d = it->to_ue ? &e->ue_esp[ue] : &e->pcscf_esp;
		esp_sa_of(e, it, ue, &sa);
	} else {
		s = it->to_ue ? &e->pcscf : &e->ue[ue];
		d = it->to_ue ? &e->ue[ue] : &e->pcscf;
	}
	if (e->s->gtp) {
		sa2 = sa; /* the same packet twice: same ESP sequence number */
		size_t n = build_udp(inner, sizeof(inner), s, d, (const uint8_t *)m->t, m->n,
				     it->esp ? &sa2 : NULL);
		emit(e, build_gtpu(e->pkt, sizeof(e->pkt), it->to_ue ? &e->sgw : &e->enb,
				   it->to_ue ? &e->enb : &e->sgw, it->to_ue ? TEID_DOWN : TEID_UP,
				   inner, n));
	}
	udp(e, s, d, m, it->esp ? &sa : NULL);
}

/* TS 29.229 §6.1.1: the I-CSCF's UAR/UAA before it forwards a REGISTER. */
static void uar_uaa(struct emitter *e, const struct ue_cfg *u)
{
	uint8_t rq[MSGMAX], an[MSGMAX];
	struct diam_wr w;
	struct diam_msg m;
	char sid[96], impu[160];
	uint32_t hbh = 0x7000u + e->hbh++;

	snprintf(sid, sizeof(sid), "icscf." REALM ";1700000000;%u", hbh);
	snprintf(impu, sizeof(impu), "sip:%s", u->impu);
	diam_wr_init(&w, rq, sizeof(rq));
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_UA, DIAM_APP_CX, hbh, hbh ^ 0x3c3c0000);
	diam_put_str(&w, AVP_SESSION_ID, 0, sid);
	cx_head(&w, "icscf." REALM);
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, REALM);
	diam_put_str(&w, AVP_USER_NAME, 0, u->impi);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, DIAM_VENDOR_3GPP, impu);
	diam_put_str(&w, AVP_CX_VISITED_NETWORK_IDENTIFIER, DIAM_VENDOR_3GPP, REALM);
	diam_put_u32(&w, AVP_CX_USER_AUTHORIZATION_TYPE, DIAM_VENDOR_3GPP, 0);
	ssize_t n = diam_wr_finish(&w);
	diam_msg_parse(rq, (size_t)n, &m);
	diam_wr_init(&w, an, sizeof(an));
	diam_answer_begin(&w, &m);
	cx_head(&w, "hss." REALM);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_put_str(&w, AVP_CX_SERVER_NAME, DIAM_VENDOR_3GPP, "sip:scscf." REALM ":5060");
	ssize_t an_n = diam_wr_finish(&w);
	if (n < 0 || an_n < 0) {
		fprintf(stderr, "testgen: UAR/UAA build failed\n");
		exit(1);
	}
	emit_diameter(e, &e->i_up, &e->i_down, rq, (size_t)n);
	emit_diameter(e, &e->i_down, &e->i_up, an, (size_t)an_n);
}

static void alter_response(struct msg *m)
{
	long at = hdr_at(m, "Authorization");
	char *r = at >= 0 ? strstr(m->t + at, "response=\"") : NULL;

	if (r && r[10] && r[10] != '"') /* one hex digit of the response changed */
		r[10] = r[10] == 'a' ? 'b' : 'a';
}

static void request(struct emitter *e, const struct item *it, int ue, const struct ue_cfg *u)
{
	struct msg m;
	char via[160];
	unsigned cseq = 0;

	memcpy(m.t, it->data, it->len);
	m.t[it->len] = '\0';
	m.n = it->len;
	sscanf(strstr(m.t, "CSeq:") ? strstr(m.t, "CSeq:") : "", "CSeq: %u", &cseq);
	gm(e, it, ue, &m);
	if (e->s->gm_only)
		return;
	/* P-CSCF (TS 24.229 §5.2.2.1) */
	snprintf(via, sizeof(via), "Via: SIP/2.0/UDP 10.10.0.5:5060;branch=z9hG4bK-p%d-%u\r\n",
		 u->n, cseq);
	hdr_top(&m, via);
	hdr_top(&m, "Path: <sip:term@pcscf." REALM ";lr>\r\n");
	hdr_top(&m, "P-Visited-Network-ID: \"" REALM "\"\r\n");
	set_max_forwards(&m, 69);
	hdr_del(&m, "Security-Client");
	hdr_del(&m, "Security-Verify");
	hdr_del(&m, "Require");
	hdr_del(&m, "Proxy-Require");
	hdr_append(&m, "Authorization", it->esp ? ", integrity-protected=\"yes\""
					       : ", integrity-protected=\"no\"");
	udp(e, &e->pcscf, &e->icscf, &m, NULL);
	e->t += 0.0011;
	uar_uaa(e, u);
	/* I-CSCF (TS 24.229 §5.3.1.2) */
	snprintf(via, sizeof(via), "Via: SIP/2.0/UDP 10.10.0.6:5060;branch=z9hG4bK-i%d-%u\r\n",
		 u->n, cseq);
	hdr_top(&m, via);
	set_max_forwards(&m, 68);
	if (u->hop_alter)
		alter_response(&m);
	udp(e, &e->icscf, &e->scscf, &m, NULL);
}

static void response(struct emitter *e, const struct item *it, int ue, const struct ue_cfg *u)
{
	struct msg m;
	char sec[256];

	memcpy(m.t, it->data, it->len);
	m.t[it->len] = '\0';
	m.n = it->len;
	/* the S-CSCF answers along the request's Vias: UE's, P-CSCF's, I-CSCF's */
	hdr_top(&m, "Via: SIP/2.0/UDP 10.10.0.5:5060;branch=z9hG4bK-p\r\n");
	hdr_top(&m, "Via: SIP/2.0/UDP 10.10.0.6:5060;branch=z9hG4bK-i\r\n");
	if (!e->s->gm_only)
		udp(e, &e->scscf, &e->icscf, &m, NULL);
	hdr_del_first(&m, "Via");
	if (!e->s->gm_only)
		udp(e, &e->icscf, &e->pcscf, &m, NULL);
	hdr_del_first(&m, "Via");
	if (it->challenge) { /* TS 33.203 §7.1: ck/ik stay in the P-CSCF */
		if (!e->s->ckik_to_ue) {
			param_del(&m, "WWW-Authenticate", "ck");
			param_del(&m, "WWW-Authenticate", "ik");
		}
		sec_server(u, e->s->esp, e->s->enc, "Security-Server", sec, sizeof(sec));
		if (sec[0])
			put(&m, head_end(&m), sec);
	}
	gm(e, it, ue, &m);
}

void hops_emit(struct emitter *e, const struct item *it, int ue)
{
	const struct ue_cfg *u = &e->s->ue[ue];

	if (it->to_ue)
		response(e, it, ue, u);
	else
		request(e, it, ue, u);
	e->t += 0.0042;
}

void hops_endpoints_gm(struct emitter *e)
{
	endpoint_set(&e->pcscf, "10.10.0.5", 5060);
	endpoint_set(&e->pcscf_esp, "10.10.0.5", 5068);
}

void hops_endpoints(struct emitter *e)
{
	endpoint_set(&e->pcscf, "10.10.0.5", 5060);
	endpoint_set(&e->pcscf_esp, "10.10.0.5", 5068);
	endpoint_set(&e->icscf, "10.10.0.6", 5060);
	endpoint_set(&e->icscf_d, "10.10.0.6", 40002);
	endpoint_set(&e->enb, "192.168.10.2", 2152);
	endpoint_set(&e->sgw, "192.168.10.3", 2152);
	e->i_up = (struct stream){ .src = e->icscf_d, .dst = e->hss, .seq = 30000 };
	e->i_down = (struct stream){ .src = e->hss, .dst = e->icscf_d, .seq = 90000 };
	tcp_open(e, &e->i_up, &e->i_down);
}
