/* Issued challenges, keyed by nonce (RFC 2617 §3.2.1: the nonce names the
 * challenge). Each entry keeps what the response check needs: the scheme,
 * the digest password source (XRES/CK/IK for AKA, HA1 for SIP Digest), the
 * identities it was issued for, an expiry and the last nonce-count seen
 * (RFC 2617 §3.2.2: a repeated nc is a replay).
 *
 * Time is passed in (monotonic milliseconds) so tests need no clock.
 * struct vec_entry is the value going in and out: the store keeps each in
 * a compact record of its own (vectors.c) and copies it out on a lookup;
 * what the caller changes (last_nc, consumed) goes back with vstore_use. */
#ifndef SCSCF_VECTORS_H
#define SCSCF_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aka/aka.h"
#include "digest/digest.h"

#define VEC_NONCE_MAX 192
#define VEC_ID_MAX 256

struct vec_entry {
	char nonce[VEC_NONCE_MAX];
	char impi[VEC_ID_MAX];
	char impu[VEC_ID_MAX];
	enum digest_alg alg;
	uint8_t xres[AKA_RES_MAX];    /* TUAK's RES may be 32 octets */
	size_t xres_len;
	uint8_t ck[16], ik[16];
	char ha1[DIGEST_HEX_LEN];   /* SIP Digest: HA1 from the HSS, hex */
	uint64_t expires_ms;        /* monotonic */
	uint32_t last_nc;           /* 0 = not used yet */
	bool consumed;              /* a registration succeeded with it */
	bool fault_reissued;        /* sent by a challenge-twice/stale-nonce fault:
				     * the answer to it is not faulted again */
};

struct vstore;

/* buckets: the first table size (rounded up to a power of two); the
 * table grows as entries come. */
struct vstore *vstore_new(size_t buckets);
void vstore_free(struct vstore *s);

/* Copies e in (replacing an entry with the same nonce). 0 or -ENOMEM. */
int vstore_put(struct vstore *s, const struct vec_entry *e);
/* Copies the entry for nonce into *out: true, or false when there is none
 * or it expired at now_ms (the caller then answers stale=true). *out holds
 * key material: the caller wipes it. */
bool vstore_get(struct vstore *s, const char *nonce, uint64_t now_ms, struct vec_entry *out);
/* Stores the use of the entry for nonce (its last nonce-count, consumed);
 * nothing when it is gone. */
void vstore_use(struct vstore *s, const char *nonce, uint32_t last_nc, bool consumed);
/* Present but expired? (to tell "stale" from "never issued" in logs) */
bool vstore_is_expired(struct vstore *s, const char *nonce, uint64_t now_ms);
void vstore_del(struct vstore *s, const char *nonce);
/* Drops the IMPI's entries (RTR, de-registration): those before their
 * expiry, found by an index; an answered one past it (a tombstone, no
 * vector) stays its grace. */
void vstore_del_impi(struct vstore *s, const char *impi);
/* Frees expired entries; returns how many. Called from a timer, costs what
 * it frees (the entries are kept in expiry order). Entries that were
 * answered stay a grace period past expiry so a late answer reads as
 * stale, as a small record without their key material; a challenge never
 * answered goes at its expiry. */
size_t vstore_expire(struct vstore *s, uint64_t now_ms, uint64_t grace_ms);
size_t vstore_count(const struct vstore *s);

#endif
