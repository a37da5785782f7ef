/* Cx (TS 29.228 procedures, TS 29.229 messages): MAR, UAR, SAR and LIR as
 * pure handlers, request + store -> answer (hss/app.h). The RTR side is in
 * cx_rtr.c; the XML of User-Data in user_data.c.
 *
 * Every handler has the same shape: parse the few AVPs it needs, compute
 * an outcome (0, a 3GPP success code, or a CX_E_* error — cx.h) in small
 * steps, then write the answer once: the common head (answer.h) with the
 * outcome mapped by cx_outcomes[], the command's own AVPs on success, and
 * Failed-AVP naming the AVP a 5004 blames.
 *
 * SQN: MAR advances the subscriber's SQN in the store inside the core's
 * loop-turn transaction; the core sends the answer only after the commit
 * (group commit, see the design note in db.c). */
#include "cx.h"
#include "auc.h"

#include <stdio.h>
#include <string.h>

#include "digest/digest.h"
#include "out_queue.h"
#include "user_data.h"
#include "util/hex.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP
/* Upper bound for SIP-Number-Auth-Items whatever the configuration says. */
#define CX_VECTORS_MAX 32
#define CX_USER_DATA_MAX 16384

/* ---- outcome -> answer ------------------------------------------------------ */
/* TS 29.229 §6.2 result codes (and the base ones Cx uses) for each outcome. */
const struct hss_outcome_map cx_outcomes[] = {
	{ 0, DIAM_SUCCESS, false, "DIAMETER_SUCCESS" },
	{ CX_FIRST_REGISTRATION, CX_FIRST_REGISTRATION, true, "DIAMETER_FIRST_REGISTRATION" },
	{ CX_SUBSEQUENT_REGISTRATION, CX_SUBSEQUENT_REGISTRATION, true,
	  "DIAMETER_SUBSEQUENT_REGISTRATION" },
	{ CX_UNREGISTERED_SERVICE, CX_UNREGISTERED_SERVICE, true, "DIAMETER_UNREGISTERED_SERVICE" },
	{ CX_SUCCESS_SERVER_NAME_NOT_STORED, CX_SUCCESS_SERVER_NAME_NOT_STORED, true,
	  "DIAMETER_SUCCESS_SERVER_NAME_NOT_STORED" },
	{ CX_E_USER_UNKNOWN, CX_ERROR_USER_UNKNOWN, true, "DIAMETER_ERROR_USER_UNKNOWN" },
	{ CX_E_IDENTITIES, CX_ERROR_IDENTITIES_DONT_MATCH, true,
	  "DIAMETER_ERROR_IDENTITIES_DONT_MATCH" },
	{ CX_E_NOT_REGISTERED, CX_ERROR_IDENTITY_NOT_REGISTERED, true,
	  "DIAMETER_ERROR_IDENTITY_NOT_REGISTERED" },
	{ CX_E_SCHEME, CX_ERROR_AUTH_SCHEME_NOT_SUPPORTED, true,
	  "DIAMETER_ERROR_AUTH_SCHEME_NOT_SUPPORTED" },
	{ CX_E_ASSIGNMENT, CX_ERROR_IN_ASSIGNMENT_TYPE, true, "DIAMETER_ERROR_IN_ASSIGNMENT_TYPE" },
	{ CX_E_TOO_MUCH_DATA, CX_ERROR_TOO_MUCH_DATA, true, "DIAMETER_ERROR_TOO_MUCH_DATA" },
	{ CX_E_AUTH_REJECTED, DIAM_AUTHENTICATION_REJECTED, false,
	  "DIAMETER_AUTHENTICATION_REJECTED" },
	{ CX_E_BARRED, DIAM_AUTHORIZATION_REJECTED, false, "DIAMETER_AUTHORIZATION_REJECTED" },
	{ CX_E_INVALID, DIAM_INVALID_AVP_VALUE, false, "DIAMETER_INVALID_AVP_VALUE" },
	{ 0, 0, false, NULL },
};

static void answer_head(const struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w,
			int outcome)
{
	hss_answer_head(w, ctx, req, DIAM_APP_CX, cx_outcomes, outcome);
}

static int answer_finish(struct diam_wr *w, const char *cmd, int outcome,
			 const struct hss_failed *bad, const char *who)
{
	return hss_answer_finish(w, cx_outcomes, outcome, bad, cmd, who);
}

