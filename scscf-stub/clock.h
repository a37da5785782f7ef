/* Monotonic milliseconds: every expiry in scscf-stub (nonces, bindings,
 * Diameter timers) is measured on this clock, never on wall time. */
#ifndef SCSCF_CLOCK_H
#define SCSCF_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
