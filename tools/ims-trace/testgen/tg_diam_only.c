/* Captures with Diameter only (issue 12 §1), as an MME ↔ HSS or S-CSCF ↔
 * HSS trace has them:
 *   s6a_resync_sctp.pcap   S6a over SCTP (PPID 46): AIR/AIA with an
 *                          E-UTRAN vector (KASME for the AIR's
 *                          Visited-PLMN-Id), then an AIR with
 *                          Re-Synchronization-Info (the card 490 SEQ
 *                          ahead) and the AIA with the vector after it
 *   s6a_kasme_plmn.pcap    the HSS derives KASME for another PLMN than the
 *                          AIR's Visited-PLMN-Id
 *   rand_reuse.pcap        Cx over TCP: two MAAs for one IMPI carry the same
 *                          RAND (TS 33.102 §6.3 wants it fresh)
 * Subscriber: TS 35.208 set 1, IMSI 001010000000001. */
#include "tg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMSI "001010000000001"
#define IMPI IMSI "@" REALM
#define EPC_REALM "epc.mnc001.mcc001.3gppnetwork.org"

struct dscen {
	struct emitter e;
	struct aka_keys keys;
	uint64_t sqn_he;
	uint32_t tsn;
	bool sctp;
	uint8_t plmn[3];         /* the AIR's Visited-PLMN-Id */
	uint8_t kasme_plmn[3];   /* what the HSS derives KASME for */
};

static ssize_t finish(struct diam_wr *w)
{
	ssize_t n = diam_wr_finish(w);

	if (n < 0) {
		fprintf(stderr, "testgen: diameter build: %s\n", diam_strerror((int)n));
		exit(1);
	}
	return n;
}

static void send_msg(struct dscen *d, bool to_hss, const uint8_t *p, size_t n)
{
	struct emitter *e = &d->e;

	if (d->sctp)
		emit(e, build_sctp_data(e->pkt, sizeof(e->pkt), to_hss ? &e->scscf_d : &e->hss,
					to_hss ? &e->hss : &e->scscf_d, d->tsn++, 46, p, n));
	else if (to_hss)
		emit_diameter(e, &e->d_up, &e->d_down, p, n);
	else
		emit_diameter(e, &e->d_down, &e->d_up, p, n);
	e->t += 0.0031;
}

/* TS 29.272 §7.2.5: what an MME sends at attach (with RAND ‖ AUTS after a
 * sync failure, §7.3.15). */
static ssize_t air(struct dscen *d, uint32_t hbh, const uint8_t *resync, uint8_t *buf)
{
	struct diam_wr w;
	char sid[96];

	snprintf(sid, sizeof(sid), "mme." EPC_REALM ";1700000000;%u", hbh);
	diam_wr_init(&w, buf, MSGMAX);
	diam_put_hdr(&w, DIAM_FLAG_R | DIAM_FLAG_P, DIAM_CMD_AI, DIAM_APP_S6A, hbh, hbh ^ 0x11110000);
	diam_put_str(&w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(&w, DIAM_VENDOR_3GPP, DIAM_APP_S6A);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "mme." EPC_REALM);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, EPC_REALM);
	diam_put_str(&w, AVP_DESTINATION_REALM, 0, EPC_REALM);
	diam_put_str(&w, AVP_USER_NAME, 0, IMSI);
	diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, DIAM_VENDOR_3GPP);
	diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, DIAM_VENDOR_3GPP, 1);
	diam_put_u32(&w, AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, DIAM_VENDOR_3GPP, 0);
	if (resync)
		diam_put_octets(&w, AVP_S6A_RE_SYNCHRONIZATION_INFO, DIAM_VENDOR_3GPP, resync, 30);
	diam_group_end(&w);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, DIAM_VENDOR_3GPP, d->plmn, 3);
	return finish(&w);
}

