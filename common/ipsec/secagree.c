/* sec-agree mechanisms, choice and ESP keys (see secagree.h). */
#include "ipsec/secagree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const alg_names[SA_ALG_COUNT] = {
	[SA_ALG_HMAC_SHA1_96] = "hmac-sha-1-96",
	[SA_ALG_HMAC_MD5_96] = "hmac-md5-96",
};
static const char *const ealg_names[SA_EALG_COUNT] = {
	[SA_EALG_NULL] = "null",
	[SA_EALG_AES_CBC] = "aes-cbc",
};

const char *sa_alg_name(enum sa_alg a)
{
	return (unsigned)a < SA_ALG_COUNT ? alg_names[a] : "?";
}

const char *sa_ealg_name(enum sa_ealg e)
{
	return (unsigned)e < SA_EALG_COUNT ? ealg_names[e] : "?";
}

static int name_index(const char *const *names, int count, const char *s, size_t n)
{
	for (int i = 0; i < count; i++)
		if (strlen(names[i]) == n && strncasecmp(names[i], s, n) == 0)
			return i;
	return -1;
}

int sa_alg_parse(const char *s, size_t n)
{
	return name_index(alg_names, SA_ALG_COUNT, s, n);
}

int sa_ealg_parse(const char *s, size_t n)
{
	return name_index(ealg_names, SA_EALG_COUNT, s, n);
}

/* ---- parsing ------------------------------------------------------------ */

/* A span of the header value, trimmed of blanks. */
struct span {
	const char *p;
	size_t n;
};

static struct span trim(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return (struct span){ p, n };
}

static bool span_is(struct span s, const char *lit)
{
	return s.n == strlen(lit) && strncasecmp(s.p, lit, s.n) == 0;
}

/* Decimal number of at most `max`; -1 when not a number or too large. */
static long long span_num(struct span s, unsigned long long max)
{
	unsigned long long v = 0;

	if (!s.n || s.n > 10)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	return v > max ? -1 : (long long)v;
}

/* q-value "0.1", "1", "1.000" (RFC 3261 §25.1) in thousandths, or -1. */
static int span_q(struct span s)
{
	int v = 0, digits = 0;
	size_t i = 0;

	if (!s.n || (s.p[0] != '0' && s.p[0] != '1'))
		return -1;
	v = (s.p[0] - '0') * 1000;
	if (s.n == 1)
		return v;
	if (s.p[1] != '.' || s.n > 5)
		return -1;
	for (i = 2; i < s.n; i++, digits++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v += (s.p[i] - '0') * (digits == 0 ? 100 : digits == 1 ? 10 : 1);
	}
	return v > 1000 ? -1 : v;
}

/* Bits of the required ipsec-3gpp parameters seen. */
enum { P_ALG = 1, P_SPI_C = 2, P_SPI_S = 4, P_PORT_C = 8, P_PORT_S = 16, P_ALL = 31 };

static int mech_param(struct sa_mech *m, struct span name, struct span val, unsigned *seen)
{
	long long v;
	int e;

	if (span_is(name, "alg")) {
		if ((e = sa_alg_parse(val.p, val.n)) < 0)
			return SA_E_PARAM;
		m->alg = (enum sa_alg)e;
		*seen |= P_ALG;
	} else if (span_is(name, "ealg")) {
		if ((e = sa_ealg_parse(val.p, val.n)) < 0)
			return SA_E_PARAM;
		m->ealg = (enum sa_ealg)e;
	} else if (span_is(name, "prot")) {
		if (!span_is(val, "esp"))
			return SA_E_PARAM; /* TS 33.203 §7.1: ESP only */
	} else if (span_is(name, "mod")) {
		if (!span_is(val, "trans"))
			return SA_E_PARAM; /* transport mode only */
	} else if (span_is(name, "q")) {
		if ((m->q = span_q(val)) < 0)
			return SA_E_PARAM;
	} else if (span_is(name, "spi-c") || span_is(name, "spi-s")) {
		if ((v = span_num(val, 0xffffffffull)) < 0)
			return SA_E_PARAM;
		if (name.p[4] == 'c' || name.p[4] == 'C')
			m->spi_c = (uint32_t)v, *seen |= P_SPI_C;
		else
			m->spi_s = (uint32_t)v, *seen |= P_SPI_S;
	} else if (span_is(name, "port-c") || span_is(name, "port-s")) {
		if ((v = span_num(val, 65535)) < 0)
			return SA_E_PARAM;
		if (name.p[5] == 'c' || name.p[5] == 'C')
			m->port_c = (uint16_t)v, *seen |= P_PORT_C;
		else
			m->port_s = (uint16_t)v, *seen |= P_PORT_S;
	}
	return 0; /* other parameters (d-alg, d-qop, ...) do not concern IPsec */
}

/* One mechanism "name;p=v;p=v". 1 when it is ipsec-3gpp and filled in,
 * 0 when it is another mechanism, or an SA_E_* error. */
