/* A loop turn's identity-cache keys (prefetch.h), read on the loop's
 * connection, or on it and a reader thread's at once.
 *
 * Why two: in hssd's lock-step with a window of requests (the answers of
 * one commit leave together, the same number come back), the turn's
 * misses are read before any of its handlers can run, on the loop's
 * critical path: at 1 M subscribers ≈ 13 k instructions a key in SQLite
 * (five B-tree descents), a third of a cold MAR (bench/README.md issue 14
 * item 3). The reader thread takes chunks of the misses on its own
 * read-only connection while the loop reads the first chunk itself and
 * then runs handlers; the second core is otherwise nearly idle.
 *
 * The chunks are claimed through one atomic word (the turn's job number,
 * its chunk count and the next chunk), so the loop never waits for the
 * reader to wake up: a chunk nobody took yet when a request needs it, the
 * loop reads itself, straight into the cache; one the reader took, the
 * loop waits for (it is being read) and takes its rows through
 * db_auth_take. The reader's connection sees every commit but not the
 * loop's open transaction; what that transaction may have changed is
 * refused there and read again by the handler (db_cache.c). */
#include "prefetch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "util/str.h"

enum { PF_FREE, PF_LOOP, PF_READ, PF_TAKEN }; /* a chunk's state */

struct pf_row {
	struct db_auth a;
	char key[DB_ID_MAX];
	bool by_imsi;
};

struct pf_reader {
	struct db *db; /* its own connection, read-only */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint32_t posted; /* under mu: the last job given */
	bool stop;       /* under mu */
	uint32_t job;    /* the loop's */
	/* the loop's counts, logged at the end: chunks read by the loop (of
	 * them after waiting for the reader), taken from the reader */
	uint64_t n_jobs, n_loop, n_stolen, n_taken;
	/* the job: written by the loop before it is posted, then read only */
	struct db_auth_key miss[DB_KEYS_MAX];
	size_t nmiss;
	/* job << 16 | back << 8 | front: the loop claims chunks from the front
	 * (the first requests' first), the reader from the back (needed last:
	 * it has the longest to read them); front < back while some are left.
	 * A claim is one compare-and-swap. */
	_Atomic uint32_t next;
	_Atomic uint8_t state[PF_CHUNKS];
	uint8_t nrows[PF_CHUNKS]; /* set by the reader before state PF_READ */
	_Atomic bool busy; /* the reader may be in the job (claiming, reading) */
	struct pf_row rows[DB_KEYS_MAX];
};

int hss_route_key(const struct hss_route *r, const struct diam_msg *m, char *out, size_t sz)
{
	const struct hss_key *k = &r->key;
	struct diam_avp a;
	size_t max = k->kind == HSS_KEY_IMSI ? DB_IMSI_MAX : DB_ID_MAX;
	bool ok = k->kind != HSS_KEY_NONE && !diam_msg_find(m, k->code, k->vendor, &a) &&
		  !diam_avp_str(&a, out, sz < max ? sz : max) && out[0];

	/* TS 23.003 §2.2: an IMSI is at most 15 digits (s6a.c req_imsi). */
	if (ok && k->kind == HSS_KEY_IMSI)
		ok = strspn(out, "0123456789") == strlen(out);
	if (!ok)
		out[0] = '\0';
	return ok ? 0 : -ENOENT;
}

void prefetch_add(struct prefetch *p, const struct hss_route *r, const struct diam_msg *m)
{
	if (r->key.kind == HSS_KEY_NONE || p->n == DB_KEYS_MAX ||
	    hss_route_key(r, m, p->text[p->n], sizeof(p->text[0])))
		return;
	p->keys[p->n] = (struct db_auth_key){ p->text[p->n], r->key.kind == HSS_KEY_IMSI };
	p->raw[p->n] = m->raw;
	p->n++;
}

bool prefetch_wanted(struct prefetch *p, const struct db *db)
{
	uint64_t lookups, fetched, l, f;

	db_auth_cache_counts(db, &lookups, &fetched);
	l = lookups - p->lookups;
	f = fetched - p->fetched;
	p->lookups = lookups;
	p->fetched = fetched;
	if (l)
		p->off = f < 2 || f * 8 < l;
	return !p->off;
}

/* ---- the turn's misses on two connections ---------------------------------- */
static size_t chunk_len(const struct pf_reader *r, size_t c)
{
	size_t end = (c + 1) * PF_CHUNK;

	return (end < r->nmiss ? end : r->nmiss) - c * PF_CHUNK;
}

/* The next chunk of job from the front (the loop) or the back (the
 * reader), -1 when none is left or the job is over. */
