/* TS 29.228 Annex E IMS subscription XML (see user_data.h). */
#include "user_data.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A bounded text writer with a sticky overflow flag. */
struct xw {
	char *buf;
	size_t cap, len;
	bool full;
};

static void xw_raw(struct xw *x, const char *s)
{
	size_t n = strlen(s);

	if (x->full || x->len + n + 1 > x->cap) {
		x->full = true;
		return;
	}
	memcpy(x->buf + x->len, s, n + 1);
	x->len += n;
}

/* Character data with the five XML escapes (XML 1.0 §2.4). */
static void xw_text(struct xw *x, const char *s)
{
	char one[2] = {0};

	for (; *s; s++) {
		switch (*s) {
		case '&': xw_raw(x, "&amp;"); break;
		case '<': xw_raw(x, "&lt;"); break;
		case '>': xw_raw(x, "&gt;"); break;
		case '"': xw_raw(x, "&quot;"); break;
		case '\'': xw_raw(x, "&apos;"); break;
		default:
			one[0] = *s;
			xw_raw(x, one);
		}
	}
}

static void xw_elem(struct xw *x, const char *name, const char *text)
{
	xw_raw(x, "<");
	xw_raw(x, name);
	xw_raw(x, ">");
	xw_text(x, text);
	xw_raw(x, "</");
	xw_raw(x, name);
	xw_raw(x, ">");
}

struct set_walk {
	struct xw *x;
	int irs;
	const char *reg_uri;
	char ifc[8192];   /* the chosen iFC fragment (copied: borrowed text) */
	bool ifc_own;     /* chosen from the registered IMPU itself */
	bool ifc_too_big;
};

/* One <PublicIdentity> per IMPU of the implicit set (TS 29.228 Annex E:
 * BarringIndication then Identity, per the XSD's sequence). */
static int set_member(void *arg, const struct db_impu *u)
{
	struct set_walk *w = arg;
	bool own = strcmp(u->uri, w->reg_uri) == 0;

	if (u->irs != w->irs)
		return 0;
	xw_raw(w->x, "<PublicIdentity>");
	xw_elem(w->x, "BarringIndication", u->barred ? "1" : "0");
	xw_elem(w->x, "Identity", u->uri);
	xw_raw(w->x, "</PublicIdentity>");
	if (u->ifc_xml && *u->ifc_xml && (!w->ifc[0] || (own && !w->ifc_own))) {
		if (strlen(u->ifc_xml) >= sizeof(w->ifc))
			w->ifc_too_big = true;
		snprintf(w->ifc, sizeof(w->ifc), "%s", u->ifc_xml);
		w->ifc_own = own;
	}
	return 0;
}

/* One <ServiceProfile> with the IMPUs of implicit set `irs`; the iFC of
 * reg_uri first, else the first of the set. */
static int service_profile(struct xw *x, struct db *db, const struct db_sub *s, int irs,
			   const char *reg_uri)
{
	struct set_walk w = {.x = x, .irs = irs, .reg_uri = reg_uri};

	xw_raw(x, "<ServiceProfile>");
	if (db_impu_foreach(db, s->id, set_member, &w))
		return -EIO;
	/* iFC XML is provisioned by the operator (hss-ctl add-impu
	 * --ifc-file) and inserted verbatim after the identities. */
	xw_raw(x, w.ifc);
	xw_raw(x, "</ServiceProfile>");
	return w.ifc_too_big ? -ENOSPC : 0;
}

static void doc_begin(struct xw *x, const struct db_sub *s)
{
	if (x->cap)
		x->buf[0] = '\0';
	xw_raw(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		  "<IMSSubscription>");
	xw_elem(x, "PrivateID", s->impi);
}

static int doc_end(struct xw *x, int ret, size_t *len)
{
	xw_raw(x, "</IMSSubscription>");
	if (!ret && x->full)
		ret = -ENOSPC;
	if (!ret)
		*len = x->len;
	return ret;
}

int user_data_build(struct db *db, const struct db_sub *s, const struct db_impu *impu, char *buf,
		    size_t cap, size_t *len)
{
	struct xw x = {buf, cap, 0, false};

	doc_begin(&x, s);
	return doc_end(&x, service_profile(&x, db, s, impu->irs, impu->uri), len);
}

/* The implicit sets assigned to one S-CSCF, each with its first IMPU. */
#define UD_MAX_SETS 16
struct host_sets {
	const char *host;
	int irs[UD_MAX_SETS];
	char uri[UD_MAX_SETS][DB_ID_MAX];
	int n;
};

static int collect_sets(void *arg, const struct db_impu *u)
{
	struct host_sets *h = arg;

	if (u->state == DB_REG_NOT_REGISTERED || strcasecmp(u->scscf_host, h->host))
		return 0;
	for (int i = 0; i < h->n; i++)
		if (h->irs[i] == u->irs)
			return 0;
	if (h->n == UD_MAX_SETS)
		return -ENOSPC;
	h->irs[h->n] = u->irs;
	snprintf(h->uri[h->n++], DB_ID_MAX, "%s", u->uri);
	return 0;
}

int user_data_build_for_host(struct db *db, const struct db_sub *s, const char *host, char *buf,
			     size_t cap, size_t *len)
{
	struct xw x = {buf, cap, 0, false};
	struct host_sets h = {.host = host};
	int ret = db_impu_foreach(db, s->id, collect_sets, &h);

	if (ret)
		return ret == -ENOSPC ? ret : -EIO;
	if (!h.n)
		return -ENOLINK;
	doc_begin(&x, s);
	for (int i = 0; i < h.n && !ret; i++)
		ret = service_profile(&x, db, s, h.irs[i], h.uri[i]);
	return doc_end(&x, ret, len);
}
