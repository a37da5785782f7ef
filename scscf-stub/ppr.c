/* Push-Profile at the S-CSCF (TS 29.228 §6.1.7.1, TS 29.229 §6.1.13-14):
 * the HSS pushes a changed profile (User-Data) or charging names
 * (Charging-Information) for a registered IMPI; every binding of that
 * IMPI whose IMPU the pushed data lists takes the new profile (the
 * implicit set becomes the P-Associated-URI of later 200 OKs), and the
 * change shows in the bindings dump (SIGUSR1 / --state-file).
 *
 *   IMPI with bindings here ........................ PPA Result-Code 2001
 *   IMPI unknown here ............ PPA Experimental-Result 5001 USER_UNKNOWN
 *   User-Data that is no IMS subscription (Annex E)
 *                   ............. Experimental-Result 5009 NOT_SUPPORTED_USER_DATA
 *   no User-Name ........................... Result-Code 5005 MISSING_AVP */
#include "registrar_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diameter/codes.h"
#include "profile.h"
#include "util/esc.h"
#include "util/log.h"

#define V3 DIAM_VENDOR_3GPP
/* TS 29.229 §6.2.2.6 (not in diameter/codes.h: only the S-CSCF sends it). */
#define CX_ERROR_NOT_SUPPORTED_USER_DATA 5009u

/* PPA ::= < Session-Id > { Vendor-Specific-Application-Id } [ Result-Code ]
 * [ Experimental-Result ] { Auth-Session-State } { Origin-Host }
 * { Origin-Realm } … (TS 29.229 §6.1.14) */
static ssize_t ppa_build(uint8_t *buf, size_t cap, const struct cx_ident *id,
			 const struct diam_msg *req, uint32_t code, bool experimental)
{
	struct diam_wr w;

	diam_wr_init(&w, buf, cap);
	diam_answer_begin(&w, req);
	diam_put_vendor_app(&w, V3, DIAM_APP_CX);
	if (experimental)
		diam_put_exp_result(&w, V3, code);
	else
		diam_put_u32(&w, AVP_RESULT_CODE, 0, code);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1 /* NO_STATE_MAINTAINED */);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, id->origin_host);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, id->origin_realm);
	return diam_wr_finish(&w);
}

struct push {
	const char *xml;       /* User-Data, NULL when absent */
	size_t len;
	bool charging;         /* Charging-Information present */
	char ecf[256], ccf[256];
	unsigned updated, unlisted;
};

static void profile_set(struct binding_rec *r, const struct user_profile *up)
{
	snprintf(r->assoc, sizeof(r->assoc), "%s", up->assoc);
	snprintf(r->profile.barred, sizeof(r->profile.barred), "%s", up->barred);
	r->profile.ifc = up->ifc;
	snprintf(r->profile.as, sizeof(r->profile.as), "%s", up->as);
}

static void apply(void *arg, struct binding_rec *r)
{
	struct push *p = arg;
	struct user_profile up;
	bool changed = false;

	if (p->xml && profile_parse(p->xml, p->len, r->impu, &up) == 0) {
		profile_set(r, &up);
		changed = true;
	} else if (p->xml) {
		p->unlisted++; /* a set the push does not cover keeps its profile */
	}
	if (p->charging) {
		snprintf(r->profile.ecf, sizeof(r->profile.ecf), "%s", p->ecf);
		snprintf(r->profile.ccf, sizeof(r->profile.ccf), "%s", p->ccf);
		changed = true;
	}
	if (changed) {
		r->profile.pushed++;
		p->updated++;
	}
}

ssize_t registrar_on_ppr(struct registrar *r, const struct diam_msg *req, uint8_t *buf,
			 size_t cap)
{
	struct user_profile probe;
	struct diam_avp ud;
	struct push p = {0};
	char impi[256];
	size_t n;

	if (diam_msg_str(req, AVP_USER_NAME, 0, impi, sizeof(impi))) {
		LOGW(LOG_DIAM, "PPR without User-Name -> PPA 5005");
		return ppa_build(buf, cap, &r->id, req, DIAM_MISSING_AVP, false);
	}
	if (!diam_msg_find(req, AVP_CX_USER_DATA, V3, &ud)) {
		p.xml = (const char *)ud.data;
		p.len = ud.len;
		if (profile_parse(p.xml, p.len, "", &probe) == -EINVAL) {
			LOGW(LOG_DIAM, "PPR impi=%s: User-Data is no IMS subscription -> PPA 5009",
			     ESC(impi));
			return ppa_build(buf, cap, &r->id, req, CX_ERROR_NOT_SUPPORTED_USER_DATA,
					 true);
		}
	}
	p.charging = profile_charging(req, p.ecf, sizeof(p.ecf), p.ccf, sizeof(p.ccf)) == 0;
	n = bind_foreach_impi(r->bs, impi, apply, &p);
	if (!n) {
		LOGI(LOG_DIAM, "PPR impi=%s: no binding of this user here -> PPA 5001", ESC(impi));
		return ppa_build(buf, cap, &r->id, req, CX_ERROR_USER_UNKNOWN, true);
	}
	LOGI(LOG_DIAM, "PPR impi=%s: %u of %zu binding record(s) updated (%s%s%s) -> PPA 2001",
	     ESC(impi), p.updated, n, p.xml ? "user data" : "", p.xml && p.charging ? ", " : "",
	     p.charging ? "charging" : "");
	return ppa_build(buf, cap, &r->id, req, DIAM_SUCCESS, false);
}

void registrar_profile_from_saa(struct registrar *r, const char *impu, const struct diam_msg *saa)
{
	struct binding_rec *rec = bind_find(r->bs, impu);
	struct user_profile up;
	struct diam_avp ud;

	/* Without User-Data (a re-registration) the profile held stays. */
	if (!rec || diam_msg_find(saa, AVP_CX_USER_DATA, V3, &ud))
		return;
	if (profile_parse((const char *)ud.data, ud.len, impu, &up) == 0) {
		snprintf(rec->profile.barred, sizeof(rec->profile.barred), "%s", up.barred);
		rec->profile.ifc = up.ifc;
		snprintf(rec->profile.as, sizeof(rec->profile.as), "%s", up.as);
	}
	profile_charging(saa, rec->profile.ecf, sizeof(rec->profile.ecf), rec->profile.ccf,
			 sizeof(rec->profile.ccf));
}
