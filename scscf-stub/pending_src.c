/* Per-source count of REGISTERs awaiting the HSS (see pending_src.h). */
#include "pending_src.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct psrc_entry {
	char key[PSRC_KEY_MAX];
	unsigned n;
};

struct psrc {
	unsigned max, reserve;
	size_t n, cap;
	struct psrc_entry *e;
};

struct psrc *psrc_new(unsigned max_pending, unsigned reserve_pct)
{
	struct psrc *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->max = max_pending;
	p->reserve = (unsigned)(((unsigned long long)max_pending * reserve_pct + 99) / 100);
	p->cap = (size_t)p->max + p->reserve;
	p->e = calloc(p->cap + 1, sizeof(*p->e)); /* + 1: never calloc(0) */
	if (!p->e) {
		free(p);
		return NULL;
	}
	return p;
}

void psrc_free(struct psrc *p)
{
	if (p)
		free(p->e);
	free(p);
}

static struct psrc_entry *find(const struct psrc *p, const char *source)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->e[i].key, source))
			return &p->e[i];
	return NULL;
}

unsigned psrc_count(const struct psrc *p, const char *source)
{
	const struct psrc_entry *e = find(p, source);

	return e ? e->n : 0;
}

unsigned psrc_reserve(const struct psrc *p)
{
	return p->reserve;
}

bool psrc_admit(const struct psrc *p, size_t pending, const char *source)
{
	if (pending < p->max)
		return true;
	return pending < (size_t)p->max + p->reserve && psrc_count(p, source) < p->reserve;
}

int psrc_add(struct psrc *p, const char *source)
{
	struct psrc_entry *e = find(p, source);

	if (!e) {
		if (p->n == p->cap)
			return -1;
		e = &p->e[p->n++];
		snprintf(e->key, sizeof(e->key), "%s", source);
		e->n = 0;
	}
	e->n++;
	return 0;
}

void psrc_del(struct psrc *p, const char *source)
{
	struct psrc_entry *e = find(p, source);

	if (!e || --e->n)
		return;
	*e = p->e[--p->n]; /* the last one takes its place */
}
