/* diam-load: Cx MAR or S6a AIR load against hssd (see load.h for the
 * design, and bench/README.md for the figures).
 *
 *   diam-load --port N [--host IP] [--connections N] [--window W]
 *             [--duration S] [--warmup S] [--users U] [--imsi-base DIGITS]
 *             [--domain D] [--request mar|air] [--vectors N] [--plmn HEX]
 *             [--dump FILE] [--json]
 *
 * Exit: 0 every answer was 2001 with the vectors asked for and no
 * connection was lost, 1 otherwise (or setup failed), 2 bad usage. */
#include "load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cli.h"
#include "util/hex.h"
#include "util/json.h"

#define PROG "diam-load"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROG " --port N [options]\n"
		"  --host IP            hssd address (default 127.0.0.1)\n"
		"  --port N             hssd TCP port (required)\n"
		"  --connections N      connections, each with its own CER (default 1)\n"
		"  --window W           requests in flight per connection (default 64)\n"
		"  --duration S         seconds of load, fractions allowed (default 5)\n"
		"  --warmup S           first seconds left out of rate and latency (default 0)\n"
		"  --drain S            wait for outstanding answers after the load (default 2)\n"
		"  --users U            subscribers, used round robin (default 1000)\n"
		"  --imsi-base DIGITS   IMSI of user 0; user i is base+i, same width\n"
		"                       (default 001010000000001)\n"
		"  --domain D           IMPI IMSI@D, IMPU sip:IMSI@D (default bench.test)\n"
		"  --origin-host FQDN   our Origin-Host (default load.bench.test)\n"
		"  --realm REALM        our Origin-Realm and the Destination-Realm (default bench.test)\n"
		"  --request TYPE       request type: %s (default mar)\n"
		"                       mar: Cx MAR as an S-CSCF; air: S6a AIR as an MME\n"
		"  --vectors N          vectors per request, 1..32 (default 1): MAR's\n"
		"                       SIP-Number-Auth-Items, AIR's Number-Of-Requested-Vectors;\n"
		"                       every answer must carry exactly N (--items is an alias)\n"
		"  --scheme NAME        MAR: SIP-Authentication-Scheme (default Digest-AKAv1-MD5)\n"
		"  --plmn HEX           AIR: Visited-PLMN-Id, 3 octets (default 00f110)\n"
		"  --dump FILE          write every vector received as \"USER RAND AUTN\" (hex;\n"
		"                       USER is the IMPI for mar, the IMSI for air)\n"
		"  --json               one JSON object instead of the text report\n"
		"  --version            print \"" PROG " VERSION\" and exit\n"
		"Exit: 0 all answers 2001 with N vectors and no connection lost, 1 otherwise,\n"
		"2 bad usage.\n",
		req_type_names());
}

static double seconds(const char *opt, const char *v, double min)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || end == v || !(d >= min) || d > 3600)
		cli_usage_error(PROG, "%s: expected seconds between %g and 3600, got '%s'", opt, min,
				v);
	return d;
}

static void parse_imsi(struct load_cfg *c, const char *v)
{
	size_t n = strlen(v);

	if (n < 5 || n > 15 || strspn(v, "0123456789") != n)
		cli_usage_error(PROG, "--imsi-base: expected 5 to 15 digits, got '%s'", v);
	c->imsi_base = strtoull(v, NULL, 10);
	c->imsi_digits = (unsigned)n;
}

static bool ip_literal(const char *v)
{
	struct in6_addr a;

	return inet_pton(AF_INET, v, &a) == 1 || inet_pton(AF_INET6, v, &a) == 1;
}

