/* A lean SIP-over-UDP REGISTER client for `ue-sim load`: the same USIM and
 * digest code as the nta UAC (ue_auth.c), but messages are written with
 * util/str.h and responses read with a minimal parser, so the load
 * generator costs a fraction of the S-CSCF it measures. RFC 3261 §17.1.2
 * non-INVITE client transaction: retransmit at T1 doubling up to T2, give
 * up at 64*T1 (T1 per user: ue_cfg.t1_ms, default 500 ms; T2 4 s). Only what a REGISTER flow needs; the full UAC is uac.c.
 *
 * All users share one socket. Requests made during a turn of the loop go
 * out together in one sendmmsg() at its end, responses come in with
 * recvmmsg(): two or three system calls per turn instead of one per
 * message (issue 14: a system call costs ≈ 1.3 µs on this VM). */
#ifndef UE_LEAN_UAC_H
#define UE_LEAN_UAC_H

#include <stddef.h>
#include <stdint.h>

#include "ue.h"

/* The instants of one registration, CLOCK_MONOTONIC ns, 0 = did not
 * happen: its initial REGISTER handed to the kernel, the first final
 * response (the 401) arriving in the socket (the kernel's receive
 * timestamp, not when the loop got round to it), the answer handed to
 * the kernel, the final response arriving. So the latencies are the
 * network's: neither ue-sim's own time between the 401 and its answer
 * nor a busy loop's wait before it reads a response is in them. */
struct lean_times {
	uint64_t start, first, answer, final;
};

struct lean;
/* Final outcome of one registration of user idx: status 200 = success. */
typedef void (*lean_done_fn)(void *arg, size_t idx, int status, const char *error,
			     const struct lean_times *t);

/* bind: "sip:IP:PORT" (PORT 0 = free); registrar "sip:IP:PORT" (UDP). */
struct lean *lean_open(const char *bind, const char *registrar, size_t nusers, long long seed,
		       lean_done_fn done, void *arg);
/* cfg strings are borrowed for the life of the lean. 0 or -1. */
int lean_user_init(struct lean *l, size_t idx, const struct ue_cfg *cfg);
/* Starts a full registration of user idx (auto-answering 401s). 0 or -1.
 * The REGISTER is queued: it goes out at the next lean_poll(). */
int lean_start(struct lean *l, size_t idx);
/* Gives up on a request (408) after ms when that comes before its Timer F
 * (64*T1: 32 s with the default T1; T1 is the user's ue_cfg.t1_ms). */
void lean_set_timeout(struct lean *l, unsigned ms);
/* With 8 or more registrations in flight, a turn of lean_poll() starts at
 * most every us microseconds: responses that arrive meanwhile wait in the
 * socket and are read and answered together (0 = a turn per wake-up). */
void lean_set_turn(struct lean *l, unsigned us);
/* Sends what is queued, waits up to timeout_ms for responses, handles
 * them and the retransmission timers, sends what that queued. */
void lean_poll(struct lean *l, int timeout_ms);
void lean_close(struct lean *l);

#endif
