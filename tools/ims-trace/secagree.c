#include "secagree.h"
#include "sip_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void parse_one(const char *e, struct sec_mech *m)
{
	char v[32];

	memset(m, 0, sizeof(*m));
	while (*e == ' ' || *e == '\t')
		e++;
	size_t ml = strcspn(e, "; \t");
	snprintf(m->mech, sizeof(m->mech), "%.*s", (int)ml, e);
	sip_hdr_param(e, "alg", m->alg, sizeof(m->alg));
	sip_hdr_param(e, "ealg", m->ealg, sizeof(m->ealg));
	if (sip_hdr_param(e, "spi-c", v, sizeof(v)))
		m->spi_c = (uint32_t)strtoul(v, NULL, 10), m->have_spi = true;
	if (sip_hdr_param(e, "spi-s", v, sizeof(v)))
		m->spi_s = (uint32_t)strtoul(v, NULL, 10), m->have_spi = true;
	if (sip_hdr_param(e, "port-c", v, sizeof(v)))
		m->port_c = (uint16_t)strtoul(v, NULL, 10), m->have_port = true;
	if (sip_hdr_param(e, "port-s", v, sizeof(v)))
		m->port_s = (uint16_t)strtoul(v, NULL, 10), m->have_port = true;
	m->q1000 = sip_hdr_param(e, "q", v, sizeof(v)) ? (int)(strtod(v, NULL) * 1000 + 0.5) : -1;
}

size_t secagree_get(const struct sip_msg *s, const char *name, struct sec_mech *out,
		    size_t max)
{
	const char *hv;
	size_t n = 0;

	for (size_t i = 0; n < max && (hv = sip_hdr_nth(s, name, i)); i++) {
		char buf[1024];
		snprintf(buf, sizeof(buf), "%s", hv);
		/* comma-separated mechanisms (RFC 3329 §2.2); no quoted commas in them */
		for (char *save, *e = strtok_r(buf, ",", &save); e && n < max;
		     e = strtok_r(NULL, ",", &save))
			parse_one(e, &out[n++]);
	}
	return n;
}

int secagree_choose(const struct sec_mech *m, size_t n)
{
	int best = -1;

	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(m[i].mech, "ipsec-3gpp") && (best < 0 || m[i].q1000 > m[best].q1000))
			best = (int)i;
	return best;
}

void secagree_text(const struct sec_mech *m, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s alg=%s ealg=%s spi-c=%u spi-s=%u port-c=%u port-s=%u", m->mech,
		 m->alg[0] ? m->alg : "-", m->ealg[0] ? m->ealg : "null(absent)", m->spi_c,
		 m->spi_s, m->port_c, m->port_s);
}

bool secagree_same(const struct sec_mech *s, size_t ns, const struct sec_mech *v, size_t nv,
		   char *why, size_t whysz)
{
	if (ns != nv) {
		snprintf(why, whysz, "%zu mechanism%s in Security-Verify, %zu in Security-Server",
			 nv, nv == 1 ? "" : "s", ns);
		return false;
	}
	for (size_t i = 0; i < ns; i++) {
		const struct sec_mech *a = &s[i], *b = &v[i];
		const char *what = strcasecmp(a->mech, b->mech) ? "mechanism"
			: strcasecmp(a->alg, b->alg) ? "alg"
			: strcasecmp(a->ealg, b->ealg) ? "ealg"
			: a->spi_c != b->spi_c ? "spi-c" : a->spi_s != b->spi_s ? "spi-s"
			: a->port_c != b->port_c ? "port-c" : a->port_s != b->port_s ? "port-s"
			: a->q1000 != b->q1000 ? "q" : NULL;
		if (what) {
			char x[160], y[160];
			secagree_text(a, x, sizeof(x));
			secagree_text(b, y, sizeof(y));
			snprintf(why, whysz, "%s differs in mechanism %zu: Security-Server \"%s\", "
				 "Security-Verify \"%s\"", what, i + 1, x, y);
			return false;
		}
	}
	return true;
}
