/* Answers held until the store commit that covers them is durable: hssd's
 * group commit without stopping the loop (server.h, db.h db_commit_*).
 *
 * During a loop turn the core notes each request whose answer is gated
 * (struct held: its request in the connection's read buffer, its answer in
 * the connection's gated buffer). At the end of the turn the turn is
 * *sealed*: the notes and copies of those bytes go into the open batch,
 * whose commit then starts; the loop goes on with the next turn while the
 * commit becomes durable. Batches wait in commit order; a finished one
 * (held_pair: the one its commit's report names) releases its answers (or
 * 5012s, held_fate) and returns to a pool with its buffers, so a loaded
 * hssd allocates nothing per turn. */
#ifndef HSS_HELD_H
#define HSS_HELD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diam_fault.h"

struct held {
	void *conn;              /* the connection; NULL once it closed */
	const char *name;        /* "MAR" …; NULL: a request hssd sends */
	const uint8_t *req;      /* in the turn: in the read buffer */
	size_t req_off, req_len; /* sealed: in the batch's bytes */
	size_t ans_off, ans_len; /* in the turn: in the gated buffer */
	uint64_t t0_us;
	uint32_t tag;            /* db_set_tag: its SQN compare-and-swap */
	unsigned runs;           /* times it ran (a failed CAS runs it again) */
	/* a fault injected on this answer (diam_fault.h): a copy, as the rules
	 * may be read again before the batch is released */
	bool faulted;
	int64_t fault_id;
	struct hfault_action fault;
	uint8_t *delayed;        /* delay fault: the answer, malloc'ed */
	size_t delayed_len;
};

struct held_batch {
	struct held_batch *next;
	uint64_t seq;            /* its commit (db_commit_start) */
	uint64_t commit_us;      /* when that commit started */
	struct held *h;
	size_t n, cap;
	uint8_t *buf;            /* requests and answers */
	size_t len, bufcap;
};

/* Batches in commit order, the open one, and the pool. */
struct held_queue {
	struct held_batch *open;  /* this turn's, not yet committing */
	struct held_batch *head, *tail;
	struct held_batch *pool;
	size_t npool;
	size_t inflight;
};

/* Appends a copy of h, of its request and of its answer to the open batch
 * (created when there is none). 0 or -ENOMEM (nothing appended). */
int held_seal(struct held_queue *q, const struct held *h, const uint8_t *ans);
/* The open batch's commit started: it joins the queue. */
void held_committing(struct held_queue *q, uint64_t seq, uint64_t now_us);
/* The oldest committing batch, taken off the queue (NULL: none). */
struct held_batch *held_pop(struct held_queue *q);
/* The batch a finished commit's report (db_commit_done.seq) belongs to,
 * taken off the queue. Reports come one per commit, in commit order, so
 * batches queued before it whose own report never came can never be
 * paired: they are taken off too, onto *unpaired (in order), and their
 * answers must not leave (their commits' outcomes are unknown). NULL when
 * no queued batch has that seq (a stale or repeated report: nothing is
 * taken off, the head batch waits for its own). */
struct held_batch *held_pair(struct held_queue *q, uint64_t seq, struct held_batch **unpaired);

/* What becomes of an entry when its batch is released. */
enum held_fate {
	HELD_SEND,      /* its answer leaves */
	HELD_5012,      /* DIAMETER_UNABLE_TO_COMPLY instead (RFC 6733 §7.1.5) */
	HELD_RUN_AGAIN, /* its SQN compare-and-swap lost: it runs again */
	HELD_NOTHING,   /* a request of hssd's whose commit failed (its queue
			 * row was rolled back), or its connection closed */
};
/* err: the commit's outcome (0: durable; any error, HELD_UNPAIRED too:
 * nothing of the batch leaves); swap_failed: the entry's tag is among the
 * commit's failed swaps. */
enum held_fate held_fate(const struct held *h, int err, bool swap_failed);
#define HELD_UNPAIRED (-EPROTO) /* the batch's commit was never reported */

/* Back to the pool (the delay-fault copies must have been taken or freed). */
void held_put(struct held_queue *q, struct held_batch *b);
static inline const uint8_t *held_req(const struct held_batch *b, const struct held *h)
{
	return b->buf + h->req_off;
}
static inline const uint8_t *held_ans(const struct held_batch *b, const struct held *h)
{
	return b->buf + h->ans_off;
}
/* A connection closes: its entries in every batch forget it. */
void held_forget_conn(struct held_queue *q, const void *conn);
/* Frees everything (the delay-fault copies too). */
void held_free(struct held_queue *q);

#endif
