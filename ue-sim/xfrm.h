/* The UE's IPsec SAs and policies in the kernel, through netlink XFRM
 * (linux/xfrm.h): ESP in transport mode, one SA and one policy per
 * direction and port pair of a sec-agree set (secagree.h). The messages
 * are built by pure functions (tested without a socket); xfrm_install()
 * and xfrm_remove() send them. Needs CAP_NET_ADMIN, and a kernel with
 * xfrm_user and esp4/esp6 for the SAs. */
#ifndef UE_XFRM_H
#define UE_XFRM_H

#include <stddef.h>
#include <stdint.h>

#include "ipsec/secagree.h"

#define XFRM_REQ_MAX 512

/* Kernel algorithm names: "hmac(sha1)", "hmac(md5)", "ecb(cipher_null)",
 * "cbc(aes)". */
const char *xfrm_auth_name(enum sa_alg a);
const char *xfrm_enc_name(enum sa_ealg e);

/* One netlink request into buf (XFRM_REQ_MAX octets); its length, or -1.
 * reqid ties a policy to its SA: the SPI is used for both. */
int xfrm_msg_newsa(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		   uint32_t seq);
int xfrm_msg_delsa(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		   uint32_t seq);
int xfrm_msg_newpolicy(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		       uint32_t seq);
int xfrm_msg_delpolicy(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		       uint32_t seq);

/* Installs the four SAs and policies of s. 0, or a negative errno of the
 * first request the kernel refused (what is already in is removed again);
 * *what names that request ("SA UE client -> P-CSCF server"). */
int xfrm_install(const struct sa_set *s, const char **what);
/* Removes them; missing ones are not an error. 0 or a negative errno. */
int xfrm_remove(const struct sa_set *s);

#endif
