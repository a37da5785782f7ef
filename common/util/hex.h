/* Hex and base64 codecs shared by every program.
 * Hex is lower-case on output and case-insensitive on input (command-line
 * contract, DESIGN.md). Base64 is the standard alphabet with '=' padding
 * (RFC 4648 §4), as used by the SIP AKA nonce (RFC 3310 §3.2). */
#ifndef UTIL_HEX_H
#define UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Writes 2*len lower-case hex digits plus NUL to out (out must hold 2*len+1). */
void hex_encode(const uint8_t *in, size_t len, char *out);

/* Decodes exactly `want` octets from hex text. Returns 0, or -1 when the text
 * is not hex, has an odd number of digits or the wrong length. */
int hex_decode_exact(const char *hex, uint8_t *out, size_t want);

/* Decodes up to `max` octets; *len gets the count. -1 on odd/non-hex/too long. */
int hex_decode(const char *hex, uint8_t *out, size_t max, size_t *len);

/* base64 of len octets into out (needs 4*((len+2)/3)+1 bytes). Returns the
 * text length. */
size_t b64_encode(const uint8_t *in, size_t len, char *out);

/* Strict base64 decode: standard alphabet, length a multiple of 4, '=' only
 * as final padding, at most `max` octets. Returns the octet count, or -1. */
long b64_decode(const char *in, size_t inlen, uint8_t *out, size_t max);

#endif
