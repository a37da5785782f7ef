/* sec-agree (RFC 3329, TS 33.203 §7 and Annex H/I, TS 24.229 §5.1.1.2):
 * the ipsec-3gpp mechanisms of Security-Client/-Server/-Verify, the choice
 * among the server's offers, the ESP keys derived from CK/IK and the four
 * SAs a UE and its P-CSCF share. Pure functions, no sockets: ue-sim puts
 * the SAs into the kernel (ue-sim/xfrm.c); a capture reader can derive the
 * same keys from a trace. */
#ifndef COMMON_IPSEC_SECAGREE_H
#define COMMON_IPSEC_SECAGREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SA_MECH_MAX 8
#define SA_HDR_MAX 1024

/* Integrity (TS 33.203 §6.1) and confidentiality (§6.2) algorithms. */
enum sa_alg { SA_ALG_HMAC_SHA1_96, SA_ALG_HMAC_MD5_96, SA_ALG_COUNT };
enum sa_ealg { SA_EALG_NULL, SA_EALG_AES_CBC, SA_EALG_COUNT };

const char *sa_alg_name(enum sa_alg a);    /* "hmac-sha-1-96" */
const char *sa_ealg_name(enum sa_ealg e);  /* "null", "aes-cbc" */
int sa_alg_parse(const char *s, size_t n);  /* enum value, or -1 */
int sa_ealg_parse(const char *s, size_t n); /* enum value, or -1 */

/* One ipsec-3gpp mechanism of a Security-* header. In Security-Client the
 * spi/port are the UE's (spi-c = spi_uc ...), in Security-Server the
 * P-CSCF's (spi-c = spi_pc ...). */
struct sa_mech {
	enum sa_alg alg;
	enum sa_ealg ealg;
	uint32_t spi_c, spi_s;
	uint16_t port_c, port_s;
	int q;              /* preference in thousandths (q=0.1 -> 100); -1 absent */
};

#define SA_E_SYNTAX (-1)   /* not a list of mechanisms with name=value params */
#define SA_E_PARAM (-2)    /* an ipsec-3gpp param missing or out of range */
#define SA_E_TOO_MANY (-3)
#define SA_E_SPACE (-4)    /* output buffer too small */

/* Parses a header value (several headers joined with ", " are one list).
 * Mechanisms other than ipsec-3gpp (digest, tls) and unknown parameters are
 * skipped; an ipsec-3gpp mechanism needs alg, spi-c, spi-s, port-c, port-s
 * (ealg absent means null, TS 33.203 §7.1; prot other than esp or mod other
 * than trans -> SA_E_PARAM). *n gets the number of mechanisms kept. */
int sa_parse(const char *value, struct sa_mech *out, size_t max, size_t *n);

/* The Security-Client value for the offers (TS 33.203 §7.1: every
 * mechanism with the same SPIs and ports). 0 or SA_E_SPACE. */
int sa_format(const struct sa_mech *m, size_t n, char *buf, size_t sz);

/* RFC 3329 §2.3.1: the server mechanism with the highest q whose alg and
 * ealg the UE offered, and whose SPIs/ports are usable (non-zero). Its
 * index, or -1 when none is acceptable. */
int sa_choose(const struct sa_mech *server, size_t ns, const struct sa_mech *offers, size_t no);

/* ESP keys (TS 33.203 §7.1, Annex I): IK_ESP = IK_IM for HMAC-MD5-96 and
 * IK_IM ‖ 0^32 for HMAC-SHA-1-96; CK_ESP = CK_IM for AES-CBC, none for
 * NULL encryption. */
struct sa_keys {
	uint8_t ik[20];
	size_t ik_len;
	uint8_t ck[16];
	size_t ck_len;
};
void sa_derive_keys(enum sa_alg alg, enum sa_ealg ealg, const uint8_t ck[16], const uint8_t ik[16],
		    struct sa_keys *out);

/* What UE and P-CSCF agreed: addresses (family AF_INET or AF_INET6, 4 or
 * 16 octets in network order), the four ports and SPIs, the algorithms. */
struct sa_set {
	int family;
	uint8_t ue[16], pcscf[16];
	uint16_t port_uc, port_us, port_pc, port_ps;
	uint32_t spi_uc, spi_us, spi_pc, spi_ps;
	enum sa_alg alg;
	enum sa_ealg ealg;
	struct sa_keys keys;
};

/* One unidirectional SA with the policy that steers traffic into it. */
struct sa_one {
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint32_t spi;
	bool out;           /* UE -> P-CSCF (policy dir out), else in */
	const char *what;   /* "UE client -> P-CSCF server" */
};
#define SA_PER_SET 4
/* TS 33.203 §7.1: requests uc->ps (SPI spi_ps) and us->pc (spi_pc) out,
 * ps->uc (spi_uc) and pc->us (spi_us) in. Pointers into s. */
void sa_set_list(const struct sa_set *s, struct sa_one out[SA_PER_SET]);

#endif
