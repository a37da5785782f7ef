/* S6a (TS 29.272): AIR, ULR and PUR as pure handlers, request + store ->
 * answer (hss/app.h), in the shape of the Cx handlers (hss/cx.c): parse
 * the few AVPs needed, compute an outcome in small steps, write the answer
 * once. The Subscription-Data builder is in s6a_subdata.c, the
 * HSS-initiated CLR/IDR in s6a_out.c. NOR is not served (the core answers
 * 3001 DIAMETER_COMMAND_UNSUPPORTED).
 *
 * SQN: AIR advances the subscriber's SQN in the store inside the core's
 * loop-turn transaction, exactly as MAR does; the answer leaves only after
 * the commit (group commit, hss/app.h, design note in db.c). Cx and S6a
 * share the one SQN_HE of the subscriber. */
#include "s6a.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auc.h"
#include "out_queue.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP
#define S6A_VECTORS_MAX 32

/* ---- outcome -> answer ------------------------------------------------------ */
/* TS 29.272 §7.4 result codes for each outcome. */
const struct hss_outcome_map s6a_outcomes[] = {
	{ 0, DIAM_SUCCESS, false, "DIAMETER_SUCCESS" },
	{ S6A_E_USER_UNKNOWN, S6A_ERROR_USER_UNKNOWN, true, "DIAMETER_ERROR_USER_UNKNOWN" },
	{ S6A_E_UNKNOWN_EPS, S6A_ERROR_UNKNOWN_EPS_SUBSCRIPTION, true,
	  "DIAMETER_ERROR_UNKNOWN_EPS_SUBSCRIPTION" },
	{ S6A_E_RAT, S6A_ERROR_RAT_NOT_ALLOWED, true, "DIAMETER_ERROR_RAT_NOT_ALLOWED" },
	{ S6A_E_AUTH_DATA, S6A_AUTHENTICATION_DATA_UNAVAILABLE, true,
	  "DIAMETER_AUTHENTICATION_DATA_UNAVAILABLE" },
	{ S6A_E_INVALID, DIAM_INVALID_AVP_VALUE, false, "DIAMETER_INVALID_AVP_VALUE" },
	{ 0, 0, false, NULL },
};

static void answer_head(const struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w,
			int outcome)
{
	hss_answer_head(w, ctx, req, DIAM_APP_S6A, s6a_outcomes, outcome);
}

static int answer_finish(struct diam_wr *w, const char *cmd, int outcome,
			 const struct hss_failed *bad, const char *who)
{
	return hss_answer_finish(w, s6a_outcomes, outcome, bad, cmd, who);
}

/* ---- common request parts ---------------------------------------------------- */
int s6a_plmn_check(const uint8_t *p, size_t len)
{
	if (len != 3)
		return -EINVAL;
	/* MCC2|MCC1, MNC3|MCC3, MNC2|MNC1: every nibble a digit but MNC3 (F allowed). */
	if ((p[0] & 0x0f) > 9 || (p[0] >> 4) > 9 || (p[1] & 0x0f) > 9 ||
	    ((p[1] >> 4) > 9 && (p[1] >> 4) != 0xf) || (p[2] & 0x0f) > 9 || (p[2] >> 4) > 9)
		return -EINVAL;
	return 0;
}

/* User-Name is the IMSI (§7.3.x, TS 23.003 §2.2): up to 15 digits. */
static int req_imsi(const struct diam_msg *req, char imsi[DB_IMSI_MAX])
{
	if (diam_msg_str(req, AVP_USER_NAME, 0, imsi, DB_IMSI_MAX) || !imsi[0] ||
	    strspn(imsi, "0123456789") != strlen(imsi)) {
		imsi[0] = '\0';
		return S6A_E_USER_UNKNOWN;
	}
	return 0;
}

/* by: db_sub_by_imsi (the whole row), or db_sub_auth (what AIR needs,
 * usually from memory: db.h). */
static int lookup(struct db *db, int (*by)(struct db *, const char *, struct db_sub *),
		  const char *imsi, struct db_sub *s)
{
	int ret = by(db, imsi, s);

	return ret == -ENOENT ? S6A_E_USER_UNKNOWN : ret ? -EIO : 0;
}

