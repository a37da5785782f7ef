/* Escaping of untrusted text for logs (see esc.h). */
#include "esc.h"

#include <stdbool.h>
#include <string.h>

static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

char *esc_mem(char *out, size_t outsz, const void *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = s;
	size_t o = 0, total = 0, room;

	if (outsz < 4) { /* esc.h asks for more; never overrun */
		if (outsz)
			out[0] = '\0';
		return out;
	}
	for (size_t i = 0; i < n; i++)
		total += plain(p[i]) ? 1 : 4;
	/* Cut: keep room for "..." after the last whole character. */
	room = total < outsz ? total : outsz - 4;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (o + (plain(c) ? 1 : 4) > room)
			break;
		if (plain(c)) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	if (total >= outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

void esc_fwrite(FILE *fp, const void *s, size_t n, bool keep_backslash)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (plain(c) || (c == '\\' && keep_backslash)) {
			putc_unlocked(c, fp);
			continue;
		}
		putc_unlocked('\\', fp);
		putc_unlocked('x', fp);
		putc_unlocked(hex[c >> 4], fp);
		putc_unlocked(hex[c & 15], fp);
	}
}

char *esc_str(char *out, size_t outsz, const char *s)
{
	if (!s)
		s = "-";
	return esc_mem(out, outsz, s, strlen(s));
}
