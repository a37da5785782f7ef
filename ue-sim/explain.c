/* Ladder view of one UE's registration (see explain.h). */
#include "explain.h"

#include <inttypes.h>
#include <string.h>

#include "ue_secagree.h"
#include "util/hex.h"

static FILE *xfp;

static void xhex(const char *label, const uint8_t *v, size_t len, const char *note)
{
	char buf[2 * 64 + 1];

	if (len > 64)
		len = 64;
	hex_encode(v, len, buf);
	fprintf(xfp, "  │   %-10s = %s%s%s\n", label, buf, note ? "   " : "", note ? note : "");
}

static void explain_card(const struct ue *ue)
{
	const struct usim *u = &ue->usim;

	fprintf(xfp, "UE %s  (IMPI %s)\n", ue->cfg.impu, ue->cfg.impi);
	fprintf(xfp, "  USIM  algorithm %s, AMF %02x%02x, SQN_MS %012" PRIx64 "\n",
		aka_algo_name(u->keys.algo), u->amf[0], u->amf[1], aka_usim_sqn_ms(&u->sqn));
	xhex("K", u->keys.k, aka_k_len(&u->keys), "(shown because of --explain)");
	if (u->keys.algo == AKA_ALGO_MILENAGE)
		xhex("OPc", u->keys.opc, AKA_OP_LEN, "OP ⊕ E_K(OP), TS 35.206 §4.1");
	if (u->keys.algo == AKA_ALGO_TUAK) {
		xhex("TOPc", u->keys.opc, AKA_TOP_LEN, "from TOP and K, TS 35.231 §6.1");
		fprintf(xfp, "  │   TUAK lengths: MAC %zu, RES %zu, CK %zu, IK %zu octets; %u Keccak "
			     "iteration(s) (TS 35.231 §5.1)\n", aka_mac_len(&u->keys),
			aka_res_len(&u->keys), aka_ck_len(&u->keys), aka_ik_len(&u->keys),
			u->keys.tuak.iterations ? u->keys.tuak.iterations : 1);
	}
}

/* What the USIM did with the nonce (TS 33.102 §6.3.3). */
static void explain_aka(const struct ue *ue, const struct ue_answer *a)
{
	const uint8_t *autn = a->nonce.autn;

	fprintf(xfp, "  │ nonce = base64(RAND ‖ AUTN)            RFC 3310 §3.2\n");
	xhex("RAND", a->nonce.rand, 16, NULL);
	xhex("AUTN", autn, 16, "(SQN⊕AK ‖ AMF ‖ MAC-A, TS 33.102 §6.3.2)");
	xhex("SQN^AK", autn, 6, NULL);
	xhex("AMF", autn + 6, 2, NULL);
	xhex("MAC-A", autn + 8, 8, NULL);
	xhex("AK", a->usim.ak, 6, "f5(K, RAND)");
	fprintf(xfp, "  │   %-10s = %012" PRIx64 "   SQN⊕AK ⊕ AK\n", "SQN", a->usim.sqn);
	xhex("XMAC", a->usim.xmac, 8, "f1(K, SQN, RAND, AMF)");
	if (a->usim_rc == AKA_EMAC) {
		fprintf(xfp, "  │   MAC check  : XMAC ≠ MAC-A → MAC failure: the card and the network\n"
			     "  │                disagree on K/OP(c)/algorithm; answer without RES\n"
			     "  │                (TS 24.229 §5.1.1.5.3)\n");
		return;
	}
	fprintf(xfp, "  │   MAC check  : XMAC = MAC-A → the network knows K\n");
	if (a->usim_rc == AKA_ESYNC) {
		fprintf(xfp, "  │   SQN check  : not fresh (card's SQN_MS %012" PRIx64
			     ", TS 33.102 Annex C) → sync failure\n",
			aka_usim_sqn_ms(&ue->usim.sqn));
		xhex("AUTS", a->usim.auts, AKA_AUTS_LEN, "(SQN_MS⊕AK* ‖ MAC-S over AMF 0000)");
		fprintf(xfp, "  │   auts       = %s   (base64, RFC 3310 §3.4)\n", a->auts_b64);
		return;
	}
	fprintf(xfp, "  │   SQN check  : fresh (Annex C) → accepted\n");
	xhex("RES", a->usim.res, a->usim.res_len, "f2(K, RAND)");
	xhex("CK", a->usim.ck, 16, "f3(K, RAND)");
	xhex("IK", a->usim.ik, 16, "f4(K, RAND)");
}

