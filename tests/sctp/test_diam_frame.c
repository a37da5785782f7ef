/* Unit tests of the SCTP harness's tiny Diameter framer (diam_frame.c):
 * exact bytes per RFC 6733 §3 (header) and §4.1 (AVP header, padding), the
 * reader's bounds checks, and the sticky writer error. */
#include "diam_frame.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* DWR: version 1, length 44, flags R, code 280, app 0, hbh 0x01020304,
 * e2e 0x05060708; Origin-Host "ab.c" (8 + 4, no padding), Origin-Realm "c"
 * (8 + 1, padded to 12). */
static const uint8_t dwr[] = {
	0x01, 0x00, 0x00, 0x2c, 0x80, 0x00, 0x01, 0x18, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x00, 0x00, 0x01, 0x08, 0x40, 0x00, 0x00, 0x0c, 'a', 'b', '.', 'c',
	0x00, 0x00, 0x01, 0x28, 0x40, 0x00, 0x00, 0x09, 'c', 0x00, 0x00, 0x00,
};

static void encodes_dwr_bytes(void **state)
{
	(void)state;
	uint8_t buf[64];
	struct df_writer w;
	df_begin(&w, buf, sizeof(buf), DF_FLAG_R, 280, 0, 0x01020304u, 0x05060708u);
	df_put_str(&w, 264, 0, "ab.c");
	df_put_str(&w, 296, 0, "c");
	assert_int_equal(df_finish(&w), sizeof(dwr));
	assert_memory_equal(buf, dwr, sizeof(dwr));
}

/* Vendor AVP inside a grouped AVP: Vendor-Specific-Application-Id
 * {Vendor-Id 10415, Auth-Application-Id 16777216} and a 3GPP AVP with the
 * V bit and a 12-octet header. */
static void encodes_grouped_and_vendor(void **state)
{
	(void)state;
	static const uint8_t want[] = {
		0x00, 0x00, 0x01, 0x04, 0x40, 0x00, 0x00, 0x20,             /* VSAI, len 32 */
		0x00, 0x00, 0x01, 0x0a, 0x40, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x28, 0xaf,
		0x00, 0x00, 0x01, 0x02, 0x40, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x02, 0x5f, 0xc0, 0x00, 0x00, 0x10, 0x00, 0x00, 0x28, 0xaf,
		0x00, 0x00, 0x00, 0x01,                                       /* 607 = 1 */
	};
	uint8_t buf[128];
	struct df_writer w;
	df_begin(&w, buf, sizeof(buf), 0, 257, 0, 1, 2);
	df_group_begin(&w, 260, 0);
	df_put_u32(&w, 266, 0, 10415);
	df_put_u32(&w, 258, 0, 16777216);
	df_group_end(&w);
	df_put_u32(&w, 607, 10415, 1);
	assert_int_equal(df_finish(&w), 20 + sizeof(want));
	assert_memory_equal(buf + 20, want, sizeof(want));

	struct df_msg m;
	const uint8_t *g;
	assert_int_equal(df_parse(buf, 20 + sizeof(want), &m), 0);
	long gl = df_find(m.avps, m.avps_len, 260, 0, &g);
	assert_int_equal(gl, 24);
	assert_int_equal(df_find_u32(g, (size_t)gl, 266, 0), 10415);
	assert_int_equal(df_find_u32(g, (size_t)gl, 258, 0), 16777216);
	assert_int_equal(df_find_u32(m.avps, m.avps_len, 607, 10415), 1);
	assert_int_equal(df_find_u32(m.avps, m.avps_len, 607, 0), -1); /* vendor matters */
}

static void parses_and_finds(void **state)
{
	(void)state;
	struct df_msg m;
	const uint8_t *d;
	assert_int_equal(df_parse(dwr, sizeof(dwr), &m), 0);
	assert_int_equal(m.cmd, 280);
	assert_int_equal(m.flags, DF_FLAG_R);
	assert_int_equal(m.hbh, 0x01020304u);
	assert_int_equal(m.e2e, 0x05060708u);
	assert_int_equal(df_find(m.avps, m.avps_len, 296, 0, &d), 1);
	assert_int_equal(d[0], 'c');
	assert_int_equal(df_count(m.avps, m.avps_len, 264, 0), 1);
	assert_int_equal(df_find_nth(m.avps, m.avps_len, 264, 0, 1, &d), -1);
	assert_int_equal(df_find(m.avps, m.avps_len, 268, 0, &d), -1);
}

static void rejects_bad_frames(void **state)
{
	(void)state;
	uint8_t b[sizeof(dwr)];
	struct df_msg m;
	assert_int_equal(df_parse(dwr, 19, &m), -1);                /* short header */
	assert_int_equal(df_parse(dwr, sizeof(dwr) - 4, &m), -1);   /* length mismatch */
	memcpy(b, dwr, sizeof(b));
	b[0] = 2;                                                    /* version */
	assert_int_equal(df_parse(b, sizeof(b), &m), -1);
	memcpy(b, dwr, sizeof(b));
	b[27] = 0x40;                          /* Origin-Host claims 64 octets: overrun */
	assert_int_equal(df_parse(b, sizeof(b), &m), 0);
	assert_int_equal(df_find(m.avps, m.avps_len, 296, 0, NULL), -1);
	b[27] = 0x07;                          /* shorter than an AVP header */
	assert_int_equal(df_find(m.avps, m.avps_len, 296, 0, NULL), -1);
}

static void writer_error_is_sticky(void **state)
{
	(void)state;
	uint8_t buf[24];
	struct df_writer w;
	df_begin(&w, buf, sizeof(buf), 0, 280, 0, 1, 2);
	df_put_str(&w, 264, 0, "too long for 24 octets");
	df_put_u32(&w, 268, 0, 2001);
	assert_int_equal(df_finish(&w), -1);
	df_begin(&w, buf, sizeof(buf), 0, 280, 0, 1, 2);
	df_group_end(&w);                      /* unbalanced */
	assert_int_equal(df_finish(&w), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encodes_dwr_bytes),
		cmocka_unit_test(encodes_grouped_and_vendor),
		cmocka_unit_test(parses_and_finds),
		cmocka_unit_test(rejects_bad_frames),
		cmocka_unit_test(writer_error_is_sticky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
