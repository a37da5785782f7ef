/* SQN handling of TS 33.102 Annex C: SEQ ‖ IND, the USIM's SEQ_MS array,
 * Δ (C.2.1) and L (C.2.2), and the network side's next/after-resync. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aka/aka.h"

#define SQN(seq, ind) ((uint64_t)(seq) << 5 | (ind))

static struct aka_usim_sqn fresh_card(uint64_t delta, uint64_t L)
{
	struct aka_sqn_cfg cfg = { .ind_bits = 5, .delta = delta, .age_limit = L };
	struct aka_usim_sqn s;

	aka_usim_sqn_init(&s, &cfg);
	return s;
}

static void test_fresh_then_replay(void **state)
{
	struct aka_usim_sqn s = fresh_card(1 << 28, 0);

	(void)state;
	assert_int_equal(aka_usim_sqn_ms(&s), 0);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(1, 0)), AKA_OK);
	aka_usim_sqn_accept(&s, SQN(1, 0));
	assert_int_equal(aka_usim_sqn_ms(&s), SQN(1, 0));
	/* C.2.2: the same SQN again, or an older one in the slot: replay. */
	assert_int_equal(aka_usim_sqn_check(&s, SQN(1, 0)), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(0, 0)), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(2, 0)), AKA_OK);
	/* SEQ 0 is never fresh (the array starts at 0). */
	assert_int_equal(aka_usim_sqn_check(&s, SQN(0, 7)), AKA_ESYNC);
}

/* IND slots: vectors of different serving nodes may arrive out of order. */
static void test_ind_slots(void **state)
{
	struct aka_usim_sqn s = fresh_card(1 << 28, 0);

	(void)state;
	aka_usim_sqn_accept(&s, SQN(10, 3));
	/* An older SEQ in another slot is still fresh there. */
	assert_int_equal(aka_usim_sqn_check(&s, SQN(5, 4)), AKA_OK);
	aka_usim_sqn_accept(&s, SQN(5, 4));
	assert_int_equal(aka_usim_sqn_ms(&s), SQN(10, 3)); /* highest stays */
	assert_int_equal(aka_usim_sqn_check(&s, SQN(5, 4)), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(9, 3)), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(11, 3)), AKA_OK);
	/* ind_bits 0: one slot, plain monotonic counter. */
	struct aka_sqn_cfg c0 = { .ind_bits = 0, .delta = 1000 };
	aka_usim_sqn_init(&s, &c0);
	aka_usim_sqn_accept(&s, 100);
	assert_int_equal(aka_usim_sqn_check(&s, 100), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, 101), AKA_OK);
}

/* C.2.1: a jump of more than Δ in SEQ is refused; exactly Δ is fine. */
static void test_delta(void **state)
{
	struct aka_usim_sqn s = fresh_card(100, 0);

	(void)state;
	aka_usim_sqn_accept(&s, SQN(50, 1));
	assert_int_equal(aka_usim_sqn_check(&s, SQN(150, 2)), AKA_OK);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(151, 2)), AKA_ESYNC);
	/* delta 0 = no limit */
	s = fresh_card(0, 0);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(1ULL << 40, 0)), AKA_OK);
}

/* C.2.2: with L set, only SEQ_MS - SEQ < L is accepted. */
static void test_age_limit(void **state)
{
	struct aka_usim_sqn s = fresh_card(1 << 28, 10);

	(void)state;
	aka_usim_sqn_accept(&s, SQN(100, 0));
	assert_int_equal(aka_usim_sqn_check(&s, SQN(91, 1)), AKA_OK);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(90, 1)), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(101, 1)), AKA_OK);
}

/* Wrap: near the end of the 48-bit space the HE's next SQN wraps to SEQ 0,
 * which the card refuses; Δ keeps a jump there from being accepted. */
static void test_wrap(void **state)
{
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	struct aka_usim_sqn s = fresh_card(1 << 28, 0);
	uint64_t top = AKA_SQN_MAX & ~31ULL; /* SEQ max, IND 0 */

	(void)state;
	assert_int_equal(aka_sqn_next(&cfg, top, 0), 0);
	assert_int_equal(aka_usim_sqn_check(&s, top), AKA_ESYNC); /* Δ */
	aka_usim_sqn_set(&s, top);
	assert_int_equal(aka_usim_sqn_check(&s, aka_sqn_next(&cfg, top, 0)), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, AKA_SQN_MAX + 1), AKA_ESYNC);
}

static void test_network_side(void **state)
{
	struct aka_sqn_cfg cfg = AKA_SQN_CFG_DEFAULT;
	struct aka_usim_sqn s = fresh_card(1 << 28, 0);

	(void)state;
	assert_int_equal(aka_sqn_next(&cfg, SQN(7, 3), 3), SQN(8, 3));
	assert_int_equal(aka_sqn_next(&cfg, SQN(7, 3), 9), SQN(8, 9));
	assert_int_equal(aka_sqn_next(&cfg, SQN(7, 3), 33), SQN(8, 1)); /* IND masked */
	/* After a resync to SQN_MS, the next SQN is fresh in every slot. */
	aka_usim_sqn_set(&s, SQN(500, 17));
	assert_int_equal(aka_usim_sqn_ms(&s), SQN(500, 17));
	uint64_t he = aka_sqn_he_after_resync(&cfg, SQN(3, 0), aka_usim_sqn_ms(&s));
	assert_int_equal(he, SQN(500, 17)); /* behind the card: up to SQN_MS */
	for (unsigned ind = 0; ind < 32; ind++)
		assert_int_equal(aka_usim_sqn_check(&s, aka_sqn_next(&cfg, he, ind)), AKA_OK);
	/* Ahead of the card within Δ (a replayed old AUTS): SQN_HE kept. */
	assert_int_equal(aka_sqn_he_after_resync(&cfg, SQN(900, 4), SQN(500, 17)), SQN(900, 4));
	assert_int_equal(aka_sqn_he_after_resync(&cfg, SQN(500, 2), SQN(500, 17)), SQN(500, 2));
	/* More than Δ ahead (§6.3.5 (v)): down to SQN_MS, or the card is
	 * locked out for good — and the next SQN is accepted again. */
	uint64_t far = SQN((1ULL << 28) + 1000, 0);
	assert_int_equal(aka_usim_sqn_check(&s, aka_sqn_next(&cfg, far, 0)), AKA_ESYNC);
	he = aka_sqn_he_after_resync(&cfg, far, aka_usim_sqn_ms(&s));
	assert_int_equal(he, SQN(500, 17));
	assert_int_equal(aka_usim_sqn_check(&s, aka_sqn_next(&cfg, he, 0)), AKA_OK);
	/* Exactly Δ ahead is still in range (C.2.1: SEQ − SEQ_MS ≤ Δ). */
	assert_int_equal(aka_sqn_he_after_resync(&cfg, SQN(500 + (1ULL << 28) - 1, 0), SQN(500, 17)),
			 SQN(500 + (1ULL << 28) - 1, 0));
	/* set(): slots above IND still accept SEQ ‖ i > SQN_MS. */
	assert_int_equal(aka_usim_sqn_check(&s, SQN(500, 18)), AKA_OK);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(500, 17)), AKA_ESYNC);
	assert_int_equal(aka_usim_sqn_check(&s, SQN(500, 16)), AKA_ESYNC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_then_replay),
		cmocka_unit_test(test_ind_slots),
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_age_limit),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_network_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
