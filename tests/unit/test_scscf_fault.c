/* scscf-stub SIP fault rules (fault.h) and the shared matcher
 * (util/fault_match.h): the rule syntax, good and bad, and when a rule
 * fires (every, count, probability with a fixed seed, user globs, on=). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fault.h"
#include "scscf_config.h"
#include "util/fault_match.h"

static void test_parse_good(void **state)
{
	struct sfault_rule r;
	char err[200];

	(void)state;
	assert_int_equal(sfault_parse("status:503 retry-after=30 count=2", &r, err, sizeof(err)), 0);
	assert_int_equal(r.action, SF_STATUS);
	assert_int_equal(r.status, 503);
	assert_int_equal(r.retry_after, 30);
	assert_int_equal(r.m.count, 2);
	assert_string_equal(r.name, "status:503");
	assert_int_equal(sfault_parse("omit:p-associated-uri user=*0001@*", &r, err, sizeof(err)), 0);
	assert_int_equal(r.action, SF_OMIT);
	assert_int_equal(r.omit, SF_OMIT_PAU);
	assert_string_equal(r.name, "omit:P-Associated-URI");
	assert_string_equal(r.m.user, "*0001@*");
	assert_int_equal(sfault_parse("deregister-after:10", &r, err, sizeof(err)), 0);
	assert_int_equal(r.after_s, 10);
	assert_int_equal(sfault_parse("drop on=auth probability=0.25", &r, err, sizeof(err)), 0);
	assert_int_equal(r.on, SF_ON_AUTH);
	assert_true(r.m.probability == 0.25);
	assert_int_equal(sfault_parse("status:423 min-expires=120", &r, err, sizeof(err)), 0);
	assert_int_equal(sfault_parse("  challenge-twice\tevery=3 ", &r, err, sizeof(err)), 0);
	assert_int_equal(r.m.every, 3);
}

static void test_parse_bad(void **state)
{
	static const struct { const char *rule, *why; } t[] = {
		{ "", "empty rule" },
		{ "explode", "unknown action" },
		{ "status:401", "other than 401" },
		{ "status:99", "300..699" },
		{ "status:", "300..699" },
		{ "omit:Contact", "Service-Route or P-Associated-URI" },
		{ "deregister-after:-1", "seconds" },
		{ "drop every=0", "every: expected a whole number >= 1" },
		{ "drop probability=1.5", "probability" },
		{ "drop every=2 probability=0.5", "give one of them" },
		{ "drop retry-after=5", "go with status" },
		{ "status:500 min-expires=5", "status:423" },
		{ "stale-nonce on=initial", "on= goes with" },
		{ "drop on=sometimes", "on: expected" },
		{ "drop colour=red", "unknown option 'colour'" },
		{ "drop count", "is not KEY=VALUE" },
	};
	struct sfault_rule r;
	char err[200];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		assert_int_equal(sfault_parse(t[i].rule, &r, err, sizeof(err)), -1);
		if (!strstr(err, t[i].why))
			fail_msg("'%s': error '%s' does not say '%s'", t[i].rule, err, t[i].why);
	}
}

static void test_pick(void **state)
{
	static const char *const rules[] = { "status:500 every=2 count=2 on=initial",
					     "drop user=*bob*", "omit:Service-Route" };
	static struct sfaults f;
	char err[200];
	int fired = 0;

	(void)state;
	assert_int_equal(sfault_set_rules(&f, rules, 3, err, sizeof(err)), 0);
	/* every=2, count=2: requests 2 and 4 of the initial ones, then spent */
	for (int i = 1; i <= 8; i++) {
		const struct sfault_rule *r = sfault_pick(&f, SF_AT_REQUEST, true, "alice", "sip:alice");
		if (r) {
			assert_int_equal(r->id, 1);
			assert_true(i == 2 || i == 4);
			fired++;
		}
	}
	assert_int_equal(fired, 2);
	assert_null(sfault_pick(&f, SF_AT_REQUEST, false, "alice", "sip:alice"));
	assert_int_equal(sfault_pick(&f, SF_AT_REQUEST, false, "bob@x", "sip:bob@x")->id, 2);
	assert_null(sfault_pick(&f, SF_AT_CREDENTIALS, false, "bob@x", "sip:bob@x"));
	assert_int_equal(sfault_pick(&f, SF_AT_200, false, "x", "y")->id, 3);
	/* a bad rule changes nothing and names itself */
	static const char *const bad[] = { "drop", "status:1000" };
	assert_int_equal(sfault_set_rules(&f, bad, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "fault 2 'status:1000': status: expected a code 300..699 other "
				 "than 401, got '1000'");
	assert_int_equal(f.n, 3);
}