/* ---- request helpers ---------------------------------------------------------- */
/* A string AVP into buf ("" when absent). CX_E_INVALID when it does not
 * fit or holds a NUL; *bad (may be NULL) then names it for Failed-AVP. */
static int avp_str(const struct diam_avp *a, char *buf, size_t sz, struct hss_failed *bad)
{
	buf[0] = '\0';
	if (!a->raw)
		return 0;
	if (diam_avp_str(a, buf, sz) == 0)
		return 0;
	buf[0] = '\0';
	if (bad)
		hss_failed_set(bad, a, NULL);
	return CX_E_INVALID;
}

/* avp_str() over the first (code, vendor) at top level. */
static int req_str(const struct diam_msg *m, uint32_t code, uint32_t vendor, char *buf, size_t sz,
		   struct hss_failed *bad)
{
	struct diam_avp a = { 0 };

	if (diam_msg_find(m, code, vendor, &a))
		a.raw = NULL;
	return avp_str(&a, buf, sz, bad);
}

/* The requester's identity, recorded with the S-CSCF name so that an RTR
 * can later be addressed (Destination-Host/-Realm) to that S-CSCF. */
struct origin {
	char host[DB_ID_MAX], realm[DB_ID_MAX];
};

static void req_origin(const struct hss_ctx *ctx, const struct diam_msg *req, struct origin *o)
{
	if (req_str(req, AVP_ORIGIN_HOST, 0, o->host, sizeof(o->host), NULL) || !o->host[0])
		snprintf(o->host, sizeof(o->host), "%s", ctx->peer_host ? ctx->peer_host : "");
	if (req_str(req, AVP_ORIGIN_REALM, 0, o->realm, sizeof(o->realm), NULL))
		o->realm[0] = '\0';
}

/* Resolves IMPI and/or IMPU ("" = not given) to the subscriber and IMPU.
 * TS 29.228 §6.1.1.1/6.3.1: unknown -> 5001, not associated -> 5002.
 * Without an IMPU, *u is the subscriber's first IMPU. */
static int first_impu(void *arg, const struct db_impu *u)
{
	*(struct db_impu *)arg = *u;
	((struct db_impu *)arg)->ifc_xml = NULL;
	return 1;
}

typedef int (*ident_fn)(struct db *db, const char *uri, struct db_sub *s, struct db_impu *u);

static int identify_by(struct db *db, ident_fn by_impu, const char *impi, const char *impu,
		       struct db_sub *s, struct db_impu *u)
{
	int ret;

	if (!*impu) {
		if (!*impi)
			return CX_E_USER_UNKNOWN;
		ret = db_sub_by_impi(db, impi, s);
		if (ret)
			return ret == -ENOENT ? CX_E_USER_UNKNOWN : -EIO;
		return db_impu_foreach(db, s->id, first_impu, u) == 1 ? 0 : CX_E_USER_UNKNOWN;
	}
	ret = by_impu(db, impu, s, u);
	if (ret)
		return ret == -ENOENT ? CX_E_USER_UNKNOWN : -EIO;
	if (!*impi || !strcmp(s->impi, impi))
		return 0;
	/* The IMPU belongs to another IMPI: 5002 if this IMPI exists at all. */
	ret = db_sub_by_impi(db, impi, s);
	return ret == -ENOENT ? CX_E_USER_UNKNOWN : ret ? -EIO : CX_E_IDENTITIES;
}

static int identify(struct db *db, const char *impi, const char *impu, struct db_sub *s,
		    struct db_impu *u)
{
	return identify_by(db, db_ident_by_impu, impi, impu, s, u);
}

/* ---- MAR / MAA (TS 29.228 §6.3, TS 29.229 §6.1.7-6.1.8) ------------------------ */
enum scheme_kind { SCHEME_AKA, SCHEME_DIGEST };

/* The top-level AVPs a MAR reads, found in one walk over the request
 * (the core validated its framing); the first occurrence of each, as
 * diam_msg_find would return. */
enum { MA_USER, MA_IMPU, MA_SERVER, MA_NITEMS, MA_ITEM, MA_OHOST, MA_OREALM, MA_COUNT };
static const struct { uint32_t code, vendor; } mar_wanted[MA_COUNT] = {
	[MA_USER] = { AVP_USER_NAME, 0 },
	[MA_IMPU] = { AVP_CX_PUBLIC_IDENTITY, V3 },
	[MA_SERVER] = { AVP_CX_SERVER_NAME, V3 },
	[MA_NITEMS] = { AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3 },
	[MA_ITEM] = { AVP_CX_SIP_AUTH_DATA_ITEM, V3 },
	[MA_OHOST] = { AVP_ORIGIN_HOST, 0 },
	[MA_OREALM] = { AVP_ORIGIN_REALM, 0 },
};

