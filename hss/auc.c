/* SQN allocation and resync shared by Cx MAR and S6a AIR (see auc.h for
 * the rule and why a verified resync may lower SQN_HE). */
#include "auc.h"

#include <errno.h>

#include "util/log.h"

const struct aka_sqn_cfg auc_sqn_cfg = AKA_SQN_CFG_DEFAULT;

int auc_resync(struct db_sub *s, const char *who, const uint8_t *rand_auts, size_t len)
{
	uint64_t sqn_ms, he;

	if (len != AKA_RAND_LEN + AKA_AUTS_LEN)
		return -EINVAL;
	if (aka_auts_check(&s->keys, rand_auts, rand_auts + AKA_RAND_LEN, &sqn_ms) != AKA_OK) {
		LOGN(LOG_AUC, "resync %s: MAC-S does not verify, SQN left alone", who);
		return -EACCES;
	}
	he = aka_sqn_he_after_resync(&auc_sqn_cfg, s->sqn, sqn_ms);
	LOGI(LOG_AUC, "resync %s: SQN_MS %012llx, SQN_HE %012llx -> %012llx%s", who,
	     (unsigned long long)sqn_ms, (unsigned long long)s->sqn, (unsigned long long)he,
	     he == s->sqn ? " (in range, kept)" : " (reset to SQN_MS, TS 33.102 6.3.5)");
	s->sqn = he;
	return 0;
}

int auc_take_sqns(struct db *db, struct db_sub *s, unsigned n, uint64_t *sqns)
{
	uint64_t sqn = s->sqn, mask = (1u << auc_sqn_cfg.ind_bits) - 1;

	for (unsigned i = 0; i < n; i++) {
		uint64_t next = aka_sqn_next(&auc_sqn_cfg, sqn, (unsigned)((sqn + 1) & mask));
		if (next <= sqn)
			return -ERANGE;
		sqns[i] = sqn = next;
	}
	/* From the SQN read, only if nobody took SQNs since (db.h). */
	if (n && db_sub_advance_sqn(db, s->id, s->sqn_read, sqn))
		return -EIO;
	s->sqn = s->sqn_read = sqn;
	return 0;
}