/* Visited-PLMN-Id into plmn; *bad names the AVP when it is malformed. */
static int req_plmn(const struct diam_msg *req, uint8_t plmn[3], struct hss_failed *bad)
{
	struct diam_avp a;

	if (diam_msg_find(req, AVP_S6A_VISITED_PLMN_ID, V3, &a))
		return -EIO; /* the validator already required it */
	if (s6a_plmn_check(a.data, a.len)) {
		hss_failed_set(bad, &a, NULL);
		return S6A_E_INVALID;
	}
	memcpy(plmn, a.data, 3);
	return 0;
}

/* ---- AIR / AIA (§5.2.3.1, §7.2.5-7.2.6) ------------------------------------------ */
struct air_req {
	char imsi[DB_IMSI_MAX];
	uint8_t plmn[3];
	struct hss_failed bad;    /* what a 5004 blames */
	bool eutran;              /* Requested-EUTRAN-Authentication-Info present */
	uint32_t n;
	const uint8_t *resync;    /* RAND ‖ AUTS */
	size_t resync_len;
};

static int air_parse(const struct diam_msg *req, struct air_req *r)
{
	struct diam_avp g, a;
	int ret = req_imsi(req, r->imsi);

	if (!ret)
		ret = req_plmn(req, r->plmn, &r->bad);
	if (ret || diam_msg_find(req, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3, &g))
		return ret;
	r->eutran = true;
	r->n = 1;
	if (diam_group_find(&g, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, &a) == 0)
		diam_avp_u32(&a, &r->n);
	/* Immediate-Response-Preferred only hints that the MME needs one vector
	 * now; we compute every vector at once anyway. */
	if (diam_group_find(&g, AVP_S6A_RE_SYNCHRONIZATION_INFO, V3, &a) == 0) {
		r->resync = a.data;
		r->resync_len = a.len;
	}
	return 0;
}

/* Resync as in Cx (TS 33.102 §6.3.5, auc.c). A bad MAC-S (or a malformed
 * RAND ‖ AUTS) leaves the SQN alone and answers
 * AUTHENTICATION_DATA_UNAVAILABLE (§5.2.3.1.3). */
static int air_resync(struct db_sub *s, const uint8_t *p, size_t len)
{
	return auc_resync(s, s->imsi, p, len) ? S6A_E_AUTH_DATA : 0;
}

/* n vectors with their own SQN (auc.c) and RAND;
 * AMF with the separation bit set (TS 33.401 §6.1.1: AMF bit 0 = 1 for
 * E-UTRAN); KASME from CK, IK, SQN ⊕ AK and the serving network (A.2). */
struct eutran_vec {
	struct aka_vector v;
	uint8_t kasme[AKA_KASME_LEN];
};

static int air_vectors(struct db *db, struct db_sub *s, unsigned n, const uint8_t plmn[3],
		       struct eutran_vec *out)
{
	uint8_t amf[AKA_AMF_LEN] = {(uint8_t)(s->amf[0] | 0x80), s->amf[1]};
	uint64_t sqns[S6A_VECTORS_MAX];
	int ret = auc_take_sqns(db, s, n, sqns);

	for (unsigned i = 0; !ret && i < n; i++)
		if (aka_vector_make(&s->keys, sqns[i], amf, &out[i].v) != AKA_OK ||
		    aka_kasme(out[i].v.ck, out[i].v.ik, plmn, out[i].v.autn, out[i].kasme) != AKA_OK)
			ret = -EIO;
	return ret;
}

static unsigned air_count(const struct hss_ctx *ctx, uint32_t asked)
{
	unsigned cap = ctx->max_vectors ? ctx->max_vectors : 1;

	if (cap > S6A_VECTORS_MAX)
		cap = S6A_VECTORS_MAX;
	return asked < 1 ? 1 : asked > cap ? cap : asked;
}

/* E-UTRAN-Vector (§7.3.18): [Item-Number] {RAND} {XRES} {AUTN} {KASME};
 * no CK/IK on S6a. */
static void put_eutran_vectors(struct diam_wr *w, const struct eutran_vec *ev, unsigned n)
{
	diam_group_begin(w, AVP_S6A_AUTHENTICATION_INFO, V3);
	for (unsigned i = 0; i < n; i++) {
		diam_group_begin(w, AVP_S6A_EUTRAN_VECTOR, V3);
		diam_put_u32(w, AVP_S6A_ITEM_NUMBER, V3, i + 1);
		diam_put_octets(w, AVP_S6A_RAND, V3, ev[i].v.rand, AKA_RAND_LEN);
		diam_put_octets(w, AVP_S6A_XRES, V3, ev[i].v.xres, ev[i].v.xres_len);
		diam_put_octets(w, AVP_S6A_AUTN, V3, ev[i].v.autn, AKA_AUTN_LEN);
		diam_put_octets(w, AVP_S6A_KASME, V3, ev[i].kasme, AKA_KASME_LEN);
		diam_group_end(w);
	}
	diam_group_end(w);
}

