/* ims-trace: the ESP transforms on their official vectors (RFC 2202
 * HMAC-MD5 / HMAC-SHA-1 test case 1, truncated to 96 bits as RFC 2403/2404
 * use them; RFC 3602 AES-CBC case 1), the TS 33.203 Annex I key expansion,
 * an ESP packet made and opened (ICV good and bad, AES-CBC), GTP-U headers
 * (TS 29.281, with an extension header), the sec-agree header parser, and
 * Via counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "esp.h"
#include "esp_crypto.h"
#include "gtpu.h"
#include "hops.h"
#include "secagree.h"
#include "sip_msg.h"
#include "trace.h"

#include "util/hex.h"

static void test_hmac_96_rfc2202(void **state)
{
	uint8_t key[20], icv[12], want[12];

	(void)state;
	memset(key, 0x0b, sizeof(key));
	/* RFC 2202 §2 test case 1: HMAC-MD5, key 0x0b × 16, "Hi There" */
	assert_int_equal(esp_icv(ESP_AUTH_HMAC_MD5_96, key, 16, (const uint8_t *)"Hi There", 8,
				 icv), 0);
	hex_decode_exact("9294727a3638bb1c13f48ef8", want, 12);
	assert_memory_equal(icv, want, 12);
	/* §3 test case 1: HMAC-SHA-1, key 0x0b × 20 */
	assert_int_equal(esp_icv(ESP_AUTH_HMAC_SHA1_96, key, 20, (const uint8_t *)"Hi There", 8,
				 icv), 0);
	hex_decode_exact("b617318655057264e28bc0b6", want, 12);
	assert_memory_equal(icv, want, 12);
	assert_int_equal(esp_icv(ESP_AUTH_UNKNOWN, key, 20, key, 1, icv), -1);
}

static void test_aes_cbc_rfc3602(void **state)
{
	uint8_t key[16], iv[16], out[16], back[16], want[16];

	(void)state;
	/* RFC 3602 §4 case #1: "Single block msg" */
	hex_decode_exact("06a9214036b8a15b512e03d534120006", key, 16);
	hex_decode_exact("3dafba429d9eb430b422da802c9fac41", iv, 16);
	hex_decode_exact("e353779c1079aeb82708942dbe77181a", want, 16);
	assert_int_equal(esp_cbc(ESP_ENC_AES_CBC, true, key, iv,
				 (const uint8_t *)"Single block msg", 16, out), 0);
	assert_memory_equal(out, want, 16);
	assert_int_equal(esp_cbc(ESP_ENC_AES_CBC, false, key, iv, out, 16, back), 0);
	assert_memory_equal(back, "Single block msg", 16);
	assert_int_equal(esp_cbc(ESP_ENC_AES_CBC, false, key, iv, out, 15, back), -1);
}

/* TS 33.203 Annex I */
static void test_annex_i_keys(void **state)
{
	uint8_t ik[16], ck[16], k[ESP_KEY_MAX];

	(void)state;
	for (int i = 0; i < 16; i++) {
		ik[i] = (uint8_t)(0x10 + i);
		ck[i] = (uint8_t)(0xa0 + i);
	}
	assert_int_equal(esp_auth_key(ESP_AUTH_HMAC_MD5_96, ik, k), 16);
	assert_memory_equal(k, ik, 16);
	assert_int_equal(esp_auth_key(ESP_AUTH_HMAC_SHA1_96, ik, k), 20);
	assert_memory_equal(k, ik, 16);
	assert_memory_equal(k + 16, "\0\0\0\0", 4);         /* IK_IM ‖ 0^32 */
	assert_int_equal(esp_enc_key(ESP_ENC_AES_CBC, ck, k), 16);
	assert_memory_equal(k, ck, 16);
	assert_int_equal(esp_enc_key(ESP_ENC_DES_EDE3_CBC, ck, k), 24);
	assert_memory_equal(k, ck, 16);
	assert_memory_equal(k + 16, ck, 8);                  /* CK_IM1 ‖ CK_IM2 ‖ CK_IM1 */
	assert_int_equal(esp_enc_key(ESP_ENC_NULL, ck, k), 0);
	assert_int_equal(esp_enc_parse(NULL), ESP_ENC_NULL); /* absent ealg: NULL (§7.2) */
	assert_int_equal(esp_enc_parse("AES-CBC"), ESP_ENC_AES_CBC);
	assert_int_equal(esp_auth_parse("hmac-sha-1-96"), ESP_AUTH_HMAC_SHA1_96);
}

