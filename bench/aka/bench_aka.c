/* bench-aka: how many full authentication vectors (MILENAGE or TUAK
 * f1..f5, AUTN, XRES, CK, IK) one core makes per second when every vector
 * is for a different subscriber, i.e. the AES key is loaded anew each time
 * for MILENAGE (the HSS case: MARs arrive for random users).
 *
 *   bench-aka [--algo milenage|tuak] [--k-len 16|32] [--iterations N]
 *             [--count N] [--runs R] [--subscribers S] [--csprng] [--json]
 *
 * RAND normally comes from a cheap counter so the figure is the crypto
 * itself; --csprng draws every RAND through aka_random() (OpenSSL's
 * CSPRNG) as hssd does. Prints each run and the median. Rates are per
 * second of the thread's CPU time, so other load on the machine does not
 * lower them (it still shows in the wall-clock figure of each run). */
#include "aka/aka.h"
#include "util/cli.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG "bench-aka"
#define RUNS_MAX 31

struct opts {
	unsigned long long count, runs, subs, k_len, iterations;
	int csprng, json, algo;
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " [--algo milenage|tuak] [--k-len 16|32] [--iterations N]\n"
		    "                 [--count N] [--runs R] [--subscribers S] [--csprng] [--json]\n"
		    "  --algo A         milenage (default) or tuak (TS 35.231: MAC 8, RES 8,\n"
		    "                   CK/IK 16 octets)\n"
		    "  --k-len N        TUAK K octets, 16 (default) or 32\n"
		    "  --iterations N   TUAK Keccak iterations (default 1)\n"
		    "  --count N        vectors per run (default 2000000)\n"
		    "  --runs R         runs; the median is reported (default 5, max 31)\n"
		    "  --subscribers S  distinct subscribers cycled through (default 4096)\n"
		    "  --csprng         draw RAND from OpenSSL's CSPRNG for every vector\n"
		    "  --json           one JSON object: vectors_per_s, ns_per_vector, count,\n"
		    "                   csprng, runs, min_vectors_per_s, max_vectors_per_s\n"
		    "  --version        print \"" PROG " VERSION\" and exit\n");
}

static void parse(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .count = 2000000, .runs = 5, .subs = 4096, .k_len = 16,
			    .iterations = 1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--csprng")) {
			o->csprng = 1;
		} else if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (v && !strcmp(a, "--algo")) {
			if ((o->algo = aka_algo_parse(v)) < 0 || o->algo == AKA_ALGO_XOR)
				cli_usage_error(PROG, "--algo: expected milenage or tuak, got '%s'", v);
			i++;
		} else if (v && !strcmp(a, "--k-len")) {
			o->k_len = cli_uint(PROG, a, v, 16, 32), i++;
		} else if (v && !strcmp(a, "--iterations")) {
			o->iterations = cli_uint(PROG, a, v, 1, 65535), i++;
		} else if (v && !strcmp(a, "--count")) {
			o->count = cli_uint(PROG, a, v, 1, 1ULL << 40), i++;
		} else if (v && !strcmp(a, "--runs")) {
			o->runs = cli_uint(PROG, a, v, 1, RUNS_MAX), i++;
		} else if (v && !strcmp(a, "--subscribers")) {
			o->subs = cli_uint(PROG, a, v, 1, 1 << 24), i++;
		} else {
			cli_usage_error(PROG, "%s: unknown option or missing value (see --help)", a);
		}
	}
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One run: vectors per second of this thread's CPU time (robust on a
 * shared machine, where wall time also counts other processes' slices);
 * *wall_rate gets the wall-clock rate. The checksum keeps the compiler
 * from dropping work. */
static double run_once(const struct opts *o, const struct aka_keys *subs, unsigned *check,
		       double *wall_rate)
{
	static const uint8_t amf[2] = { 0x80, 0x00 };
	uint8_t rand[AKA_RAND_LEN] = { 0 };
	struct aka_vector v;
	double w0 = clock_s(CLOCK_MONOTONIC), t0 = clock_s(CLOCK_THREAD_CPUTIME_ID);

	for (unsigned long long i = 0; i < o->count; i++) {
		const struct aka_keys *k = &subs[i % o->subs];

		if (o->csprng) {
			if (aka_vector_make(k, 32 + i, amf, &v))
				exit(1);
		} else {
			memcpy(rand, &i, sizeof(i));
			if (aka_vector_make_rand(k, 32 + i, amf, rand, &v))
				exit(1);
		}
		*check += v.autn[15];
	}
	*wall_rate = (double)o->count / (clock_s(CLOCK_MONOTONIC) - w0);
	return (double)o->count / (clock_s(CLOCK_THREAD_CPUTIME_ID) - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct aka_keys *subs;
	double rate[RUNS_MAX], sorted[RUNS_MAX], wall[RUNS_MAX], med;
	unsigned check = 0;

	cli_version_check(PROG, argc, argv);
	parse(argc, argv, &o);
	subs = calloc(o.subs, sizeof(*subs));
	if (!subs)
		return 1;
	for (unsigned long long s = 0; s < o.subs; s++) {
		subs[s].algo = (enum aka_algo)o.algo;
		subs[s].tuak.k_len = (size_t)o.k_len;
		subs[s].tuak.iterations = (unsigned)o.iterations;
		if (aka_keys_check(&subs[s]))
			cli_usage_error(PROG, "--k-len: expected 16 or 32");
		if (aka_random(subs[s].k, sizeof(subs[s].k)) ||
		    aka_random(subs[s].opc, sizeof(subs[s].opc)))
			return 1;
	}
	for (unsigned r = 0; r < o.runs; r++) {
		rate[r] = sorted[r] = run_once(&o, subs, &check, &wall[r]);
		if (!o.json)
			printf("run %u: %.0f vectors/s of CPU time (%.1f ns/vector); wall clock %.0f/s\n",
			       r + 1, rate[r], 1e9 / rate[r], wall[r]);
	}
	qsort(sorted, o.runs, sizeof(double), cmp_double);
	med = sorted[o.runs / 2];
	if (o.json) {
		struct json j;

		json_begin(&j, stdout);
		json_int(&j, "vectors_per_s", (long long)med);
		json_int(&j, "ns_per_vector", (long long)(1e9 / med + 0.5));
		json_int(&j, "count", (long long)o.count);
		json_str(&j, "algo", aka_algo_name((enum aka_algo)o.algo));
		json_bool(&j, "csprng", o.csprng);
		json_int(&j, "runs", (long long)o.runs);
		json_int(&j, "min_vectors_per_s", (long long)sorted[0]);
		json_int(&j, "max_vectors_per_s", (long long)sorted[o.runs - 1]);
		json_end(&j);
	} else {
		printf("median of %llu runs: %.0f %s vectors/s per core (%.1f ns/vector), %llu subscribers%s [%u]\n",
		       o.runs, med, aka_algo_name((enum aka_algo)o.algo), 1e9 / med, o.subs,
		       o.csprng ? ", CSPRNG RAND" : "", check & 1);
	}
	free(subs);
	aka_thread_cleanup();
	return 0;
}