static void parse(int argc, char **argv, struct load_cfg *c, const char **dump)
{
	*c = (struct load_cfg){ .host = "127.0.0.1", .conns = 1, .window = 64, .users = 1000,
				.vectors = 1, .plmn = { 0x00, 0xf1, 0x10 }, .duration_s = 5, .drain_s = 2, .domain = "bench.test",
				.origin_host = "load.bench.test", .origin_realm = "bench.test",
				.scheme = "Digest-AKAv1-MD5", .req = req_type_find("mar") };
	parse_imsi(c, "001010000000001");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--json")) {
			c->json = true;
			continue;
		} else if (!v) {
			cli_usage_error(PROG, "%s: unknown option or missing value (see --help)", a);
		} else if (!strcmp(a, "--host")) {
			c->host = v;
			if (!ip_literal(v)) /* a name would fail later as EINVAL, exit 1 */
				cli_usage_error(PROG, "--host: expected an IPv4 or IPv6 address, got '%s'",
						v);
		} else if (!strcmp(a, "--port")) {
			c->port = (uint16_t)cli_uint(PROG, a, v, 1, 65535);
		} else if (!strcmp(a, "--connections")) {
			c->conns = (unsigned)cli_uint(PROG, a, v, 1, 256);
		} else if (!strcmp(a, "--window")) {
			c->window = (unsigned)cli_uint(PROG, a, v, 1, 4096);
		} else if (!strcmp(a, "--duration")) {
			c->duration_s = seconds(a, v, 0.001);
		} else if (!strcmp(a, "--warmup")) {
			c->warmup_s = seconds(a, v, 0);
		} else if (!strcmp(a, "--drain")) {
			c->drain_s = seconds(a, v, 0);
		} else if (!strcmp(a, "--users")) {
			c->users = (unsigned)cli_uint(PROG, a, v, 1, 100000000);
		} else if (!strcmp(a, "--imsi-base")) {
			parse_imsi(c, v);
		} else if (!strcmp(a, "--domain")) {
			c->domain = v;
		} else if (!strcmp(a, "--origin-host")) {
			c->origin_host = v;
		} else if (!strcmp(a, "--realm")) {
			c->origin_realm = v;
		} else if (!strcmp(a, "--vectors") || !strcmp(a, "--items")) {
			c->vectors = (unsigned)cli_uint(PROG, a, v, 1, 32);
		} else if (!strcmp(a, "--plmn")) {
			if (hex_decode_exact(v, c->plmn, 3) != 0)
				cli_usage_error(PROG, "--plmn: expected 6 hex digits, got '%s'", v);
		} else if (!strcmp(a, "--scheme")) {
			c->scheme = v;
		} else if (!strcmp(a, "--request")) {
			c->req = req_type_find(v);
			if (!c->req)
				cli_usage_error(PROG, "--request: unknown type '%s' (known: %s)", v,
						req_type_names());
		} else if (!strcmp(a, "--dump")) {
			*dump = v;
		} else {
			cli_usage_error(PROG, "%s: unknown option (see --help)", a);
		}
		i++;
	}
	if (!c->port)
		cli_usage_error(PROG, "--port: required");
	if (c->warmup_s >= c->duration_s)
		cli_usage_error(PROG, "--warmup: must be shorter than --duration");
	if (c->imsi_base + c->users - 1 > 999999999999999ull ||
	    snprintf(NULL, 0, "%llu", c->imsi_base + c->users - 1) > (int)c->imsi_digits)
		cli_usage_error(PROG, "--users: IMSI base + users overflows the IMSI width");
	c->dest_realm = c->origin_realm;
}

static void code_name(uint32_t code, char *out, size_t outsz)
{
	if (code >= 100000)
		snprintf(out, outsz, "exp:%u", code - 100000);
	else
		snprintf(out, outsz, "%u", code);
}

static bool clean(const struct load_stats *s)
{
	for (unsigned i = 0; i < s->nrc; i++)
		if (s->rc[i].code != DIAM_SUCCESS)
			return false;
	return s->answers && !s->conn_lost && !s->unanswered && !s->bad_answers;
}

