/* bench-aka: how many full authentication vectors (MILENAGE f1..f5,
 * AUTN, XRES, CK, IK) one core makes per second when every vector is for
 * a different subscriber, i.e. the AES key is loaded anew each time (the
 * HSS case: MARs arrive for random users).
 *
 *   bench-aka [--count N] [--runs R] [--subscribers S] [--csprng] [--json]
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
	unsigned long long count, runs, subs;
	int csprng, json;
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " [--count N] [--runs R] [--subscribers S] [--csprng] [--json]\n"
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
	*o = (struct opts){ .count = 2000000, .runs = 5, .subs = 4096 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--csprng")) {
			o->csprng = 1;
		} else if (!strcmp(a, "--json")) {
			o->json = 1;
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
		subs[s].algo = AKA_ALGO_MILENAGE;
		if (aka_random(subs[s].k, 16) || aka_random(subs[s].opc, 16))
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
		json_bool(&j, "csprng", o.csprng);
		json_int(&j, "runs", (long long)o.runs);
		json_int(&j, "min_vectors_per_s", (long long)sorted[0]);
		json_int(&j, "max_vectors_per_s", (long long)sorted[o.runs - 1]);
		json_end(&j);
	} else {
		printf("median of %llu runs: %.0f vectors/s per core (%.1f ns/vector), %llu subscribers%s [%u]\n",
		       o.runs, med, 1e9 / med, o.subs, o.csprng ? ", CSPRNG RAND" : "", check & 1);
	}
	free(subs);
	aka_thread_cleanup();
	return 0;
}
