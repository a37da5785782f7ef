/* Framing of ims-trace-testgen's flows into packets: UDP or TCP (split
 * across segments, several messages per segment, several UEs
 * interleaved), IPv4 or IPv6, ESP after the 401 (real ICV, NULL or
 * AES-CBC), Cx over TCP or SCTP, IP fragments; or the whole P-CSCF/I-CSCF
 * chain (tg_hops.c). */
#include "tg.h"
#include "esp_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emit(struct emitter *e, size_t n)
{
	if (!n) {
		fprintf(stderr, "testgen: packet too large\n");
		exit(1);
	}
	if (e->s->mtu) /* IPv4 fragments out of order, IPv6 in order */
		pcapw_ip_mtu(&e->w, e->t, e->pkt, n, e->s->mtu, e->pkt[0] >> 4 == 4);
	else
		pcapw_ip(&e->w, e->t, e->pkt, n);
	e->t += 0.000731;
}

static void tcp_seg(struct emitter *e, struct stream *s, struct stream *peer, uint8_t flags,
		    const uint8_t *p, size_t n)
{
	uint32_t ack = flags == 0x02 ? 0 : peer->seq; /* a bare SYN acks nothing */
	emit(e, build_tcp(e->pkt, sizeof(e->pkt), &s->src, &s->dst, s->seq, ack, flags, p, n,
			  NULL));
	s->seq += (uint32_t)n + ((flags & 0x03) ? 1 : 0); /* SYN and FIN count */
}

void tcp_open(struct emitter *e, struct stream *a, struct stream *b)
{
	tcp_seg(e, a, b, 0x02, NULL, 0);        /* SYN */
	tcp_seg(e, b, a, 0x12, NULL, 0);        /* SYN+ACK */
	tcp_seg(e, a, b, 0x10, NULL, 0);        /* ACK */
}

/* Sends whole segments of `seg` octets; with all, the rest too. */
void tcp_flush(struct emitter *e, struct stream *s, struct stream *peer, size_t seg,
		      bool all)
{
	size_t off = 0;

	while (s->len - off >= seg || (all && off < s->len)) {
		size_t n = s->len - off < seg ? s->len - off : seg;
		tcp_seg(e, s, peer, 0x18, s->buf + off, n); /* PSH+ACK */
		off += n;
	}
	memmove(s->buf, s->buf + off, s->len - off);
	s->len -= off;
	if (!s->len)
		s->ues = 0;
}

void stream_put(struct stream *s, const struct item *it, int ue)
{
	memcpy(s->buf + s->len, it->data, it->len);
	s->len += it->len;
	s->ues |= 1u << ue;
}

/* A Diameter message on its TCP connection, split in two segments when
 * long enough (the reader must reassemble). */
void emit_diameter(struct emitter *e, struct stream *s, struct stream *peer, const uint8_t *p,
		   size_t n)
{
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	tcp_flush(e, s, peer, n > 200 ? n / 2 + 1 : 4096, true);
}

void esp_sa_of(struct emitter *e, const struct item *it, int ue, struct esp_sa *sa)
{
	memset(sa, 0, sizeof(*sa));
	/* the receiver's inbound SPI: the UE's protected client port is spi-c
	 * of its Security-Client, the P-CSCF's server port spi-s of its
	 * Security-Server (TS 33.203 §7.1) */
	sa->spi = it->to_ue ? 1111u + (unsigned)e->s->ue[ue].n : 4444u + (unsigned)e->s->ue[ue].n;
	sa->seq = ++e->esp_seq;
	sa->icv_len = ESP_ICV_LEN;
	sa->auth = ESP_AUTH_HMAC_SHA1_96; /* alg of sec_server() */
	sa->enc = e->s->enc ? ESP_ENC_AES_CBC : ESP_ENC_NULL;
	memcpy(sa->ik, it->ik, 16);
	memcpy(sa->ck, it->ck, 16);
	sa->bad_icv = e->s->bad_icv && !it->to_ue;
}

static void emit_sip_udp(struct emitter *e, const struct item *it, int ue)
{
	struct esp_sa sa;
	const struct endpoint *src = it->to_ue ? &e->scscf : &e->ue[ue];
	const struct endpoint *dst = it->to_ue ? &e->ue[ue] : &e->scscf;

	if (it->esp) { /* protected ports (TS 33.203 §7.4) */
		src = it->to_ue ? &e->scscf_esp : &e->ue_esp[ue];
		dst = it->to_ue ? &e->ue_esp[ue] : &e->scscf_esp;
		esp_sa_of(e, it, ue, &sa);
	}
	emit(e, build_udp(e->pkt, sizeof(e->pkt), src, dst, it->data, it->len,
			  it->esp ? &sa : NULL));
}