static int s6a_air(struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w)
{
	struct air_req r = {0};
	struct db_sub s;
	struct eutran_vec ev[S6A_VECTORS_MAX];
	unsigned n = 0;
	int out = air_parse(req, &r);

	if (!out || out == S6A_E_INVALID) {
		/* Unknown user first (§5.2.3.1.3), then the PLMN check. */
		int known = r.imsi[0] ? lookup(ctx->db, db_sub_auth, r.imsi, &s)
				      : S6A_E_USER_UNKNOWN;
		if (known)
			out = known;
	}
	/* Only E-UTRAN vectors are generated; a request for UTRAN/GERAN
	 * vectors alone gets none. */
	if (!out && !r.eutran)
		out = S6A_E_AUTH_DATA;
	if (!out && r.resync)
		out = air_resync(&s, r.resync, r.resync_len);
	if (!out) {
		n = air_count(ctx, r.n);
		out = air_vectors(ctx->db, &s, n, r.plmn, ev);
	}

	answer_head(ctx, req, w, out);
	if (!out)
		put_eutran_vectors(w, ev, n);
	return answer_finish(w, "AIR", out, &r.bad, r.imsi);
}

/* ---- ULR / ULA (§5.2.1.1, §7.2.3-7.2.4) ------------------------------------------- */
struct ulr_req {
	char imsi[DB_IMSI_MAX];
	char host[DB_ID_MAX], realm[DB_ID_MAX];
	uint8_t plmn[3];
	struct hss_failed bad;
	uint32_t flags, rat;
};

static int ulr_parse(const struct hss_ctx *ctx, const struct diam_msg *req, struct ulr_req *r)
{
	int ret = req_imsi(req, r->imsi);

	if (diam_msg_str(req, AVP_ORIGIN_HOST, 0, r->host, sizeof(r->host)) || !r->host[0])
		snprintf(r->host, sizeof(r->host), "%s", ctx->peer_host ? ctx->peer_host : "");
	if (diam_msg_str(req, AVP_ORIGIN_REALM, 0, r->realm, sizeof(r->realm)))
		r->realm[0] = '\0';
	diam_msg_u32(req, AVP_S6A_ULR_FLAGS, V3, &r->flags);
	r->rat = S6A_RAT_EUTRAN;
	diam_msg_u32(req, S6A_AVP_RAT_TYPE, V3, &r->rat);
	if (!ret)
		ret = req_plmn(req, r->plmn, &r->bad);
	return ret;
}

/* Counting APNs decides 5420 before anything is written. */
static int count_apn(void *arg, const struct db_sub_apn *a)
{
	(void)a;
	++*(int *)arg;
	return 0;
}

static int ulr_check(struct db *db, const struct db_sub *s, const struct ulr_req *r,
		     const struct db_eps *e)
{
	int n = 0;

	if (r->rat == S6A_RAT_EUTRAN && (e->access_restriction & S6A_ARD_EUTRAN_NOT_ALLOWED))
		return S6A_E_RAT;
	if (db_sub_apn_foreach(db, s->id, count_apn, &n))
		return -EIO;
	return n ? 0 : S6A_E_UNKNOWN_EPS;
}

/* §5.2.1.1.3: a ULR over S6a from an MME other than the registered one
 * cancels the old registration: CLR with MME_UPDATE_PROCEDURE, or
 * INITIAL_ATTACH_PROCEDURE when the ULR has the Initial-Attach-Indicator. */
static int ulr_cancel_old(struct hss_ctx *ctx, const struct db_sub *s, const struct ulr_req *r,
			  const struct db_eps *e)
{
	struct db_out clr = { .kind = "CLR" };

	if (!e->mme_host[0] || !strcasecmp(e->mme_host, r->host))
		return 0;
	LOGI(LOG_DIAM, "ULR %s from %s: cancelling %s", s->imsi, r->host, e->mme_host);
	clr.code = r->flags & S6A_ULR_INITIAL_ATTACH ? S6A_CT_INITIAL_ATTACH : S6A_CT_MME_UPDATE;
	snprintf(clr.user, sizeof(clr.user), "%s", s->imsi);
	snprintf(clr.host, sizeof(clr.host), "%s", e->mme_host);
	snprintf(clr.realm, sizeof(clr.realm), "%s", e->mme_realm);
	return hss_out_queue(ctx->db, ctx, &clr);
}

