/* sec-agree of one UE (see ue_secagree.h). */
#include "ue_secagree.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/tport.h>

#include "util/hex.h"
#include "util/json.h"
#include "xfrm.h"

static int parse_algs(const char *list, bool ealg, unsigned *bits, char *err, size_t errsz)
{
	const char *p = list;

	*bits = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *s = p;
		size_t k = n;
		int v;

		while (k && *s == ' ')
			s++, k--;
		while (k && s[k - 1] == ' ')
			k--;
		v = ealg ? sa_ealg_parse(s, k) : sa_alg_parse(s, k);
		if (v < 0) {
			snprintf(err, errsz, "unknown %s '%.*s' (expected %s)", ealg ? "ealg" : "alg",
				 (int)k, s, ealg ? "null or aes-cbc" : "hmac-sha-1-96 or hmac-md5-96");
			return -1;
		}
		*bits |= 1u << v;
		p += n + (p[n] == ',');
	}
	if (!*bits) {
		snprintf(err, errsz, "empty %s list", ealg ? "ealg" : "alg");
		return -1;
	}
	return 0;
}

static int parse_ports(const char *v, struct ue_sec_cfg *c, char *err, size_t errsz)
{
	char *end;
	unsigned long pc = strtoul(v, &end, 10), ps;

	if (*end != ',' || pc < 1 || pc > 65535)
		goto bad;
	ps = strtoul(end + 1, &end, 10);
	if (*end || ps < 1 || ps > 65535 || ps == pc)
		goto bad;
	c->port_c = (uint16_t)pc;
	c->port_s = (uint16_t)ps;
	return 0;
bad:
	snprintf(err, errsz, "expected two different ports C,S, got '%s'", v);
	return -1;
}

int ue_sec_option(struct ue_sec_cfg *c, const char *name, const char *val, char *err, size_t errsz)
{
	int rc;

	if (!strcmp(name, "sec-agree")) {
		if (val && strcmp(val, "on") && strcmp(val, "off")) {
			snprintf(err, errsz, "expected on or off, got '%s'", val);
			return -1;
		}
		c->on = !val || !strcmp(val, "on");
		return 1;
	}
	if (!strcmp(name, "sec-alg"))
		rc = parse_algs(val, false, &c->algs, err, errsz);
	else if (!strcmp(name, "sec-ealg"))
		rc = parse_algs(val, true, &c->ealgs, err, errsz);
	else if (!strcmp(name, "sec-ports"))
		rc = parse_ports(val, c, err, errsz);
	else
		return 0;
	if (rc < 0)
		return -1;
	c->on = true;
	return 1;
}

/* ---- one generation of SAs ----------------------------------------------- */

static unsigned tport_port(tport_t *tp)
{
	return tp ? (unsigned)atoi(tport_name(tp)->tpn_port) : 0;
}

static const char *udp_url(struct uac *a, unsigned port, char *buf, size_t n)
{
	snprintf(buf, n, strchr(a->host, ':') ? "sip:[%s]:%u;transport=udp" : "sip:%s:%u;transport=udp",
		 a->host, port);
	return buf;
}

/* The agent with the protected client port first (wanted, or a free one
 * with 0). The server port is added by gen_server_port(). */
static int gen_client_port(struct uac *a, struct sa_gen *g, unsigned want_c)
{
	char url[128];

	g->agent = nta_agent_create(a->root, URL_STRING_MAKE(udp_url(a, want_c, url, sizeof(url))),
				    NULL, NULL, NTATAG_UA(0), TAG_END());
	if (!g->agent)
		return -1;
	g->set.port_uc = (uint16_t)tport_port(tport_primaries(nta_agent_tports(g->agent)));
	return g->set.port_uc ? 0 : -1;
}

static int gen_server_port(struct uac *a, struct sa_gen *g, unsigned want_s)
{
	char url[128];
	tport_t *tp;

	if (nta_agent_add_tport(g->agent, URL_STRING_MAKE(udp_url(a, want_s, url, sizeof(url))),
				TAG_END()) < 0)
		return -1;
	tp = tport_primaries(nta_agent_tports(g->agent));
	g->set.port_us = (uint16_t)tport_port(tp ? tport_next(tp) : NULL);
	g->has_server_port = true;
	return g->set.port_us && g->set.port_us != g->set.port_uc ? 0 : -1;
}

