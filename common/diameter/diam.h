/* Diameter (RFC 6733) message codec: the public API of common/diameter.
 *
 * No sockets here: bytes in, structs out, and back. Parsing never copies:
 * a diam_avp points into the caller's buffer, which must outlive it.
 * Building writes into a caller-provided buffer through a writer with a
 * sticky error (STYLE.md §5): after an overflow every put is a no-op and
 * diam_wr_finish() reports the failure once.
 *
 * Companion headers: dict.h (AVP dictionary + per-command rules),
 * validate.h (RFC 6733 §7 error mapping), print.h (Wireshark-like dump),
 * peer.h/transport.h (CER/DWR/DPR state machine, TCP/SCTP). */
#ifndef DIAMETER_DIAM_H
#define DIAMETER_DIAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "codes.h"
#include "util/err.h"

#define DIAM_HDR_LEN 20
#define DIAM_MSG_MAX (1u << 20) /* we refuse messages above 1 MiB */

/* Command flags (RFC 6733 §3). */
#define DIAM_FLAG_R 0x80
#define DIAM_FLAG_P 0x40
#define DIAM_FLAG_E 0x20
#define DIAM_FLAG_T 0x10
/* AVP flags (§4.1). */
#define DIAM_AVP_V 0x80
#define DIAM_AVP_M 0x40
#define DIAM_AVP_P 0x20

struct diam_hdr {
	uint8_t version;
	uint32_t length;
	uint8_t flags;
	uint32_t code;
	uint32_t app_id;
	uint32_t hbh;
	uint32_t e2e;
};

/* A parsed message: header plus the AVP area (borrowed from the buffer). */
struct diam_msg {
	struct diam_hdr hdr;
	const uint8_t *raw;   /* whole message */
	size_t raw_len;
	const uint8_t *avps;  /* AVP area */
	size_t avps_len;
};

/* One AVP (borrowed). */
struct diam_avp {
	uint32_t code;
	uint8_t flags;
	uint32_t vendor;      /* 0 without the V bit */
	const uint8_t *data;  /* payload, len octets, no padding */
	size_t len;
	const uint8_t *raw;   /* header + data (no padding): for Failed-AVP */
	size_t raw_len;
};

/* Framing for stream transports: given the first `len` buffered bytes,
 * returns the full message length when known (>= 20), 0 when fewer than 4
 * bytes are buffered, or -1 when the length field is impossible (< 20,
 * > DIAM_MSG_MAX) or the version is not 1 — the peer must be dropped. */
ssize_t diam_frame_len(const uint8_t *buf, size_t len);

/* Header only: checks version, length == len, reserved flag bits. Fills
 * msg. Returns 0 or a negative DIAM_E* value. */
int diam_msg_parse(const uint8_t *buf, size_t len, struct diam_msg *msg);

/* Codec errors: their own range (util/err.h), never an errno value. */
enum diam_err {
	DIAM_OK = 0,
	DIAM_ESHORT = -ERR_BASE_DIAM - 1,   /* buffer shorter than a header / AVP header */
	DIAM_EVERSION = -ERR_BASE_DIAM - 2, /* version != 1 */
	DIAM_ELENGTH = -ERR_BASE_DIAM - 3,  /* message or AVP length inconsistent */
	DIAM_EBITS = -ERR_BASE_DIAM - 4,    /* reserved bits set / E with R */
	DIAM_ENOENT = -ERR_BASE_DIAM - 5,   /* AVP not found */
	DIAM_ETYPE = -ERR_BASE_DIAM - 6,    /* payload size wrong for the asked type */
	DIAM_ENOSPC = -ERR_BASE_DIAM - 7,   /* builder overflow or output buffer too small */
	DIAM_EDEPTH = -ERR_BASE_DIAM - 8,   /* grouped nesting too deep */
};
/* Names a DIAM_E* value, or an errno value (-ENOMEM …) via strerror. */
const char *diam_strerror(int err);

/* Iterating AVPs of a message or of a grouped AVP's payload. */
struct diam_iter {
	const uint8_t *p;
	size_t left;
};
void diam_iter_init(struct diam_iter *it, const uint8_t *area, size_t len);
void diam_iter_msg(struct diam_iter *it, const struct diam_msg *msg);
void diam_iter_group(struct diam_iter *it, const struct diam_avp *grouped);
/* 1 = *avp filled, 0 = end, <0 = malformed (AVP length < 8, or < 12 with
 * V, or overrunning the area). Padding is skipped. */
int diam_iter_next(struct diam_iter *it, struct diam_avp *avp);

/* First AVP (code, vendor) at top level of msg / inside a grouped AVP.
 * 0 found, DIAM_ENOENT, or <0 malformed. */
int diam_msg_find(const struct diam_msg *msg, uint32_t code, uint32_t vendor,
		  struct diam_avp *out);
int diam_group_find(const struct diam_avp *grouped, uint32_t code, uint32_t vendor,
		    struct diam_avp *out);