static long claim(struct pf_reader *r, uint32_t job, bool back)
{
	uint32_t v = atomic_load_explicit(&r->next, memory_order_acquire);

	while (v >> 16 == (job & 0xffff) && (v & 0xff) < ((v >> 8) & 0xff)) {
		uint32_t w = back ? v - (1u << 8) : v + 1;

		if (atomic_compare_exchange_weak_explicit(&r->next, &v, w, memory_order_acq_rel,
							  memory_order_acquire))
			return (long)(back ? (w >> 8) & 0xff : v & 0xff);
	}
	return -1;
}

struct pf_sink {
	struct pf_reader *r;
	size_t c;
};

static int keep_row(struct pf_sink *s, const char *key, const struct db_auth *a, bool by_imsi)
{
	struct pf_reader *r = s->r;
	struct pf_row *row;

	if (r->nrows[s->c] == PF_CHUNK)
		return 0;
	row = &r->rows[s->c * PF_CHUNK + r->nrows[s->c]++];
	row->a = *a;
	str_copy(row->key, sizeof(row->key), key);
	row->by_imsi = by_imsi;
	return 0;
}

static int keep_uri(void *arg, const char *key, const struct db_auth *a)
{
	return keep_row(arg, key, a, false);
}

static int keep_imsi(void *arg, const char *key, const struct db_auth *a)
{
	return keep_row(arg, key, a, true);
}

static void *reader_main(void *arg)
{
	struct pf_reader *r = arg;
	uint32_t seen = 0;

	for (;;) {
		bool stop;
		long c;

		pthread_mutex_lock(&r->mu);
		while (r->posted == seen && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		seen = r->posted;
		stop = r->stop;
		pthread_mutex_unlock(&r->mu);
		if (stop)
			return NULL;
		atomic_store(&r->busy, true); /* before the claim: prefetch_done */
		while ((c = claim(r, seen, true)) >= 0) {
			struct pf_sink s = { r, (size_t)c };
			uint8_t free_ = PF_FREE;

			r->nrows[c] = 0;
			/* an error leaves the chunk's keys to their handlers */
			(void)db_auth_read(r->db, &r->miss[c * PF_CHUNK], chunk_len(r, (size_t)c),
					   keep_uri, keep_imsi, &s);
			/* unless the loop read it meanwhile (ensure) */
			atomic_compare_exchange_strong_explicit(&r->state[c], &free_, PF_READ,
								memory_order_acq_rel,
								memory_order_acquire);
		}
		atomic_store(&r->busy, false);
	}
}

static struct pf_reader *reader_start(struct db *db)
{
	struct pf_reader *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return NULL;
	rc = db_open_reader(db, &r->db);
	if (rc) {
		if (rc != -ENOTSUP)
			LOGW(LOG_DB, "identity reader thread: no read-only connection (%s): the "
			     "loop reads every miss itself", db_errmsg(NULL));
		free(r);
		return NULL;
	}
	/* A WAL reader is rarely kept waiting (a checkpoint that truncates);
	 * the loop may wait for it at the end of a turn: not long. A lookup
	 * that gives up is the handler's again. */
	db_set_busy_timeout(r->db, 20);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	rc = pthread_create(&r->th, NULL, reader_main, r);
	if (rc) {
		LOGW(LOG_DB, "identity reader thread: %s: the loop reads every miss itself",
		     strerror(rc));
		db_close(r->db);
		free(r);
		return NULL;
	}
	return r;
}

void prefetch_free(struct prefetch *p)
{
	struct pf_reader *r = p->rd;

	if (!r)
		return;
	LOGN(LOG_DB, "identity reader thread: %llu turns read on two connections, chunks of %d "
	     "keys read by the reader %llu, by the loop %llu (%llu of them after waiting for the "
	     "reader)", (unsigned long long)r->n_jobs, PF_CHUNK, (unsigned long long)r->n_taken,
	     (unsigned long long)(r->n_loop + r->n_stolen), (unsigned long long)r->n_stolen);
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->th, NULL);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	db_close(r->db);
	explicit_bzero(r->rows, sizeof(r->rows));
	free(r);
	p->rd = NULL;
}

/* Posts the turn's misses (already in r->miss) to the reader. */
static void post(struct pf_reader *r)
{
	uint32_t chunks = (uint32_t)((r->nmiss + PF_CHUNK - 1) / PF_CHUNK);

	for (size_t c = 0; c < chunks; c++)
		atomic_store_explicit(&r->state[c], PF_FREE, memory_order_relaxed);
	if (!(++r->job & 0xffff))
		++r->job; /* job 0 is the reader's "none seen yet" */
	r->n_jobs++;
	atomic_store_explicit(&r->next, (r->job & 0xffff) << 16 | chunks << 8,
			      memory_order_release);
	pthread_mutex_lock(&r->mu);
	r->posted = r->job & 0xffff;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The reader's rows of chunk c into the cache (what db_auth_take refuses
 * is read by its handler), and K and OPc out of the buffer. */