struct mar_req {
	struct diam_avp avp[MA_COUNT];
	bool has[MA_COUNT];
	char impi[DB_ID_MAX], impu[DB_ID_MAX], server[DB_ID_MAX];
	char scheme[DB_SCHEME_MAX + 16];
	uint32_t n;
	const uint8_t *authz; /* SIP-Authorization of the item: RAND ‖ AUTS */
	size_t authz_len;
	struct diam_avp authz_avp;
	struct hss_failed bad; /* the AVP a 5004 blames */
};

static void mar_collect(const struct diam_msg *req, struct mar_req *m)
{
	struct diam_iter it;
	struct diam_avp a;

	diam_iter_msg(&it, req);
	while (diam_iter_next(&it, &a) == 1)
		for (int i = 0; i < MA_COUNT; i++)
			if (a.code == mar_wanted[i].code && a.vendor == mar_wanted[i].vendor) {
				if (!m->has[i])
					m->avp[i] = a;
				m->has[i] = true;
				break;
			}
}

/* avp_str() over a collected AVP. */
static int mar_str(struct mar_req *m, int which, char *buf, size_t sz)
{
	struct diam_avp none = { 0 };

	return avp_str(m->has[which] ? &m->avp[which] : &none, buf, sz, &m->bad);
}

/* req_origin() over the collected AVPs. */
static void mar_origin(const struct hss_ctx *ctx, const struct mar_req *m, struct origin *o)
{
	struct diam_avp none = { 0 };

	if (avp_str(m->has[MA_OHOST] ? &m->avp[MA_OHOST] : &none, o->host, sizeof(o->host), NULL) ||
	    !o->host[0])
		snprintf(o->host, sizeof(o->host), "%s", ctx->peer_host ? ctx->peer_host : "");
	if (avp_str(m->has[MA_OREALM] ? &m->avp[MA_OREALM] : &none, o->realm, sizeof(o->realm),
		    NULL))
		o->realm[0] = '\0';
}

static int mar_parse(const struct diam_msg *req, struct mar_req *m)
{
	struct diam_avp a;
	const struct diam_avp *item = &m->avp[MA_ITEM];
	int ret;

	mar_collect(req, m);
	ret = mar_str(m, MA_USER, m->impi, sizeof(m->impi));
	if (!ret)
		ret = mar_str(m, MA_IMPU, m->impu, sizeof(m->impu));
	if (!ret)
		ret = mar_str(m, MA_SERVER, m->server, sizeof(m->server));
	if (ret)
		return ret;
	if (!m->has[MA_NITEMS] || diam_avp_u32(&m->avp[MA_NITEMS], &m->n))
		m->n = 1;
	if (!m->has[MA_ITEM])
		return 0; /* no item: scheme "Unknown" */
	if (diam_group_find(item, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, &a) == 0 &&
	    diam_avp_str(&a, m->scheme, sizeof(m->scheme)))
		return CX_E_SCHEME;
	if (diam_group_find(item, AVP_CX_SIP_AUTHORIZATION, V3, &a) == 0) {
		m->authz = a.data;
		m->authz_len = a.len;
		m->authz_avp = a;
	}
	return 0;
}

/* TS 29.228 §6.3.1: "Unknown" (or no scheme) means the subscriber's own;
 * AKAv2 uses the same vector as AKAv1 (RFC 4169 changes only the UE's and
 * S-CSCF's password derivation); SIP Digest needs a password. */
static int mar_scheme(const struct db_sub *s, const char *asked, const char **name,
		      enum scheme_kind *kind)
{
	static const struct { const char *name; enum scheme_kind kind; } tab[] = {
		{CX_SCHEME_AKAV1, SCHEME_AKA},
		{CX_SCHEME_AKAV2, SCHEME_AKA},
		{CX_SCHEME_DIGEST, SCHEME_DIGEST},
	};
	const char *want = !*asked || !strcmp(asked, CX_SCHEME_UNKNOWN) ? s->auth_scheme : asked;

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(want, tab[i].name))
			continue;
		if (tab[i].kind == SCHEME_DIGEST && !s->has_password)
			return CX_E_SCHEME;
		*name = tab[i].name;
		*kind = tab[i].kind;
		return 0;
	}
	return CX_E_SCHEME;
}