static void explain_digest(const struct ue *ue, const struct ue_answer *a)
{
	const char *pw;

	switch (a->kind) {
	case UE_ANS_AUTS: pw = "\"\" (empty password, RFC 3310 §3.4)"; break;
	case UE_ANS_PASSWORD: pw = "the subscriber's password"; break;
	default:
		pw = a->alg == DIGEST_ALG_AKAV2_MD5
			     ? "base64(HMAC-MD5(RES‖IK‖CK, \"http-digest-akav2-password\")), RFC 4169"
			     : "the RES octets, RFC 3310 §3.3";
	}
	if (a->kind == UE_ANS_MAC_FAILURE)
		return;
	fprintf(xfp, "  │ digest (RFC 2617 §3.2.2), password = %s\n", pw);
	if (a->alg == DIGEST_ALG_AKAV2_MD5 && a->kind == UE_ANS_RES)
		fprintf(xfp, "  │   password   = %.*s\n", (int)a->password_len, a->password);
	fprintf(xfp, "  │   HA1        = %s   MD5(%s:%s:password)\n", a->digest.ha1, ue->cfg.impi,
		ue->cfg.auth_realm ? ue->cfg.auth_realm : ue->chal.realm);
	fprintf(xfp, "  │   HA2        = %s   MD5(REGISTER:%s%s)\n", a->digest.ha2, ue->uri,
		a->qop == DIGEST_QOP_AUTH_INT ? ":MD5(body)" : "");
	fprintf(xfp, "  │   response   = %s   (qop=%s nc=%s cnonce=%s)\n", a->digest.response,
		a->qop == DIGEST_QOP_NONE ? "none" : digest_qop_name(a->qop), a->nc, a->cnonce);
}

void explain_request(struct ue *ue, const char *what, const char *authz, const struct ue_answer *a)
{
	if (a && strcmp(what, "answer") == 0 && a->nc[0] && strcmp(a->nc, "00000001") == 0 &&
	    a->kind != UE_ANS_PASSWORD)
		explain_aka(ue, a);
	if (a && strcmp(what, "answer") == 0)
		explain_digest(ue, a);
	if (a && strcmp(what, "answer") == 0 && strcmp(a->nc, "00000001") == 0)
		ue_sec_explain(ue, xfp);
	fprintf(xfp, "  │\n  ├──── REGISTER %s  (%s%s) ────▶ %s\n", ue->uri,
		what, ue->step == UE_STEP_DEREGISTER ? ", Expires: 0" : "", ue->sec ? "P-CSCF" : "S-CSCF");
	fprintf(xfp, "  │     Authorization: %s\n", authz);
}

void explain_response(struct ue *ue, const struct ue_resp *r)
{
	static const char *const shown[] = { "WWW-Authenticate", "Security-Server", "Service-Route",
					     "P-Associated-URI", "Contact", "Expires" };
	char val[2048];

	fprintf(xfp, "  │\n  ◀──── %d %s ──── %s\n", r->status, r->phrase, ue->sec ? "P-CSCF" : "S-CSCF");
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (ue_resp_header(r, shown[i], val, sizeof(val)) > 0)
			fprintf(xfp, "  │     %s: %s\n", shown[i], val);
}

void explain_begin(struct ue *ue, FILE *fp)
{
	xfp = fp;
	explain_card(ue);
}

void explain_attach(struct ue *ue, FILE *fp)
{
	explain_begin(ue, fp);
	ue->obs.request = explain_request;
	ue->obs.response = explain_response;
}