/* SPIs drawn from the UE's PRNG (seeded with --seed): 256.. (RFC 4303
 * §2.1 reserves 1..255), distinct from the given ones. */
static uint32_t draw_spi(struct uac *a, uint32_t x, uint32_t y, uint32_t z)
{
	char hx[9];
	uint32_t v;

	do {
		uac_random_hex(a, hx, 8);
		v = (uint32_t)strtoul(hx, NULL, 16);
	} while (v < 256 || v == x || v == y || v == z);
	return v;
}

static int addr_parse(const char *host, size_t n, int *family, uint8_t out[16])
{
	char buf[64];

	if (n && host[0] == '[')
		host++, n -= 2;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, host, n);
	buf[n] = '\0';
	*family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	return inet_pton(*family, buf, out) == 1 ? 0 : -1;
}

/* The host of "sip:HOST:PORT;params" (brackets kept for IPv6). */
static size_t uri_host(const char *uri, const char **host)
{
	const char *h = strncmp(uri, "sip:", 4) == 0 ? uri + 4 : uri;

	*host = h;
	if (*h == '[')
		return strcspn(h, "]") + 1;
	return strcspn(h, ":;>");
}

/* Every alg x ealg the configuration allows, alg-major, same SPIs/ports. */
static void gen_offers(struct sa_gen *g, const struct ue_sec_cfg *c)
{
	unsigned algs = c->algs ? c->algs : (1u << SA_ALG_COUNT) - 1;
	unsigned ealgs = c->ealgs ? c->ealgs : (1u << SA_EALG_COUNT) - 1;

	g->noffers = 0;
	for (int al = 0; al < SA_ALG_COUNT; al++)
		for (int e = 0; e < SA_EALG_COUNT; e++)
			if ((algs & (1u << al)) && (ealgs & (1u << e)) && g->noffers < SA_MECH_MAX)
				g->offers[g->noffers++] = (struct sa_mech){
					(enum sa_alg)al, (enum sa_ealg)e, g->set.spi_uc, g->set.spi_us,
					g->set.port_uc, g->set.port_us, -1 };
}

static void gen_close(struct sa_gen *g)
{
	if (g->installed)
		xfrm_remove(&g->set);
	if (g->leg)
		nta_leg_destroy(g->leg);
	if (g->agent)
		nta_agent_destroy(g->agent);
	memset(g, 0, sizeof(*g)); /* the keys too */
}

/* A new generation: ports, SPIs (distinct from the other generation's),
 * offers, Security-Client and Contact. The first one takes --sec-ports (or
 * free ports); a later one a new client port and the protected server port
 * of the set in use, which stays the UE's contact address (TS 24.229
 * §5.1.1.4.1); its agent binds that port once the old set is gone. */
static const char *gen_open(struct ue *ue, struct sa_gen *g, const struct sa_gen *other,
			    unsigned want_c, unsigned want_s)
{
	struct uac *a = ue->uac;
	const char *host, *at = strchr(ue->cfg.impi, '@');
	size_t hn = uri_host(ue->cfg.registrar, &host);
	int fam2;

	gen_close(g);
	g->open = true;
	if (addr_parse(a->host, strlen(a->host), &g->set.family, g->set.ue) < 0)
		return "sec-agree: the UE's address is not an IP literal";
	if (addr_parse(host, hn, &fam2, g->set.pcscf) < 0 || fam2 != g->set.family)
		return "sec-agree: --registrar must be an IP literal of the UE's family";
	if (gen_client_port(a, g, want_c) < 0 ||
	    (other->open ? (g->set.port_us = other->set.port_us, 0) : gen_server_port(a, g, want_s)) < 0)
		return "sec-agree: cannot open the protected ports (in use?)";
	g->set.spi_uc = draw_spi(a, 0, other->set.spi_uc, other->set.spi_us);
	g->set.spi_us = draw_spi(a, g->set.spi_uc, other->set.spi_uc, other->set.spi_us);
	gen_offers(g, &ue->cfg.sec);
	if (sa_format(g->offers, g->noffers, g->client, sizeof(g->client)) < 0)
		return "sec-agree: Security-Client too long";
	snprintf(g->contact, sizeof(g->contact),
		 strchr(a->host, ':') ? "<sip:%.*s@[%s]:%u>" : "<sip:%.*s@%s:%u>",
		 at ? (int)(at - ue->cfg.impi) : (int)strlen(ue->cfg.impi), ue->cfg.impi, a->host,
		 g->set.port_us);
	return NULL;
}