/* §7.2.6 / §7.3.18: one E-UTRAN-Vector with KASME (TS 33.401 A.2). */
static ssize_t aia(struct dscen *d, const uint8_t *req, size_t rl, const struct aka_vector *v,
		   uint8_t *buf)
{
	struct diam_wr w;
	struct diam_msg m;
	uint8_t kasme[32];

	aka_kasme(v->ck, v->ik, d->kasme_plmn, v->autn, kasme);
	diam_msg_parse(req, rl, &m);
	diam_wr_init(&w, buf, MSGMAX);
	diam_answer_begin(&w, &m);
	diam_put_vendor_app(&w, DIAM_VENDOR_3GPP, DIAM_APP_S6A);
	diam_put_u32(&w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(&w, AVP_ORIGIN_HOST, 0, "hss." EPC_REALM);
	diam_put_str(&w, AVP_ORIGIN_REALM, 0, EPC_REALM);
	diam_put_u32(&w, AVP_RESULT_CODE, 0, DIAM_SUCCESS);
	diam_group_begin(&w, AVP_S6A_AUTHENTICATION_INFO, DIAM_VENDOR_3GPP);
	diam_group_begin(&w, AVP_S6A_EUTRAN_VECTOR, DIAM_VENDOR_3GPP);
	diam_put_u32(&w, AVP_S6A_ITEM_NUMBER, DIAM_VENDOR_3GPP, 1);
	diam_put_octets(&w, AVP_S6A_RAND, DIAM_VENDOR_3GPP, v->rand, 16);
	diam_put_octets(&w, AVP_S6A_XRES, DIAM_VENDOR_3GPP, v->xres, v->xres_len);
	diam_put_octets(&w, AVP_S6A_AUTN, DIAM_VENDOR_3GPP, v->autn, 16);
	diam_put_octets(&w, AVP_S6A_KASME, DIAM_VENDOR_3GPP, kasme, 32);
	diam_group_end(&w);
	diam_group_end(&w);
	return finish(&w);
}

static uint64_t next_seq(uint64_t sqn)
{
	return ((sqn >> 5) + 1) << 5; /* SEQ + 1, IND 0 (TS 33.102 C.1.1) */
}

/* One AIR/AIA; returns the vector sent. */
static void air_round(struct dscen *d, uint32_t hbh, const uint8_t *resync,
		      struct aka_vector *v)
{
	static const uint8_t amf[2] = { 0x80, 0x00 };
	uint8_t rq[MSGMAX], an[MSGMAX], rnd[16];
	uint64_t sqn_ms;

	ssize_t rl = air(d, hbh, resync, rq);
	send_msg(d, true, rq, (size_t)rl);
	if (resync && aka_auts_check(&d->keys, resync, resync + 16, &sqn_ms) == AKA_OK)
		d->sqn_he = sqn_ms; /* TS 33.102 §6.3.5 */
	d->sqn_he = next_seq(d->sqn_he);
	tg_rand(rnd, 16);
	aka_vector_make_rand(&d->keys, d->sqn_he, amf, rnd, v);
	ssize_t al = aia(d, rq, (size_t)rl, v, an);
	send_msg(d, false, an, (size_t)al);
}

static int open_capture(struct dscen *d, struct scen *s, const char *dir, const char *file)
{
	char path[512];

	memset(d, 0, sizeof(*d));
	memset(s, 0, sizeof(*s));
	s->file = file;
	s->link = LINK_ETHERNET;
	d->e.s = s;
	d->e.t = 1764334800.0;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (pcapw_open(&d->e.w, path, LINK_ETHERNET, false)) {
		perror(path);
		return -1;
	}
	tg_seed(11);
	keys_set(&d->keys, K1, OP1, false);
	d->sqn_he = 0x20 * 10;
	d->tsn = 500;
	endpoint_set(&d->e.scscf_d, "10.20.0.1", 3868); /* the client: MME or S-CSCF */
	endpoint_set(&d->e.hss, "10.10.0.20", 3868);
	aka_plmn_encode("001", "01", d->plmn);
	memcpy(d->kasme_plmn, d->plmn, 3);
	return 0;
}

static void close_capture(struct dscen *d, const char *file)
{
	pcapw_close(&d->e.w);
	printf("wrote %s\n", file);
}

static int s6a_resync(const char *dir)
{
	struct dscen d;
	struct scen s;
	struct aka_vector v1, v2;
	uint8_t rs[30];

	if (open_capture(&d, &s, dir, "s6a_resync_sctp.pcap"))
		return 1;
	d.sctp = true;
	air_round(&d, 0x100, NULL, &v1);
	memcpy(rs, v1.rand, 16); /* the card is at SEQ 500: AUTS over RAND 1 */
	aka_auts_make(&d.keys, v1.rand, 0x20ull * 500, rs + 16);
	air_round(&d, 0x101, rs, &v2);
	close_capture(&d, s.file);
	return 0;
}

static int s6a_kasme(const char *dir)
{
	struct dscen d;
	struct scen s;
	struct aka_vector v;

	if (open_capture(&d, &s, dir, "s6a_kasme_plmn.pcap"))
		return 1;
	d.sctp = true;
	aka_plmn_encode("001", "02", d.kasme_plmn); /* the HSS took another network */
	air_round(&d, 0x200, NULL, &v);
	close_capture(&d, s.file);
	return 0;
}

/* TS 29.229 §6.1.7-8: MAR/MAA with the vector's RAND given. */
static void mar_maa(struct dscen *d, uint32_t hbh, const uint8_t rand[16])
{
	static const uint8_t amf[2] = { 0x80, 0x00 };
	uint8_t rq[MSGMAX], an[MSGMAX];
	struct diam_wr w;
	struct aka_vector v;

	tg_mar_build(&w, rq, IMPI, IMPI, CX_SCHEME_AKAV1, hbh, NULL);
	ssize_t rl = finish(&w);
	send_msg(d, true, rq, (size_t)rl);
	d->sqn_he = next_seq(d->sqn_he);
	aka_vector_make_rand(&d->keys, d->sqn_he, amf, rand, &v);
	tg_maa_build(&w, an, rq, (size_t)rl, IMPI, CX_SCHEME_AKAV1, &v);
	ssize_t al = finish(&w);
	send_msg(d, false, an, (size_t)al);
}

static int rand_reuse(const char *dir)
{
	struct dscen d;
	struct scen s;
	uint8_t r[16];

	if (open_capture(&d, &s, dir, "rand_reuse.pcap"))
		return 1;
	endpoint_set(&d.e.scscf_d, "10.10.0.10", 40001);
	d.e.d_up = (struct stream){ .src = d.e.scscf_d, .dst = d.e.hss, .seq = 50000 };
	d.e.d_down = (struct stream){ .src = d.e.hss, .dst = d.e.scscf_d, .seq = 70000 };
	tcp_open(&d.e, &d.e.d_up, &d.e.d_down);
	tg_rand(r, 16);
	mar_maa(&d, 0x300, r);
	d.e.t += 30;
	mar_maa(&d, 0x301, r); /* a random source stuck on one value */
	close_capture(&d, s.file);
	return 0;
}

int diam_only_scenarios(const char *dir)
{
	return s6a_resync(dir) || s6a_kasme(dir) || rand_reuse(dir);
}
