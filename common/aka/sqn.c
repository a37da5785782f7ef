/* SQN management, TS 33.102 Annex C.
 *
 * SQN (48 bits) = SEQ ‖ IND, IND the low `ind_bits` bits (C.1.2, C.3.2).
 * Network side (C.1.1, C.3.1): a new SQN takes SEQ_HE + 1 and the IND of
 * the serving node's slot. USIM side (C.2): an array SEQ_MS(i), one per IND
 * value; a SQN is fresh when SEQ > SEQ_MS(IND) (C.2.2). Two more limits:
 *  - Δ (C.2.1, wrap-around protection): SEQ − SEQ_MS ≤ Δ, SEQ_MS being the
 *    SEQ of the highest SQN ever accepted, so no single challenge can push
 *    the counter near its end;
 *  - L (C.2.2, optional age limit): SEQ_MS − SEQ < L, so a vector that
 *    waited too long in a serving node is refused even if its slot is
 *    behind. */
#include "aka.h"

#include <string.h>

static unsigned ind_bits(const struct aka_sqn_cfg *cfg)
{
	return cfg->ind_bits > 8 ? 8 : cfg->ind_bits;
}

static uint64_t ind_mask(const struct aka_sqn_cfg *cfg)
{
	return (1ULL << ind_bits(cfg)) - 1;
}

uint64_t aka_sqn_next(const struct aka_sqn_cfg *cfg, uint64_t cur, unsigned ind)
{
	uint64_t seq = (cur & AKA_SQN_MAX) >> ind_bits(cfg);

	/* C.1.1: SEQ_HE + 1. Past 2^(48-ind_bits)-1 this wraps to SEQ 0, which
	 * every USIM refuses (C.2.2): the HE must never get there. */
	return ((seq + 1) << ind_bits(cfg) | (ind & ind_mask(cfg))) & AKA_SQN_MAX;
}

uint64_t aka_sqn_he_after_resync(const struct aka_sqn_cfg *cfg, uint64_t sqn_he,
				 uint64_t sqn_ms)
{
	unsigned bits = ind_bits(cfg);
	uint64_t next = ((sqn_he & AKA_SQN_MAX) >> bits) + 1;
	uint64_t seq_ms = (sqn_ms & AKA_SQN_MAX) >> bits;

	/* §6.3.5 (ii)-(iii): SQN_HE is "in the correct range" when the next
	 * SQN it generates would be accepted by a USIM whose highest accepted
	 * SQN is SQN_MS: newer than it in every IND slot (C.2.2) and at most Δ
	 * ahead of it (C.2.1). Then it is kept — a replayed old AUTS cannot
	 * roll SQN_HE back. */
	if (next > seq_ms && (!cfg->delta || next - seq_ms <= cfg->delta))
		return sqn_he & AKA_SQN_MAX;
	/* (v): SQN_HE := SQN_MS, up or down; aka_sqn_next() then gives
	 * SEQ_MS + 1, fresh for every IND slot (C.3.4). */
	return sqn_ms & AKA_SQN_MAX;
}

void aka_usim_sqn_init(struct aka_usim_sqn *s, const struct aka_sqn_cfg *cfg)
{
	static const struct aka_sqn_cfg def = AKA_SQN_CFG_DEFAULT;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg ? *cfg : def;
	if (s->cfg.ind_bits > 8)
		s->cfg.ind_bits = 8;
}

uint64_t aka_usim_sqn_ms(const struct aka_usim_sqn *s)
{
	return s->sqn_ms;
}

int aka_usim_sqn_check(const struct aka_usim_sqn *s, uint64_t sqn)
{
	unsigned bits = ind_bits(&s->cfg);
	uint64_t seq = sqn >> bits, ind = sqn & ind_mask(&s->cfg);
	uint64_t seq_hi = s->sqn_ms >> bits;

	if (sqn > AKA_SQN_MAX)
		return AKA_ESYNC;
	if (seq <= s->seq_ms[ind])
		return AKA_ESYNC; /* C.2.2: replayed or older than its slot */
	if (s->cfg.delta && seq > seq_hi && seq - seq_hi > s->cfg.delta)
		return AKA_ESYNC; /* C.2.1: jump larger than Δ */
	if (s->cfg.age_limit && seq < seq_hi && seq_hi - seq >= s->cfg.age_limit)
		return AKA_ESYNC; /* C.2.2: accepted only if SEQ_MS - SEQ < L */
	return AKA_OK;
}

void aka_usim_sqn_accept(struct aka_usim_sqn *s, uint64_t sqn)
{
	unsigned bits = ind_bits(&s->cfg);

	sqn &= AKA_SQN_MAX;
	s->seq_ms[sqn & ind_mask(&s->cfg)] = sqn >> bits;
	if (sqn > s->sqn_ms)
		s->sqn_ms = sqn;
}

void aka_usim_sqn_set(struct aka_usim_sqn *s, uint64_t sqn)
{
	unsigned bits = ind_bits(&s->cfg);
	uint64_t seq, ind;

	sqn &= AKA_SQN_MAX;
	seq = sqn >> bits;
	ind = sqn & ind_mask(&s->cfg);
	/* Slots up to IND have used SEQ; the ones above only SEQ − 1, so
	 * SEQ ‖ i for i > IND (higher than sqn) stays acceptable. */
	for (uint64_t i = 0; i <= ind_mask(&s->cfg); i++)
		s->seq_ms[i] = i <= ind ? seq : (seq ? seq - 1 : 0);
	s->sqn_ms = sqn;
}
