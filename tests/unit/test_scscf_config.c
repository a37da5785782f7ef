/* scscf-stub configuration: the commented example loads to the defaults,
 * -n output loads back to the same config, errors name file:line, and the
 * Diameter side's TCP URI parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scscf_config.h"
#include "util/log.h"

#define EXAMPLE VECTORS_DIR "/../../scscf-stub/scscf.conf.example"

static void test_example_is_defaults(void **state)
{
	struct scscf_config a, b;
	char err[256];

	(void)state;
	scscf_config_defaults(&a);
	scscf_config_defaults(&b);
	assert_int_equal(scscf_config_load(&b, EXAMPLE, err, sizeof(err)), 0);
	assert_int_equal(scscf_config_validate(&b, err, sizeof(err)), 0);
	memset(b.conf_path, 0, sizeof(b.conf_path));
	assert_memory_equal(&a, &b, sizeof(a));
	assert_string_equal(b.sip[0], "sip:127.0.0.1:5060");
	assert_int_equal(b.scheme, DIGEST_ALG_AKAV1_MD5);
	assert_int_equal(b.challenge, SCSCF_CHALLENGE_EVERY);
}

static void write_tmp(const char *text, char *path)
{
	int fd;

	strcpy(path, "/tmp/scscf-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_print_round_trip(void **state)
{
	struct scscf_config a, b;
	char path[64], err[256], *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	(void)state;
	scscf_config_defaults(&a);
	assert_int_equal(scscf_config_set(&a, "scheme", "AKAv2-MD5", err, sizeof(err)), 0);
	assert_int_equal(scscf_config_set(&a, "challenge", "initial", err, sizeof(err)), 0);
	a.n_sip = 0;
	assert_int_equal(scscf_config_set(&a, "sip", "sip:127.0.0.1:0;transport=udp", err,
					  sizeof(err)), 0);
	assert_int_equal(scscf_config_set(&a, "sip", "sip:[::1]:5070", err, sizeof(err)), 0);
	assert_int_equal(scscf_config_set(&a, "hss_timeout", "1500", err, sizeof(err)), 0);
	a.log_level = LOG_LVL_DEBUG;
	/* -n prints the effective Destination-Realm (ours when unset). */
	snprintf(a.hss_realm, sizeof(a.hss_realm), "%s", a.realm);
	scscf_config_print(&a, fp);
	fclose(fp);
	write_tmp(text, path);
	scscf_config_defaults(&b);
	assert_int_equal(scscf_config_load(&b, path, err, sizeof(err)), 0);
	unlink(path);
	free(text);
	memset(b.conf_path, 0, sizeof(b.conf_path));
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_errors_name_line(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "[sip]\nsip = sip:1.2.3.4:5\n\nsip = mailto:x\n", ":4: 'mailto:x' is not a sip: URI" },
		{ "[registrar]\nscheme = SHA-256\n", ":2: unknown scheme 'SHA-256'" },
		{ "[registrar]\nnonce-ttl = 0\n", ":2: '0' is not a number in 1..86400" },
		{ "[bogus]\nx = 1\n", ":2: unknown section [bogus]" },
		{ "[log]\nlevel = loud\n", ":2: unknown log level 'loud'" },
		{ "colour = blue\n", ":1: unknown key 'colour'" },
		/* sections are honoured: a key elsewhere is refused, as hssd does */
		{ "[log]\nhss = tcp://127.0.0.1:3868\n", ":2: key 'hss' belongs in section [diameter]" },
		{ "[registrar]\nlevel = debug\n", ":2: key 'level' belongs in section [log]" },
		{ "realm = x.test\n", ":1: key 'realm' belongs in section [registrar]" },
		{ "[scscf]\nscheme = MD5\n", ":2: unknown section [scscf]" },
		{ "[sip]\nlog_level = debug\n", ":2: unknown key 'log_level' in [sip]" },
		/* checked where they are set, not only by validate() */
		{ "[diameter]\nhss = udp://127.0.0.1:3868\n", ":2: 'udp://127.0.0.1:3868' is not tcp://" },
		{ "[sip]\nname = scscf.test\n", ":2: 'scscf.test' is not a SIP URI" },
		/* Sofia bound port 70000 as 4464, and resolves names itself */
		{ "[sip]\nsip = sip:127.0.0.1:70000\n", ":2: 'sip:127.0.0.1:70000' is not sip:IP:PORT" },
		{ "[sip]\nsip = sip:localhost:5060\n", ":2: 'sip:localhost:5060' is not sip:IP:PORT" },
		{ "[sip]\nsip = sip:[::1:5060\n", ":2: 'sip:[::1:5060' is not sip:IP:PORT" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scscf_config c;
		char path[64], err[256];

		scscf_config_defaults(&c);
		write_tmp(cases[i].text, path);
		assert_int_equal(scscf_config_load(&c, path, err, sizeof(err)), -1);
		unlink(path);
		assert_non_null(strstr(err, path));
		if (!strstr(err, cases[i].want))
			fail_msg("got '%s', want '%s'", err, cases[i].want);
	}
}

