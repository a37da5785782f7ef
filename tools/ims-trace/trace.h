/* ims-trace: the shared state of one capture analysis.
 *
 * Data flow (one pass over the capture, then analysis):
 *   pcap_in.c  frames + link layer (Ethernet, SLL, SLL2, raw IP); pcap
 *              through libpcap, pcapng through pcapng_in.c (a link type
 *              per interface)
 *   ip.c       IPv4/IPv6 (extension headers, fragments), UDP, TCP, SCTP
 *   gtpu.c     GTP-U G-PDUs (TS 29.281) -> the UE's inner IP packet
 *   esp.c      ESP packets are kept aside during the read; esp_sa.c derives
 *              the SAs (Security-Client/Server + IK/CK), esp_crypto.c checks
 *              the ICV and decrypts, then the inner UDP/TCP is read
 *   tcp_reasm.c per-direction byte streams, in order, gaps reported
 *   sip_msg.c / diam_in.c  messages out of datagrams and streams
 *   -> trace_ctx.ev[]: every SIP and Diameter message with its frame meta,
 *      sorted by time, then frame, once everything is read (trace_sort)
 *   hops.c     copies of one message (forwarded, retransmitted, replayed),
 *              nodes and their roles (UE, P-CSCF, I-CSCF, S-CSCF, HSS)
 *   pair.c     attempts (REGISTER/401/REGISTER/final + MAR/MAA or AIR/AIA)
 *   verdict*.c the checks per attempt, findings and the cause sentence
 *   diam_check.c  every MAA/AIA vector and resync request on its own
 *   report.c / report_json.c / report_html.c  text, --json, --html
 *
 * Nothing here touches sockets; main.c and the fuzz harnesses drive it. */
#ifndef TRACE_TRACE_H
#define TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sip_msg;
struct diam_info;

struct trace_addr {
	int af;          /* 4 or 6 */
	uint8_t ip[16];
	uint16_t port;
};

enum trace_transport { TT_UDP, TT_TCP, TT_SCTP };

/* Where one message was seen. For a message reassembled from several TCP
 * segments, frame/ts are those of the segment that completed it. */
struct trace_meta {
	unsigned frame;
	double ts;
	struct trace_addr src, dst;
	enum trace_transport tr;
	bool esp;        /* carried in ESP */
	uint32_t spi;
	int esp_icv;     /* ESP ICV: 1 verified, -1 did not verify, 0 not checked */
	bool esp_decrypted; /* ESP with encryption, decrypted with CK */
	bool gtp;        /* carried in a GTP-U G-PDU (the UE's packet on S1-U/S5) */
	uint32_t teid;
};

enum trace_ev_kind { EV_SIP, EV_DIAM };
enum trace_copy {
	COPY_ORIGINAL,    /* first occurrence */
	COPY_FORWARD,     /* on another hop: forwarded by a proxy */
	COPY_RETRANS,     /* same hop, before the transaction ended */
	COPY_SAME_PACKET, /* same hop, seen again at another capture point (GTP-U) */
	COPY_REPLAY,      /* same hop, a request sent again after its final response */
};
const char *trace_copy_name(enum trace_copy k);
struct trace_event {
	enum trace_ev_kind kind;
	struct trace_meta m;
	struct sip_msg *sip;     /* owned */
	struct diam_info *diam;  /* owned */
	int attempt;             /* index of the attempt it was paired to, -1 none */
	bool retrans;            /* a copy of an earlier message (any copy kind) */
	/* copies (hops.c): the same SIP message seen again */
	int copy_first;          /* first occurrence (itself when original) */
	int copy_prev, copy_next;/* previous / next copy in time, -1 none */
	enum trace_copy copy;
	int src_node, dst_node;  /* trace_ctx.nodes, -1 unknown */
	unsigned order;          /* arrival order within a frame (stable sort) */
};

#define TRACE_NOTES_MAX 64

enum trace_role { ROLE_UNKNOWN, ROLE_UE, ROLE_PCSCF, ROLE_ICSCF, ROLE_SCSCF, ROLE_HSS,
		  ROLE_MME, ROLE_DRA };
