/* Counters and latency percentiles for diam-load. Samples are kept raw
 * (4 octets each: 10 s at 60,000/s is 2.4 MB) and sorted once, so the
 * percentiles are exact, not bucketed. */
#include "load.h"

#include <stdlib.h>

void stats_result(struct load_stats *s, uint32_t code)
{
	for (unsigned i = 0; i < s->nrc; i++) {
		if (s->rc[i].code == code) {
			s->rc[i].n++;
			return;
		}
	}
	if (s->nrc < sizeof(s->rc) / sizeof(s->rc[0]))
		s->rc[s->nrc++] = (typeof(s->rc[0])){ code, 1 };
	else
		s->bad_answers++; /* too many distinct codes: counted as bad */
}

void stats_latency(struct load_stats *s, uint32_t us)
{
	if (s->nlat == s->caplat) {
		size_t cap = s->caplat ? s->caplat * 2 : 65536;
		uint32_t *p = realloc(s->lat_us, cap * sizeof(*p));

		if (!p)
			return; /* sample dropped; the rate is still counted */
		s->lat_us = p;
		s->caplat = cap;
	}
	s->lat_us[s->nlat++] = us;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile: the smallest sample with at least p% at or below. */
static uint32_t rank(const struct load_stats *s, unsigned pct)
{
	size_t k = (s->nlat * pct + 99) / 100;

	return s->lat_us[k ? k - 1 : 0];
}

void stats_percentiles(struct load_stats *s, uint32_t *p50, uint32_t *p99, uint32_t *max)
{
	*p50 = *p99 = *max = 0;
	if (!s->nlat)
		return;
	qsort(s->lat_us, s->nlat, sizeof(*s->lat_us), cmp_u32);
	*p50 = rank(s, 50);
	*p99 = rank(s, 99);
	*max = s->lat_us[s->nlat - 1];
}

void stats_free(struct load_stats *s)
{
	free(s->lat_us);
	s->lat_us = NULL;
	s->nlat = s->caplat = 0;
}

uint32_t answer_code(const struct diam_msg *m)
{
	uint32_t rc;
	bool exp;

	if (diam_msg_result(m, &rc, &exp))
		return 0;
	return exp ? 100000 + rc : rc;
}
