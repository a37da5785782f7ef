/* A deliberately tiny Diameter framer for the SCTP harness tests.
 *
 * Why not common/diameter: the self-test must prove the *harness* (qemu,
 * kernel modules, lksctp) independently of the project's codec, so a bug in
 * one cannot hide a bug in the other. This writes and reads just enough of
 * RFC 6733 §3 (header) and §4.1 (AVP header, padding) for CER/DWR/MAR and
 * their answers. */
#ifndef TESTS_SCTP_DIAM_FRAME_H
#define TESTS_SCTP_DIAM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define DF_FLAG_R 0x80u
#define DF_FLAG_P 0x40u
#define DF_AVP_V 0x80u
#define DF_AVP_M 0x40u
#define DF_MAX_DEPTH 4

/* Writer over a caller-owned buffer; `err` is sticky: once set, every put
 * is a no-op and df_finish() returns -1. */
struct df_writer {
	uint8_t *buf;
	size_t cap, len;
	int err;
	size_t open[DF_MAX_DEPTH]; /* offsets of open grouped AVPs */
	int depth;
};

void df_begin(struct df_writer *w, uint8_t *buf, size_t cap, uint8_t flags, uint32_t cmd,
	      uint32_t app, uint32_t hbh, uint32_t e2e);
void df_put_u32(struct df_writer *w, uint32_t code, uint32_t vendor, uint32_t v);
void df_put_octets(struct df_writer *w, uint32_t code, uint32_t vendor, const void *p, size_t n);
void df_put_str(struct df_writer *w, uint32_t code, uint32_t vendor, const char *s);
/* Address AVP (RFC 6733 §4.3.1): family 1 + 4 octets of IPv4. */
void df_put_ipv4(struct df_writer *w, uint32_t code, const uint8_t ip[4]);
void df_group_begin(struct df_writer *w, uint32_t code, uint32_t vendor);
void df_group_end(struct df_writer *w);
/* Patches the message length; returns it, or -1 on overflow/unbalanced groups. */
long df_finish(struct df_writer *w);

/* Parsed header; `avps`/`avps_len` borrow from the message buffer. */
struct df_msg {
	uint8_t version, flags;
	uint32_t len, cmd, app, hbh, e2e;
	const uint8_t *avps;
	size_t avps_len;
};

/* Checks version 1 and that the header length equals `n`; 0 or -1. */
int df_parse(const uint8_t *p, size_t n, struct df_msg *m);
/* Finds the first AVP (code, vendor) in a list; returns its data length or
 * -1 when absent/malformed. `*data` borrows from the list. */
long df_find(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor,
	     const uint8_t **data);
/* The n-th (0-based) AVP (code, vendor); as df_find. */
long df_find_nth(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor, int n,
		 const uint8_t **data);
/* Unsigned32 AVP value, or -1 if absent or not 4 octets. */
long long df_find_u32(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor);
/* Counts the AVPs (code, vendor) at this level. */
int df_count(const uint8_t *avps, size_t len, uint32_t code, uint32_t vendor);

#endif
