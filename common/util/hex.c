#include "hex.h"

#include <string.h>

static const char hexdig[] = "0123456789abcdef";

void hex_encode(const uint8_t *in, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

int hex_decode_exact(const char *hex, uint8_t *out, size_t want)
{
	size_t got;

	if (strlen(hex) != 2 * want)
		return -1;
	return hex_decode(hex, out, want, &got);
}

static const char b64dig[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64dig[v >> 18 & 63];
		out[o++] = b64dig[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64dig[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64dig[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

/* base64 digit values, -1 for every other octet: one lookup per digit
 * (a strchr over the alphabet per digit was ≈ 60 instructions, ≈ 2.5 k
 * for the AKA nonce every 401 carries; issue 14). */
#define B64V(c)                                                                            \
	((signed char)((c) >= 'A' && (c) <= 'Z'   ? (c) - 'A'                              \
		       : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26                         \
		       : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52                         \
		       : (c) == '+'               ? 62                                     \
		       : (c) == '/'               ? 63                                     \
						  : -1))
#define B64V4(c) B64V(c), B64V((c) + 1), B64V((c) + 2), B64V((c) + 3)
#define B64V16(c) B64V4(c), B64V4((c) + 4), B64V4((c) + 8), B64V4((c) + 12)
#define B64V64(c) B64V16(c), B64V16((c) + 16), B64V16((c) + 32), B64V16((c) + 48)
static const signed char b64vals[256] = { B64V64(0), B64V64(64), B64V64(128), B64V64(192) };

static int b64val(char c)
{
	return b64vals[(unsigned char)c];
}

long b64_decode(const char *in, size_t inlen, uint8_t *out, size_t max)
{
	size_t o = 0;

	if (inlen % 4)
		return -1;
	for (size_t i = 0; i < inlen; i += 4) {
		int v[4], pad = 0;
		for (int j = 0; j < 4; j++) {
			char c = in[i + j];
			if (c == '=' && i + 4 == inlen && j >= 2) {
				v[j] = 0;
				pad++;
				continue;
			}
			if (pad || (v[j] = b64val(c)) < 0)
				return -1; /* data after '=' or a stray char */
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];
		size_t n = 3 - (size_t)pad;
		if (o + n > max)
			return -1;
		for (size_t j = 0; j < n; j++)
			out[o++] = (uint8_t)(w >> (16 - 8 * j));
	}
	return (long)o;
}
