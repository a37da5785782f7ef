/* sqn_check: the verdict of the crash-durability test (run.sh here).
 *
 *   sqn_check --k HEX --opc HEX PHASE1 --stored S1 [PHASE2 --stored S2 ...] PHASEn
 *
 * Each PHASE file holds the vectors diam-load received from one life of
 * hssd, one "IMPI RAND AUTN" (hex) per line; every phase but the last ended
 * with hssd killed by SIGKILL, and the --stored file after it holds
 * "IMPI SQN" (hex) per subscriber as read from the store right after hssd
 * was restarted on it (hss-ctl list).
 *
 * Every SQN is recovered from its AUTN the way a USIM does (TS 33.102
 * §6.3.3): AK = f5(K, RAND), SQN = (SQN ⊕ AK) ⊕ AK, and MAC-A = f1(K, SQN,
 * RAND, AMF) must verify, which proves the recovery. Then, per IMPI:
 *   - no SQN appears twice in all phases (no SQN ever issued twice; the
 *     rule is "between two verified resyncs" — hss/auc.h — and this test
 *     sends no AUTS);
 *   - every SQN received in a phase is ≤ the SQN stored after its crash
 *     (each SQN that left hssd was on disk: SQN_HE covers it, C.1.1);
 *   - every SQN of a phase is above every SQN of the earlier phases.
 * Exit 0 all hold, 1 a check failed (each failure printed), 2 bad usage. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aka/aka.h"
#include "util/cli.h"
#include "util/ct.h"
#include "util/hex.h"

#define PROG "sqn_check"
#define IMPI_MAX 128
#define MAX_REPORTS 10
#define MAX_PHASES 64 /* e2e/ha-durability: one phase per crash cycle */
#define USAGE "usage: " PROG " --k HEX --opc HEX PHASE --stored FILE [PHASE --stored FILE ...] PHASE"

struct vec {
	char impi[IMPI_MAX];
	uint64_t sqn;
	int phase; /* 0 before the kill, 1 after the restart */
};

struct stored {
	char impi[IMPI_MAX];
	uint64_t sqn;
};

static struct aka_keys keys;
static unsigned failures;

static void __attribute__((format(printf, 2, 3))) fail(const char *impi, const char *fmt, ...)
{
	va_list ap;

	if (failures++ >= MAX_REPORTS)
		return;
	printf("FAIL %s: ", impi);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* SQN of one AUTN, or -1 when the line is malformed or MAC-A fails. */
static int recover_sqn(const char *rand_hex, const char *autn_hex, uint64_t *sqn)
{
	uint8_t rand[AKA_RAND_LEN], autn[AKA_AUTN_LEN], sqn_b[AKA_SQN_LEN];
	static const uint8_t zero[AKA_SQN_LEN];
	struct aka_out o;

	if (hex_decode_exact(rand_hex, rand, sizeof(rand)) ||
	    hex_decode_exact(autn_hex, autn, sizeof(autn)))
		return -1;
	/* f5 does not depend on SQN: AK from a call with SQN 0. */
	if (aka_compute(&keys, rand, zero, autn + 6, &o))
		return -1;
	for (int i = 0; i < AKA_SQN_LEN; i++)
		sqn_b[i] = autn[i] ^ o.ak[i];
	if (aka_compute(&keys, rand, sqn_b, autn + 6, &o) || !ct_equal(o.mac_a, autn + 8, 8))
		return -1;
	*sqn = aka_sqn_get(sqn_b);
	return 0;
}

static int load_vectors(const char *path, int phase, struct vec **v, size_t *n, size_t *cap)
{
	char impi[IMPI_MAX], rh[40], ah[40], line[512];
	unsigned lineno = 0;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 4096;
			*v = realloc(*v, *cap * sizeof(**v));
			if (!*v)
				exit(1);
		}
		if (sscanf(line, "%127s %39s %39s", impi, rh, ah) != 3 ||
		    recover_sqn(rh, ah, &(*v)[*n].sqn) < 0) {
			printf("FAIL %s:%u: malformed line or MAC-A does not verify\n", path, lineno);
			failures++;
			continue;
		}
		snprintf((*v)[*n].impi, IMPI_MAX, "%s", impi);
		(*v)[(*n)++].phase = phase;
	}
	fclose(fp);
	return 0;
}

static int load_stored(const char *path, struct stored **s, size_t *n)
{
	char impi[IMPI_MAX], sqn[32], line[512];
	size_t cap = 0;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%127s %31s", impi, sqn) != 2)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			*s = realloc(*s, cap * sizeof(**s));
			if (!*s)
				exit(1);
		}
		snprintf((*s)[*n].impi, IMPI_MAX, "%s", impi);
		(*s)[(*n)++].sqn = strtoull(sqn, NULL, 16);
	}
	fclose(fp);
	return 0;
}