static int s6a_ulr(struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w)
{
	struct ulr_req r = {0};
	struct db_sub s;
	struct db_eps e;
	int out = ulr_parse(ctx, req, &r);

	if (!out || out == S6A_E_INVALID) {
		int known = r.imsi[0] ? lookup(ctx->db, db_sub_by_imsi, r.imsi, &s)
				      : S6A_E_USER_UNKNOWN;
		if (known)
			out = known;
	}
	if (!out)
		out = db_eps_get(ctx->db, s.id, &e) ? -EIO : 0;
	if (!out)
		out = ulr_check(ctx->db, &s, &r, &e);
	if (!out)
		out = ulr_cancel_old(ctx, &s, &r, &e) ? -EIO : 0;
	if (!out)
		out = db_eps_set_mme(ctx->db, s.id, r.host, r.realm, false) ? -EIO : 0;

	answer_head(ctx, req, w, out);
	if (!out) {
		/* ULA-Flags (§7.3.8): no combined MME/SGSN, so no
		 * Separation-Indication; not registered for SMS. */
		diam_put_u32(w, AVP_S6A_ULA_FLAGS, V3, 0);
		if (!(r.flags & S6A_ULR_SKIP_SUBSCRIBER_DATA) &&
		    s6a_put_subscription_data(w, ctx->db, &s, &e))
			return -EIO;
	}
	return answer_finish(w, "ULR", out, &r.bad, r.imsi);
}

/* ---- PUR / PUA (§5.2.1.3, §7.2.13-7.2.14) ------------------------------------------ */
/* The subscription data is kept. When the purging MME is the registered
 * one, the HSS sets "UE purged in MME" and answers Freeze-M-TMSI; a purge
 * from another node changes nothing (§5.2.1.3.3). */
static int s6a_pur(struct hss_ctx *ctx, const struct diam_msg *req, struct diam_wr *w)
{
	char imsi[DB_IMSI_MAX], host[DB_ID_MAX];
	struct db_sub s;
	struct db_eps e;
	uint32_t pua_flags = 0;
	int out = req_imsi(req, imsi);

	if (diam_msg_str(req, AVP_ORIGIN_HOST, 0, host, sizeof(host)))
		host[0] = '\0';
	if (!out)
		out = lookup(ctx->db, db_sub_by_imsi, imsi, &s);
	if (!out)
		out = db_eps_get(ctx->db, s.id, &e) ? -EIO : 0;
	if (!out && e.mme_host[0] && !strcasecmp(e.mme_host, host)) {
		out = db_eps_set_mme(ctx->db, s.id, e.mme_host, e.mme_realm, true) ? -EIO : 0;
		pua_flags = S6A_PUA_FREEZE_M_TMSI;
	}

	answer_head(ctx, req, w, out);
	if (!out)
		diam_put_u32(w, S6A_AVP_PUA_FLAGS, V3, pua_flags);
	return answer_finish(w, "PUR", out, NULL, imsi);
}

const struct hss_route s6a_routes[] = {
	/* req_imsi's User-Name: looked up with db_sub_auth. */
	{DIAM_APP_S6A, DIAM_CMD_AI, s6a_air, "AIR", {HSS_KEY_IMSI, AVP_USER_NAME, 0}},
	{DIAM_APP_S6A, DIAM_CMD_UL, s6a_ulr, "ULR", HSS_NO_KEY},
	{DIAM_APP_S6A, DIAM_CMD_PU, s6a_pur, "PUR", HSS_NO_KEY},
	{0},
};

/* CLR and IDR (s6a_out.c), through the outbound queue. */
static const struct hss_out_kind *const s6a_originates[] = { &s6a_out_clr, &s6a_out_idr, NULL };

const struct hss_app s6a_app = {
	.name = "S6a", .vendor_id = DIAM_VENDOR_3GPP, .app_id = DIAM_APP_S6A,
	.routes = s6a_routes, .rules = &diam_rules_s6a, .originates = s6a_originates,
};
