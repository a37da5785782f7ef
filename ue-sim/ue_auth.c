/* Answering a digest challenge as an IMS UE.
 *
 * Flow (TS 24.229 §5.1.1.5): decode the nonce into RAND ‖ AUTN (RFC 3310
 * §3.2), let the USIM check AUTN (TS 33.102 §6.3.3), then
 *   ok            -> response with RES as password (AKAv1) or the RFC 4169
 *                    password (AKAv2);
 *   sync failure  -> auts = base64(AUTS), response over an empty password
 *                    (RFC 3310 §3.4);
 *   MAC failure   -> response="" and no RES (TS 24.229 §5.1.1.5.3). */
#include "ue_auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "digest/auth_header.h"
#include "util/hex.h"
#include "util/str.h"

void ue_cfg_default(struct ue_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->alg = DIGEST_ALG_AKAV1_MD5;
	c->qop = DIGEST_QOP_AUTH;
	c->expires = UE_DEFAULT_EXPIRES;
	c->retry_after_max = UE_DEFAULT_RETRY_AFTER_MAX;
	usim_cfg_default(&c->usim);
}

const char *ue_answer_kind_name(enum ue_answer_kind k)
{
	switch (k) {
	case UE_ANS_RES: return "res";
	case UE_ANS_PASSWORD: return "password";
	case UE_ANS_AUTS: return "auts";
	case UE_ANS_MAC_FAILURE: return "mac-failure";
	}
	return "?";
}

static void copy_param(const struct auth_header *h, const char *name, char *dst, size_t n)
{
	const char *v = auth_param_get(h, name);

	str_copy(dst, n, v ? v : "");
}

int ue_challenge_parse(const char *value, struct ue_challenge *out)
{
	static struct auth_header h; /* 4 KiB+: keep it off small stacks; single-threaded */
	const char *stale;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = auth_header_parse(value, strlen(value), &h);
	if (rc < 0)
		return rc;
	if (strcasecmp(h.scheme, "Digest") != 0 || !auth_param_get(&h, "nonce"))
		return UE_E_NOTDIGEST;
	copy_param(&h, "realm", out->realm, sizeof(out->realm));
	copy_param(&h, "nonce", out->nonce, sizeof(out->nonce));
	copy_param(&h, "algorithm", out->algorithm, sizeof(out->algorithm));
	copy_param(&h, "qop", out->qop, sizeof(out->qop));
	copy_param(&h, "opaque", out->opaque, sizeof(out->opaque));
	stale = auth_param_get(&h, "stale");
	out->stale = stale && strcasecmp(stale, "true") == 0;
	return 0;
}

/* Is `tok` in the comma list `list` (RFC 2617 qop-options)? */
static bool qop_offered(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ' && *e != '\t')
			e++;
		if ((size_t)(e - p) == n && strncasecmp(p, tok, n) == 0)
			return true;
		p = e;
	}
	return false;
}

/* The UE's preference if offered, else auth, else auth-int, else none. */
static enum digest_qop qop_choose(const char *offered, enum digest_qop pref)
{
	if (!offered[0])
		return DIGEST_QOP_NONE;
	if (pref != DIGEST_QOP_NONE && qop_offered(offered, digest_qop_name(pref)))
		return pref;
	if (qop_offered(offered, "auth"))
		return DIGEST_QOP_AUTH;
	if (qop_offered(offered, "auth-int"))
		return DIGEST_QOP_AUTH_INT;
	return DIGEST_QOP_NONE;
}

/* The headers are built with util/str.h, not snprintf (issue 14: ≈ 40 % of
 * ue-sim load's instructions were printf's); every byte as before
 * (unit/test_ue_load compares the whole requests). */
int ue_auth_initial(const struct ue_cfg *cfg, const char *uri, char *out, size_t outsz)
{
	size_t n = 0;
	int rc = 0;

	if (!outsz)
		return -1;
	out[0] = '\0';
	rc |= str_append(out, outsz, &n, "Digest username=\"");
	rc |= str_append(out, outsz, &n, cfg->impi);
	rc |= str_append(out, outsz, &n, "\", realm=\"");
	rc |= str_append(out, outsz, &n, cfg->auth_realm ? cfg->auth_realm : cfg->realm);
	rc |= str_append(out, outsz, &n, "\", uri=\"");
	rc |= str_append(out, outsz, &n, uri);
	rc |= str_append(out, outsz, &n, "\", nonce=\"\", response=\"\"");
	return rc ? -1 : 0;
}

/* AUTN check and the password octets for the AKA algorithms. */
static int ans_aka(const struct ue_cfg *cfg, struct usim *u, const struct ue_challenge *ch,
		   const struct ue_answer_req *req, struct ue_answer *a)
{
	uint8_t auts[AKA_AUTS_LEN];

	if (nonce_decode(ch->nonce, strlen(ch->nonce), &a->nonce) < 0)
		return UE_E_NONCE;
	a->usim_rc = usim_authenticate(u, a->nonce.rand, a->nonce.autn, &a->usim);
	switch (a->usim_rc) {
	case AKA_OK:
		a->kind = UE_ANS_RES;
		if (req->corrupt_res)
			a->usim.res[0] ^= 0xff; /* fault: RES of another card */
		return digest_password(a->alg, NULL, a->usim.res, a->usim.res_len, a->usim.ik,
				       a->usim.ck, a->password, &a->password_len);
	case AKA_ESYNC:
		a->kind = UE_ANS_AUTS;
		memcpy(auts, a->usim.auts, sizeof(auts));
		b64_encode(auts, sizeof(auts), a->auts_b64);
		a->password_len = 0; /* RFC 3310 §3.4: empty password */
		return 0;
	case AKA_EMAC:
		a->kind = UE_ANS_MAC_FAILURE;
		return 0;
	default:
		(void)cfg;
		return a->usim_rc;
	}
}