/* New SPIs for a generation not keyed yet, same ports; -1 with ue->error. */
static int gen_respi(struct ue *ue, struct sa_gen *g, const struct sa_gen *other)
{
	uint32_t old_c = g->set.spi_uc, old_s = g->set.spi_us;

	g->set.spi_uc = draw_spi(ue->uac, old_c, old_s, other->set.spi_uc);
	g->set.spi_us = draw_spi(ue->uac, g->set.spi_uc, old_s, other->set.spi_us);
	gen_offers(g, &ue->cfg.sec);
	if (sa_format(g->offers, g->noffers, g->client, sizeof(g->client)) < 0)
		return ue->error = "sec-agree: Security-Client too long", -1;
	return 0;
}

/* The UE's dialog on a generation's agent: same Call-ID, From tag and To,
 * CSeq going on (RFC 3261 §10.2.4). */
static int gen_leg(struct ue *ue, struct sa_gen *g, uint32_t cseq)
{
	char from[600], to[600], cs[32];

	snprintf(from, sizeof(from), "<%s>;tag=%s", ue->cfg.impu, ue->from_tag);
	snprintf(to, sizeof(to), "<%s>", ue->cfg.impu);
	snprintf(cs, sizeof(cs), "%u REGISTER", cseq);
	g->leg = nta_leg_tcreate(g->agent, NULL, NULL, SIPTAG_CALL_ID_STR(ue->call_id),
				 SIPTAG_FROM_STR(from), SIPTAG_TO_STR(to), SIPTAG_CSEQ_STR(cs), TAG_END());
	return g->leg ? 0 : -1;
}

/* ---- the UE's side of the exchange ----------------------------------------- */

int ue_sec_init(struct ue *ue)
{
	struct ue_sec *s = calloc(1, sizeof(*s));
	const char *err;

	if (!s)
		return ue->error = "out of memory", -1;
	ue->sec = s;
	s->cur = -1;
	s->offered = 0;
	err = gen_open(ue, &s->gen[0], &s->gen[1], ue->cfg.sec.port_c, ue->cfg.sec.port_s);
	return err ? (ue->error = err, -1) : 0;
}

void ue_sec_fini(struct ue *ue)
{
	struct ue_sec *s = ue->sec;

	if (!s)
		return;
	gen_close(&s->gen[0]);
	gen_close(&s->gen[1]);
	free(s);
	ue->sec = NULL;
}

void ue_sec_on_401(struct ue *ue, sip_t const *sip)
{
	struct ue_sec *s = ue->sec;
	struct sa_mech m[SA_MECH_MAX];
	size_t used = 0, n = 0;
	int i;

	s->have_server = false;
	s->server[0] = '\0';
	if (sip->sip_cseq)
		s->cseq = sip->sip_cseq->cs_seq; /* a new leg goes on from here */
	for (sip_security_server_t const *h = sip->sip_security_server; h; h = h->sa_next) {
		issize_t k;
		if (used)
			used += (size_t)snprintf(s->server + used, sizeof(s->server) - used, ", ");
		k = msg_header_field_e(s->server + used, sizeof(s->server) - used, (msg_header_t const *)h, 0);
		if (k < 0 || used + (size_t)k >= sizeof(s->server))
			break;
		used += (size_t)k;
	}
	/* TS 24.229 §5.1.1.5.1: without Security-Server (or with nothing we
	 * offered) there is no agreement: the answer is not sent. */
	s->refused = !used || sa_parse(s->server, m, SA_MECH_MAX, &n) < 0 ||
		     (i = sa_choose(m, n, s->gen[s->offered].offers, s->gen[s->offered].noffers)) < 0;
	if (s->refused)
		return;
	s->chosen = m[i];
	s->have_server = true;
}

