/* Diameter on its own (issue 12 §1): every Cx MAR/MAA and S6a AIR/AIA in
 * the capture is checked whether or not SIP is there — an MME ↔ HSS trace
 * has no SIP at all.
 *   answer   each vector: MAC-A with the subscriber's keys (and OP/OPc
 *            swapped), XRES = f2, CK/IK = f3/f4 (Cx, UTRAN), KASME =
 *            KDF(CK ‖ IK, Visited-PLMN-Id of the AIR, SQN ⊕ AK) (S6a
 *            E-UTRAN, TS 33.401 A.2);
 *   request  RAND ‖ AUTS (MAR SIP-Authorization, AIR Re-Synchronization-
 *            Info): MAC-S over AMF 0000, SQN_MS and its distance to the
 *            SQN of the vector whose RAND it answers (TS 33.102 §6.3.5);
 *            the answer's first vector must then be above SQN_MS;
 *   RAND     a RAND seen in two vectors (one subscriber, or two) is
 *            reuse: TS 33.102 §6.3 wants a fresh RAND for every vector.
 * Vectors and resyncs already checked by a shown SIP attempt are not
 * checked twice. Keys are looked up by User-Name (IMPI for Cx, IMSI for
 * S6a). */
#ifndef TRACE_DIAM_CHECK_H
#define TRACE_DIAM_CHECK_H

#include "findings.h"
#include "keys.h"
#include "pair.h"
#include "trace.h"
#include "verdict.h"

#define DX_CHECKS_MAX 24

struct diam_exchange {
	int req, ans;                 /* event indices, -1 absent */
	char user[256];
	char keys_source[128];
	struct vcheck chk[DX_CHECKS_MAX];
	size_t nchk;
	bool verified;                /* something was checked (ok or FAIL) */
};

struct diam_checks {
	struct diam_exchange *x;
	size_t n;
};

/* shown: the attempts reported (their vectors are skipped here); impi:
 * only exchanges of this User-Name, or NULL. 0 or -ENOMEM. */
int diam_check_run(const struct trace_ctx *c, const struct pairing *p, const bool *shown,
		   const struct trace_keyring *kr, const char *impi, struct diam_checks *out);
void diam_check_findings(const struct diam_checks *d, struct findings *fs);
size_t diam_check_verified(const struct diam_checks *d);
void diam_check_free(struct diam_checks *d);

#endif
