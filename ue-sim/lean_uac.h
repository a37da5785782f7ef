/* A lean SIP-over-UDP REGISTER client for `ue-sim load`: the same USIM and
 * digest code as the nta UAC (ue_auth.c), but messages are written with
 * snprintf and responses read with a minimal parser, so the load generator
 * costs a fraction of the S-CSCF it measures. RFC 3261 §17.1.2 non-INVITE
 * client transaction: retransmit at T1 doubling up to T2, give up at 64*T1.
 * Only what a REGISTER flow needs; the full UAC is uac.c. */
#ifndef UE_LEAN_UAC_H
#define UE_LEAN_UAC_H

#include <stddef.h>
#include <stdint.h>

#include "ue.h"

struct lean;
/* Final outcome of one registration of user idx: status 200 = success. */
typedef void (*lean_done_fn)(void *arg, size_t idx, int status, const char *error,
			     uint64_t t_start, uint64_t t_first, uint64_t t_final);

/* bind: "sip:IP:PORT" (PORT 0 = free); registrar "sip:IP:PORT" (UDP). */
struct lean *lean_open(const char *bind, const char *registrar, size_t nusers, long long seed,
		       lean_done_fn done, void *arg);
/* cfg strings are borrowed for the life of the lean. 0 or -1. */
int lean_user_init(struct lean *l, size_t idx, const struct ue_cfg *cfg);
/* Starts a full registration of user idx (auto-answering 401s). 0 or -1. */
int lean_start(struct lean *l, size_t idx);
/* Reads responses and runs retransmissions for up to timeout_ms. */
/* Gives up on a request (408) after ms instead of 64*T1 = 32 s. */
void lean_set_timeout(struct lean *l, unsigned ms);
void lean_poll(struct lean *l, int timeout_ms);
void lean_close(struct lean *l);

#endif