static void take_rows(struct pf_reader *r, struct db *db, size_t c)
{
	for (size_t i = 0; i < r->nrows[c]; i++) {
		struct pf_row *row = &r->rows[c * PF_CHUNK + i];

		(void)db_auth_take(db, row->key, row->by_imsi, &row->a);
		explicit_bzero(&row->a.keys, sizeof(row->a.keys));
	}
	atomic_store_explicit(&r->state[c], PF_TAKEN, memory_order_relaxed);
	r->n_taken++;
}

/* Chunk c in the cache: taken from the reader, or read here when nobody
 * took it yet (with every free chunk before it), or when the reader took
 * it but has not finished it within PF_WAIT_NS (about the time a chunk
 * takes: the reader lost its core, and waiting longer would cost the loop
 * more than reading it; the reader's rows of it are then dropped). */
#define PF_WAIT_NS 25000u
static void ensure(struct pf_reader *r, struct db *db, size_t c)
{
	uint64_t since = 0;
	unsigned spins = 0;

	for (;;) {
		uint8_t st = atomic_load_explicit(&r->state[c], memory_order_acquire);
		long k;

		if (st == PF_LOOP || st == PF_TAKEN)
			return;
		if (st == PF_READ) {
			take_rows(r, db, c);
			return;
		}
		if (c < ((atomic_load_explicit(&r->next, memory_order_acquire) >> 8) & 0xff) &&
		    (k = claim(r, r->job, false)) >= 0) {
			atomic_store_explicit(&r->state[k], PF_LOOP, memory_order_relaxed);
			r->n_loop++;
			(void)db_auth_fill(db, &r->miss[k * PF_CHUNK], chunk_len(r, (size_t)k));
			continue;
		}
		/* the reader is reading it */
		relax();
		if (++spins % 64)
			continue;
		if (!since) {
			since = now_ns();
		} else if (now_ns() - since > PF_WAIT_NS &&
			   atomic_compare_exchange_strong_explicit(&r->state[c], &st, PF_LOOP,
								   memory_order_acq_rel,
								   memory_order_acquire)) {
			r->n_stolen++;
			(void)db_auth_fill(db, &r->miss[c * PF_CHUNK], chunk_len(r, (size_t)c));
			return;
		}
	}
}

/* Splits the turn when it has enough misses and a reader can be had. */
static bool split(struct prefetch *p, struct db *db)
{
	struct pf_reader *r = p->rd;
	size_t min = p->split_min ? p->split_min : PF_SPLIT_MIN;

	if (!r && !p->no_reader) {
		r = p->rd = reader_start(db);
		p->no_reader = !r;
	}
	if (!r || db_auth_missing(db, p->keys, p->n, r->miss, &r->nmiss, p->at))
		return false;
	if (r->nmiss < min) {
		if (r->nmiss)
			(void)db_auth_fill(db, r->miss, r->nmiss);
		return true;
	}
	post(r);
	p->split = true;
	return true;
}

int prefetch_run(struct prefetch *p, struct db *db)
{
	p->next = 0;
	p->split = false;
	if (!p->n)
		return 0;
	if (p->n >= (p->split_min ? p->split_min : PF_SPLIT_MIN) && split(p, db))
		return 0;
	return db_auth_prefetch(db, p->keys, p->n);
}

void prefetch_ready(struct prefetch *p, struct db *db, const uint8_t *raw)
{
	if (!p->split)
		return;
	for (size_t i = p->next; i < p->n; i++)
		if (p->raw[i] == raw) {
			p->next = i + 1;
			if (p->at[i] >= 0)
				ensure(p->rd, db, (size_t)p->at[i] / PF_CHUNK);
			return;
		}
}

void prefetch_done(struct prefetch *p, struct db *db)
{
	struct pf_reader *r = p->rd;
	size_t chunks;

	if (!p->split)
		return;
	p->split = false;
	/* every chunk in the cache (in hssd their requests ran: nothing left
	 * but a dead connection's); then none is left to claim, and once the
	 * reader is out of the chunk it may still be reading (one the loop
	 * read too), it touches nothing of this turn */
	chunks = (r->nmiss + PF_CHUNK - 1) / PF_CHUNK;
	for (size_t c = 0; c < chunks; c++)
		ensure(r, db, c);
	while (atomic_load(&r->busy))
		relax();
	for (size_t c = 0; c < chunks; c++)
		if (atomic_load_explicit(&r->state[c], memory_order_acquire) != PF_TAKEN)
			for (size_t i = 0; i < r->nrows[c]; i++)
				explicit_bzero(&r->rows[c * PF_CHUNK + i].a.keys,
					       sizeof(struct aka_keys));
}
