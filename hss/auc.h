/* The HSS's authentication centre: what Cx MAR (cx.c) and S6a AIR (s6a.c)
 * share — taking SQNs for new vectors and the resynchronisation of
 * TS 33.102 §6.3.5. Pure over a struct db_sub; the SQN is written through
 * the store inside the core's loop-turn transaction (hss/app.h).
 *
 * The SQN rule (docs/hss-cx.md, "Resync"): no SQN is handed out twice
 * between two verified resynchronisations. A verified AUTS may move SQN_HE
 * *down* to SQN_MS, as §6.3.5 step (v) says: otherwise an SQN_HE pushed more
 * than Δ ahead of the card (Annex C.2.1) — by anyone sending unauthenticated
 * REGISTERs — would lock the subscriber out for good. That is safe: SQN_MS
 * is the highest SQN the card ever accepted, so every SQN above it that the
 * HE issued before was never accepted, and every vector after the reset
 * carries a fresh RAND. */
#ifndef HSS_AUC_H
#define HSS_AUC_H

#include <stddef.h>
#include <stdint.h>

#include "aka/aka.h"
#include "db.h"

/* The network side of Annex C used by this HSS: IND of 5 bits, Δ = 2^28. */
extern const struct aka_sqn_cfg auc_sqn_cfg;

/* Resync from RAND ‖ AUTS (`len` must be 30): MAC-S verified (AMF 0000),
 * then SQN_HE kept or reset to SQN_MS per §6.3.5 (s->sqn updated, not yet
 * stored: the vectors that follow store it). `who` names the subscriber
 * in the log. 0, -EINVAL (wrong length) or -EACCES (MAC-S does not verify:
 * the SQN is left alone). */
int auc_resync(struct db_sub *s, const char *who, const uint8_t *rand_auts, size_t len);

/* Takes n SQNs after s->sqn (SEQ+1 each, IND cycling through the 2^5
 * slots of C.3.2 so vectors used out of order stay fresh) into sqns[],
 * stores the last one and sets s->sqn. 0, -ERANGE (SEQ exhausted: never
 * wrap, C.2.2) or -EIO (store). */
int auc_take_sqns(struct db *db, struct db_sub *s, unsigned n, uint64_t *sqns);

#endif
