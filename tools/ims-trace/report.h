/* Output of ims-trace: the text report (report.c), one JSON object
 * (report_json.c) and the HTML page with a ladder per attempt
 * (report_html.c). Key material (CK, IK, XRES/RES, K, OP/OPc) is never
 * printed; RAND, the AUTN fields, SQN and MACs are (they are on the wire
 * anyway or derived from it). */
#ifndef TRACE_REPORT_H
#define TRACE_REPORT_H

#include "analysis.h"

#include <stdio.h>

void report_text(FILE *fp, const struct analysis *an);
void report_json(FILE *fp, const struct analysis *an);
/* 0, or -1 when fp failed. */
int report_html(FILE *fp, const struct analysis *an);

/* One-line summary of an event ("REGISTER sip:… CSeq 2 (auts)"), with its
 * transport marks ([ESP ICV ok], [GTP-U], [forwarded] ...). */
void report_summary(const struct trace_ctx *c, int ev, char *buf, size_t sz);
/* Marks alone: "", " [ESP ICV ok]", " [forwarded]" ... */
void report_marks(const struct trace_ctx *c, int ev, char *buf, size_t sz);
/* "UE 10.10.1.1:5060" for an event's sender (dst=false) or receiver. */
void report_end(const struct trace_ctx *c, int ev, bool dst, char *buf, size_t sz);
/* Sorted, distinct event indices of attempt k into out (max n); count. */
size_t report_attempt_events(const struct trace_ctx *c, const struct pairing *p, size_t k,
			     int *out, size_t n);
/* Events of a Diameter exchange (request, answer). */
size_t report_exchange_events(const struct diam_exchange *x, int *out);

#endif
