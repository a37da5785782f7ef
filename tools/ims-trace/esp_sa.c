#include "esp_sa.h"
#include "diam_in.h"
#include "esp.h"
#include "hops.h"
#include "pair.h"
#include "secagree.h"
#include "sip_msg.h"

#include "digest/digest.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OFFERS 32
#define SETS_MAX 256

/* A Security-Client waiting for the 401 that answers its REGISTER. */
struct offer {
	char call_id[128];
	uint32_t cseq;
	struct trace_addr ue;
	struct sec_mech m[SECAGREE_MAX];
	size_t n;
	char impi[256];
};

struct run {
	struct trace_ctx *c;
	const struct trace_keyring *kr;
	struct offer off[OFFERS];
	size_t noff;
	size_t cur_base, cur_new, nbase;  /* learning cursors (see esp_sa_run) */
};

static void learn_offer(struct run *r, const struct trace_event *e)
{
	struct offer o;
	uint32_t n;
	char meth[32];
	const char *cid = sip_hdr(e->sip, "Call-ID");

	/* Only the UE's own REGISTER (one Via): a P-CSCF may forward the
	 * Security-Client on (Kamailio 5.6 does), and its copy must not make the
	 * proxy's address the UE's. */
	if (hops_via_count(e->sip) > 1)
		return;
	memset(&o, 0, sizeof(o));
	o.n = secagree_get(e->sip, "Security-Client", o.m, SECAGREE_MAX);
	if (!o.n || !cid || sip_cseq(e->sip, &n, meth, sizeof(meth)))
		return;
	snprintf(o.call_id, sizeof(o.call_id), "%s", cid);
	o.cseq = n;
	o.ue = e->m.src;
	pair_param(pair_authz(e->sip), "username", o.impi, sizeof(o.impi));
	r->off[r->noff++ % OFFERS] = o;
}

static const struct offer *offer_for(const struct run *r, const struct sip_msg *s)
{
	const char *cid = sip_hdr(s, "Call-ID");
	uint32_t n;
	char meth[32];

	if (!cid || sip_cseq(s, &n, meth, sizeof(meth)))
		return NULL;
	for (size_t i = r->noff; i-- > 0 && i + OFFERS >= r->noff;) {
		const struct offer *o = &r->off[i % OFFERS];
		if (o->cseq == n && !strcmp(o->call_id, cid))
			return o;
	}
	return NULL;
}

static void learn_server(struct run *r, const struct trace_event *e)
{
	struct sec_mech m[SECAGREE_MAX];
	size_t n = secagree_get(e->sip, "Security-Server", m, SECAGREE_MAX);
	int ch = secagree_choose(m, n);
	struct trace_ctx *c = r->c;

	char nonce[256] = "";
	pair_param(pair_challenge(e->sip), "nonce", nonce, sizeof(nonce));
	if (ch < 0 || c->nsas == SETS_MAX)
		return;
	/* the same 401 seen twice (inside GTP-U and plain) sets up nothing new */
	if (c->nsas && c->sas[c->nsas - 1].spi_pc == m[ch].spi_c &&
	    c->sas[c->nsas - 1].spi_ps == m[ch].spi_s && !strcmp(c->sas[c->nsas - 1].nonce, nonce))
		return;
	struct esp_sa_set *n2 = realloc(c->sas, (c->nsas + 1) * sizeof(*n2));
	if (!n2)
		return;
	c->sas = n2;
	struct esp_sa_set *s = &c->sas[c->nsas++];
	memset(s, 0, sizeof(*s));
	const struct offer *o = offer_for(r, e->sip);
	s->pcscf = e->m.src;
	s->ue = o ? o->ue : e->m.dst;
	s->spi_pc = m[ch].spi_c;
	s->spi_ps = m[ch].spi_s;
	s->port_pc = m[ch].port_c;
	s->port_ps = m[ch].port_s;
	snprintf(s->alg, sizeof(s->alg), "%s", m[ch].alg);
	snprintf(s->ealg, sizeof(s->ealg), "%s", m[ch].ealg[0] ? m[ch].ealg : "null");
	if (o) {
		s->have_client = true;
		s->spi_uc = o->m[0].spi_c; /* the client lists its SPIs with every offer */
		s->spi_us = o->m[0].spi_s;
		s->port_uc = o->m[0].port_c;
		s->port_us = o->m[0].port_s;
		snprintf(s->impi, sizeof(s->impi), "%s", o->impi);
	}
	snprintf(s->nonce, sizeof(s->nonce), "%s", nonce);
	s->frame = e->m.frame;
}

