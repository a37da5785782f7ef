/* ims-trace-testgen: synthesises the test captures of tests/pcaps/.
 *
 * Each scenario plays real IMS AKA registrations computed with common/aka
 * and common/digest: a UE (the card's keys, its SQN_MS), an S-CSCF (the
 * digest check with the MAA's XRES) and an HSS (the network's keys, SQN_HE,
 * MAR/MAA with real Cx AVPs). Faults are injected on one side (wrong K on
 * the card, OP stored as OPc in the HSS, card SQN ahead, wrong realm) and
 * the messages are framed as the scenario says: UDP or TCP (split across
 * segments, several messages per segment, several UEs interleaved), IPv4
 * or IPv6, ESP after the 401 (real ICV, NULL or AES-CBC), Ethernet/SLL/
 * SLL2/raw, pcap or pcapng; or along a UE → P-CSCF → I-CSCF → S-CSCF chain
 * with every hop captured and the UE's packets again inside GTP-U
 * (tg_hops.c); or Diameter alone (tg_diam_only.c). Deterministic: RANDs
 * come from a seeded stream, so the committed files are reproducible.
 *
 *   ims-trace-testgen OUTDIR          writes every scenario
 *   ims-trace-testgen --udp-dump DIR  writes the good flow's SIP datagrams
 *                                     (for the dumpcap loopback capture) */
#include "tg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* --- Scenarios ------------------------------------------------------------ */

static struct ue_cfg ue_default(int n)
{
	static char impi[4][96], impu[4][96], ip[4][48];
	struct ue_cfg u;

	memset(&u, 0, sizeof(u));
	snprintf(impi[n], sizeof(impi[n]), "00101000000000%d@" REALM, n);
	snprintf(impu[n], sizeof(impu[n]), "00101000000000%d@" REALM, n);
	snprintf(ip[n], sizeof(ip[n]), "10.10.1.%d", n);
	u.impi = impi[n];
	u.impu = impu[n];
	u.ue_ip = ip[n];
	u.ue_port = 5060;
	u.realm_ue = REALM;
	u.uri_ue = "sip:" REALM;
	u.nc_ue = "00000001";
	u.alg = "AKAv1-MD5";
	u.qop = "auth";
	u.n = n;
	keys_set(&u.card.keys, K1, OP1, false);
	keys_set(&u.hss.keys, K1, OP1, false);
	u.card.sqn_ms = 0x20 * 9;
	u.hss.sqn_he = 0x20 * 10;
	return u;
}

static struct scen base(const char *file, int link)
{
	struct scen s;

	memset(&s, 0, sizeof(s));
	s.file = file;
	s.link = link;
	s.nue = 1;
	s.seg = 1400;
	s.ue[0] = ue_default(1);
	return s;
}

static void v6_addr(struct ue_cfg *u, int n)
{
	static char ip[4][48];
	snprintf(ip[n], sizeof(ip[n]), "2001:db8:2::%d", n);
	u->ue_ip = ip[n];
}

/* The chain of tg_hops.c: sec-agree, ESP with real ICVs, UAR at the
 * I-CSCF, every hop captured. */
static struct scen chain(const char *file)
{
	struct scen s = base(file, LINK_ETHERNET);

	s.multihop = s.esp = true;
	return s;
}

/* Faults along the chain, and the pairing/replay cases (issue 12 §2-4). */
static int chain_scenarios(const char *dir, struct scen *s)
{
	int n = 0;

	s[n++] = chain("multihop_esp.pcap");
	s[n] = chain("multihop_gtpu_aes.pcap");
	s[n].gtp = s[n].enc = true;
	n++;
	s[n] = chain("gm_only_aes.pcap");
	s[n].gm_only = s[n].enc = true;
	n++;
	s[n] = chain("altered_hop.pcap");
	s[n++].ue[0].hop_alter = true;
	s[n] = chain("ckik_to_ue.pcap");
	s[n++].ckik_to_ue = true;
	s[n] = chain("esp_bad_icv.pcap");
	s[n++].bad_icv = true;
	s[n] = chain("security_verify_bad.pcap");
	s[n++].ue[0].bad_verify = true;
	s[n] = base("replay.pcap", LINK_ETHERNET);
	s[n++].ue[0].replay = true;
	s[n] = base("cut_before_answer.pcap", LINK_ETHERNET);
	s[n++].ue[0].cut = true;
	s[n] = base("unknown_user.pcap", LINK_ETHERNET);
	s[n++].ue[0].hss.unknown = true;
	for (int i = 0; i < n; i++)
		if (run_scen(dir, &s[i]))
			return 1;
	return 0;
}

