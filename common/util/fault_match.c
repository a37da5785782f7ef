/* Fault rule matching shared by hssd and scscf-stub (fault_match.h). */
#include "fault_match.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static uint64_t prng_state;

void fault_seed(uint64_t seed)
{
	if (!seed) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
	}
	prng_state = seed ? seed : 1;
}

/* xorshift64* (Vigna 2016): plenty for "drop about 10 %". */
double fault_random(void)
{
	if (!prng_state)
		fault_seed(0);
	prng_state ^= prng_state >> 12;
	prng_state ^= prng_state << 25;
	prng_state ^= prng_state >> 27;
	return (double)((prng_state * 0x2545f4914f6cdd1dull) >> 11) / (double)(1ull << 53);
}

static int parse_uint(const char *key, const char *val, unsigned min, unsigned *out, char *err,
		      size_t errsz)
{
	char *end;
	unsigned long v = strtoul(val, &end, 10);

	if (!*val || *end || *val == '-' || v < min || v > 100000000ul) {
		snprintf(err, errsz, "%s: expected a whole number >= %u, got '%s'", key, min, val);
		return -1;
	}
	*out = (unsigned)v;
	return 1;
}

int fault_match_option(struct fault_match *m, const char *key, const char *val, char *err,
		       size_t errsz)
{
	if (!strcmp(key, "user")) {
		if (!*val || strlen(val) >= sizeof(m->user)) {
			snprintf(err, errsz, "user: expected a glob of 1..%d characters",
				 FAULT_USER_MAX - 1);
			return -1;
		}
		snprintf(m->user, sizeof(m->user), "%s", val);
		return 1;
	}
	if (!strcmp(key, "every"))
		return parse_uint(key, val, 1, &m->every, err, errsz);
	if (!strcmp(key, "count"))
		return parse_uint(key, val, 1, &m->count, err, errsz);
	if (!strcmp(key, "probability")) {
		char *end;
		double p = strtod(val, &end);

		if (!*val || *end || !(p > 0 && p <= 1)) {
			snprintf(err, errsz, "probability: expected a number in (0, 1], got '%s'", val);
			return -1;
		}
		m->probability = p;
		return 1;
	}
	return 0;
}

int fault_match_check(const struct fault_match *m, char *err, size_t errsz)
{
	if (m->every > 1 && m->probability > 0) {
		snprintf(err, errsz, "every and probability: give one of them, not both");
		return -1;
	}
	return 0;
}

bool fault_match_user(const struct fault_match *m, const char *user, const char *user2)
{
	if (!m->user[0])
		return true;
	return (user && !fnmatch(m->user, user, 0)) || (user2 && !fnmatch(m->user, user2, 0));
}

bool fault_match_spent(const struct fault_match *m)
{
	return m->count && m->fired >= m->count;
}

bool fault_match_fire(struct fault_match *m)
{
	bool fire;

	if (fault_match_spent(m))
		return false;
	m->seen++;
	if (m->probability > 0)
		fire = fault_random() < m->probability;
	else
		fire = m->every <= 1 || m->seen % m->every == 0;
	if (fire)
		m->fired++;
	return fire;
}

int fault_match_format(const struct fault_match *m, char *out, size_t outsz)
{
	int n = 0;

	out[0] = '\0';
	if (m->user[0])
		n += snprintf(out + n, outsz - (size_t)n, " user=%s", m->user);
	if (m->every > 1 && (size_t)n < outsz)
		n += snprintf(out + n, outsz - (size_t)n, " every=%u", m->every);
	if (m->probability > 0 && (size_t)n < outsz)
		n += snprintf(out + n, outsz - (size_t)n, " probability=%g", m->probability);
	if (m->count && (size_t)n < outsz)
		n += snprintf(out + n, outsz - (size_t)n, " count=%u", m->count);
	return n;
}

void fault_log(int log_cat, unsigned id, const char *action, const char *what,
	       const char *user, const struct fault_match *m)
{
	char of[32] = "";

	if (m->count)
		snprintf(of, sizeof(of), " (%llu of %u)", (unsigned long long)m->fired, m->count);
	log_msg((enum log_cat)log_cat, LOG_LVL_NOTICE, "fault #%u injected: %s on %s user=%s%s",
		id, action, what, user && *user ? user : "-", of);
}
