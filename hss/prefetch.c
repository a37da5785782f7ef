/* A loop turn's identity-cache keys (prefetch.h). */
#include "prefetch.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

int hss_route_key(const struct hss_route *r, const struct diam_msg *m, char *out, size_t sz)
{
	const struct hss_key *k = &r->key;
	struct diam_avp a;
	size_t max = k->kind == HSS_KEY_IMSI ? DB_IMSI_MAX : DB_ID_MAX;
	bool ok = k->kind != HSS_KEY_NONE && !diam_msg_find(m, k->code, k->vendor, &a) &&
		  !diam_avp_str(&a, out, sz < max ? sz : max) && out[0];

	/* TS 23.003 §2.2: an IMSI is at most 15 digits (s6a.c req_imsi). */
	if (ok && k->kind == HSS_KEY_IMSI)
		ok = strspn(out, "0123456789") == strlen(out);
	if (!ok)
		out[0] = '\0';
	return ok ? 0 : -ENOENT;
}

void prefetch_add(struct prefetch *p, const struct hss_route *r, const struct diam_msg *m)
{
	if (r->key.kind == HSS_KEY_NONE || p->n == DB_KEYS_MAX ||
	    hss_route_key(r, m, p->text[p->n], sizeof(p->text[0])))
		return;
	p->keys[p->n] = (struct db_auth_key){ p->text[p->n], r->key.kind == HSS_KEY_IMSI };
	p->n++;
}

int prefetch_run(struct prefetch *p, struct db *db)
{
	return p->n ? db_auth_prefetch(db, p->keys, p->n) : 0;
}

bool prefetch_wanted(struct prefetch *p, const struct db *db)
{
	uint64_t lookups, fetched, l, f;

	db_auth_cache_counts(db, &lookups, &fetched);
	l = lookups - p->lookups;
	f = fetched - p->fetched;
	p->lookups = lookups;
	p->fetched = fetched;
	if (l)
		p->off = f < 2 || f * 8 < l;
	return !p->off;
}
