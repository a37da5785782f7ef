/* A Wireshark-like rendering of a Diameter message for debug logs and the
 * teaching mode: a header line, then one line per AVP ("AVP: Name(code)
 * l=len f=VMP vnd=V val=..."), grouped AVPs indented two spaces per level,
 * OctetStrings as hex, Enumerated and result codes with their names.
 * Key material (Confidentiality-Key, Integrity-Key, XRES in an answer's
 * SIP-Authorization, S6a XRES/KASME/Kc/SRES, Digest-HA1) is replaced by
 * "<hidden N octets>" unless DIAM_PRINT_SHOW_KEYS is given. Malformed
 * input is printed up to the fault, then a "[malformed: ...]" line. */
#ifndef DIAMETER_PRINT_H
#define DIAMETER_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DIAM_PRINT_SHOW_KEYS 1u

/* Writes the dump to fp. Returns 0, or -1 when the input is malformed
 * (what could be parsed is still printed). */
int diam_print(FILE *fp, const uint8_t *buf, size_t len, unsigned flags);

/* Same into out (NUL-terminated, truncated to outsz). Returns as above. */
int diam_print_buf(char *out, size_t outsz, const uint8_t *buf, size_t len, unsigned flags);

#endif
