/* When a fault rule fires: the part of a fault rule that hssd (Diameter
 * faults, hss/fault.c) and scscf-stub (SIP faults, scscf-stub/fault.c)
 * share — a user glob, "every Nth", "with probability P" and "at most N
 * times" — and the one log line every injected fault writes.
 *
 * A rule counts the requests that match its user (and whatever else its
 * owner filters on) and fires on every Nth of them, or at random with
 * probability P, or on all of them; once it has fired `count` times it is
 * spent. Randomness comes from a seedable PRNG so tests repeat. */
#ifndef UTIL_FAULT_MATCH_H
#define UTIL_FAULT_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAULT_USER_MAX 256

struct fault_match {
	char user[FAULT_USER_MAX]; /* fnmatch(3) glob; "" = any user */
	unsigned every;            /* fire on every Nth match; 0/1 = every match */
	double probability;        /* in (0, 1]; 0 = not random */
	unsigned count;            /* fire at most this often; 0 = no limit */
	uint64_t seen, fired;      /* matches and fires so far */
};

/* Parses one option word of the shared syntax into m: user=GLOB, every=N,
 * probability=P, count=N. 1 when the word was one of them, 0 when it is
 * not (the caller's own option), -1 with a reason in err. */
int fault_match_option(struct fault_match *m, const char *key, const char *val, char *err,
		       size_t errsz);
/* Cross-checks (every and probability are exclusive). 0 or -1 + err. */
int fault_match_check(const struct fault_match *m, char *err, size_t errsz);

/* True when `user` (or `user2`, either may be NULL) matches the glob. */
bool fault_match_user(const struct fault_match *m, const char *user, const char *user2);
/* Counts one matching request and tells whether the rule fires on it. */
bool fault_match_fire(struct fault_match *m);
bool fault_match_spent(const struct fault_match *m);

/* The PRNG behind probability (xorshift64*); seed 0 = from the clock. */
void fault_seed(uint64_t seed);
double fault_random(void);

/* The one log line of an injected fault (notice level):
 *   "fault #3 injected: drop on MAR user=001010000000001@ims… (2 of 5)"
 * `what` names the request (command or method), user may be NULL. */
void fault_log(int log_cat, unsigned id, const char *action, const char *what,
	       const char *user, const struct fault_match *m);

/* Writes the options back in the syntax they were parsed from (for logs,
 * `list`); "" when none. Returns the length. */
int fault_match_format(const struct fault_match *m, char *out, size_t outsz);

#endif
