/* Output of ims-trace: a text ladder per attempt with the checks and the
 * verdict sentence (report.c), or one JSON object (report_json.c). Key
 * material (CK, IK, XRES/RES) is never printed; RAND, AUTN fields, SQN
 * and MACs are (they are on the wire anyway or derived from it). */
#ifndef TRACE_REPORT_H
#define TRACE_REPORT_H

#include "pair.h"
#include "trace.h"
#include "verdict.h"

#include <stdio.h>

struct report_in {
	const char *capture;
	const struct trace_ctx *c;
	const struct pairing *p;
	const struct verdict *v;   /* one per attempt */
	const bool *shown;         /* attempt selected (--impi) */
	const char *read_error;    /* mid-file read error, or NULL */
};

void report_text(FILE *fp, const struct report_in *r);
void report_json(FILE *fp, const struct report_in *r);

/* One-line summary of an event for ladders ("REGISTER sip:… CSeq 2 (auts)"). */
void report_summary(const struct trace_ctx *c, int ev, char *buf, size_t sz);
/* Sorted, distinct event indices of attempt k into out (max n); count. */
size_t report_attempt_events(const struct trace_ctx *c, const struct pairing *p, size_t k,
			     int *out, size_t n);

#endif