static void learn(struct run *r, const struct trace_event *e)
{
	const struct sip_msg *s = e->sip;

	if (e->kind != EV_SIP)
		return;
	if (s->request && !strcasecmp(s->method, "REGISTER"))
		learn_offer(r, e);
	else if (!s->request && (s->status == 401 || s->status == 407))
		learn_server(r, e);
}

/* Learns from every event before `frame`: the events of the read are in
 * frame order, and so are those appended from ESP packets opened so far. */
static void learn_until(struct run *r, unsigned frame)
{
	struct trace_ctx *c = r->c;

	for (;;) {
		bool b = r->cur_base < r->nbase && c->ev[r->cur_base].m.frame < frame;
		bool n = r->cur_new < c->nev && c->ev[r->cur_new].m.frame < frame;
		if (!b && !n)
			return;
		if (b && (!n || c->ev[r->cur_base].m.frame <= c->ev[r->cur_new].m.frame))
			learn(r, &c->ev[r->cur_base++]);
		else
			learn(r, &c->ev[r->cur_new++]);
	}
}

static bool same_ip(const struct trace_addr *a, const struct trace_addr *b)
{
	return a->af == b->af && !memcmp(a->ip, b->ip, a->af == 6 ? 16 : 4);
}

/* The newest SA set whose receiver owns this SPI (TS 33.203 §7.1). */
static int set_for(const struct trace_ctx *c, const struct esp_pkt *p)
{
	for (size_t i = c->nsas; i-- > 0;) {
		const struct esp_sa_set *s = &c->sas[i];
		uint32_t spi = p->m.spi;
		if (s->frame >= p->m.frame)
			continue;
		if ((same_ip(&p->m.dst, &s->pcscf) && (spi == s->spi_pc || spi == s->spi_ps)) ||
		    (same_ip(&p->m.dst, &s->ue) && s->have_client &&
		     (spi == s->spi_uc || spi == s->spi_us)))
			return (int)i;
	}
	return -1;
}

static bool keys_from_401(const struct trace_ctx *c, struct esp_sa_set *s)
{
	char n[256], ck[64], ik[64];

	for (size_t i = 0; i < c->nev; i++) {
		const struct trace_event *e = &c->ev[i];
		const char *ch;
		if (e->kind != EV_SIP || e->sip->request || !(ch = pair_challenge(e->sip)) ||
		    !pair_param(ch, "nonce", n, sizeof(n)) || strcmp(n, s->nonce) ||
		    !pair_param(ch, "ck", ck, sizeof(ck)) || !pair_param(ch, "ik", ik, sizeof(ik)) ||
		    hex_decode_exact(ck, s->ck, 16) || hex_decode_exact(ik, s->ik, 16))
			continue;
		snprintf(s->key_src, sizeof(s->key_src), "ck/ik of the 401 at #%u", e->m.frame);
		return true;
	}
	return false;
}

static bool keys_from_vector(const struct trace_ctx *c, struct esp_sa_set *s,
			     const uint8_t rand[16])
{
	for (size_t i = 0; i < c->nev; i++) {
		const struct trace_event *e = &c->ev[i];
		if (e->kind != EV_DIAM || e->diam->request)
			continue;
		for (size_t v = 0; v < e->diam->nvec; v++) {
			const struct diam_vec *d = &e->diam->vec[v];
			if (!d->has_rand || !d->has_ck || !d->has_ik || memcmp(d->rand, rand, 16))
				continue;
			memcpy(s->ck, d->ck, 16);
			memcpy(s->ik, d->ik, 16);
			snprintf(s->key_src, sizeof(s->key_src), "CK/IK of the vector at #%u",
				 e->m.frame);
			return true;
		}
	}
	return false;
}

static bool keys_from_subscriber(const struct run *r, struct esp_sa_set *s,
				 const struct nonce_parts *np)
{
	struct trace_keys k;
	struct trace_aka a[TRACE_KEY_VARIANTS];

	if (trace_keys_get(r->kr, s->impi, &k) != 1 || !k.have_aka)
		return false;
	int v = trace_aka_find(&k, np->rand, np->autn, a);
	if (v < 0)
		v = 0;
	bool ok = a[v].ok;
	if (ok) {
		memcpy(s->ck, a[v].out.ck, 16);
		memcpy(s->ik, a[v].out.ik, 16);
		snprintf(s->key_src, sizeof(s->key_src), "CK/IK = f3/f4 with the keys of %.90s",
			 k.source);
	}
	memset(&k, 0, sizeof(k));
	memset(a, 0, sizeof(a));
	return ok;
}

