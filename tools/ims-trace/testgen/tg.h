/* ims-trace-testgen internals: the registration flow (tg_flow.c), its
 * framing into packets (tg_emit.c, tg_hops.c for a P-CSCF/I-CSCF chain),
 * the Diameter-only captures (tg_diam_only.c) and the scenario list
 * (testgen.c). */
#ifndef TRACE_TESTGEN_TG_H
#define TRACE_TESTGEN_TG_H

#include "pcapw.h"

#include "aka/aka.h"
#include "diameter/diam.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REALM "ims.mnc001.mcc001.3gppnetwork.org"
#define MAXQ 64
#define MSGMAX 8192

/* TS 35.208 test set 1 (the subscriber) and set 3 (another card). */
#define K1 "465b5ce8b199b49faa5f0a2ee238a6bc"
#define OP1 "cdc202d5123e20f62b6d676ac72cb318"
#define K3 "fec86ba6eb707ed08905757b1bb44b8f"

struct card {           /* the USIM */
	struct aka_keys keys;
	uint64_t sqn_ms;
	bool answer_on_mac_fail;
};

struct hss {            /* the network's view of the subscriber */
	struct aka_keys keys;
	uint64_t sqn_he;
	bool unknown;       /* the HSS does not know the IMPI: MAA 5001 */
};

struct ue_cfg {
	const char *impi, *impu, *ue_ip, *realm_ue;  /* realm_ue: what the UE puts in */
	const char *uri_ue, *nc_ue;  /* digest uri and nc the UE sends */
	bool mangle_nonce;  /* the UE echoes the nonce with one character changed */
	uint16_t ue_port;
	const char *alg;    /* AKAv1-MD5 / AKAv2-MD5 */
	const char *qop;    /* auth / auth-int */
	bool body;          /* REGISTER carries a body (auth-int hashes it) */
	bool compact;       /* compact header names and a folded Authorization */
	bool cut;           /* the capture ends before the final response */
	bool replay;        /* after the 200: the REGISTER again, and its nonce/nc reused */
	bool hop_alter;     /* the S-CSCF receives an altered response (403) */
	bool bad_verify;    /* Security-Verify is not the Security-Server received */
	struct card card;
	struct hss hss;
	int n;              /* UE number: Call-ID, tags, hbh */
	uint8_t ck[16], ik[16];  /* of the current vector: the SAs' keys */
};

/* One message to emit: SIP (UE <-> S-CSCF) or Diameter (S-CSCF <-> HSS). */
struct item {
	bool diam, to_ue, to_hss, esp;
	bool challenge;     /* a 401 of the S-CSCF */
	double delay;       /* seconds of silence before it */
	uint8_t ck[16], ik[16];
	uint8_t data[MSGMAX];
	size_t len;
};
struct queue { struct item it[MAXQ]; size_t n; };

struct flow_opts {
	bool esp, enc;      /* sec-agree with ESP after the 401; ealg aes-cbc */
	bool multihop;      /* the P-CSCF adds Security-Server (tg_hops.c) */
};

/* tg_flow.c */
void tg_seed(uint64_t seed);
void tg_rand(uint8_t *buf, size_t n);
void ue_flow(struct queue *q, struct ue_cfg *u, const struct flow_opts *fo);
void keys_set(struct aka_keys *k, const char *khex, const char *ophex, bool op_as_opc);
/* "Security-Server: ipsec-3gpp; ..." (CRLF-terminated) or "" */
void sec_server(const struct ue_cfg *u, bool esp, bool enc, const char *name, char *out,
		size_t sz);
void cx_head(struct diam_wr *w, const char *host);
/* Cx MAR (with RAND ‖ AUTS when resync) and its MAA with one vector
 * (TS 29.229 §6.1.7-8), written into buf (MSGMAX); the caller finishes. */
void tg_mar_build(struct diam_wr *w, uint8_t *buf, const char *impi, const char *impu,
		  const char *scheme, uint32_t hbh, const uint8_t *resync);
void tg_maa_build(struct diam_wr *w, uint8_t *buf, const uint8_t *req, size_t reqlen,
		  const char *impi, const char *scheme, const struct aka_vector *v);
void diam_item(struct queue *q, bool to_hss, struct diam_wr *w);

/* --- Framing and emission (tg_emit.c) ------------------------------------- */

struct stream {          /* one TCP direction */
	struct endpoint src, dst;
	uint32_t seq;
	uint8_t buf[65536];
	size_t len;
	unsigned ues;        /* bitmask of UEs with bytes in buf */
};

struct scen {
	const char *file;
	int link;
	bool ng, v6, tcp, esp, enc, sctp;  /* sctp: Cx over SCTP (PPID 46) */
	size_t mtu;          /* fragment IP packets above it (0 = never) */
	size_t seg;          /* TCP segment size for SIP */
	struct ue_cfg ue[4];
	int nue;
	bool stray;          /* add messages that belong to no attempt */
	/* the UE → P-CSCF → I-CSCF → S-CSCF chain (tg_hops.c) */
	bool multihop;
	bool gtp;            /* the UE's packets also captured inside GTP-U on S1-U */
	bool ckik_to_ue;     /* the P-CSCF forgets to remove ck/ik */
	bool bad_icv;        /* the UE's ESP carries a wrong ICV */
	bool gm_only;        /* only the UE ↔ P-CSCF hop is captured */
};

struct emitter {
	struct pcapw w;
	const struct scen *s;
	double t;
	struct endpoint ue[4], scscf, scscf_d, hss, scscf_esp, ue_esp[4];
	struct endpoint pcscf, pcscf_esp, icscf, icscf_d, enb, sgw;
	struct stream up, down, d_up, d_down;   /* SIP and Diameter TCP */
	struct stream i_up, i_down;             /* I-CSCF ↔ HSS */
	uint8_t pkt[70000];
	uint32_t esp_seq;
	uint32_t hbh;
};

void emit(struct emitter *e, size_t n);
void emit_diameter(struct emitter *e, struct stream *s, struct stream *peer, const uint8_t *p,
		   size_t n);
void tcp_open(struct emitter *e, struct stream *a, struct stream *b);
void tcp_flush(struct emitter *e, struct stream *s, struct stream *peer, size_t seg, bool all);
void stream_put(struct stream *s, const struct item *it, int ue);
/* The UE ↔ P-CSCF SA an ESP item travels in. */
void esp_sa_of(struct emitter *e, const struct item *it, int ue, struct esp_sa *sa);
int run_scen(const char *dir, struct scen *s);

/* tg_hops.c: one item of the flow as the chain carries it, hop by hop. */
void hops_emit(struct emitter *e, const struct item *it, int ue);
void hops_endpoints(struct emitter *e);
void hops_endpoints_gm(struct emitter *e);

/* tg_diam_only.c: S6a over SCTP with a resync, KASME for the wrong
 * network, Cx with a RAND used twice. 0 or 1. */
int diam_only_scenarios(const char *dir);

#endif