/* An ESP packet (SPI ‖ Seq ‖ IV ‖ AES-CBC(UDP ‖ pad ‖ 2 ‖ 17) ‖ ICV),
 * opened with the right keys, then with a flipped ICV bit. */
static size_t make_esp(uint8_t *p, const uint8_t ik[16], const uint8_t ck[16], const char *sip)
{
	uint8_t key[ESP_KEY_MAX], plain[512];
	size_t n = strlen(sip), ul = 8 + n, pad = (16 - (ul + 2) % 16) % 16, off = 0;

	memcpy(p, "\x00\x00\x11\x5d\x00\x00\x00\x01", 8); /* SPI 4445, Seq 1 */
	memset(p + 8, 0x42, 16);                          /* IV */
	plain[off++] = 0x13, plain[off++] = 0xc4, plain[off++] = 0x13, plain[off++] = 0xc4;
	plain[off++] = (uint8_t)(ul >> 8), plain[off++] = (uint8_t)ul;
	plain[off++] = 0, plain[off++] = 0;
	memcpy(plain + off, sip, n);
	off += n;
	for (size_t i = 1; i <= pad; i++)
		plain[off++] = (uint8_t)i;
	plain[off++] = (uint8_t)pad;
	plain[off++] = 17;
	esp_enc_key(ESP_ENC_AES_CBC, ck, key);
	assert_int_equal(esp_cbc(ESP_ENC_AES_CBC, true, key, p + 8, plain, off, p + 24), 0);
	esp_auth_key(ESP_AUTH_HMAC_SHA1_96, ik, key);
	assert_int_equal(esp_icv(ESP_AUTH_HMAC_SHA1_96, key, 20, p, 24 + off, p + 24 + off), 0);
	return 24 + off + 12;
}

static void test_esp_open(void **state)
{
	static const char sip[] = "OPTIONS sip:x SIP/2.0\r\nCall-ID: e\r\nCSeq: 1 OPTIONS\r\n"
				  "Content-Length: 0\r\n\r\n";
	struct trace_opts o = { 0, 3868 };
	struct trace_ctx c;
	struct trace_meta m;
	struct esp_keys k;
	uint8_t p[600], ik[16], ck[16];

	(void)state;
	hex_decode_exact("dc0e0c5087c1116d2342e4863406623c", ik, 16);
	hex_decode_exact("06d1acf79ff9da99e97811ad92ec5d75", ck, 16);
	size_t n = make_esp(p, ik, ck, sip);
	memset(&m, 0, sizeof(m));
	m.src.af = m.dst.af = 4;
	memset(&k, 0, sizeof(k));
	k.auth = ESP_AUTH_HMAC_SHA1_96;
	k.enc = ESP_ENC_AES_CBC;
	k.icv_len = 12;
	k.iklen = esp_auth_key(k.auth, ik, k.ik);
	k.cklen = esp_enc_key(k.enc, ck, k.ck);
	trace_init(&c, &o);
	esp_input(&c, &m, p, n, 0);
	p[n - 1] ^= 1;                  /* the same packet with a bad ICV */
	esp_input(&c, &m, p, n, 0);
	assert_int_equal(c.nesp, 2);
	assert_int_equal(c.esp[0].m.spi, 4445);
	esp_open(&c, &c.esp[0], &k);
	esp_open(&c, &c.esp[1], &k);
	assert_int_equal(c.esp[0].icv, 1);
	assert_int_equal(c.esp[1].icv, -1);
	assert_true(c.esp[0].readable); /* decrypted either way: the ICV is judged, not hidden */
	assert_int_equal(c.nev, 2);
	assert_true(c.ev[0].m.esp && c.ev[0].m.esp_decrypted);
	assert_int_equal(c.ev[0].m.esp_icv, 1);
	assert_int_equal(c.ev[1].m.esp_icv, -1);
	assert_string_equal(c.ev[0].sip->method, "OPTIONS");
	/* without CK it cannot be read, and says why */
	k.cklen = 0;
	esp_open(&c, &c.esp[0], &k);
	assert_non_null(strstr(c.esp[0].why, "no CK"));
	trace_free(&c);
}