static int ans_header(const struct ue_cfg *cfg, const struct ue_challenge *ch,
		      const struct ue_answer_req *req, struct ue_answer *a)
{
	const char *realm = cfg->auth_realm ? cfg->auth_realm : ch->realm;
	char *h = a->header;
	size_t sz = sizeof(a->header), n = 0;
	int rc = 0;

	h[0] = '\0';
	rc |= str_append(h, sz, &n, "Digest username=\"");
	rc |= str_append(h, sz, &n, cfg->impi);
	rc |= str_append(h, sz, &n, "\", realm=\"");
	rc |= str_append(h, sz, &n, realm);
	rc |= str_append(h, sz, &n, "\", nonce=\"");
	rc |= str_append(h, sz, &n, ch->nonce);
	rc |= str_append(h, sz, &n, "\", uri=\"");
	rc |= str_append(h, sz, &n, req->uri);
	rc |= str_append(h, sz, &n, "\", response=\"");
	if (a->kind != UE_ANS_MAC_FAILURE)
		rc |= str_append(h, sz, &n, a->digest.response);
	rc |= str_append(h, sz, &n, "\", algorithm=");
	rc |= str_append(h, sz, &n, digest_alg_name(a->alg));
	if (a->kind != UE_ANS_MAC_FAILURE && a->qop != DIGEST_QOP_NONE) {
		rc |= str_append(h, sz, &n, ", cnonce=\"");
		rc |= str_append(h, sz, &n, a->cnonce);
		rc |= str_append(h, sz, &n, "\", qop=");
		rc |= str_append(h, sz, &n, digest_qop_name(a->qop));
		rc |= str_append(h, sz, &n, ", nc=");
		rc |= str_append(h, sz, &n, a->nc);
	}
	if (ch->opaque[0]) {
		rc |= str_append(h, sz, &n, ", opaque=\"");
		rc |= str_append(h, sz, &n, ch->opaque);
		rc |= str_append(h, sz, &n, "\"");
	}
	if (a->kind == UE_ANS_AUTS) {
		rc |= str_append(h, sz, &n, ", auts=\"");
		rc |= str_append(h, sz, &n, a->auts_b64);
		rc |= str_append(h, sz, &n, "\"");
	}
	return rc ? -1 : 0;
}

/* nc (8 hex digits, RFC 2617 §3.2.2) and the cnonce of an answer. */
static void ans_nc_cnonce(const struct ue_answer_req *req, struct ue_answer *a)
{
	str_x64(a->nc, req->nc, 8);
	str_copy(a->cnonce, sizeof(a->cnonce), req->cnonce ? req->cnonce : "");
}

static int ans_digest(const struct ue_cfg *cfg, const struct ue_challenge *ch,
		      const struct ue_answer_req *req, struct ue_answer *a);

int ue_auth_answer(const struct ue_cfg *cfg, struct usim *u, const struct ue_challenge *ch,
		   const struct ue_answer_req *req, struct ue_answer *a)
{
	int alg = digest_alg_parse(ch->algorithm);
	int rc;

	memset(a, 0, sizeof(*a));
	if (alg < 0 || alg != (int)cfg->alg)
		return UE_E_ALG;
	a->alg = (enum digest_alg)alg;
	a->qop = qop_choose(ch->qop, cfg->qop);
	ans_nc_cnonce(req, a);
	a->usim_rc = AKA_OK;
	if (a->alg == DIGEST_ALG_MD5) {
		a->kind = UE_ANS_PASSWORD;
		rc = digest_password(a->alg, cfg->password ? cfg->password : "", NULL, 0, NULL,
				     NULL, a->password, &a->password_len);
		if (rc == 0 && req->corrupt_res && a->password_len)
			a->password[0] ^= 0x01;
	} else {
		rc = ans_aka(cfg, u, ch, req, a);
	}
	if (rc < 0)
		return rc;
	if (a->kind != UE_ANS_MAC_FAILURE) {
		rc = ans_digest(cfg, ch, req, a);
		if (rc < 0)
			return rc;
	}
	return ans_header(cfg, ch, req, a);
}

static int ans_digest(const struct ue_cfg *cfg, const struct ue_challenge *ch,
		      const struct ue_answer_req *req, struct ue_answer *a)
{
	struct digest_input in = {
		.username = cfg->impi, .realm = cfg->auth_realm ? cfg->auth_realm : ch->realm,
		.nonce = ch->nonce, .uri = req->uri, .method = req->method, .qop = a->qop,
		.nc = a->nc, .cnonce = a->cnonce, .body = req->body, .body_len = req->body_len,
	};
	if (req->ha2)
		return digest_compute_ha2(&in, a->password, a->password_len, req->ha2, &a->digest);
	return digest_compute(&in, a->password, a->password_len, &a->digest);
}

int ue_auth_reanswer(const struct ue_cfg *cfg, const struct ue_challenge *ch,
		     const struct ue_answer_req *req, const struct ue_answer *prev,
		     struct ue_answer *a)
{
	int rc;

	if (prev->kind != UE_ANS_RES && prev->kind != UE_ANS_PASSWORD)
		return UE_E_NOANSWER;
	if (a != prev)
		*a = *prev;
	ans_nc_cnonce(req, a);
	rc = ans_digest(cfg, ch, req, a);
	if (rc < 0)
		return rc;
	return ans_header(cfg, ch, req, a);
}
