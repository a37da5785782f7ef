/* sqn_check: the verdict of the crash-durability test (run.sh here).
 *
 *   sqn_check --k HEX --opc HEX --stored FILE BEFORE AFTER
 *
 * BEFORE and AFTER hold the vectors diam-load received before hssd was
 * killed with SIGKILL and after it was restarted on the same store, one
 * "IMPI RAND AUTN" (hex) per line; FILE holds "IMPI SQN" (hex) per
 * subscriber as stored right after the restart (hss-ctl list).
 *
 * Every SQN is recovered from its AUTN the way a USIM does (TS 33.102
 * §6.3.3): AK = f5(K, RAND), SQN = (SQN ⊕ AK) ⊕ AK, and MAC-A = f1(K, SQN,
 * RAND, AMF) must verify, which proves the recovery. Then, per IMPI:
 *   - no SQN appears twice in BEFORE ∪ AFTER (no SQN ever issued twice);
 *   - every SQN in BEFORE is ≤ the stored SQN (each SQN we received was on
 *     disk: TS 33.102 C.1.1 requires SQN_HE to cover every SQN sent);
 *   - every SQN in AFTER is above every SQN in BEFORE.
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

/* Checks one IMPI's run v[0..n) (sorted by SQN). */
static void check_user(const struct vec *v, size_t n, const struct stored *st,
		       unsigned long long *lost)
{
	uint64_t max_before = 0, min_after = UINT64_MAX;
	bool any_before = false;

	for (size_t i = 0; i < n; i++) {
		if (i && v[i].sqn == v[i - 1].sqn)
			fail(v[i].impi, "SQN %012llx issued twice", (unsigned long long)v[i].sqn);
		if (v[i].phase == 0) {
			any_before = true;
			max_before = v[i].sqn > max_before ? v[i].sqn : max_before;
		} else if (v[i].sqn < min_after) {
			min_after = v[i].sqn;
		}
	}
	if (!any_before)
		return;
	if (!st) {
		fail(v[0].impi, "no stored SQN for this IMPI");
		return;
	}
	if (max_before > st->sqn)
		fail(v[0].impi, "SQN %012llx was received but the store holds only %012llx (not durable)",
		     (unsigned long long)max_before, (unsigned long long)st->sqn);
	else /* SEQ steps (SQN = SEQ ‖ IND, 5 IND bits) committed but never received */
		*lost += (st->sqn >> 5) - (max_before >> 5);
	if (min_after != UINT64_MAX && min_after <= max_before)
		fail(v[0].impi, "after the restart SQN %012llx, not above %012llx from before",
		     (unsigned long long)min_after, (unsigned long long)max_before);
}

int main(int argc, char **argv)
{
	const char *stored_path = NULL, *files[2] = { NULL, NULL };
	struct vec *v = NULL;
	struct stored *st = NULL;
	size_t n = 0, cap = 0, nst = 0, nfiles = 0, counts[2] = { 0, 0 }, users = 0;
	unsigned long long lost = 0;

	keys.algo = AKA_ALGO_MILENAGE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help")) {
			puts("usage: " PROG " --k HEX --opc HEX --stored FILE BEFORE AFTER");
			return 0;
		} else if (val && !strcmp(a, "--k")) {
			cli_hex_exact(PROG, a, val, keys.k, 16), i++;
		} else if (val && !strcmp(a, "--opc")) {
			cli_hex_exact(PROG, a, val, keys.opc, 16), i++;
		} else if (val && !strcmp(a, "--stored")) {
			stored_path = val, i++;
		} else if (a[0] != '-' && nfiles < 2) {
			files[nfiles++] = a;
		} else {
			cli_usage_error(PROG, "%s: unknown option or missing value", a);
		}
	}
	if (!stored_path || nfiles != 2)
		cli_usage_error(PROG, "--stored FILE, BEFORE and AFTER are required");
	for (int p = 0; p < 2; p++) {
		size_t n0 = n;

		if (load_vectors(files[p], p, &v, &n, &cap) < 0)
			return 1;
		counts[p] = n - n0;
	}
	if (load_stored(stored_path, &st, &nst) < 0)
		return 1;
	qsort(v, n, sizeof(*v), cmp_vec);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(v[j].impi, v[i].impi); j++)
			;
		check_user(v + i, j - i, find_stored(st, nst, v[i].impi), &lost);
		users++;
	}
	if (!counts[0] || !counts[1]) {
		printf("FAIL: %zu vectors before the kill, %zu after the restart: both must be > 0\n",
		       counts[0], counts[1]);
		failures++;
	}
	printf("%s: %zu vectors before the kill, %zu after the restart, %zu users; "
	       "%llu SQNs committed but never received (answers lost with the process)\n",
	       failures ? "FAIL" : "ok", counts[0], counts[1], users, lost);
	free(v);
	free(st);
	return failures ? 1 : 0;
}