static void test_gtpu_header(void **state)
{
	/* flags 0x34 (v1, PT, E), G-PDU, length, TEID 0x01020304, seq 0, N-PDU 0,
	 * next 0x85 (PDU session container, 1 × 4 octets), then no more */
	static const uint8_t e[] = { 0x34, 0xff, 0x00, 0x0c, 1, 2, 3, 4, 0, 0, 0, 0x85,
				     0x01, 0x10, 0x09, 0x00, 0x45, 0, 0, 0 };
	static const uint8_t plain[] = { 0x30, 0xff, 0x00, 0x04, 0, 0, 0, 9, 0x45, 0, 0, 0 };
	uint32_t teid = 0;

	(void)state;
	assert_int_equal(gtpu_inner(e, sizeof(e), &teid), 16);
	assert_int_equal(teid, 0x01020304);
	assert_int_equal(gtpu_inner(plain, sizeof(plain), &teid), 8);
	assert_int_equal(teid, 9);
	uint8_t echo[12];
	memcpy(echo, plain, 12);
	echo[1] = 1; /* Echo Request: no user packet */
	assert_int_equal(gtpu_inner(echo, sizeof(echo), &teid), -1);
	uint8_t trunc[14];
	memcpy(trunc, e, 14); /* the extension header runs past the end */
	assert_int_equal(gtpu_inner(trunc, sizeof(trunc), &teid), -1);
}

static struct sip_msg *parse(const char *t)
{
	struct sip_msg *m;
	size_t used;

	assert_int_equal(sip_msg_parse((const uint8_t *)t, strlen(t), false, &m, &used), 1);
	return m;
}

static void test_secagree(void **state)
{
	struct sip_msg *s = parse("SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP a, SIP/2.0/UDP b\r\n"
		"Via: SIP/2.0/UDP \"c,d\"\r\n"
		"Security-Server: ipsec-3gpp; q=0.1; alg=hmac-md5-96; spi-c=1; spi-s=2; port-c=3; "
		"port-s=4, ipsec-3gpp; q=0.5; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=5; spi-s=6; "
		"port-c=7; port-s=8\r\nContent-Length: 0\r\n\r\n");
	struct sip_msg *v = parse("REGISTER sip:x SIP/2.0\r\nSecurity-Verify: ipsec-3gpp; q=0.1; "
		"alg=hmac-md5-96; spi-c=1; spi-s=2; port-c=3; port-s=4\r\nSecurity-Verify: "
		"ipsec-3gpp; q=0.5; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=5; spi-s=9; port-c=7; "
		"port-s=8\r\nContent-Length: 0\r\n\r\n");
	struct sec_mech a[SECAGREE_MAX], b[SECAGREE_MAX];
	char why[300];

	(void)state;
	assert_int_equal(hops_via_count(s), 3);
	size_t na = secagree_get(s, "Security-Server", a, SECAGREE_MAX);
	size_t nb = secagree_get(v, "Security-Verify", b, SECAGREE_MAX);
	assert_int_equal(na, 2);
	assert_int_equal(nb, 2);
	assert_int_equal(secagree_choose(a, na), 1);        /* the higher q */
	assert_string_equal(a[1].alg, "hmac-sha-1-96");
	assert_string_equal(a[1].ealg, "aes-cbc");
	assert_int_equal(a[1].spi_c, 5);
	assert_int_equal(a[1].port_s, 8);
	assert_string_equal(a[0].ealg, "");                 /* absent: NULL */
	assert_false(secagree_same(a, na, b, nb, why, sizeof(why)));
	assert_non_null(strstr(why, "spi-s differs in mechanism 2"));
	assert_true(secagree_same(a, na, a, na, why, sizeof(why)));
	sip_msg_free(s);
	sip_msg_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_96_rfc2202),
		cmocka_unit_test(test_aes_cbc_rfc3602),
		cmocka_unit_test(test_annex_i_keys),
		cmocka_unit_test(test_esp_open),
		cmocka_unit_test(test_gtpu_header),
		cmocka_unit_test(test_secagree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
