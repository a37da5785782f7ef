/* Untrusted text in a log line (issue 16 item 7): a name, URI or
 * parameter that came from the network is logged through esc_str() /
 * esc_mem(), so a CR/LF cannot forge a line and an escape sequence cannot
 * drive the reader's terminal.
 *
 * Every octet outside printable ASCII (0x20..0x7e), and the backslash
 * itself, becomes \xHH: the output is ASCII, one line, and reversible (a
 * "\x0a" that was typed arrives as "\x5cx0a"). Identities are ASCII, so
 * the usual string comes out unchanged. */
#ifndef UTIL_ESC_H
#define UTIL_ESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Room for n input octets escaped in full, with the NUL. */
#define ESC_SIZE(n) (4 * (n) + 1)

/* s (NUL-terminated; NULL reads "-") escaped into out (outsz > 3).
 * When it does not fit it is cut at a whole character and ends with
 * "...". Returns out, for use as a printf argument. */
char *esc_str(char *out, size_t outsz, const char *s);

/* The same for n octets that may hold NULs. */
char *esc_mem(char *out, size_t outsz, const void *s, size_t n);

/* As a printf argument: s escaped into a 512-octet buffer that lives
 * until the end of the enclosing block (a compound literal), e.g.
 *   LOGI(LOG_SIP, "binding expired impu=%s", ESC(b->impu)); */
#define ESC_LOG_MAX 512
#define ESC(s) esc_str((char[ESC_LOG_MAX]){ 0 }, ESC_LOG_MAX, (s))

/* Writes n octets to fp (locked by the caller: putc_unlocked) escaped the
 * same way, except that a backslash stays when keep_backslash: the form
 * log.c applies to every whole line, where arguments already escaped with
 * esc_str must come out unchanged while a raw CR/LF or ESC still cannot. */
void esc_fwrite(FILE *fp, const void *s, size_t n, bool keep_backslash);

#endif