static void test_probability_seeded(void **state)
{
	struct fault_match m = { .probability = 0.25 };
	int fired = 0;

	(void)state;
	fault_seed(42);
	for (int i = 0; i < 10000; i++)
		fired += fault_match_fire(&m);
	/* binomial(10000, 0.25): sd 43; 6 sd either side */
	assert_in_range(fired, 2500 - 260, 2500 + 260);
	assert_int_equal(m.seen, 10000);
	assert_int_equal(m.fired, (uint64_t)fired);
}

static void due(void *arg, const char *impi, const char *impu)
{
	(void)impi;
	assert_string_equal(impu, "sip:b");
	(*(int *)arg)++;
}

static void test_dereg_timers(void **state)
{
	static struct sfaults f;
	struct sfault_rule r;
	char err[100];
	int calls = 0;

	(void)state;
	assert_int_equal(sfault_parse("deregister-after:2", &r, err, sizeof(err)), 0);
	sfault_dereg_arm(&f, &r, "a", "sip:a", 1000);
	sfault_dereg_arm(&f, &r, "b", "sip:b", 1500);
	sfault_dereg_arm(&f, &r, "a", "sip:a", 2000); /* re-armed, not twice */
	assert_int_equal(f.ndereg, 2);
	sfault_dereg_due(&f, 3499, due, &calls);
	assert_int_equal(calls, 0);
	sfault_dereg_due(&f, 3500, due, &calls);
	assert_int_equal(calls, 1);
	sfault_dereg_cancel(&f, "sip:a");
	assert_int_equal(f.ndereg, 0);
}

/* fault/metrics config keys; SIGHUP re-reads the file's rules and keeps
 * the --fault flags after them. */
static void test_config_reload(void **state)
{
	static struct scscf_config c;
	static char rules[SCSCF_MAX_FAULTS][SCSCF_STR];
	char path[] = "/tmp/test_scscf_fault.XXXXXX", err[300];
	unsigned n = 0;
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");

	(void)state;
	fputs("[faults]\nfault = drop count=1\n[metrics]\nlisten = tcp://127.0.0.1:9101\n", fp);
	fclose(fp);
	scscf_config_defaults(&c);
	assert_int_equal(scscf_config_load(&c, path, err, sizeof(err)), 0);
	c.n_fault_file = c.n_fault;
	assert_int_equal(scscf_config_set(&c, "fault", "status:500", err, sizeof(err)), 0);
	assert_string_equal(c.metrics, "tcp://127.0.0.1:9101");
	assert_int_equal(scscf_config_set(&c, "fault", "status:200", err, sizeof(err)), -1);
	assert_int_equal(scscf_config_set(&c, "metrics", "udp://1.2.3.4:5", err, sizeof(err)), -1);
	fp = fopen(path, "w");
	fputs("[faults]\nfault = stale-nonce\nfault = omit:Service-Route\n", fp);
	fclose(fp);
	assert_int_equal(scscf_config_reload_faults(&c, rules, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(rules[0], "stale-nonce");
	assert_string_equal(rules[1], "omit:Service-Route");
	assert_string_equal(rules[2], "status:500");
	fp = fopen(path, "w");
	fputs("[faults]\nfault = nonsense\n", fp);
	fclose(fp);
	assert_int_equal(scscf_config_reload_faults(&c, rules, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: unknown action 'nonsense'"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_probability_seeded),
		cmocka_unit_test(test_dereg_timers),
		cmocka_unit_test(test_config_reload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