/* Resync (TS 33.102 §6.3.5, auc.c): SIP-Authorization = RAND ‖ AUTS. A bad
 * MAC-S leaves the SQN alone and is answered 4001; a SIP-Authorization of
 * the wrong size is 5004 with it (inside its item) as Failed-AVP. */
static int mar_resync(struct db_sub *s, struct mar_req *m)
{
	int ret = auc_resync(s, s->impi, m->authz, m->authz_len);

	if (ret == -EINVAL)
		hss_failed_set(&m->bad, &m->authz_avp, &m->avp[MA_ITEM]);
	return ret == -EINVAL ? CX_E_INVALID : ret ? CX_E_AUTH_REJECTED : 0;
}

/* n distinct vectors, each with its own SQN (auc.c) and its own RAND; the
 * final SQN is written to the store. */
static int mar_vectors(struct db *db, struct db_sub *s, unsigned n, struct aka_vector *v)
{
	uint64_t sqns[CX_VECTORS_MAX];
	int ret = auc_take_sqns(db, s, n, sqns);

	for (unsigned i = 0; !ret && i < n; i++)
		if (aka_vector_make(&s->keys, sqns[i], s->amf, &v[i]) != AKA_OK)
			ret = -EIO;
	return ret;
}

/* TS 29.228 §6.3.1: the HSS stores the S-CSCF name (with the Origin-Host
 * and -Realm we need for RTR) when it differs; the registration state is
 * not changed by authentication. */
static int record_server(struct db *db, const struct db_impu *u, const char *server,
			 const struct origin *o)
{
	if (!*server || (!strcmp(u->scscf_name, server) && !strcmp(u->scscf_host, o->host)))
		return 0;
	return db_reg_set(db, u->id, u->state, server, o->host, o->realm) ? -EIO : 0;
}

