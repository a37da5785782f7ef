/* User-Data and Charging-Information as the S-CSCF keeps them (profile.h).
 * The XML is ours or Kamailio-compatible (no namespace, TS 29.228 Annex E
 * element names); a bounded scan by element, no general XML parser. */
#include "profile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "diameter/codes.h"

/* A span of text: [p, end). */
struct span {
	const char *p, *end;
};

/* The content of the next <name>…</name> in s from its start on; the
 * span moves past the element. false when there is none. */
static bool next_elem(struct span *s, const char *name, struct span *out)
{
	char open[64], close[64];
	const char *a, *b;
	size_t no = (size_t)snprintf(open, sizeof(open), "<%s>", name);
	size_t nc = (size_t)snprintf(close, sizeof(close), "</%s>", name);

	a = memmem(s->p, (size_t)(s->end - s->p), open, no);
	if (!a)
		return false;
	b = memmem(a + no, (size_t)(s->end - a - (ptrdiff_t)no), close, nc);
	if (!b)
		return false;
	*out = (struct span){ a + no, b };
	s->p = b + nc;
	return true;
}

/* Element text, blanks trimmed, into out ("" when absent). */
static void elem_text(struct span s, const char *name, char *out, size_t outsz)
{
	struct span v;

	out[0] = '\0';
	if (!next_elem(&s, name, &v))
		return;
	while (v.p < v.end && strchr(" \t\r\n", *v.p))
		v.p++;
	while (v.end > v.p && strchr(" \t\r\n", v.end[-1]))
		v.end--;
	snprintf(out, outsz, "%.*s", (int)(v.end - v.p), v.p);
}

/* Appends "sep item" (or "<item>" with angle) to a list; cut when full. */
static void list_add(char *list, size_t sz, const char *item, bool angle)
{
	size_t n = strlen(list);

	snprintf(list + n, sz - n, angle ? "%s<%s>" : "%s%s", n ? ", " : "", item);
}

static bool profile_has(struct span sp, const char *impu)
{
	struct span pi;
	char id[512];

	while (next_elem(&sp, "PublicIdentity", &pi)) {
		elem_text(pi, "Identity", id, sizeof(id));
		if (!strcmp(id, impu))
			return true;
	}
	return false;
}

static void profile_fill(struct span sp, struct user_profile *out)
{
	struct span pi, ifc, all = sp;
	char v[512], bar[8];

	memset(out, 0, sizeof(*out));
	while (next_elem(&sp, "PublicIdentity", &pi)) {
		elem_text(pi, "Identity", v, sizeof(v));
		list_add(out->assoc, sizeof(out->assoc), v, true);
		elem_text(pi, "BarringIndication", bar, sizeof(bar));
		if (!strcmp(bar, "1"))
			list_add(out->barred, sizeof(out->barred), v, true);
	}
	while (next_elem(&all, "InitialFilterCriteria", &ifc)) {
		out->ifc++;
		elem_text(ifc, "ServerName", v, sizeof(v));
		if (v[0])
			list_add(out->as, sizeof(out->as), v, false);
	}
}

int profile_parse(const char *xml, size_t len, const char *impu, struct user_profile *out)
{
	struct span doc = { xml, xml + len }, sub, sp;
	bool any = false;

	if (!next_elem(&doc, "IMSSubscription", &sub))
		return -EINVAL;
	while (next_elem(&sub, "ServiceProfile", &sp)) {
		any = true;
		if (profile_has(sp, impu)) {
			profile_fill(sp, out);
			return 0;
		}
	}
	return any ? -ENOENT : -EINVAL;
}

int profile_charging(const struct diam_msg *m, char *ecf, size_t ecfsz, char *ccf,
		     size_t ccfsz)
{
	struct diam_avp ci, a;

	ecf[0] = ccf[0] = '\0';
	if (diam_msg_find(m, AVP_CX_CHARGING_INFORMATION, DIAM_VENDOR_3GPP, &ci))
		return -ENOENT;
	if (!diam_group_find(&ci, AVP_CX_PRIMARY_ECF_NAME, DIAM_VENDOR_3GPP, &a))
		diam_avp_str(&a, ecf, ecfsz);
	if (!diam_group_find(&ci, AVP_CX_PRIMARY_CCF_NAME, DIAM_VENDOR_3GPP, &a))
		diam_avp_str(&a, ccf, ccfsz);
	return 0;
}