int ue_sec_protect(struct ue *ue, const struct ue_answer *ans)
{
	static char why[256];
	struct ue_sec *s = ue->sec;
	struct sa_gen *g;
	const char *what = NULL, *host;
	size_t hn;
	int rc;

	if (!s)
		return 0;
	/* Resync (AUTS) and MAC failure answers key nothing: they go as the
	 * challenged request went (TS 24.229 §5.1.1.5.3), offering the same
	 * ports with new SPIs. The P-CSCF keyed SAs for the first offer at the
	 * 401 and keeps them; the same SPIs again would collide with those in
	 * its kernel (Kamailio 5.6 keys the next set for the same UE ports). */
	if (ans->kind == UE_ANS_AUTS || ans->kind == UE_ANS_MAC_FAILURE)
		return gen_respi(ue, &s->gen[s->offered], &s->gen[1 - s->offered]);
	if (ans->kind != UE_ANS_RES && ans->kind != UE_ANS_PASSWORD)
		return 0;
	if (s->refused) {
		snprintf(why, sizeof(why), "sec-agree: %s%.100s%s", *s->server ?
			 "the P-CSCF offers nothing this UE offered (" : "the 401 carries no Security-Server",
			 s->server, *s->server ? ")" : " (the P-CSCF does no sec-agree?)");
		return ue->error = why, -1;
	}
	if (ans->kind == UE_ANS_PASSWORD)
		return ue->error = "sec-agree needs IMS AKA: SIP Digest gives no CK/IK", -1;
	g = &s->gen[s->offered];
	if (g->installed) { /* challenged again for the same offer: re-key it */
		xfrm_remove(&g->set);
		g->installed = false;
	}
	g->set.port_pc = s->chosen.port_c;
	g->set.port_ps = s->chosen.port_s;
	g->set.spi_pc = s->chosen.spi_c;
	g->set.spi_ps = s->chosen.spi_s;
	g->set.alg = s->chosen.alg;
	g->set.ealg = s->chosen.ealg;
	sa_derive_keys(g->set.alg, g->set.ealg, ans->usim.ck, ans->usim.ik, &g->set.keys);
	if ((rc = xfrm_install(&g->set, &what)) < 0) {
		snprintf(why, sizeof(why), "sec-agree: the kernel refused the %s: %s%s", what, strerror(-rc),
			 rc == -EPROTONOSUPPORT || rc == -ENOSYS || rc == -ENOENT ? " (no ESP in this kernel?)"
			 : rc == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
		return ue->error = why, -1;
	}
	g->installed = true;
	snprintf(g->server, sizeof(g->server), "%s", s->server);
	hn = uri_host(ue->cfg.registrar, &host);
	snprintf(g->next_hop, sizeof(g->next_hop), "sip:%.*s:%u", (int)hn, host, g->set.port_ps);
	/* The new set carries everything from now on; the old one goes, and
	 * with it the protected server port passes to the new agent (TS 33.203
	 * §7.4, simplified: at once rather than after first use). uac.c calls
	 * this from a timer, never from inside the old agent's callback. */
	if (s->cur >= 0 && s->cur != s->offered) {
		gen_close(&s->gen[s->cur]);
		s->cur = -1;
	}
	if (!g->has_server_port && gen_server_port(ue->uac, g, g->set.port_us) < 0)
		return ue->error = "sec-agree: cannot move the protected server port to the new set", -1;
	if (!g->leg && gen_leg(ue, g, s->cseq) < 0)
		return ue->error = "sec-agree: cannot create the protected dialog", -1;
	s->cur = s->offered;
	return 0;
}

int ue_sec_request(struct ue *ue, struct ue_sec_req *r)
{
	struct ue_sec *s = ue->sec;
	struct sa_gen *g;

	memset(r, 0, sizeof(*r));
	if (!s)
		return 0;
	r->require = "sec-agree";
	r->supported = "path, sec-agree";
	if (s->cur < 0) { /* unprotected: offer the first set */
		r->client = s->gen[s->offered].client;
		return 0;
	}
	/* A new request (not an answer) over the SAs offers a new set
	 * (TS 24.229 §5.1.1.4.1); an answer keeps offering the set it keys. */
	if (ue->challenges == 0 && ue->step != UE_STEP_ANSWER) {
		int o = 1 - s->cur;
		const char *err = gen_open(ue, &s->gen[o], &s->gen[s->cur], 0, 0);
		if (err)
			return ue->error = err, -1;
		s->offered = o;
	}
	g = &s->gen[s->cur];
	r->client = s->gen[s->offered].client;
	r->verify = g->server;
	r->next_hop = g->next_hop;
	r->contact = g->contact;
	r->leg = g->leg;
	return 0;
}

unsigned ue_sec_contact_port(const struct ue *ue)
{
	const struct ue_sec *s = ue->sec;

	return s ? s->gen[s->cur >= 0 ? s->cur : s->offered].set.port_us : 0;
}

void ue_sec_json(const struct ue *ue, struct json *j)
{
	const struct ue_sec *s = ue->sec;
	const struct sa_gen *g = s && s->cur >= 0 ? &s->gen[s->cur] : NULL;

	if (!g || !g->installed)
		return;
	json_obj_begin(j, "ipsec");
	json_str(j, "alg", sa_alg_name(g->set.alg));
	json_str(j, "ealg", sa_ealg_name(g->set.ealg));
	json_int(j, "port_uc", g->set.port_uc);
	json_int(j, "port_us", g->set.port_us);
	json_int(j, "port_pc", g->set.port_pc);
	json_int(j, "port_ps", g->set.port_ps);
	json_int(j, "spi_uc", g->set.spi_uc);
	json_int(j, "spi_us", g->set.spi_us);
	json_int(j, "spi_pc", g->set.spi_pc);
	json_int(j, "spi_ps", g->set.spi_ps);
	json_str(j, "security_verify", g->server);
	json_obj_end(j);
}

/* ---- explain -------------------------------------------------------------- */

static void hexline(FILE *fp, const char *label, const uint8_t *v, size_t n, const char *note)
{
	char buf[2 * 20 + 1];

	hex_encode(v, n, buf);
	fprintf(fp, "  │   %-10s = %s   %s\n", label, buf, note);
}

void ue_sec_explain(const struct ue *ue, FILE *fp)
{
	const struct ue_sec *s = ue->sec;
	const struct sa_gen *g = s && s->cur >= 0 ? &s->gen[s->cur] : NULL;
	struct sa_one sa[SA_PER_SET];
	char a1[64], a2[64];

	if (!g || !g->installed)
		return;
	fprintf(fp, "  │ sec-agree (RFC 3329, TS 33.203 §7): %s / %s, ESP transport mode\n",
		sa_alg_name(g->set.alg), sa_ealg_name(g->set.ealg));
	hexline(fp, "IK_ESP", g->set.keys.ik, g->set.keys.ik_len,
		g->set.alg == SA_ALG_HMAC_SHA1_96 ? "IK ‖ 0^32 (Annex I)" : "IK");
	if (g->set.keys.ck_len)
		hexline(fp, "CK_ESP", g->set.keys.ck, g->set.keys.ck_len, "CK (AES-CBC, 128 bits)");
	else
		fprintf(fp, "  │   %-10s = (none: NULL encryption)\n", "CK_ESP");
	sa_set_list(&g->set, sa);
	for (int i = 0; i < SA_PER_SET; i++) {
		inet_ntop(g->set.family, sa[i].src, a1, sizeof(a1));
		inet_ntop(g->set.family, sa[i].dst, a2, sizeof(a2));
		fprintf(fp, "  │   SA %-3s %s:%u -> %s:%u  SPI %u  (%s)\n", sa[i].out ? "out" : "in",
			a1, sa[i].sport, a2, sa[i].dport, sa[i].spi, sa[i].what);
	}
}
