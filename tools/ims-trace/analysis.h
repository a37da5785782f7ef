/* One analysis of a read capture, from the events to the result the
 * reports print and main returns (issue 12 §6):
 *   attempts  pair.c + verdict*.c (only those of --impi when given)
 *   Diameter  diam_check.c
 *   findings  every failing check, plus ESP ICV failures (esp_sa.c)
 *   result    inconsistent (a finding, exit 1) | consistent (something was
 *             checked and held, exit 0) | nothing_to_check (exit 3, with
 *             the identities seen) | unreadable (the capture is cut or
 *             corrupt, exit 2: what was read is still reported)
 * Never "consistent" when nothing was checked. */
#ifndef TRACE_ANALYSIS_H
#define TRACE_ANALYSIS_H

#include "diam_check.h"
#include "findings.h"
#include "keys.h"
#include "pair.h"
#include "trace.h"
#include "verdict.h"

enum trace_result { RESULT_CONSISTENT, RESULT_INCONSISTENT, RESULT_UNREADABLE,
		    RESULT_NOTHING_TO_CHECK };
const char *trace_result_name(enum trace_result r);

struct trace_identity {
	char kind[12];   /* "impi", "impu", "user_name" */
	char id[256];
};

struct analysis {
	const char *capture;
	const struct trace_ctx *c;
	const char *impi;         /* --impi filter, or NULL */
	const char *read_error;   /* mid-file read error, or NULL */
	struct pairing p;
	struct verdict *v;        /* one per attempt */
	bool *shown;              /* attempt selected (--impi) */
	size_t nshown;
	struct diam_checks dx;
	struct findings f;
	size_t checked;           /* attempts, exchanges and ICVs that verified something */
	struct trace_identity *ids;
	size_t nids;
	enum trace_result result;
};

/* 0, or -ENOMEM. */
int analysis_run(struct analysis *an, const struct trace_ctx *c, const struct trace_keyring *kr,
		 const char *capture, const char *impi, const char *read_error);
void analysis_free(struct analysis *an);
/* 0 consistent, 1 inconsistent, 2 unreadable, 3 nothing to check. */
int analysis_exit(const struct analysis *an);
/* "nothing to check in X: ...; identities seen: a, b" (for stderr). */
void analysis_nothing_text(const struct analysis *an, char *buf, size_t sz);

#endif