static void set_keys(const struct run *r, struct esp_sa_set *s)
{
	struct nonce_parts np;
	bool have_np = nonce_decode(s->nonce, strlen(s->nonce), &np) == NONCE_OK;

	s->keys = keys_from_401(r->c, s) || (have_np && keys_from_vector(r->c, s, np.rand)) ||
		  (have_np && keys_from_subscriber(r, s, &np)) ? 1 : -1;
	if (s->keys < 0)
		snprintf(s->key_src, sizeof(s->key_src), "no IK/CK: no 401 with ck/ik, no vector "
			 "for its RAND, no keys for %.60s", s->impi[0] ? s->impi : "the IMPI");
}

static void tally(struct esp_sa_set *s, const struct esp_pkt *p)
{
	s->npkt++;
	if (p->icv > 0)
		s->nok++;
	if (p->icv < 0 && s->nbadf < FINDING_FRAMES_MAX)
		s->bad[s->nbadf++] = p->m.frame;
	s->nbad += p->icv < 0;
	if (!p->readable) {
		if (s->nunreadf < FINDING_FRAMES_MAX)
			s->unread[s->nunreadf++] = p->m.frame;
		s->nunread++;
		snprintf(s->why, sizeof(s->why), "%s", p->why);
	}
}

static void open_with_set(struct run *r, struct esp_pkt *p, struct esp_sa_set *s)
{
	struct esp_keys k;

	memset(&k, 0, sizeof(k));
	if (!s->keys)
		set_keys(r, s);
	k.auth = esp_auth_parse(s->alg);
	k.enc = esp_enc_parse(s->ealg);
	k.icv_len = esp_icv_len(s->alg) > 0 ? (size_t)esp_icv_len(s->alg) : ESP_ICV_LEN;
	snprintf(k.alg, sizeof(k.alg), "%s", s->alg);
	snprintf(k.ealg, sizeof(k.ealg), "%s", s->ealg);
	if (s->keys > 0) {
		k.iklen = esp_auth_key(k.auth, s->ik, k.ik);
		k.cklen = esp_enc_key(k.enc, s->ck, k.ck);
	}
	esp_open(r->c, p, &k);
	memset(&k, 0, sizeof(k));
	tally(s, p);
}

static void summarise(struct trace_ctx *c)
{
	for (size_t i = 0; i < c->nsas; i++) {
		const struct esp_sa_set *s = &c->sas[i];
		if (!s->nunread)
			continue;
		c->esp_encrypted += s->nunread;
		trace_note(c, "ESP SPI %u/%u/%u/%u (sec-agree of the 401 at #%u, ealg=%s): %u "
			   "packet%s unreadable (first #%u): %s", s->spi_uc, s->spi_us, s->spi_pc,
			   s->spi_ps, s->frame, s->ealg, s->nunread, s->nunread == 1 ? "" : "s",
			   s->unread[0], s->keys < 0 ? s->key_src : s->why);
	}
}

void esp_sa_run(struct trace_ctx *c, const struct trace_keyring *kr)
{
	struct run *r = calloc(1, sizeof(*r));

	if (!r)
		return;
	r->c = c;
	r->kr = kr;
	r->nbase = r->cur_new = c->nev;
	for (size_t i = 0; i < c->nesp; i++) {
		struct esp_pkt *p = &c->esp[i];
		learn_until(r, p->m.frame);
		p->sa = set_for(c, p);
		if (p->sa >= 0)
			open_with_set(r, p, &c->sas[p->sa]);
		else {
			esp_probe(c, p);
			if (!p->readable) {
				c->esp_encrypted++;
				trace_note(c, "ESP SPI %u (first at frame %u): %s", p->m.spi, p->m.frame,
					   p->why);
			}
		}
	}
	summarise(c);
	free(r);
}

void esp_sa_findings(const struct trace_ctx *c, const char *impi, struct findings *fs)
{
	char t[FINDING_TEXT];

	for (size_t i = 0; i < c->nsas; i++) {
		const struct esp_sa_set *s = &c->sas[i];
		if (!s->nbad || (impi && strcmp(impi, s->impi)))
			continue;
		snprintf(t, sizeof(t), "ESP ICV (%s, IK_ESP per TS 33.203 Annex I from %s) does not "
			 "verify on %u of %u packet%s of the SAs set up by the 401 at #%u (SPIs %u/%u "
			 "UE, %u/%u P-CSCF): the sender used another IK or the packets were altered",
			 s->alg, s->key_src, s->nbad, s->npkt, s->npkt == 1 ? "" : "s", s->frame,
			 s->spi_uc, s->spi_us, s->spi_pc, s->spi_ps);
		findings_add(fs, FK_ESP_ICV_BAD, s->bad, s->nbadf, t);
	}
}

size_t esp_sa_checked(const struct trace_ctx *c, const char *impi)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nsas; i++)
		if (!impi || !strcmp(impi, c->sas[i].impi))
			n += c->sas[i].nok + c->sas[i].nbad;
	return n;
}
