/* The AKA nonce (RFC 3310 §3.2): base64(RAND ‖ AUTN ‖ server data). */
#include "digest.h"
#include "util/hex.h"

#include <string.h>

const char *nonce_strerror(int err)
{
	switch (err) {
	case NONCE_OK: return "ok";
	case NONCE_EBASE64: return "not valid base64";
	case NONCE_ESHORT: return "shorter than RAND and AUTN (32 octets)";
	case NONCE_ELONG: return "too much server data after RAND and AUTN";
	}
	return "unknown error";
}

#define NONCE_MAX (32 + NONCE_EXTRA_MAX)

/* Strict base64 syntax check without decoding (any length). */
static bool b64_valid(const char *s, size_t len)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t pad = 0;

	if (len % 4)
		return false;
	if (len && s[len - 1] == '=')
		pad = len >= 2 && s[len - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < len - pad; i++)
		if (!s[i] || !strchr(alpha, s[i]))
			return false;
	return true;
}

int nonce_decode(const char *b64, size_t len, struct nonce_parts *out)
{
	uint8_t raw[NONCE_MAX + 3];
	long n;

	if (!b64 || !out)
		return NONCE_EBASE64;
	memset(out, 0, sizeof(*out));
	/* Longer than 4*ceil(NONCE_MAX/3) characters decodes to more than
	 * NONCE_MAX octets if it is base64 at all: only tell which. */
	if (len > 4 * ((NONCE_MAX + 2) / 3))
		return b64_valid(b64, len) ? NONCE_ELONG : NONCE_EBASE64;
	n = b64_decode(b64, len, raw, sizeof(raw));
	if (n < 0)
		return NONCE_EBASE64;
	if (n < 32)
		return NONCE_ESHORT;
	if (n > NONCE_MAX)
		return NONCE_ELONG;
	memcpy(out->rand, raw, 16);
	memcpy(out->autn, raw + 16, 16);
	out->extra_len = (size_t)n - 32;
	memcpy(out->extra, raw + 32, out->extra_len);
	return NONCE_OK;
}

int nonce_encode(const uint8_t rand[16], const uint8_t autn[16], const uint8_t *extra,
		 size_t extra_len, char *out, size_t outsz)
{
	uint8_t raw[NONCE_MAX];
	size_t n = 32 + extra_len;

	if (!rand || !autn || !out || extra_len > NONCE_EXTRA_MAX || (extra_len && !extra))
		return -1;
	if (outsz < 4 * ((n + 2) / 3) + 1)
		return -1;
	memcpy(raw, rand, 16);
	memcpy(raw + 16, autn, 16);
	if (extra_len)
		memcpy(raw + 32, extra, extra_len);
	b64_encode(raw, n, out);
	return 0;
}