/* Counts occurrences at top level (or -1 if malformed). */
int diam_msg_count(const struct diam_msg *msg, uint32_t code, uint32_t vendor);

/* Typed getters over an AVP payload: DIAM_ETYPE if the size is wrong. */
int diam_avp_u32(const struct diam_avp *a, uint32_t *v);
int diam_avp_u64(const struct diam_avp *a, uint64_t *v);
int diam_avp_i32(const struct diam_avp *a, int32_t *v);
int diam_avp_i64(const struct diam_avp *a, int64_t *v);
/* Copies a UTF8String/DiameterIdentity into buf with a NUL; DIAM_ENOSPC if
 * it does not fit, DIAM_ETYPE if it contains a NUL. */
int diam_avp_str(const struct diam_avp *a, char *buf, size_t bufsz);
/* Address (§4.3.1): family 1 → 4 octets, 2 → 16. */
int diam_avp_addr(const struct diam_avp *a, uint16_t *family, uint8_t *addr, size_t *addr_len);

/* Convenience: find + typed get at top level of msg. */
int diam_msg_u32(const struct diam_msg *msg, uint32_t code, uint32_t vendor, uint32_t *v);
int diam_msg_str(const struct diam_msg *msg, uint32_t code, uint32_t vendor, char *buf,
		 size_t bufsz);
/* An answer's outcome: Result-Code, else the Experimental-Result-Code
 * inside Experimental-Result (*experimental set, may be NULL). 0, or
 * DIAM_ENOENT when the answer carries neither. (result.c) */
int diam_msg_result(const struct diam_msg *m, uint32_t *code, bool *experimental);

/* ---- Building ---------------------------------------------------------- */
#define DIAM_WR_MAX_DEPTH 8
struct diam_wr {
	uint8_t *buf;
	size_t cap, len;
	int err;                              /* sticky: first error, 0 = fine */
	size_t group_at[DIAM_WR_MAX_DEPTH];   /* offsets of open grouped AVPs */
	int depth;
};
void diam_wr_init(struct diam_wr *w, uint8_t *buf, size_t cap);
/* Writes the 20-octet header (length filled in by diam_wr_finish). */
void diam_put_hdr(struct diam_wr *w, uint8_t flags, uint32_t code, uint32_t app_id,
		  uint32_t hbh, uint32_t e2e);

/* AVP puts. Flags come from the dictionary (V when vendor != 0, M as the
 * spec says); diam_put_avp_flags() overrides them for tests and relays. */
void diam_put_octets(struct diam_wr *w, uint32_t code, uint32_t vendor, const void *data,
		     size_t len);
void diam_put_str(struct diam_wr *w, uint32_t code, uint32_t vendor, const char *s);
void diam_put_u32(struct diam_wr *w, uint32_t code, uint32_t vendor, uint32_t v);
void diam_put_u64(struct diam_wr *w, uint32_t code, uint32_t vendor, uint64_t v);
void diam_put_i32(struct diam_wr *w, uint32_t code, uint32_t vendor, int32_t v);
void diam_put_addr(struct diam_wr *w, uint32_t code, uint32_t vendor, uint16_t family,
		   const uint8_t *addr, size_t addr_len);
void diam_put_time(struct diam_wr *w, uint32_t code, uint32_t vendor, uint32_t ntp_seconds);
void diam_put_avp_flags(struct diam_wr *w, uint32_t code, uint8_t flags, uint32_t vendor,
			const void *data, size_t len);
/* Copies an already-encoded AVP (e.g. into Failed-AVP or Proxy-Info echo). */
void diam_put_raw_avp(struct diam_wr *w, const struct diam_avp *a);
void diam_group_begin(struct diam_wr *w, uint32_t code, uint32_t vendor);
void diam_group_end(struct diam_wr *w);
/* Patches the message length; returns the total length, or the sticky
 * error (< 0) — e.g. DIAM_ENOSPC, or DIAM_EDEPTH for an unclosed group. */
ssize_t diam_wr_finish(struct diam_wr *w);

/* Common AVP groups. */
void diam_put_vendor_app(struct diam_wr *w, uint32_t vendor, uint32_t auth_app);
void diam_put_exp_result(struct diam_wr *w, uint32_t vendor, uint32_t code);

/* Starts an answer to `req`: header with R cleared, P copied, same code,
 * app, hbh, e2e, then Session-Id echoed if the request had one. */
void diam_answer_begin(struct diam_wr *w, const struct diam_msg *req);

/* A fresh Session-Id "<origin-host>;<hi>;<lo>" (RFC 6733 §8.8); hi is set
 * at start from the time, lo increments. */
void diam_session_id(const char *origin_host, char *out, size_t outsz);
/* Hop-by-hop / end-to-end generators (§3): e2e high 12 bits from time. */
uint32_t diam_next_hbh(void);
uint32_t diam_next_e2e(void);

#endif
