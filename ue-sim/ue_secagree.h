/* sec-agree of one simulated UE (TS 24.229 §5.1.1.2 and §5.1.1.4, TS 33.203
 * §7): the glue between the UAC (uac.c), the header codec and key
 * derivation (secagree.h) and the kernel SAs (xfrm.h).
 *
 *   initial REGISTER   Security-Client (the offers: the UE's SPIs and
 *                      protected ports), Require/Proxy-Require: sec-agree,
 *                      sent unprotected
 *   401                Security-Server recorded, one mechanism chosen
 *   answer (fresh RES) SAs and policies from CK/IK installed; the answer and
 *                      every later request leave the protected client port
 *                      towards the P-CSCF's protected server port, Contact
 *                      names the protected server port, Security-Verify =
 *                      the Security-Server received
 *   re-/de-REGISTER    over the SAs in use, with a Security-Client of new
 *                      SPIs and ports (TS 24.229 §5.1.1.4.1); a 401 to it
 *                      keys a new set, which replaces the old one
 *   ue_fini            SAs and policies removed
 *
 * A set of protected ports lives on an nta agent of its own: nta sends a
 * request from its agent's first transport (the protected client port) and
 * takes the responses the P-CSCF sends over UDP to the protected server
 * port; nta has no per-request choice of the source port. */
#ifndef UE_UE_SECAGREE_H
#define UE_UE_SECAGREE_H

#include <stdbool.h>
#include <stdio.h>

#include <sofia-sip/nta.h>
#include <sofia-sip/sip.h>

#include "ipsec/secagree.h"
#include "uac.h"

/* One generation of SAs: the UE's ports and SPIs, its offers, and once
 * keyed, the P-CSCF's side and the kernel state. */
struct sa_gen {
	bool open, installed;
	bool has_server_port;        /* agent holds port_us (else the old set does) */
	struct sa_set set;
	struct sa_mech offers[SA_MECH_MAX];
	size_t noffers;
	char client[SA_HDR_MAX];     /* the Security-Client that offered it */
	char server[SA_HDR_MAX];     /* the Security-Server that keyed it: Security-Verify */
	char contact[400];           /* <sip:user@UE:port_us> */
	char next_hop[300];          /* sip:P-CSCF:port_ps */
	nta_agent_t *agent;          /* the protected ports: client (first), server */
	nta_leg_t *leg;              /* the UE's dialog on it */
};

struct ue_sec {
	struct sa_gen gen[2];
	int cur;                     /* the generation carrying requests, -1 before */
	int offered;                 /* the generation offered in the last request */
	char server[SA_HDR_MAX];     /* the last 401's Security-Server */
	bool have_server;
	bool refused;                /* the 401 had no Security-Server or nothing we offered */
	struct sa_mech chosen;       /* its mechanism we use */
	uint32_t cseq;               /* CSeq of the last challenged request */
};

/* One sec-agree setting, shared by the command line (--NAME VALUE) and the
 * scenario files (ue NAME VALUE):
 *   sec-agree  on|off (a bare --sec-agree is "on")
 *   sec-alg    hmac-sha-1-96,hmac-md5-96   integrity algorithms offered
 *   sec-ealg   null,aes-cbc                encryption algorithms offered
 *   sec-ports  C,S                         the UE's first protected client/server port
 * Setting sec-alg, sec-ealg or sec-ports turns sec-agree on. 1 handled,
 * 0 not a sec-agree name, -1 bad value (err says why). */
int ue_sec_option(struct ue_sec_cfg *c, const char *name, const char *val, char *err, size_t errsz);

/* Opens the first set of protected ports, draws the SPIs, builds
 * Security-Client. 0, or -1 with ue->error. */
int ue_sec_init(struct ue *ue);
void ue_sec_fini(struct ue *ue);
/* A 401: records Security-Server and picks the mechanism. */
void ue_sec_on_401(struct ue *ue, sip_t const *sip);
/* After the UE computed its answer to a fresh challenge: keys the offered
 * set from CK/IK (a fresh RES) and makes it the one in use. 0, or -1 with
 * ue->error (nothing acceptable offered, or the kernel refused). */
int ue_sec_protect(struct ue *ue, const struct ue_answer *ans);

/* What the next request carries; NULL members when not applicable (all
 * NULL without sec-agree). Opens a new set to offer when a new request
 * (not an answer) goes over the SAs; -1 with ue->error when it cannot. */
struct ue_sec_req {
	const char *client, *verify;   /* Security-Client, Security-Verify */
	const char *require;           /* Require and Proxy-Require */
	const char *supported;
	const char *next_hop, *contact; /* the protected route, once the SAs exist */
	nta_leg_t *leg;                /* send on this leg (the protected ports) */
};
int ue_sec_request(struct ue *ue, struct ue_sec_req *r);

/* The port of the UE's protected Contact (port_us), 0 without sec-agree. */
unsigned ue_sec_contact_port(const struct ue *ue);
/* The set in use as a JSON object "ipsec" (no keys); nothing before. */
struct json;
void ue_sec_json(const struct ue *ue, struct json *j);
/* The negotiated SAs and their keys (the --explain view only). */
void ue_sec_explain(const struct ue *ue, FILE *fp);

#endif