static void report_json(const struct load_cfg *c, const struct load_stats *s, double rate,
			double vrate, uint32_t p50, uint32_t p99, uint32_t max)
{
	struct json j;
	char name[16];

	json_begin(&j, stdout);
	json_str(&j, "request", c->req->name);
	json_int(&j, "vectors", c->vectors);
	json_int(&j, "connections", c->conns);
	json_int(&j, "window", c->window);
	json_int(&j, "in_flight", (long long)c->conns * c->window);
	json_int(&j, "users", c->users);
	json_int(&j, "duration_ms", (long long)(c->duration_s * 1000));
	json_int(&j, "warmup_ms", (long long)(c->warmup_s * 1000));
	json_int(&j, "sent", (long long)s->sent);
	json_int(&j, "answers", (long long)s->answers);
	json_int(&j, "answers_per_s", (long long)(rate + 0.5));
	json_int(&j, "vectors_per_s", (long long)(vrate + 0.5));
	json_int(&j, "p50_us", p50);
	json_int(&j, "p99_us", p99);
	json_int(&j, "max_us", max);
	json_obj_begin(&j, "results");
	for (unsigned i = 0; i < s->nrc; i++) {
		code_name(s->rc[i].code, name, sizeof(name));
		json_int(&j, name, (long long)s->rc[i].n);
	}
	json_obj_end(&j);
	json_int(&j, "unanswered", (long long)s->unanswered);
	json_int(&j, "connections_lost", (long long)s->conn_lost);
	json_int(&j, "bad_answers", (long long)s->bad_answers);
	json_bool(&j, "ok", clean(s));
	json_end(&j);
}

static void report_text(const struct load_cfg *c, const struct load_stats *s, double rate,
			double vrate, uint32_t p50, uint32_t p99, uint32_t max)
{
	char name[16];

	printf("%s: %u connection(s) x %u in flight, %.1f s (warmup %.1f s), %u users\n",
	       c->req->name, c->conns, c->window, c->duration_s, c->warmup_s, c->users);
	printf("answers/s  %.0f  (%llu sent, %llu answered; %u vector(s) each, %.0f vectors/s)\n",
	       rate, s->sent, s->answers, c->vectors, vrate);
	printf("latency    p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", p50 / 1e3, p99 / 1e3,
	       max / 1e3);
	printf("results   ");
	for (unsigned i = 0; i < s->nrc; i++) {
		code_name(s->rc[i].code, name, sizeof(name));
		printf(" %s=%llu", name, s->rc[i].n);
	}
	printf("\nerrors     unanswered=%llu connections_lost=%llu bad_answers=%llu\n",
	       s->unanswered, s->conn_lost, s->bad_answers);
}

int main(int argc, char **argv)
{
	struct load_cfg c;
	struct load_stats s = { 0 };
	const char *dump = NULL;
	uint32_t p50, p99, max;
	double rate, vrate;
	int rc;

	cli_version_check(PROG, argc, argv);
	parse(argc, argv, &c, &dump);
	if (dump && !(c.dump = fopen(dump, "w"))) {
		fprintf(stderr, PROG ": %s: %s\n", dump, strerror(errno));
		return EXIT_CHECK_FAILED;
	}
	rc = load_run(&c, &s);
	if (c.dump && fclose(c.dump) != 0) {
		fprintf(stderr, PROG ": %s: write failed\n", dump);
		rc = -EIO;
	}
	if (rc < 0) {
		stats_free(&s);
		return EXIT_CHECK_FAILED;
	}
	stats_percentiles(&s, &p50, &p99, &max);
	rate = s.elapsed_s > 0 ? (double)s.in_window / s.elapsed_s : 0;
	vrate = s.elapsed_s > 0 ? (double)s.vectors / s.elapsed_s : 0;
	if (c.json)
		report_json(&c, &s, rate, vrate, p50, p99, max);
	else
		report_text(&c, &s, rate, vrate, p50, p99, max);
	rc = clean(&s) ? 0 : EXIT_CHECK_FAILED;
	stats_free(&s);
	return rc;
}