static int mech_parse(struct span s, struct sa_mech *m)
{
	const char *end = s.p + s.n, *p = memchr(s.p, ';', s.n);
	struct span name = trim(s.p, p ? (size_t)(p - s.p) : s.n);
	unsigned seen = 0;

	if (!name.n)
		return SA_E_SYNTAX;
	if (!span_is(name, "ipsec-3gpp"))
		return 0;
	memset(m, 0, sizeof(*m));
	m->q = -1;
	m->ealg = SA_EALG_NULL;
	while (p && p < end) {
		const char *q = memchr(p + 1, ';', (size_t)(end - p - 1));
		struct span param = trim(p + 1, (size_t)((q ? q : end) - p - 1));
		const char *eq = memchr(param.p, '=', param.n);
		int rc;

		if (!eq)
			return SA_E_SYNTAX;
		rc = mech_param(m, trim(param.p, (size_t)(eq - param.p)),
				trim(eq + 1, (size_t)(param.p + param.n - eq - 1)), &seen);
		if (rc < 0)
			return rc;
		p = q;
	}
	return seen == P_ALL ? 1 : SA_E_PARAM;
}

int sa_parse(const char *value, struct sa_mech *out, size_t max, size_t *n)
{
	const char *p = value, *end = value + strlen(value);

	*n = 0;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		struct span s = trim(p, (size_t)((c ? c : end) - p));
		struct sa_mech m;
		int rc;

		if (!s.n)
			return SA_E_SYNTAX;
		rc = mech_parse(s, &m);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (*n >= max)
				return SA_E_TOO_MANY;
			out[(*n)++] = m;
		}
		p = c ? c + 1 : end;
	}
	return *n ? 0 : SA_E_SYNTAX;
}

int sa_format(const struct sa_mech *m, size_t n, char *buf, size_t sz)
{
	size_t used = 0;

	if (!sz)
		return SA_E_SPACE;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(buf + used, sz - used,
				 "%sipsec-3gpp;prot=esp;mod=trans;spi-c=%u;spi-s=%u;port-c=%u;port-s=%u;"
				 "alg=%s;ealg=%s",
				 i ? ", " : "", m[i].spi_c, m[i].spi_s, m[i].port_c, m[i].port_s,
				 sa_alg_name(m[i].alg), sa_ealg_name(m[i].ealg));
		if (k < 0 || (size_t)k >= sz - used)
			return SA_E_SPACE;
		used += (size_t)k;
	}
	return 0;
}

/* ---- choice ------------------------------------------------------------- */

static bool offered(const struct sa_mech *s, const struct sa_mech *offers, size_t no)
{
	for (size_t i = 0; i < no; i++)
		if (offers[i].alg == s->alg && offers[i].ealg == s->ealg)
			return true;
	return false;
}

int sa_choose(const struct sa_mech *server, size_t ns, const struct sa_mech *offers, size_t no)
{
	int best = -1, best_q = -2;

	for (size_t i = 0; i < ns; i++) {
		const struct sa_mech *s = &server[i];
		/* q absent ranks as 0.001: below any stated preference above 0. */
		int q = s->q < 0 ? 1 : s->q;

		if (!offered(s, offers, no) || !s->spi_c || !s->spi_s || !s->port_c || !s->port_s)
			continue;
		if (q > best_q) /* the first of equal preference wins */
			best = (int)i, best_q = q;
	}
	return best;
}

/* ---- keys and SAs ------------------------------------------------------- */

void sa_derive_keys(enum sa_alg alg, enum sa_ealg ealg, const uint8_t ck[16], const uint8_t ik[16],
		    struct sa_keys *out)
{
	memset(out, 0, sizeof(*out));
	/* TS 33.203 Annex I: HMAC-SHA-1-96 wants 160 bits: IK_ESP = IK_IM ‖ 0^32;
	 * HMAC-MD5-96 takes IK_IM as it is. */
	memcpy(out->ik, ik, 16);
	out->ik_len = alg == SA_ALG_HMAC_SHA1_96 ? 20 : 16;
	/* AES-CBC with a 128-bit key: CK_ESP = CK_IM. NULL: no key. */
	if (ealg == SA_EALG_AES_CBC) {
		memcpy(out->ck, ck, 16);
		out->ck_len = 16;
	}
}

void sa_set_list(const struct sa_set *s, struct sa_one out[SA_PER_SET])
{
	out[0] = (struct sa_one){ s->ue, s->pcscf, s->port_uc, s->port_ps, s->spi_ps, true,
				  "UE client -> P-CSCF server" };
	out[1] = (struct sa_one){ s->ue, s->pcscf, s->port_us, s->port_pc, s->spi_pc, true,
				  "UE server -> P-CSCF client" };
	out[2] = (struct sa_one){ s->pcscf, s->ue, s->port_ps, s->port_uc, s->spi_uc, false,
				  "P-CSCF server -> UE client" };
	out[3] = (struct sa_one){ s->pcscf, s->ue, s->port_pc, s->port_us, s->spi_us, false,
				  "P-CSCF client -> UE server" };
}
