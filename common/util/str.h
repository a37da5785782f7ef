/* Bounded string building for hot paths. snprintf(dst, n, "%s", src)
 * costs some 500 instructions a call in glibc (format parsing, a FILE
 * set up per call); a registration in scscf-stub made 34 such calls
 * (issue 14). These are a strlen and a memcpy. */
#ifndef UTIL_STR_H
#define UTIL_STR_H

#include <stdint.h>
#include <string.h>

/* Copies src into dst[sz], cut to fit and always terminated (sz > 0);
 * returns strlen(src), as snprintf does: >= sz means it was cut. */
static inline size_t str_copy(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	/* Two paths, not one memcpy of min(n, sz - 1): with the min, gcc 12
	 * at -O1 (the TSan build) lost that a short literal only takes the
	 * first path and failed -Warray-bounds on a copy of sz - 1 from it. */
	if (n < sz) {
		memcpy(dst, src, n + 1);
	} else if (sz) {
		memcpy(dst, src, sz - 1);
		dst[sz - 1] = '\0';
	}
	return n;
}

/* Appends src at dst + *len (dst[sz]); returns 0, or -1 when it did not
 * fit (dst then holds what fitted, terminated, and *len is sz - 1). */
static inline int str_append(char *dst, size_t sz, size_t *len, const char *src)
{
	size_t n = str_copy(dst + *len, sz - *len, src);

	if (n >= sz - *len) {
		*len = sz - 1;
		return -1;
	}
	*len += n;
	return 0;
}

/* v in decimal at out (at least 11 octets), terminated; returns the length. */
static inline size_t str_u32(char *out, uint32_t v)
{
	char tmp[10];
	size_t n = 0, i = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		out[i++] = tmp[--n];
	out[i] = '\0';
	return i;
}

/* Appends the n octets at src (a slice: no NUL needed) at dst + *len, as
 * str_append does: 0, or -1 when it did not fit (dst holds what fitted,
 * terminated, and *len is sz - 1). */
static inline int str_append_n(char *dst, size_t sz, size_t *len, const char *src, size_t n)
{
	size_t room = sz - *len - 1, k = n < room ? n : room;

	memcpy(dst + *len, src, k);
	*len += k;
	dst[*len] = '\0';
	return k == n ? 0 : -1;
}

/* v in lower-case hex, at least `width` digits (zero-padded, at most 16):
 * printf's %x, %llx, %08x, %016llx. out holds 17 octets; terminated;
 * returns the length. */
static inline size_t str_x64(char *out, uint64_t v, unsigned width)
{
	static const char dig[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0, i = 0;

	do
		tmp[n++] = dig[v & 15];
	while ((v >>= 4) && n < 16);
	while (n < width && n < 16)
		tmp[n++] = '0';
	while (n)
		out[i++] = tmp[--n];
	out[i] = '\0';
	return i;
}

/* Appends v in decimal / in hex (str_x64) at dst + *len: 0 or -1 as str_append. */
static inline int str_append_u32(char *dst, size_t sz, size_t *len, uint32_t v)
{
	char t[11];

	return str_append_n(dst, sz, len, t, str_u32(t, v));
}

static inline int str_append_x64(char *dst, size_t sz, size_t *len, uint64_t v, unsigned width)
{
	char t[17];

	return str_append_n(dst, sz, len, t, str_x64(t, v, width));
}

#endif