static void test_validate_and_hss_uri(void **state)
{
	struct scscf_config c;
	char err[256];
	struct diam_endpoint ep;

	(void)state;
	assert_int_equal(scscf_parse_hss_uri("tcp://127.0.0.1:3868", &ep), 0);
	assert_string_equal(ep.host, "127.0.0.1");
	assert_int_equal(ep.port, 3868);
	assert_int_equal(ep.proto, DIAM_PROTO_TCP);
	assert_int_equal(scscf_parse_hss_uri("tcp://[::1]:3869", &ep), 0);
	assert_string_equal(ep.host, "::1");
	assert_int_equal(ep.port, 3869);
	/* SCTP (issue 10): the same form with sctp://. */
	assert_int_equal(scscf_parse_hss_uri("sctp://127.0.0.1:3868", &ep), 0);
	assert_int_equal(ep.proto, DIAM_PROTO_SCTP);
	assert_int_equal(scscf_parse_hss_uri("sctp://[::1]:3868", &ep), 0);
	assert_int_equal(scscf_parse_hss_uri("tcp://127.0.0.1:0", &ep), -1);
	assert_int_equal(scscf_parse_hss_uri("tcp://127.0.0.1", &ep), -1);
	assert_int_equal(scscf_parse_hss_uri("sctp://[::1]", &ep), -1);
	assert_int_equal(scscf_parse_hss_uri("udp://127.0.0.1:3868", &ep), -1);
	/* A name is refused where it is configured, not at connect time. */
	assert_int_equal(scscf_parse_hss_uri("tcp://hss.example:3868", &ep), -1);
	scscf_config_defaults(&c);
	snprintf(c.hss, sizeof(c.hss), "sctp://127.0.0.1:3868");
	assert_int_equal(scscf_config_validate(&c, err, sizeof(err)), 0);
	scscf_config_defaults(&c);
	c.min_expires = 7200;
	assert_int_equal(scscf_config_validate(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "min_expires"));
	/* a default below min_expires: every REGISTER without Expires got 423 */
	scscf_config_defaults(&c);
	c.default_expires = 10;
	assert_int_equal(scscf_config_validate(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "got 60, 10, 3600"));
	/* the listen URIs a user writes */
	scscf_config_defaults(&c);
	c.n_sip = 0;
	assert_int_equal(scscf_config_set(&c, "sip", "sip:127.0.0.1:0;transport=udp", err,
					  sizeof(err)), 0);
	assert_int_equal(scscf_config_set(&c, "sip", "sip:[::1]:5060;transport=tcp", err,
					  sizeof(err)), 0);
	assert_int_equal(scscf_config_set(&c, "sip", "sip:10.0.0.1", err, sizeof(err)), 0);
	assert_int_equal(scscf_config_set(&c, "sip", "sip:10.0.0.1:65536", err, sizeof(err)), -1);
	assert_int_equal(c.n_sip, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_is_defaults),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_errors_name_line),
		cmocka_unit_test(test_validate_and_hss_uri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
