/* The 401 challenge and the response check (see challenge.h). */
#include "challenge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aka/aka.h"
#include "util/ct.h"
#include "util/str.h"
#include "util/hex.h"

int challenge_build(const struct challenge_params *p, char *out, size_t outsz)
{
	char ck[33], ik[33];
	size_t n = 0;
	int cut = 0;

	if (!outsz)
		return -ENOSPC;
	/* str_append, not snprintf: ≈ 0.5 k instructions a call (issue 14) */
	cut |= str_append(out, outsz, &n, "Digest realm=\"");
	cut |= str_append(out, outsz, &n, p->realm);
	cut |= str_append(out, outsz, &n, "\", nonce=\"");
	cut |= str_append(out, outsz, &n, p->nonce);
	cut |= str_append(out, outsz, &n, "\", algorithm=");
	cut |= str_append(out, outsz, &n, digest_alg_name(p->alg));
	if (p->qop && *p->qop) {
		cut |= str_append(out, outsz, &n, ", qop=\"");
		cut |= str_append(out, outsz, &n, p->qop);
		cut |= str_append(out, outsz, &n, "\"");
	}
	/* ck/ik in the 401 as Kamailio's S-CSCF sends them: the P-CSCF takes
	 * them out before the UE sees it (TS 33.203 §7.1). The caller decides
	 * whether there is a P-CSCF (reg_cx.c). */
	if (p->alg != DIGEST_ALG_MD5 && p->ck && p->ik) {
		hex_encode(p->ck, 16, ck);
		hex_encode(p->ik, 16, ik);
		cut |= str_append(out, outsz, &n, ", ck=\"");
		cut |= str_append(out, outsz, &n, ck);
		cut |= str_append(out, outsz, &n, "\", ik=\"");
		cut |= str_append(out, outsz, &n, ik);
		cut |= str_append(out, outsz, &n, "\"");
	}
	if (p->stale)
		cut |= str_append(out, outsz, &n, ", stale=true");
	return cut ? -ENOSPC : (int)n;
}

int challenge_nonce(const uint8_t *sip_authenticate, size_t len, char *out, size_t outsz)
{
	uint8_t rnd[24];

	if (!sip_authenticate) {
		if (aka_random(rnd, sizeof(rnd)))
			return -EIO;
		sip_authenticate = rnd;
		len = sizeof(rnd);
	}
	if (len < 1 || 4 * ((len + 2) / 3) + 1 > outsz)
		return -ENOSPC;
	return (int)b64_encode(sip_authenticate, len, out);
}

const char *chk_strerror(int r)
{
	static const char *const names[] = {
		"ok", "missing parameter", "username mismatch", "realm mismatch",
		"nonce mismatch", "uri mismatch", "bad qop", "bad nc/cnonce",
		"nc replayed", "algorithm mismatch", "wrong response",
	};
	int i = r == CHK_OK ? 0 : ERR_IN(r, ERR_BASE_CHK) ? -r - ERR_BASE_CHK : -1;

	return i >= 0 && i < (int)(sizeof(names) / sizeof(names[0])) ? names[i] : "?";
}

/* host[:port] of a sip:/sips: URI into out; false if it is not one. */
static bool uri_hostport(const char *uri, char *out, size_t outsz)
{
	const char *p, *at, *end;

	if (!strncasecmp(uri, "sip:", 4))
		p = uri + 4;
	else if (!strncasecmp(uri, "sips:", 5))
		p = uri + 5;
	else
		return false;
	end = p + strcspn(p, ";?>");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	if (end == p || (size_t)(end - p) >= outsz)
		return false;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return true;
}

/* Host without the port (keeps [v6] brackets). */
static void strip_port(char *hp)
{
	char *c = hp[0] == '[' ? strchr(hp, ']') : hp;

	if (c && (c = strchr(c, ':')))
		*c = '\0';
}

bool challenge_uri_ok(const char *duri, const char *ruri, const char *realm,
		      const char *const *local_hosts, size_t n)
{
	char dh[256], rh[256];

	if (ruri && !strcasecmp(duri, ruri))
		return true;
	if (!uri_hostport(duri, dh, sizeof(dh)))
		return false;
	if (ruri && uri_hostport(ruri, rh, sizeof(rh)) && !strcasecmp(dh, rh))
		return true;
	strip_port(dh);
	if (realm && !strcasecmp(dh, realm))
		return true;
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(dh, local_hosts[i]))
			return true;
	return false;
}

/* Is `qop` one of the comma-separated tokens of `offered`? */
static bool qop_offered(const char *offered, const char *qop)
{
	size_t ql = strlen(qop);

	for (const char *p = offered; p && *p;) {
		size_t l = strcspn(p, ",");
		const char *t = p;
		while (*t == ' ' && l)
			t++, l--;
		while (l && t[l - 1] == ' ')
			l--;
		if (l == ql && !strncasecmp(t, qop, l))
			return true;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return false;
}

static int parse_nc(const char *nc, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!nc || strlen(nc) != 8 || strspn(nc, "0123456789abcdefABCDEF") != 8)
		return -1;
	v = strtoul(nc, &end, 16);
	*out = (uint32_t)v;
	return 0;
}