static void emit_item(struct emitter *e, const struct item *it, int ue)
{
	e->t += it->delay;
	if (e->s->multihop && !it->diam) {
		hops_emit(e, it, ue);
		return;
	}
	if (e->s->gm_only) /* a capture on Gm sees no Diameter */
		return;
	if (it->diam && e->s->sctp) {
		static uint32_t tsn = 100;
		const struct endpoint *src = it->to_hss ? &e->scscf_d : &e->hss;
		const struct endpoint *dst = it->to_hss ? &e->hss : &e->scscf_d;
		emit(e, build_sctp_data(e->pkt, sizeof(e->pkt), src, dst, tsn++, 46, it->data,
					it->len));
	} else if (it->diam) {
		struct stream *s = it->to_hss ? &e->d_up : &e->d_down;
		struct stream *peer = it->to_hss ? &e->d_down : &e->d_up;
		emit_diameter(e, s, peer, it->data, it->len);
	} else if (!e->s->tcp)
		emit_sip_udp(e, it, ue);
	else {
		struct stream *s = it->to_ue ? &e->down : &e->up;
		struct stream *o = it->to_ue ? &e->up : &e->down;
		if (o->ues & (1u << ue)) /* causality: the UE's previous message first */
			tcp_flush(e, o, s, e->s->seg, true);
		stream_put(s, it, ue);
		tcp_flush(e, s, o, e->s->seg, false);
	}
	e->t += 0.0042;
}

static void endpoints(struct emitter *e)
{
	const struct scen *s = e->s;
	const char *sc = s->v6 ? "2001:db8:1::10" : "10.10.0.10";

	endpoint_set(&e->scscf, sc, 5060);
	endpoint_set(&e->scscf_esp, sc, 5068);
	endpoint_set(&e->scscf_d, sc, 40001);
	endpoint_set(&e->hss, s->v6 ? "2001:db8:1::20" : "10.10.0.20", 3868);
	for (int i = 0; i < s->nue; i++) {
		endpoint_set(&e->ue[i], s->ue[i].ue_ip, s->tcp ? (uint16_t)(40100 + i) : s->ue[i].ue_port);
		endpoint_set(&e->ue_esp[i], s->ue[i].ue_ip, 5062);
	}
	e->up = (struct stream){ .src = e->ue[0], .dst = e->scscf, .seq = 1000 };
	e->down = (struct stream){ .src = e->scscf, .dst = e->ue[0], .seq = 9000 };
	e->d_up = (struct stream){ .src = e->scscf_d, .dst = e->hss, .seq = 50000 };
	e->d_down = (struct stream){ .src = e->hss, .dst = e->scscf_d, .seq = 70000 };
}

static void stray(struct emitter *e)
{
	static const char ok[] =
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.10.9.9:5060;branch=z9hG4bK-lost\r\n"
		"From: <sip:lost@" REALM ">;tag=x\r\nTo: <sip:lost@" REALM ">;tag=y\r\n"
		"Call-ID: lost-call@10.10.9.9\r\nCSeq: 7 REGISTER\r\nContent-Length: 0\r\n\r\n";
	static const char opt[] =
		"OPTIONS sip:" REALM " SIP/2.0\r\nVia: SIP/2.0/UDP 10.10.9.9:5060;branch=z9hG4bK-o\r\n"
		"From: <sip:ping@" REALM ">;tag=p\r\nTo: <sip:" REALM ">\r\nCall-ID: ping@10.10.9.9\r\n"
		"CSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";
	struct endpoint a;

	endpoint_set(&a, e->s->v6 ? "2001:db8:9::9" : "10.10.9.9", 5060);
	emit(e, build_udp(e->pkt, sizeof(e->pkt), &e->scscf, &a, (const uint8_t *)ok,
			  strlen(ok), NULL));
	emit(e, build_udp(e->pkt, sizeof(e->pkt), &a, &e->scscf, (const uint8_t *)opt,
			  strlen(opt), NULL));
}

int run_scen(const char *dir, struct scen *s)
{
	static struct queue q[4];
	static struct emitter e;
	char path[512];
	struct flow_opts fo = { s->esp, s->enc, s->multihop };

	memset(&e, 0, sizeof(e));
	e.s = s;
	e.t = 1764331200.0;
	snprintf(path, sizeof(path), "%s/%s", dir, s->file);
	if (pcapw_open(&e.w, path, s->link, s->ng)) {
		perror(path);
		return -1;
	}
	tg_seed(7);
	for (int i = 0; i < s->nue; i++) {
		q[i].n = 0;
		ue_flow(&q[i], &s->ue[i], &fo);
	}
	endpoints(&e);
	if (s->multihop && !s->gm_only)
		hops_endpoints(&e);
	else if (s->multihop)
		hops_endpoints_gm(&e);
	if (!s->sctp && !s->gm_only)
		tcp_open(&e, &e.d_up, &e.d_down);
	if (s->tcp)
		tcp_open(&e, &e.up, &e.down);
	size_t pos[4] = { 0 };
	for (bool more = true; more;) {
		more = false;
		for (int i = 0; i < s->nue; i++)
			if (pos[i] < q[i].n) {
				emit_item(&e, &q[i].it[pos[i]++], i);
				more = true;
			}
	}
	if (s->tcp) {
		tcp_flush(&e, &e.up, &e.down, s->seg, true);
		tcp_flush(&e, &e.down, &e.up, s->seg, true);
	}
	if (s->stray)
		stray(&e);
	pcapw_close(&e.w);
	printf("wrote %s\n", path);
	return 0;
}