static int cmp_vec(const void *a, const void *b)
{
	const struct vec *x = a, *y = b;
	int c = strcmp(x->impi, y->impi);

	return c ? c : (x->sqn > y->sqn) - (x->sqn < y->sqn);
}

static const struct stored *find_stored(const struct stored *s, size_t n, const char *impi)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s[i].impi, impi))
			return &s[i];
	return NULL;
}

struct phase {
	const char *path;
	struct stored *st; /* SQNs stored after this phase's crash; NULL for the last */
	size_t nst, count;
};

/* Checks one IMPI's vectors v[0..n) (sorted by SQN) over np phases. */
static void check_user(const struct vec *v, size_t n, const struct phase *ph, int np,
		       unsigned long long *lost)
{
	uint64_t max[MAX_PHASES] = { 0 }, min[MAX_PHASES], earlier = 0;
	bool any[MAX_PHASES] = { false }, any_earlier = false;
	const char *impi = v[0].impi;

	for (int p = 0; p < np; p++)
		min[p] = UINT64_MAX;
	for (size_t i = 0; i < n; i++) {
		int p = v[i].phase;

		if (i && v[i].sqn == v[i - 1].sqn)
			fail(impi, "SQN %012llx issued twice", (unsigned long long)v[i].sqn);
		any[p] = true;
		max[p] = v[i].sqn > max[p] ? v[i].sqn : max[p];
		min[p] = v[i].sqn < min[p] ? v[i].sqn : min[p];
	}
	for (int p = 0; p < np; p++) {
		const struct stored *st = ph[p].st ? find_stored(ph[p].st, ph[p].nst, impi) : NULL;

		if (any[p] && any_earlier && min[p] <= earlier)
			fail(impi, "phase %d: SQN %012llx is not above %012llx from before the crash",
			     p + 1, (unsigned long long)min[p], (unsigned long long)earlier);
		if (any[p] && ph[p].st && !st)
			fail(impi, "phase %d: no stored SQN for this IMPI", p + 1);
		else if (any[p] && st && max[p] > st->sqn)
			fail(impi, "phase %d: SQN %012llx was received but after the restart the "
			     "store holds %012llx (not durable)", p + 1,
			     (unsigned long long)max[p], (unsigned long long)st->sqn);
		else if (any[p] && st) /* SEQ steps (5 IND bits) committed, never received */
			*lost += (st->sqn >> 5) - (max[p] >> 5);
		if (any[p]) {
			earlier = max[p] > earlier ? max[p] : earlier;
			any_earlier = true;
		}
	}
}

int main(int argc, char **argv)
{
	struct phase ph[MAX_PHASES] = { { 0 } };
	struct vec *v = NULL;
	size_t n = 0, cap = 0, users = 0;
	unsigned long long lost = 0;
	int np = 0;

	keys.algo = AKA_ALGO_MILENAGE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help")) {
			puts(USAGE);
			return 0;
		} else if (val && !strcmp(a, "--k")) {
			cli_hex_exact(PROG, a, val, keys.k, 16), i++;
		} else if (val && !strcmp(a, "--opc")) {
			cli_hex_exact(PROG, a, val, keys.opc, 16), i++;
		} else if (val && !strcmp(a, "--stored") && np && !ph[np - 1].st) {
			if (load_stored(val, &ph[np - 1].st, &ph[np - 1].nst) < 0)
				return 1;
			i++;
		} else if (a[0] != '-' && np < MAX_PHASES) {
			ph[np++].path = a;
		} else {
			cli_usage_error(PROG, "%s: unexpected here (see --help)", a);
		}
	}
	if (np < 2 || ph[np - 1].st)
		cli_usage_error(PROG, "need PHASE --stored FILE ... PHASE (at least two phases)");
	for (int p = 0; p < np; p++) {
		size_t n0 = n;

		if (!ph[p].st && p < np - 1)
			cli_usage_error(PROG, "%s: --stored FILE must follow each phase but the last",
					ph[p].path);
		if (load_vectors(ph[p].path, p, &v, &n, &cap) < 0)
			return 1;
		ph[p].count = n - n0;
	}
	qsort(v, n, sizeof(*v), cmp_vec);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(v[j].impi, v[i].impi); j++)
			;
		check_user(v + i, j - i, ph, np, &lost);
		users++;
	}
	printf("vectors per phase:");
	for (int p = 0; p < np; p++) {
		printf(" %zu", ph[p].count);
		if (!ph[p].count) {
			printf(" (FAIL: empty)");
			failures++;
		}
	}
	printf("\n%s: %zu vectors, %zu users, %d crashes; %llu SQNs committed but never "
	       "received (answers lost with the process)\n",
	       failures ? "FAIL" : "ok", n, users, np - 1, lost);
	free(v);
	for (int p = 0; p < np; p++)
		free(ph[p].st);
	return failures ? 1 : 0;
}