static void put_aka_item(struct diam_wr *w, unsigned i, const char *scheme,
			 const struct aka_vector *v)
{
	uint8_t rand_autn[AKA_RAND_LEN + AKA_AUTN_LEN];

	memcpy(rand_autn, v->rand, AKA_RAND_LEN);
	memcpy(rand_autn + AKA_RAND_LEN, v->autn, AKA_AUTN_LEN);
	diam_group_begin(w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_u32(w, AVP_CX_SIP_ITEM_NUMBER, V3, i);
	diam_put_str(w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, scheme);
	diam_put_octets(w, AVP_CX_SIP_AUTHENTICATE, V3, rand_autn, sizeof(rand_autn));
	diam_put_octets(w, AVP_CX_SIP_AUTHORIZATION, V3, v->xres, v->xres_len);
	diam_put_octets(w, AVP_CX_CONFIDENTIALITY_KEY, V3, v->ck, AKA_CK_LEN);
	diam_put_octets(w, AVP_CX_INTEGRITY_KEY, V3, v->ik, AKA_IK_LEN);
	diam_group_end(w);
}

/* SIP Digest (TS 29.229 §6.3.36): HA1 = MD5(IMPI ":" realm ":" password)
 * (RFC 2617 §3.2.2.2); the realm is the IMPI's domain. */
static int put_digest_item(struct diam_wr *w, const struct hss_ctx *ctx, const struct db_sub *s)
{
	const char *at = strchr(s->impi, '@');
	const char *realm = at && at[1] ? at + 1 : ctx->id.origin_realm;
	char ha1[DIGEST_HEX_LEN];

	if (digest_ha1(s->impi, realm, (const uint8_t *)s->password, strlen(s->password), ha1))
		return -EIO;
	diam_group_begin(w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_u32(w, AVP_CX_SIP_ITEM_NUMBER, V3, 1);
	diam_put_str(w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, CX_SCHEME_DIGEST);
	diam_group_begin(w, AVP_CX_SIP_DIGEST_AUTHENTICATE, V3);
	diam_put_str(w, AVP_DIGEST_REALM, 0, realm);
	diam_put_str(w, AVP_DIGEST_ALGORITHM, 0, "MD5");
	diam_put_str(w, AVP_DIGEST_QOP, 0, "auth");
	diam_put_str(w, AVP_DIGEST_HA1, 0, ha1);
	diam_group_end(w);
	diam_group_end(w);
	return 0;
}

static unsigned mar_count(const struct hss_ctx *ctx, uint32_t asked)
{
	unsigned cap = ctx->max_vectors ? ctx->max_vectors : 1;

	if (cap > CX_VECTORS_MAX)
		cap = CX_VECTORS_MAX;
	return asked < 1 ? 1 : asked > cap ? cap : asked;
}

static int cx_mar(struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w)
{
	struct mar_req m = {0};
	struct db_sub s;
	struct db_impu u;
	struct origin o;
	struct aka_vector v[CX_VECTORS_MAX];
	const char *scheme = NULL;
	enum scheme_kind kind = SCHEME_AKA;
	unsigned n = 0;
	int out = mar_parse(req, &m);

	mar_origin(ctx, &m, &o);
	/* TS 29.228 §6.3.1: both identities must exist; an empty one names
	 * no one (identify_by would take "" as not given). Then only what
	 * authentication needs, usually from memory (db.h). */
	if (!out)
		out = !m.impi[0] || !m.impu[0]
			      ? CX_E_USER_UNKNOWN
			      : identify_by(ctx->db, db_ident_auth, m.impi, m.impu, &s, &u);
	if (!out)
		out = mar_scheme(&s, m.scheme, &scheme, &kind);
	/* db_ident_auth leaves the password out: SIP Digest reads it here. */
	if (!out && kind == SCHEME_DIGEST && db_sub_by_id(ctx->db, s.id, &s))
		out = -EIO;
	if (!out && kind == SCHEME_AKA && m.authz)
		out = mar_resync(&s, &m);
	if (!out)
		out = record_server(ctx->db, &u, m.server, &o);
	if (!out && kind == SCHEME_AKA) {
		n = mar_count(ctx, m.n);
		out = mar_vectors(ctx->db, &s, n, v);
	}
	if (!out && kind == SCHEME_DIGEST)
		n = 1;

	answer_head(ctx, req, w, out);
	/* Kamailio reads the identities from the answer, errors included. */
	if (m.has[MA_USER])
		diam_put_raw_avp(w, &m.avp[MA_USER]);
	if (m.has[MA_IMPU])
		diam_put_raw_avp(w, &m.avp[MA_IMPU]);
	if (!out) {
		diam_put_u32(w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, n);
		if (kind == SCHEME_AKA)
			for (unsigned i = 0; i < n; i++)
				put_aka_item(w, i + 1, scheme, &v[i]);
		else if (put_digest_item(w, ctx, &s))
			return -EIO;
	}
	return answer_finish(w, "MAR", out, &m.bad, m.impi);
}

/* ---- UAR / UAA (TS 29.228 §6.1.1, TS 29.229 §6.1.1-6.1.2) ----------------------- */
enum { UAT_REGISTRATION = 0, UAT_DE_REGISTRATION = 1, UAT_REGISTRATION_AND_CAPABILITIES = 2 };

static int not_barred(void *arg, const struct db_impu *u)
{
	(void)arg;
	return u->barred ? 0 : 1;
}

/* §6.1.1.1: if every IMPU of the subscription is barred, the
 * registration is not authorised. */
static int uar_barring(struct db *db, const struct db_sub *s, const struct db_impu *u)
{
	if (!u->barred)
		return 0;
	return db_impu_foreach(db, s->id, not_barred, NULL) == 1 ? 0 : CX_E_BARRED;
}

/* §6.1.1.1 step 4: the answer depends on the authorisation type and the
 * IMPU's state. *name gets the S-CSCF to return ("" = send capabilities).
 * An unknown type is 5004 (the caller names the AVP). */
static int uar_decide(const struct db_impu *u, uint32_t type, const char **name)
{
	bool assigned = u->state != DB_REG_NOT_REGISTERED && u->scscf_name[0];

	*name = "";
	switch (type) {
	case UAT_DE_REGISTRATION:
		if (!assigned)
			return CX_E_NOT_REGISTERED;
		*name = u->scscf_name;
		return 0;
	case UAT_REGISTRATION_AND_CAPABILITIES:
		return CX_FIRST_REGISTRATION; /* the I-CSCF wants to pick anew */
	case UAT_REGISTRATION:
		*name = u->scscf_name;
		if (u->state == DB_REG_REGISTERED)
			return CX_SUBSEQUENT_REGISTRATION;
		if (u->state == DB_REG_UNREGISTERED)
			return CX_UNREGISTERED_SERVICE;
		return CX_FIRST_REGISTRATION; /* name stored (auth pending) or capabilities */
	default:
		return CX_E_INVALID;
	}
}

static void put_server(struct diam_wr *w, const char *name)
{
	if (*name) {
		diam_put_str(w, AVP_CX_SERVER_NAME, V3, name);
		return;
	}
	/* No S-CSCF assigned: Server-Capabilities. This HSS provisions no
	 * capabilities, so none is mandatory and every S-CSCF qualifies. The
	 * group is not left empty: a real I-CSCF (Kamailio's cdp) drops a whole
	 * message holding an AVP without payload, so an empty group never got
	 * past it. One Optional-Capability 0 (capabilities are operator-numbered,
	 * optional ones only rank S-CSCFs) keeps the meaning and parses
	 * everywhere (TS 29.229 §6.3.3-§6.3.5). */
	diam_group_begin(w, AVP_CX_SERVER_CAPABILITIES, V3);
	diam_put_u32(w, AVP_CX_OPTIONAL_CAPABILITY, V3, 0);
	diam_group_end(w);
}

static int cx_uar(struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w)
{
	char impi[DB_ID_MAX], impu[DB_ID_MAX];
	const char *name = "";
	uint32_t type = UAT_REGISTRATION;
	struct db_sub s;
	struct db_impu u;
	struct hss_failed bad = { 0 };
	struct diam_avp uat;
	int out = req_str(req, AVP_USER_NAME, 0, impi, sizeof(impi), &bad);

	if (!out)
		out = req_str(req, AVP_CX_PUBLIC_IDENTITY, V3, impu, sizeof(impu), &bad);
	if (diam_msg_find(req, AVP_CX_USER_AUTHORIZATION_TYPE, V3, &uat) == 0)
		diam_avp_u32(&uat, &type);
	if (!out)
		out = !*impi || !*impu ? CX_E_USER_UNKNOWN : identify(ctx->db, impi, impu, &s, &u);
	/* Visited-Network-Identifier: roaming is allowed everywhere here. */
	if (!out)
		out = uar_barring(ctx->db, &s, &u);
	if (!out && (out = uar_decide(&u, type, &name)) == CX_E_INVALID)
		hss_failed_set(&bad, &uat, NULL);

	answer_head(ctx, req, w, out);
	if (out >= 0)
		put_server(w, name);
	return answer_finish(w, "UAR", out, &bad, impu);
}

/* ---- SAR / SAA (TS 29.228 §6.1.2, TS 29.229 §6.1.3-6.1.4) ------------------------ */
struct sar_req {
	char impi[DB_ID_MAX], impu[DB_ID_MAX], server[DB_ID_MAX];
	uint32_t type, udaa;
};

static int sar_parse(const struct diam_msg *req, struct sar_req *r, struct hss_failed *bad)
{
	struct diam_avp sat;
	int ret = req_str(req, AVP_USER_NAME, 0, r->impi, sizeof(r->impi), bad);

	if (!ret)
		ret = req_str(req, AVP_CX_PUBLIC_IDENTITY, V3, r->impu, sizeof(r->impu), bad);
	if (!ret)
		ret = req_str(req, AVP_CX_SERVER_NAME, V3, r->server, sizeof(r->server), bad);
	/* The validator has required a well-formed Server-Assignment-Type. */
	if (!ret && (diam_msg_find(req, AVP_CX_SERVER_ASSIGNMENT_TYPE, V3, &sat) ||
		     diam_avp_u32(&sat, &r->type)))
		ret = -EIO;
	if (diam_msg_u32(req, AVP_CX_USER_DATA_ALREADY_AVAILABLE, V3, &r->udaa))
		r->udaa = 0;
	return ret;
}

/* What a Server-Assignment-Type does (§6.1.2.1), as a table. */
enum sat_state { KEEP, TO_REGISTERED, TO_UNREGISTERED, TO_NOT_REGISTERED, PENDING_RESET };
static const struct sat_rule {
	enum sat_state to;
	bool keep_name;   /* deregistration keeps the S-CSCF name */
	bool user_data;   /* the SAA may carry User-Data ... */
	bool data_always; /* ... even when User-Data-Already-Available says 1 */
} sat_rules[] = {
	[CX_SAT_NO_ASSIGNMENT] = {KEEP, true, true, true},
	[CX_SAT_REGISTRATION] = {TO_REGISTERED, true, true, false},
	[CX_SAT_RE_REGISTRATION] = {TO_REGISTERED, true, true, false},
	[CX_SAT_UNREGISTERED_USER] = {TO_UNREGISTERED, true, true, true},
	[CX_SAT_TIMEOUT_DEREGISTRATION] = {TO_NOT_REGISTERED, false, false, false},
	[CX_SAT_USER_DEREGISTRATION] = {TO_NOT_REGISTERED, false, false, false},
	[CX_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME] = {TO_NOT_REGISTERED, true, false, false},
	[CX_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME] = {TO_NOT_REGISTERED, true, false, false},
	[CX_SAT_ADMINISTRATIVE_DEREGISTRATION] = {TO_NOT_REGISTERED, false, false, false},
	[CX_SAT_AUTHENTICATION_FAILURE] = {PENDING_RESET, false, false, false},
	[CX_SAT_AUTHENTICATION_TIMEOUT] = {PENDING_RESET, false, false, false},
	[CX_SAT_DEREGISTRATION_TOO_MUCH_DATA] = {TO_NOT_REGISTERED, false, false, false},
};
#define SAT_COUNT (sizeof(sat_rules) / sizeof(sat_rules[0]))

/* Applies the state change; deregistration without a Public-Identity
 * covers every IMPU of the IMPI, otherwise the implicit set (§6.5). */
static int sar_apply(struct db *db, const struct sar_req *r, const struct sat_rule *rule,
		     const struct db_sub *s, const struct db_impu *u, const struct origin *o)
{
	int irs = *r->impu ? u->irs : -1;

	switch (rule->to) {
	case KEEP:
		return 0;
	case TO_REGISTERED:
		return cx_set_registration(db, s->id, u->irs, DB_REG_REGISTERED, r->server, o->host,
					   o->realm);
	case TO_UNREGISTERED:
		return cx_set_registration(db, s->id, u->irs, DB_REG_UNREGISTERED, r->server,
					   o->host, o->realm);
	case TO_NOT_REGISTERED:
		if (rule->keep_name)
			return cx_set_registration(db, s->id, irs, DB_REG_NOT_REGISTERED, r->server,
						   o->host, o->realm);
		return cx_set_registration(db, s->id, irs, DB_REG_NOT_REGISTERED, NULL, NULL, NULL);
	case PENDING_RESET:
		/* §6.1.2.1: a failed first authentication drops the stored name;
		 * a registered user stays registered. */
		if (u->state != DB_REG_NOT_REGISTERED)
			return 0;
		return db_reg_set(db, u->id, DB_REG_NOT_REGISTERED, NULL, NULL, NULL) ? -EIO : 0;
	}
	return 0;
}

/* §6.1.2.1: NO_ASSIGNMENT from an S-CSCF other than the stored one is
 * refused with DIAMETER_UNABLE_TO_COMPLY. */
static int sar_check(const struct sar_req *r, const struct db_impu *u)
{
	if (r->type >= SAT_COUNT)
		return CX_E_ASSIGNMENT;
	if (r->type == CX_SAT_NO_ASSIGNMENT && u->scscf_name[0] && strcmp(u->scscf_name, r->server))
		return CX_E_SERVER;
	return 0;
}

static int cx_sar(struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w)
{
	char xml[CX_USER_DATA_MAX];
	struct db_charging ch = {0};
	struct sar_req r = {0};
	struct db_sub s;
	struct db_impu u;
	struct origin o;
	size_t xml_len = 0;
	bool with_data = false;
	struct hss_failed bad = { 0 };
	int out = sar_parse(req, &r, &bad);

	req_origin(ctx, req, &o);
	if (!out)
		out = identify(ctx->db, r.impi, r.impu, &s, &u);
	if (!out)
		out = sar_check(&r, &u);
	if (!out) {
		const struct sat_rule *rule = &sat_rules[r.type];
		with_data = rule->user_data && (rule->data_always || r.udaa == 0);
		/* Build the XML first: a too large profile must not change state. */
		if (with_data) {
			int ret = user_data_build(ctx->db, &s, &u, xml, sizeof(xml), &xml_len);
			out = ret == -ENOSPC ? CX_E_TOO_MUCH_DATA : ret ? -EIO : 0;
		}
		/* TS 29.228 §6.1.2.1: the charging names go with the profile. */
		if (!out && with_data && db_charging_get(ctx->db, s.id, &ch))
			out = -EIO;
		if (!out)
			out = sar_apply(ctx->db, &r, rule, &s, &u, &o) ? -EIO : 0;
	}

	answer_head(ctx, req, w, out);
	if (!out) {
		diam_put_str(w, AVP_USER_NAME, 0, s.impi);
		if (with_data)
			diam_put_octets(w, AVP_CX_USER_DATA, V3, xml, xml_len);
		cx_put_charging(w, &ch);
	}
	return answer_finish(w, "SAR", out, &bad, *r.impu ? r.impu : r.impi);
}

/* ---- LIR / LIA (TS 29.228 §6.1.4, TS 29.229 §6.1.5-6.1.6) ------------------------- */
/* §6.1.4.1: registered (or unregistered with an S-CSCF kept for
 * unregistered services) -> DIAMETER_SUCCESS + Server-Name; not registered
 * but with services for the unregistered state (an iFC is provisioned)
 * -> DIAMETER_UNREGISTERED_SERVICE; otherwise IDENTITY_NOT_REGISTERED. */
struct ifc_probe {
	const char *uri;
	bool has_ifc;
};

static int probe_ifc(void *arg, const struct db_impu *u)
{
	struct ifc_probe *p = arg;

	if (!strcmp(u->uri, p->uri))
		p->has_ifc = u->ifc_xml && *u->ifc_xml;
	return 0;
}

static int lir_decide(struct db *db, const struct db_impu *u, const char **name)
{
	struct ifc_probe p = {u->uri, false};

	*name = u->scscf_name;
	if (u->state != DB_REG_NOT_REGISTERED && u->scscf_name[0])
		return 0;
	if (db_impu_foreach(db, u->sub_id, probe_ifc, &p))
		return -EIO;
	return p.has_ifc ? (int)CX_UNREGISTERED_SERVICE : CX_E_NOT_REGISTERED;
}

static int cx_lir(struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w)
{
	char impu[DB_ID_MAX];
	const char *name = "";
	struct db_impu u;
	struct hss_failed bad = { 0 };
	int out = req_str(req, AVP_CX_PUBLIC_IDENTITY, V3, impu, sizeof(impu), &bad);

	if (!out && !*impu)
		out = CX_E_USER_UNKNOWN;
	if (!out) {
		int ret = db_impu_by_uri(ctx->db, impu, &u);
		out = ret == -ENOENT ? CX_E_USER_UNKNOWN : ret ? -EIO : 0;
	}
	if (!out)
		out = lir_decide(ctx->db, &u, &name);

	answer_head(ctx, req, w, out);
	if (out >= 0)
		put_server(w, name);
	return answer_finish(w, "LIR", out, &bad, impu);
}

/* ---- shared ----------------------------------------------------------------------- */
int cx_set_registration(struct db *db, int64_t sub_id, int irs, enum db_reg_state state,
			const char *name, const char *host, const char *realm)
{
	/* the implicit set (§6.5) in one statement: no IMPU read per SAR */
	return db_reg_set_irs(db, sub_id, irs, state, name, host, realm) ? -EIO : 0;
}

const struct hss_route cx_routes[] = {
	{DIAM_APP_CX, DIAM_CMD_UA, cx_uar, "UAR", HSS_NO_KEY},
	{DIAM_APP_CX, DIAM_CMD_SA, cx_sar, "SAR", HSS_NO_KEY},
	{DIAM_APP_CX, DIAM_CMD_LI, cx_lir, "LIR", HSS_NO_KEY},
	/* mar_parse's IMPU: identify_by looks it up with db_ident_auth. */
	{DIAM_APP_CX, DIAM_CMD_MA, cx_mar, "MAR", {HSS_KEY_IMPU, AVP_CX_PUBLIC_IDENTITY, V3}},
	{0},
};

/* RTR (cx_rtr.c) and PPR (cx_ppr.c), through the outbound queue. */
static const struct hss_out_kind *const cx_originates[] = { &cx_out_rtr, &cx_out_ppr, NULL };

const struct hss_app cx_app = {
	.name = "Cx", .vendor_id = DIAM_VENDOR_3GPP, .app_id = DIAM_APP_CX,
	.routes = cx_routes, .rules = &diam_rules_cx, .originates = cx_originates,
};
