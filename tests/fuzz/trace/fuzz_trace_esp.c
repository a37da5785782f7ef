/* libFuzzer: ESP as ims-trace opens it (RFC 4303, TS 33.203 Annex I): the
 * first input octet picks the transforms (hmac-md5-96 / hmac-sha-1-96 ×
 * null / aes-cbc / des-ede3-cbc, keys known or not), the rest is the ESP
 * packet (SPI ‖ Seq ‖ [IV] ‖ payload ‖ trailer ‖ ICV): ICV check,
 * decryption, trailer and inner packet, and the ESP-NULL probe for an SPI
 * nobody announced. Keys: CK/IK of the vector in the committed captures
 * (set 1, RAND 8d8d3d73…, SQN 0x160), so the seeds taken from them
 * (make_corpus.py) decrypt and reach the inner packet. */
#include "esp.h"
#include "esp_crypto.h"
#include "tcp_reasm.h"
#include "trace.h"

#include "util/hex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum esp_enc enc[] = { ESP_ENC_NULL, ESP_ENC_AES_CBC, ESP_ENC_DES_EDE3_CBC,
					    ESP_ENC_UNKNOWN };
	struct trace_opts o = { 5060, 3868 };
	struct trace_ctx c;
	struct trace_meta m;
	struct esp_keys k;
	uint8_t ck[16], ik[16];

	if (size < 1)
		return 0;
	memset(&k, 0, sizeof(k));
	k.auth = data[0] & 1 ? ESP_AUTH_HMAC_SHA1_96 : ESP_AUTH_HMAC_MD5_96;
	k.enc = enc[(data[0] >> 1) & 3];
	k.icv_len = data[0] & 8 ? ESP_ICV_LEN : 16;
	hex_decode_exact("06d1acf79ff9da99e97811ad92ec5d75", ck, 16);
	hex_decode_exact("dc0e0c5087c1116d2342e4863406623c", ik, 16);
	if (!(data[0] & 0x10)) { /* keys known */
		k.iklen = esp_auth_key(k.auth, ik, k.ik);
		k.cklen = esp_enc_key(k.enc, ck, k.ck);
	}
	memset(&m, 0, sizeof(m));
	m.src.af = m.dst.af = 4;
	m.frame = 1;
	trace_init(&c, &o);
	c.cur_frame = 1;
	esp_input(&c, &m, data + 1, size - 1, 0);
	for (size_t i = 0; i < c.nesp; i++) {
		if (data[0] & 0x20)
			esp_probe(&c, &c.esp[i]);
		else
			esp_open(&c, &c.esp[i], &k);
	}
	tcp_finish(&c);
	trace_free(&c);
	return 0;
}
