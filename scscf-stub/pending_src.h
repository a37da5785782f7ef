/* REGISTERs awaiting the HSS, counted per source (issue 16): the pending
 * bound's reservation. max_pending REGISTERs may wait whoever sent them;
 * beyond it `reserve` more slots serve only sources that hold fewer than
 * `reserve` themselves, so one source flooding unanswered REGISTERs
 * cannot take every slot from the others (docs/scscf-stub.md, "Overload").
 * A plain array: at most max_pending + reserve sources hold a slot, and
 * under a flood from one source there are few. */
#ifndef SCSCF_PENDING_SRC_H
#define SCSCF_PENDING_SRC_H

#include <stdbool.h>
#include <stddef.h>

#define PSRC_KEY_MAX 64 /* an IPv6 address with brackets fits */

struct psrc;

/* NULL when out of memory. */
struct psrc *psrc_new(unsigned max_pending, unsigned reserve_pct);
void psrc_free(struct psrc *p);

/* May one more REGISTER from `source` wait for the HSS, with `pending`
 * (every kind) waiting now? An empty source counts as one of its own. */
bool psrc_admit(const struct psrc *p, size_t pending, const char *source);
/* One more / one fewer waiting from source (add: -1 when full). */
int psrc_add(struct psrc *p, const char *source);
void psrc_del(struct psrc *p, const char *source);
/* How many wait from source. */
unsigned psrc_count(const struct psrc *p, const char *source);
/* The slots beyond max_pending (reserve_pct of it, rounded up). */
unsigned psrc_reserve(const struct psrc *p);

#endif
