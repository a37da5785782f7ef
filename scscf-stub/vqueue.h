/* Authentication vectors fetched but not used yet, queued per IMPI.
 *
 * With SIP-Number-Auth-Items > 1 (TS 29.229 §6.3.15) one MAA carries
 * several vectors; like Kamailio's ims_auth the S-CSCF uses the first (the
 * lowest SIP-Item-Number) at once and keeps the others, in order, for the
 * next challenges of the same IMPI, so those need no MAR. The queue of an
 * IMPI is dropped on a resync (RFC 3310 §3.4, TS 33.203 §6.1.2: after an
 * AUTS the queued SQNs are stale), on de-registration and RTR; each entry
 * also ages out after the vector lifetime.
 *
 * Time is passed in (monotonic ms). Entries hold XRES/CK/IK/HA1: they are
 * wiped when they leave the queue. */
#ifndef SCSCF_VQUEUE_H
#define SCSCF_VQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "cx_msg.h"

struct vqueue;

struct vqueue *vqueue_new(size_t buckets);
void vqueue_free(struct vqueue *q);

/* Appends v behind the IMPI's other entries. 0 or -ENOMEM. */
int vqueue_push(struct vqueue *q, const char *impi, const struct cx_maa *v,
		uint64_t expires_ms);
/* Takes the IMPI's oldest unexpired entry into *out: 1, or 0 when none
 * (expired ones met on the way are dropped). */
int vqueue_pop(struct vqueue *q, const char *impi, uint64_t now_ms, struct cx_maa *out);
/* Drops every entry of the IMPI; returns how many. */
size_t vqueue_del_impi(struct vqueue *q, const char *impi);
/* Drops expired entries; returns how many. */
size_t vqueue_expire(struct vqueue *q, uint64_t now_ms);
size_t vqueue_count(const struct vqueue *q);
size_t vqueue_count_impi(const struct vqueue *q, const char *impi);

#endif