/* SIP Digest with an HA1 from the HSS (TS 29.229 §6.3.36): the password is
 * never known here, so the RFC 2617 response is built from HA1 directly. */
static int response_from_ha1(const struct digest_input *di, const char *ha1,
			     char out[DIGEST_HEX_LEN])
{
	struct digest_result r;

	if (digest_compute_ha1(di, ha1, &r))
		return -1;
	memcpy(out, r.response, DIGEST_HEX_LEN);
	return 0;
}

/* The expected response for entry v. */
static int expected_response(const struct check_input *in, const struct digest_input *di,
			     const struct vec_entry *v, char out[DIGEST_HEX_LEN])
{
	struct digest_result r;
	uint8_t pw[64];
	size_t pwlen = 0;
	int rc;

	if (v->alg == DIGEST_ALG_MD5 && !in->empty_password)
		return response_from_ha1(di, v->ha1, out);
	if (!in->empty_password &&
	    digest_password(v->alg, NULL, v->xres, v->xres_len, v->ik, v->ck, pw, &pwlen))
		return -1;
	rc = digest_compute(di, pw, pwlen, &r);
	memset(pw, 0, sizeof(pw));
	if (rc)
		return -1;
	memcpy(out, r.response, DIGEST_HEX_LEN);
	memset(&r, 0, sizeof(r));
	return 0;
}

/* Fills di from the header; CHK_* on a structural problem. */
static int gather(const struct check_input *in, const struct vec_entry *v,
		  struct digest_input *di, uint32_t *nc)
{
	const struct auth_header *h = in->h;
	const char *qop = auth_param_get(h, "qop");
	int q;

	*di = (struct digest_input){
		.username = auth_param_get(h, "username"),
		.realm = auth_param_get(h, "realm"),
		.nonce = auth_param_get(h, "nonce"),
		.uri = auth_param_get(h, "uri"),
		.method = in->method,
		.nc = auth_param_get(h, "nc"),
		.cnonce = auth_param_get(h, "cnonce"),
		.body = in->body,
		.body_len = in->body_len,
	};
	if (!di->username || !di->realm || !di->nonce || !di->uri ||
	    !auth_param_get(h, "response"))
		return CHK_EMISSING;
	if (strcmp(di->username, v->impi))
		return CHK_EUSERNAME;
	if (strcasecmp(di->realm, in->realm))
		return CHK_EREALM;
	if (strcmp(di->nonce, v->nonce))
		return CHK_ENONCE;
	if (!challenge_uri_ok(di->uri, in->request_uri, in->realm, in->local_hosts,
			      in->n_local_hosts))
		return CHK_EURI;
	q = digest_qop_parse(qop);
	if (q < 0 || (in->qop_offered && *in->qop_offered
			      ? q == DIGEST_QOP_NONE || !qop_offered(in->qop_offered, qop)
			      : q != DIGEST_QOP_NONE))
		return CHK_EQOP;
	di->qop = (enum digest_qop)q;
	*nc = 0;
	if (q != DIGEST_QOP_NONE && (parse_nc(di->nc, nc) || !di->cnonce || !*di->cnonce))
		return CHK_ENC;
	return CHK_OK;
}

/* Lower-cased copy of a response (hex may arrive in upper case). false
 * when it is not 32 characters: such a response can never match. */
static bool lower32(const char *s, char out[DIGEST_HEX_LEN])
{
	size_t i;

	if (!s || strlen(s) != DIGEST_HEX_LEN - 1)
		return false;
	for (i = 0; i < DIGEST_HEX_LEN - 1; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'F') ? (char)(s[i] + 32) : s[i];
	out[i] = '\0';
	return true;
}

int challenge_check(const struct check_input *in, struct vec_entry *v)
{
	struct digest_input di;
	char want[DIGEST_HEX_LEN], got[DIGEST_HEX_LEN];
	const char *alg;
	uint32_t nc;
	int rc = gather(in, v, &di, &nc);

	if (rc)
		return rc;
	/* RFC 2617 §3.2.2: the same nc twice is a replay. Without qop there
	 * is no nc, so such a nonce is good for one use only. */
	if (di.qop != DIGEST_QOP_NONE ? nc <= v->last_nc : v->last_nc != 0)
		return CHK_EREPLAY;
	alg = auth_param_get(in->h, "algorithm");
	if (alg && *alg && digest_alg_parse(alg) != (int)v->alg)
		return CHK_EALG;
	/* A failed computation (OpenSSL) only ever rejects. */
	if (!lower32(auth_param_get(in->h, "response"), got) ||
	    expected_response(in, &di, v, want) || strlen(want) != DIGEST_HEX_LEN - 1 ||
	    !ct_streq(want, got))
		return CHK_ERESPONSE;
	v->last_nc = di.qop != DIGEST_QOP_NONE ? nc : 1;
	return CHK_OK;
}
