/* ims-trace: the shared state of one capture analysis.
 *
 * Data flow (one pass over the capture, then analysis):
 *   pcap_in.c  frames + link layer (Ethernet, SLL, SLL2, raw IP)
 *   ip.c       IPv4/IPv6 (extension headers, fragments detected), UDP, TCP, SCTP
 *   esp.c      ESP with NULL encryption (RFC 2410/4303) -> inner UDP/TCP
 *   tcp_reasm.c per-direction byte streams, in order, gaps reported
 *   sip_msg.c / diam_in.c  messages out of datagrams and streams
 *   -> trace_ctx.ev[]: every SIP and Diameter message with its frame meta
 *   pair.c     attempts (REGISTER/401/REGISTER/final + MAR/MAA or AIR/AIA)
 *   verdict.c  the checks of issue 7 §3, first differing field first
 *   report.c / report_json.c  ladder + verdict sentence, or --json
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
	bool esp;        /* carried in ESP-NULL */
	uint32_t spi;
};

enum trace_ev_kind { EV_SIP, EV_DIAM };
struct trace_event {
	enum trace_ev_kind kind;
	struct trace_meta m;
	struct sip_msg *sip;     /* owned */
	struct diam_info *diam;  /* owned */
	int attempt;             /* index of the attempt it was paired to, -1 none */
	bool retrans;            /* a retransmission of an earlier message */
};

#define TRACE_NOTES_MAX 64
#define TRACE_SA_MAX 64

/* One IPsec SA learnt from Security-Client/Server (TS 33.203 §7, RFC 3329). */
struct trace_sa {
	uint32_t spi;
	char alg[24];    /* hmac-md5-96, hmac-sha-1-96, ... */
	char ealg[24];   /* null, aes-cbc, des-ede3-cbc, "" when absent */
	size_t icv_len;
	bool chosen;     /* settled by Security-Server/Verify */
};

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
	struct trace_sa sa[TRACE_SA_MAX];
	size_t nsa;
	struct tcp_flow *flows;  /* list, owned by tcp_reasm.c */
	struct ip_frag *frags;   /* pending IP fragments, owned by ip_frag.c */
	size_t nfrags;
	/* counters for "what could not be read" */
	unsigned frames, non_ip, ip_fragments, esp_encrypted, esp_unknown, not_sip_udp;
	unsigned tcp_gaps, sip_bad, diam_bad, truncated_frames, sctp_chunks;
	char *notes[TRACE_NOTES_MAX]; /* distinct warnings, owned */
	size_t nnotes;
	unsigned cur_frame;
	double cur_ts, first_ts;
	bool have_first;
};

void trace_init(struct trace_ctx *c, const struct trace_opts *o);
void trace_free(struct trace_ctx *c);
/* Adds a distinct note (printf-style); duplicates are dropped. */
void trace_note(struct trace_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
