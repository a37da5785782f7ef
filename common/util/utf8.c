/* UTF-8 well-formedness (see utf8.h), the table of RFC 3629 §4:
 *
 *   UTF8-2 = %xC2-DF UTF8-tail
 *   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
 *            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
 *   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
 *            %xF4 %x80-8F 2( UTF8-tail )
 *
 * The second octet's range is what excludes overlongs (E0, F0),
 * surrogates (ED) and code points above U+10FFFF (F4; F5..FF never). */
#include "utf8.h"

#include <string.h>

size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	uint8_t c, lo = 0x80, hi = 0xbf;
	size_t k;

	if (n == 0)
		return 0; /* s[0] is not there to read */
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 1;
	else if (c >= 0xe0 && c <= 0xef)
		k = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 3;
	else
		return 0; /* continuation octet, C0/C1 (overlong), F5..FF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n <= k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t j = 2; j <= k; j++)
		if ((s[j] & 0xc0) != 0x80)
			return 0;
	return k + 1;
}

/* True when the 8 octets at p are all ASCII (and, with nonul, none is
 * NUL: the "has a zero octet" test of Hacker's Delight §6.1). */
static bool ascii8(const uint8_t *p, bool nonul)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t w;

	memcpy(&w, p, 8);
	return !((w & high) | (nonul ? (w - ones) & ~w & high : 0));
}

/* Inlined into both callers, so each gets the loop without the other's test. */
static inline __attribute__((always_inline)) bool check(const uint8_t *s, size_t n, bool nonul)
{
	size_t i = 0;

	while (i < n) {
		size_t l;

		/* Identities are ASCII: eight octets per step until a high bit;
		 * a tail of fewer than eight is tested as the value's last eight
		 * (octets before i that it covers were checked already). The
		 * table above runs only from a non-ASCII octet on. */
		if (n - i >= 8 ? ascii8(s + i, nonul) : n >= 8 && ascii8(s + n - 8, nonul)) {
			i = n - i >= 8 ? i + 8 : n;
			continue;
		}
		if (s[i] < 0x80) {
			if (nonul && !s[i])
				return false;
			i++;
			continue;
		}
		if (!(l = utf8_seq_len(s + i, n - i)))
			return false;
		i += l;
	}
	return true;
}

bool utf8_valid(const uint8_t *s, size_t n)
{
	return check(s, n, false);
}

bool utf8_valid_nonul(const uint8_t *s, size_t n)
{
	return check(s, n, true);
}
