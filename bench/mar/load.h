/* diam-load: a Diameter load generator for hssd (bench/mar).
 *
 * Design: one thread, N TCP connections, each a common/diameter link (the
 * peer machine hssd and scscf-stub run: CER/CEA, DWR/DWA, DPR/DPA, answers
 * checked for structure); each does CER/CEA and then keeps a
 * window of W requests in flight until the duration is over. Requests of
 * one connection are written in one send() per loop turn, answers are
 * matched by hop-by-hop id, latency runs from just before the send() to the
 * read() that completed the answer. The request itself comes from a table
 * of request types (requests.c): one builder and one answer hook per
 * command: Cx MAR and S6a AIR are its rows. */
#ifndef BENCH_LOAD_H
#define BENCH_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "diameter/diam.h"

struct load_cfg;

/* One request type: how to ask, and what to do with a successful answer. */
struct req_type {
	const char *name;    /* "mar" */
	uint32_t app_id;     /* advertised in the CER as Vendor-Specific-Application-Id */
	uint32_t vendor_id;
	/* Writes one complete request for user index `user` (0..users-1).
	 * Everything user-specific must come from load_imsi(): the loop
	 * sends copies of one built request with the IMSI digits, Session-Id
	 * and ids patched in (template.c), after checking that this gives
	 * byte for byte what build() gives. */
	void (*build)(struct diam_wr *w, const struct load_cfg *c, unsigned user, const char *sid,
		      uint32_t hbh, uint32_t e2e);
	/* Called for every 2001 answer: the number of vectors in it, or -1
	 * when one is malformed. An answer whose count is not c->vectors
	 * is a bad answer. */
	int (*count)(const struct diam_msg *ans);
	/* Called for each 2001 answer when --dump is set (may be NULL);
	 * returns -1 when the answer is not for `user` (a bad answer). */
	int (*dump)(FILE *fp, const struct load_cfg *c, unsigned user, const struct diam_msg *ans);
};

const struct req_type *req_type_find(const char *name);
const char *req_type_names(void); /* "mar|air" (for --help) */

struct load_cfg {
	const char *host;
	uint16_t port;
	unsigned conns, window, users;
	unsigned vectors;          /* SIP-Number-Auth-Items / Number-Of-Requested-Vectors */
	uint8_t plmn[3];           /* AIR: Visited-PLMN-Id */
	double duration_s, warmup_s, drain_s;
	unsigned long long imsi_base;
	unsigned imsi_digits;
	const char *domain;        /* IMPI = IMSI@domain, IMPU = sip:IMSI@domain */
	const char *origin_host, *origin_realm, *dest_realm;
	const char *scheme;        /* SIP-Authentication-Scheme */
	const struct req_type *req;
	FILE *dump;                /* --dump FILE, or NULL */
	bool json;
};

/* "<imsi>" for user index u (zero-padded to the base's width). */
void load_imsi(const struct load_cfg *c, unsigned u, char *out, size_t outsz);

/* A built request turned into a template (template.c): copies of it with
 * patched IMSI digits, Session-Id counter (10 digits) and ids. */
#define TMPL_MAX_IMSI 8
struct req_tmpl {
	uint8_t buf[4096];
	size_t len;
	size_t imsi_off[TMPL_MAX_IMSI];
	unsigned nimsi;
	size_t sid_off;  /* first of the 10 counter digits of the Session-Id */
	char sid_prefix[200];
	bool ok;         /* false: build every request with c->req->build */
};
#define TMPL_SID_FMT "%s%010u"
void tmpl_init(struct req_tmpl *t, const struct load_cfg *c);
/* Writes the request for `user` into out (room for t->len); returns t->len. */
size_t tmpl_emit(const struct req_tmpl *t, const struct load_cfg *c, uint8_t *out, unsigned user,
		 uint32_t sid_lo, uint32_t hbh, uint32_t e2e);

/* Result counters and latency samples (stats.c). */
struct load_stats {
	unsigned long long sent, answers, in_window; /* in_window: counted for the rate */
	unsigned long long vectors;                  /* in 2001 answers counted for the rate */
	unsigned long long unanswered, conn_lost, bad_answers;
	struct { uint32_t code; unsigned long long n; } rc[32]; /* code, +100000 = experimental */
	unsigned nrc;
	uint32_t *lat_us;          /* samples of the measured window */
	size_t nlat, caplat;
	double elapsed_s;          /* measured window length */
};
void stats_result(struct load_stats *s, uint32_t code);
void stats_latency(struct load_stats *s, uint32_t us);
/* Sorts the samples; fills p50/p99/max (0 when empty). */
void stats_percentiles(struct load_stats *s, uint32_t *p50, uint32_t *p99, uint32_t *max);
void stats_free(struct load_stats *s);
/* Result-Code of an answer, or Experimental-Result-Code + 100000; 0 if none. */
uint32_t answer_code(const struct diam_msg *m);

/* Runs the whole load (loop.c). 0 done, <0 setup failure (message printed). */
int load_run(const struct load_cfg *c, struct load_stats *s);

#endif