static int all_scenarios(const char *dir)
{
	struct scen s[20];
	int n = 0;

	s[n++] = base("good.pcap", LINK_ETHERNET);
	s[n] = base("good.pcapng", LINK_ETHERNET);
	s[n++].ng = true;
	s[n] = base("wrong_k.pcap", LINK_ETHERNET);
	keys_set(&s[n].ue[0].card.keys, K3, OP1, false);
	s[n++].ue[0].card.answer_on_mac_fail = true;
	s[n] = base("mac_fail.pcap", LINK_ETHERNET);
	keys_set(&s[n++].ue[0].card.keys, K3, OP1, false);
	s[n] = base("op_opc_swap.pcap", LINK_ETHERNET);
	keys_set(&s[n].ue[0].hss.keys, K1, OP1, true); /* OP provisioned as OPc */
	s[n++].ue[0].card.answer_on_mac_fail = true;
	s[n] = base("resync.pcap", LINK_ETHERNET);
	s[n++].ue[0].card.sqn_ms = 0x20ull * 1011;     /* SEQ 1011 vs the HSS's next 11 */
	s[n] = base("wrong_realm.pcap", LINK_ETHERNET);
	s[n++].ue[0].realm_ue = "ims.example.net";
	s[n] = base("auth_int_tcp_sll.pcap", LINK_SLL);
	s[n].tcp = true;
	s[n].seg = 137;
	s[n].ue[0].qop = "auth-int";
	s[n++].ue[0].body = true;
	s[n] = base("akav2_sll2.pcap", LINK_SLL2);
	s[n++].ue[0].alg = "AKAv2-MD5";
	s[n] = base("ipv6_esp_raw.pcap", LINK_RAW);
	s[n].v6 = s[n].esp = true;
	v6_addr(&s[n++].ue[0], 1);
	s[n] = base("esp_encrypted.pcap", LINK_ETHERNET);
	s[n].enc = true;
	s[n++].esp = true;
	s[n] = base("multi_ue_tcp.pcap", LINK_ETHERNET);
	s[n].tcp = s[n].stray = true;
	s[n].seg = 300;
	s[n].nue = 3;
	s[n].ue[1] = ue_default(2);
	keys_set(&s[n].ue[1].card.keys, K3, OP1, false);
	s[n].ue[1].card.answer_on_mac_fail = true;
	s[n].ue[2] = ue_default(3);
	s[n].ue[2].compact = true;
	s[n].ue[2].qop = "auth-int";
	s[n++].ue[2].body = true;
	s[n] = base("ipv6_tcp_multi.pcapng", LINK_ETHERNET);
	s[n].tcp = s[n].v6 = s[n].ng = true;
	s[n].seg = 211;
	s[n].nue = 2;
	v6_addr(&s[n].ue[0], 1);
	s[n].ue[1] = ue_default(2);
	v6_addr(&s[n].ue[1], 2);
	s[n++].ue[1].card.sqn_ms = 0x20ull * 40;
	s[n] = base("wrong_uri_sctp.pcap", LINK_ETHERNET);
	s[n].sctp = true;
	s[n++].ue[0].uri_ue = "sip:pcscf.visited.example.net";
	s[n] = base("fragmented_v6.pcap", LINK_ETHERNET);
	s[n].v6 = true;
	s[n].mtu = 576;       /* every REGISTER and 401 in two or three fragments */
	s[n].ue[0].qop = "auth-int";
	s[n].ue[0].body = true;
	v6_addr(&s[n++].ue[0], 1);
	s[n] = base("fragmented_v4.pcap", LINK_ETHERNET);
	s[n++].mtu = 576;
	s[n] = base("bad_nonce_echo.pcap", LINK_ETHERNET);
	s[n++].ue[0].mangle_nonce = true;
	s[n] = base("bad_nc.pcap", LINK_ETHERNET);
	s[n++].ue[0].nc_ue = "1";
	for (int i = 0; i < n; i++)
		if (run_scen(dir, &s[i]))
			return 1;
	return chain_scenarios(dir, s) || diam_only_scenarios(dir);
}

/* truncated.pcap: good.pcap cut inside a record; joined_late.pcap: good.pcap
 * from inside the MAR on; corrupt.pcap: a record header claiming more than
 * the snaplen. */
static int broken_files(const char *dir)
{
	char in[512], out[512];
	static uint8_t buf[1 << 16];

	snprintf(in, sizeof(in), "%s/good.pcap", dir);
	FILE *f = fopen(in, "rb");
	if (!f)
		return 1;
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	snprintf(out, sizeof(out), "%s/truncated.pcap", dir);
	if (!(f = fopen(out, "wb")))
		return 1;
	fwrite(buf, 1, n * 2 / 3, f);
	fclose(f);
	/* joined_late.pcap: the capture starts inside the MAR (records 6..) */
	snprintf(out, sizeof(out), "%s/joined_late.pcap", dir);
	if (!(f = fopen(out, "wb")))
		return 1;
	size_t off = 24;
	for (int rec = 0; rec < 5 && off + 16 <= n; rec++) {
		uint32_t cl;
		memcpy(&cl, buf + off + 8, 4); /* little-endian, as written */
		off += 16 + cl;
	}
	fwrite(buf, 1, 24, f);
	fwrite(buf + off, 1, n - off, f);
	fclose(f);
	snprintf(out, sizeof(out), "%s/corrupt.pcap", dir);
	if (!(f = fopen(out, "wb")))
		return 1;
	memset(buf + 24 + 8, 0xff, 8); /* caplen/len of the first record: 4 GiB */
	fwrite(buf, 1, n < 600 ? n : 600, f);
	fclose(f);
	printf("wrote truncated.pcap, joined_late.pcap, corrupt.pcap\n");
	return 0;
}

/* The good flow's SIP datagrams, for a loopback replay under dumpcap. */
static int udp_dump(const char *dir)
{
	static struct queue q;
	struct ue_cfg u = ue_default(1);
	struct flow_opts fo = { false, false, false };
	char path[512];

	tg_seed(7);
	ue_flow(&q, &u, &fo);
	for (size_t i = 0, k = 0; i < q.n; i++) {
		if (q.it[i].diam)
			continue;
		snprintf(path, sizeof(path), "%s/%02zu-%s.sip", dir, ++k, q.it[i].to_ue ? "down" : "up");
		FILE *f = fopen(path, "wb");
		if (!f)
			return 1;
		fwrite(q.it[i].data, 1, q.it[i].len, f);
		fclose(f);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--udp-dump"))
		return udp_dump(argv[2]);
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: ims-trace-testgen OUTDIR | --udp-dump DIR\n");
		return 2;
	}
	return all_scenarios(argv[1]) || broken_files(argv[1]);
}

