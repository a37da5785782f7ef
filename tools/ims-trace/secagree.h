/* The sec-agree headers of RFC 3329 as IMS uses them (TS 33.203 §7.1-7.4,
 * TS 24.229 §5.1.1.2): Security-Client (the UE's offers, its SPIs and
 * protected ports), Security-Server (the P-CSCF's choice list, its SPIs
 * and ports), Security-Verify (the UE's copy of the Security-Server it
 * received, which the P-CSCF compares). One mechanism:
 *   ipsec-3gpp; alg=hmac-sha-1-96; ealg=aes-cbc; spi-c=..; spi-s=..;
 *   port-c=..; port-s=..; q=0.1
 * An absent ealg means NULL encryption (TS 33.203 §7.2). */
#ifndef TRACE_SECAGREE_H
#define TRACE_SECAGREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sip_msg;

#define SECAGREE_MAX 8

struct sec_mech {
	char mech[24];          /* "ipsec-3gpp", "tls", "digest" ... */
	char alg[24], ealg[24]; /* ealg "" when absent */
	uint32_t spi_c, spi_s;
	uint16_t port_c, port_s;
	bool have_spi, have_port;
	int q1000;              /* q * 1000; -1 when absent */
};

/* Every mechanism of every `name` header of s (header instances and
 * comma lists); the count (at most max). */
size_t secagree_get(const struct sip_msg *s, const char *name, struct sec_mech *out,
		    size_t max);
/* The ipsec-3gpp mechanism the UE takes from a Security-Server list: the
 * highest q, the first among equals (RFC 3329 §2.3.1); -1 when none. */
int secagree_choose(const struct sec_mech *m, size_t n);
/* "alg=hmac-sha-1-96 ealg=null spi-c=1111 spi-s=2222 port-c=5062 port-s=5064" */
void secagree_text(const struct sec_mech *m, char *buf, size_t sz);
/* Does the Security-Verify list v repeat the Security-Server list s
 * (mechanisms, algorithms, SPIs, ports, q; RFC 3329 §2.3.1, TS 33.203 §7.2)?
 * When not, why names the first difference. */
bool secagree_same(const struct sec_mech *s, size_t ns, const struct sec_mech *v, size_t nv,
		   char *why, size_t whysz);

#endif
