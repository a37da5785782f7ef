/* Error codes: one range per layer. Every function returns 0 or a negative
 * code; each layer's codes live in their own range, so a value says where
 * it came from, and no layer's code can be read as another's (issue 10:
 * DIAM_ENOSPC was -7 == -E2BIG, so a handler's codec error was logged as
 * "Argument list too long").
 *
 *   -1 .. -4095        errno values (-ENOENT, -EIO …; Linux reserves 4095)
 *   -4096 .. -4351     Diameter codec, DIAM_E*        (diameter/diam.h)
 *   -4352 .. -4607     digest: AUTH_E*, NONCE_E*      (digest/auth_header.h, digest.h)
 *   -4608 .. -4863     reserved for AKA_E* (aka/aka.h): still -1 .. -5 today,
 *                      because ue-sim's scenario runner uses them as bit
 *                      positions (1u << -AKA_EMAC); moving them is a change
 *                      there first
 *   -4864 .. -5119     scscf-stub digest check, CHK_E* (scscf-stub/challenge.h)
 *
 * A module's *_strerror() names its own range and passes errno values to
 * strerror(), so a log line can always name a code. */
#ifndef UTIL_ERR_H
#define UTIL_ERR_H

#define ERR_ERRNO_MAX 4095
#define ERR_BASE_DIAM 4096
#define ERR_BASE_DIGEST 4352
#define ERR_BASE_AKA 4608
#define ERR_BASE_CHK 4864
#define ERR_RANGE 256

/* True when e is in the range starting at base. */
#define ERR_IN(e, base) ((e) <= -(base) && (e) > -((base) + ERR_RANGE))

#endif