const char *trace_role_name(enum trace_role r);

/* A network element: one or several addresses (hops.c). */
struct trace_node {
	struct trace_addr addr;  /* its first SIP (else Diameter) address */
	bool by_port;            /* several elements share the IP: told apart by port */
	enum trace_role role;
	char label[96];          /* "P-CSCF 10.10.0.5" */
	char host[96];           /* Diameter Origin-Host, when seen */
};

/* An ESP packet kept for after the read (esp.c), its result, and the SA
 * set it was matched to (esp_sa.c). */
struct esp_pkt {
	struct trace_meta m;     /* outer addresses; frame and time */
	uint8_t *data;           /* owned: SPI ‖ Seq ‖ ... ‖ ICV */
	size_t len;
	int depth;
	int sa;                  /* index in trace_ctx.sas, -1 none */
	int icv;                 /* 1 ok, -1 bad, 0 not checked */
	bool readable;           /* the inner packet was read */
	char why[160];           /* why not checked / not readable */
};
struct esp_sa_set;

struct tcp_flow;
struct ip_frag;

struct trace_opts {
	int sip_port;       /* 0 = detect SIP by content only */
	int diameter_port;  /* default 3868 */
};

struct trace_ctx {
	struct trace_opts opts;
	struct trace_event *ev;
	size_t nev, cap_ev;
	struct esp_pkt *esp;      /* ESP packets, read after the capture (esp_sa.c) */
	size_t nesp, cap_esp;
	struct esp_sa_set *sas;   /* sec-agree negotiations (esp_sa.c), owned */
	size_t nsas;
	struct trace_node *nodes; /* hops.c, owned */
	size_t nnodes;
	struct tcp_flow *flows;  /* list, owned by tcp_reasm.c */
	struct ip_frag *frags;   /* pending IP fragments, owned by ip_frag.c */
	size_t nfrags;
	/* counters for "what could not be read" */
	unsigned frames, non_ip, ip_fragments, esp_encrypted, esp_unknown, not_sip_udp;
	unsigned tcp_gaps, sip_bad, diam_bad, truncated_frames, sctp_chunks, gtp_pdus;
	unsigned snap_cut; /* IP packets the capture holds only part of (snaplen) */
	char *notes[TRACE_NOTES_MAX]; /* distinct warnings, owned */
	size_t nnotes;
	unsigned cur_frame;
	/* while reading the inner packet of a GTP-U or ESP envelope: its marks
	 * (gtp/teid, esp/spi/icv) are copied into every inner message's meta */
	struct trace_meta wrap;
	int wrap_on;
	double cur_ts, first_ts;
	bool have_first;
};

void trace_init(struct trace_ctx *c, const struct trace_opts *o);
void trace_free(struct trace_ctx *c);
/* Adds a distinct note (printf-style); duplicates are dropped. */
void trace_note(struct trace_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sorts the events by time, then frame, then arrival within the frame:
 * ESP packets are read after the capture, their messages go back into
 * place; the interfaces of a multi-interface capture are interleaved. */
void trace_sort(struct trace_ctx *c);

/* Appends an event; takes ownership of sip/diam. */
void trace_add_sip(struct trace_ctx *c, const struct trace_meta *m, struct sip_msg *s);
void trace_add_diam(struct trace_ctx *c, const struct trace_meta *m, struct diam_info *d);

/* Application data of one UDP datagram / SCTP DATA chunk / TCP stream. */
void trace_udp_payload(struct trace_ctx *c, const struct trace_meta *m, const uint8_t *p,
		       size_t len);
void trace_sctp_payload(struct trace_ctx *c, const struct trace_meta *m, uint32_t ppid,
			const uint8_t *p, size_t len);

/* "192.0.2.1:5060" / "[2001:db8::1]:5060" into buf (>= 64). */
const char *trace_addr_str(const struct trace_addr *a, char *buf, size_t sz);

#endif
