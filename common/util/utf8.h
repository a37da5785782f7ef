/* UTF-8 well-formedness (RFC 3629 §4): the one check behind Diameter
 * UTF8String/DiameterIdentity values (RFC 6733 §4.3.1) and anything else
 * that must refuse text that is not UTF-8. */
#ifndef UTIL_UTF8_H
#define UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Octets of the well-formed sequence at s (1..4), or 0 when s[0..n) does
 * not start with one: stray continuation octets, overlong forms, UTF-16
 * surrogates (U+D800..DFFF), code points above U+10FFFF, a cut sequence. */
size_t utf8_seq_len(const uint8_t *s, size_t n);

/* Every octet of s[0..n) belongs to a well-formed sequence. */
bool utf8_valid(const uint8_t *s, size_t n);
/* The same, and no octet is NUL (a DiameterIdentity, RFC 6733 §4.3.1: an
 * FQDN), in the same pass. */
bool utf8_valid_nonul(const uint8_t *s, size_t n);

#endif
