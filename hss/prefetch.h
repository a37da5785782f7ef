/* A loop turn's identity-cache keys, gathered before its handlers run
 * (issue 11 item 6, issue 14 item 3). hssd's loop reads every readable
 * connection first, adds the key of each buffered request whose route
 * declares one (app.h struct hss_key: the IMPU of a MAR, the IMSI of an
 * AIR), and has the cache look up all the missing keys in one store call
 * (db.h db_auth_prefetch): on PostgreSQL one round trip per turn instead
 * of one per cache miss. Then the requests run as before and find their
 * identities in the cache. Only a hint: a request whose key was not
 * gathered or not filled looks it up itself, with the same result.
 * No sockets here: requests in, keys out (tests/unit/test_prefetch.c). */
#ifndef HSS_PREFETCH_H
#define HSS_PREFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "db.h"

/* A turn's misses read on two connections: the loop's and a reader
 * thread's (prefetch.c). Chunks of PF_CHUNK keys, one statement each. */
#define PF_CHUNK 8
#define PF_CHUNKS (DB_KEYS_MAX / PF_CHUNK)
#define PF_SPLIT_MIN (2 * PF_CHUNK) /* fewer misses: all on the loop's connection */

struct pf_reader; /* prefetch.c */

struct prefetch {
	struct db_auth_key keys[DB_KEYS_MAX];
	char text[DB_KEYS_MAX][DB_ID_MAX]; /* the keys' strings */
	const uint8_t *raw[DB_KEYS_MAX];   /* the request each key is from */
	int16_t at[DB_KEYS_MAX];           /* its index among the turn's misses, or -1 */
	size_t n, next;                    /* keys; the first whose request did not run */
	/* prefetch_wanted: the cache's counts at the last call, the verdict */
	uint64_t lookups, fetched;
	bool off;
	/* the reader thread: started by the first turn that needs it; none
	 * on a store without side readers (PostgreSQL) or when it failed */
	struct pf_reader *rd;
	bool no_reader, split; /* split: this turn is read on both connections */
	size_t split_min;      /* misses from which a turn is split (0: PF_SPLIT_MIN) */
};

/* Whether this turn's keys are worth gathering: yes while the cache
 * misses (keys read from the store since the last call) were at least 2
 * and an eighth of its lookups. The gathering costs about 1,000
 * instructions a request (the key found in the request, the cache asked
 * twice); a miss read in the batch instead of alone saves about 8,000 on
 * SQLite (one statement for all: bench/README.md) and a round trip on
 * PostgreSQL. So a store of 1 k subscribers, all cached but for the odd
 * slot conflict (2 of 64 a turn), does not pay for it; 1 M subscribers in
 * a round robin, every request a miss, do; a turn of one request has
 * nothing to batch. Turns without a lookup keep the last verdict. */
bool prefetch_wanted(struct prefetch *p, const struct db *db);

/* The key route r declares in request m, as its handler reads it, into
 * out: 0, or -ENOENT (none declared, the AVP absent or empty, too long
 * for the store, an IMSI with more than 15 digits or another character). */
int hss_route_key(const struct hss_route *r, const struct diam_msg *m, char *out, size_t sz);

static inline void prefetch_reset(struct prefetch *p)
{
	p->n = p->next = 0;
	p->split = false;
}

/* Adds m's key, if r declares one (beyond DB_KEYS_MAX: left to its handler). */
void prefetch_add(struct prefetch *p, const struct hss_route *r, const struct diam_msg *m);
/* Has the cache fill the keys gathered; 0 or the store's error (nothing
 * to do for the caller: the handlers look up what is still missing).
 * With PF_SPLIT_MIN misses or more, on a store that has side readers
 * (SQLite), the misses are read in chunks by this thread and a reader
 * thread at once, and the loop goes on: before a request's handler runs,
 * prefetch_ready(raw) makes sure its key's chunk is in the cache (reading
 * it here if the reader did not take it yet); the rows of the reader's
 * connection go in through db_auth_take, which refuses what the open
 * transaction may have changed. prefetch_done ends the turn's reading:
 * every chunk is then in the cache, and the reader touches nothing of
 * this turn any more. */
int prefetch_run(struct prefetch *p, struct db *db);
void prefetch_ready(struct prefetch *p, struct db *db, const uint8_t *raw);
void prefetch_done(struct prefetch *p, struct db *db);
/* Stops the reader thread and closes its connection. */
void prefetch_free(struct prefetch *p);

#endif
