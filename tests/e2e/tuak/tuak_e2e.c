/* End-to-end TUAK at hssd (issue 18): a subscriber with a 256-bit K (TS
 * 35.233 test set 5's K and TOP, 16-octet RES, 32-octet CK and IK)
 * provisioned with hss-ctl, and every value hssd sends recomputed through
 * the aka-tool *binary* (aka-tool tuak, aka-tool kasme), not through
 * common/aka in this process:
 *
 *   tuak_e2e --hssd PATH --hss-ctl PATH (air|mar)      AKA_TOOL=PATH in the environment
 *
 * air: S6a AIR for two E-UTRAN vectors; per vector SQN = AUTN[0..5] xor AK
 *      (AK from `aka-tool tuak`), AUTN and XRES as `aka-tool tuak --sqn`
 *      gives them, KASME exactly what `aka-tool kasme` derives from the
 *      128 least significant bits of CK and IK (TS 33.401 A.2).
 * mar: Cx MAR for two vectors: AUTN, XRES (16 octets) and CK/IK of the MAA
 *      are `aka-tool tuak`'s, CK/IK reduced to their last 16 octets.
 *
 * Exit 0 pass, 1 fail, 77 skipped (reason printed). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diameter/diam.h"
#include "util/hex.h"

#include "e2e.h"

#define V3 DIAM_VENDOR_3GPP
#define HSS_HOST "hss.tuak.test"
#define REALM "tuak.test"
#define PEER "client.tuak.test"
#define IMSI "001010000000501"
#define IMPI IMSI "@tuak.test"
#define IMPU "sip:" IMSI "@tuak.test"
#define MAX_MSG E2E_MAX_MSG
/* TS 35.233 test set 5 (§6.7): 256-bit K and its TOP */
#define TUAK_K "1574ca56881d05c189c82880f789c9cd4244955f4426aa2b69c29f15770e5aa5"
#define TUAK_TOP "e59f6eb10ea406813f4991b0b9e02f181edf4c7e17b480f66d34da35ee88c95e"
#define TUAK_LENS "--res-len 16 --ck-len 32 --ik-len 32"

static const char *aka_tool;
static const uint8_t plmn[3] = {0x00, 0xf1, 0x10}; /* MCC 001, MNC 01 */

static int provision(void)
{
	return e2e_ctl("add --imsi " IMSI " --impi " IMPI " --impu " IMPU " --algo tuak --k " TUAK_K
		       " --top " TUAK_TOP " " TUAK_LENS " --sqn 40");
}

static int start_hssd(void)
{
	static const char *const args[] = { "--listen", "tcp://127.0.0.1:0", "--origin-host",
					    HSS_HOST, "--realm", REALM, "--peer", PEER, NULL };

	return e2e_start_hssd(args);
}

/* CER as PEER advertising app; the CEA must be 2001. */
static int open_peer(struct e2e_client *c, uint32_t app)
{
	uint8_t b[MAX_MSG];
	struct diam_msg m;

	if (e2e_connect(c, false) ||
	    e2e_send(c, b, e2e_build_cer(b, sizeof(b), PEER, REALM, "tuak_e2e", V3, app)))
		return 1;
	CHECK(e2e_recv_answer(c, b, &m) == 2001, "CEA is not 2001");
	return 0;
}

/* Session-Id, Auth-Session-State, origin and destination, User-Name. */
static void req_head(struct diam_wr *w, uint8_t *b, uint32_t cmd, uint32_t app,
		     const char *user)
{
	char sid[128];

	diam_session_id(PEER, sid, sizeof(sid));
	diam_wr_init(w, b, MAX_MSG);
	diam_put_hdr(w, DIAM_FLAG_R | DIAM_FLAG_P, cmd, app, diam_next_hbh(), diam_next_e2e());
	diam_put_str(w, AVP_SESSION_ID, 0, sid);
	diam_put_vendor_app(w, V3, app);
	diam_put_u32(w, AVP_AUTH_SESSION_STATE, 0, 1);
	diam_put_str(w, AVP_ORIGIN_HOST, 0, PEER);
	diam_put_str(w, AVP_ORIGIN_REALM, 0, REALM);
	diam_put_str(w, AVP_DESTINATION_HOST, 0, HSS_HOST);
	diam_put_str(w, AVP_DESTINATION_REALM, 0, REALM);
	diam_put_str(w, AVP_USER_NAME, 0, user);
}

/* The value of "key" in aka-tool's one-line JSON (hex strings only). */
static int json_hex_field(const char *json, const char *key, char *out, size_t outsz)
{
	char pat[32];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\": \"", key);
	if (!(p = strstr(json, pat)))
		return -1;
	p += strlen(pat);
	if (!(e = strchr(p, '"')) || (size_t)(e - p) >= outsz)
		return -1;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return 0;
}

/* What `aka-tool tuak` computes for RAND, and the SQN and AUTN that fit
 * the AUTN hssd sent: ak, res, ck, ik and autn in hex. */
struct tool_vec {
	char ak[13], res[65], ck[65], ik[65], autn[33], sqn[13];
};

static int tool_tuak(const char *rand_hex, const char *sqn_amf, char *out, size_t outsz)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "'%s' tuak --k " TUAK_K " --top " TUAK_TOP " " TUAK_LENS
		 " --rand %s %s --json", aka_tool, rand_hex, sqn_amf);
	CHECK(e2e_popen_read(cmd, out, outsz) == 0, "%s failed: %s", cmd, out);
	return 0;
}

static int tool_vector(const uint8_t rand[16], const uint8_t autn[16], struct tool_vec *t)
{
	char rand_hex[33], amf_hex[5], args[64], out[1024];
	uint8_t ak[6], sqn[6];

	hex_encode(rand, 16, rand_hex);
	hex_encode(autn + 6, 2, amf_hex);
	if (tool_tuak(rand_hex, "", out, sizeof(out)))
		return 1;
	CHECK(json_hex_field(out, "ak", t->ak, sizeof(t->ak)) == 0 &&
	      hex_decode_exact(t->ak, ak, 6) == 0, "no ak from aka-tool: %s", out);
	for (int i = 0; i < 6; i++)
		sqn[i] = autn[i] ^ ak[i]; /* SQN = (SQN xor AK) xor AK */
	hex_encode(sqn, 6, t->sqn);
	snprintf(args, sizeof(args), "--sqn %s --amf %s", t->sqn, amf_hex);
	if (tool_tuak(rand_hex, args, out, sizeof(out)))
		return 1;
	CHECK(json_hex_field(out, "res", t->res, sizeof(t->res)) == 0 &&
	      json_hex_field(out, "ck", t->ck, sizeof(t->ck)) == 0 &&
	      json_hex_field(out, "ik", t->ik, sizeof(t->ik)) == 0 &&
	      json_hex_field(out, "autn", t->autn, sizeof(t->autn)) == 0,
	      "aka-tool tuak output lacks a key: %s", out);
	CHECK(strlen(t->res) == 32 && strlen(t->ck) == 64 && strlen(t->ik) == 64,
	      "aka-tool tuak: RES 16 and CK/IK 32 octets expected: %s", out);
	return 0;
}

/* An AVP of a group as hex, of the length wanted (0 = any). */
static int avp_hex(const struct diam_avp *g, uint32_t code, size_t want, char *out,
		   const char *name)
{
	struct diam_avp a;

	CHECK(diam_group_find(g, code, V3, &a) == 0, "no %s", name);
	CHECK(!want || a.len == want, "%s of %zu octets, want %zu", name, a.len, want);
	hex_encode(a.data, a.len, out);
	return 0;
}

/* One E-UTRAN-Vector against aka-tool tuak and aka-tool kasme. */
static int check_eutran(const struct diam_avp *v, char *last_sqn)
{
	char rand[33], xres[65], autn[33], kasme[65], cmd[1024], out[1024], want[65];
	uint8_t r[16], n[16];
	struct tool_vec t;

	if (avp_hex(v, AVP_S6A_RAND, 16, rand, "RAND") || avp_hex(v, AVP_S6A_XRES, 0, xres, "XRES") ||
	    avp_hex(v, AVP_S6A_AUTN, 16, autn, "AUTN") ||
	    avp_hex(v, AVP_S6A_KASME, 32, kasme, "KASME"))
		return 1;
	hex_decode_exact(rand, r, 16);
	hex_decode_exact(autn, n, 16);
	if (tool_vector(r, n, &t))
		return 1;
	CHECK(!strcmp(autn, t.autn), "AUTN %s, aka-tool tuak gives %s", autn, t.autn);
	CHECK(!strcmp(xres, t.res), "XRES %s, aka-tool tuak gives RES %s", xres, t.res);
	CHECK(strcmp(t.sqn, last_sqn) > 0, "SQN %s not above %s", t.sqn, last_sqn);
	strcpy(last_sqn, t.sqn);
	/* KASME from the 128 least significant bits (last 16 octets) of CK/IK */
	snprintf(cmd, sizeof(cmd), "'%s' kasme --ck %s --ik %s --mcc 001 --mnc 01 "
		 "--sqn-xor-ak %.12s --json", aka_tool, t.ck + 32, t.ik + 32, autn);
	CHECK(e2e_popen_read(cmd, out, sizeof(out)) == 0 &&
	      json_hex_field(out, "kasme", want, sizeof(want)) == 0, "%s: %s", cmd, out);
	CHECK(!strcmp(kasme, want), "KASME %s, aka-tool kasme gives %s", kasme, want);
	printf("vector SQN %s: AUTN, XRES and KASME as aka-tool computes them\n", t.sqn);
	return 0;
}

static ssize_t build_air(uint8_t *b, unsigned n)
{
	struct diam_wr w;

	req_head(&w, b, DIAM_CMD_AI, DIAM_APP_S6A, IMSI);
	diam_group_begin(&w, AVP_S6A_REQ_EUTRAN_AUTH_INFO, V3);
	diam_put_u32(&w, AVP_S6A_NUMBER_OF_REQUESTED_VECTORS, V3, n);
	diam_put_u32(&w, AVP_S6A_IMMEDIATE_RESPONSE_PREFERRED, V3, 0);
	diam_group_end(&w);
	diam_put_octets(&w, AVP_S6A_VISITED_PLMN_ID, V3, plmn, 3);
	return diam_wr_finish(&w);
}

static int case_air(void)
{
	static struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_avp info, v;
	struct diam_iter it;
	char last[13] = "000000000000";
	unsigned got = 0;

	if (open_peer(&c, DIAM_APP_S6A) || e2e_send(&c, b, build_air(b, 2)))
		return 1;
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "AIA is not 2001");
	CHECK(diam_msg_find(&m, AVP_S6A_AUTHENTICATION_INFO, V3, &info) == 0,
	      "no Authentication-Info");
	diam_iter_group(&it, &info);
	while (diam_iter_next(&it, &v) == 1) {
		if (v.code != AVP_S6A_EUTRAN_VECTOR)
			continue;
		if (check_eutran(&v, last))
			return 1;
		got++;
	}
	CHECK(got == 2, "%u E-UTRAN vectors, expected 2", got);
	return 0;
}

static ssize_t build_mar(uint8_t *b, unsigned items)
{
	struct diam_wr w;

	req_head(&w, b, DIAM_CMD_MA, DIAM_APP_CX, IMPI);
	diam_put_str(&w, AVP_CX_PUBLIC_IDENTITY, V3, IMPU);
	diam_group_begin(&w, AVP_CX_SIP_AUTH_DATA_ITEM, V3);
	diam_put_str(&w, AVP_CX_SIP_AUTHENTICATION_SCHEME, V3, "Digest-AKAv1-MD5");
	diam_group_end(&w);
	diam_put_u32(&w, AVP_CX_SIP_NUMBER_AUTH_ITEMS, V3, items);
	diam_put_str(&w, AVP_CX_SERVER_NAME, V3, "sip:" PEER ":6060");
	return diam_wr_finish(&w);
}

/* One SIP-Auth-Data-Item: RAND ‖ AUTN, XRES, and CK/IK of 16 octets that
 * are the last 16 of aka-tool's 32-octet CK/IK. */
static int check_item(const struct diam_avp *item, char *last_sqn)
{
	char ra[65], xres[65], ck[33], ik[33];
	uint8_t r[32];
	struct tool_vec t;

	if (avp_hex(item, AVP_CX_SIP_AUTHENTICATE, 32, ra, "SIP-Authenticate") ||
	    avp_hex(item, AVP_CX_SIP_AUTHORIZATION, 0, xres, "SIP-Authorization (XRES)") ||
	    avp_hex(item, AVP_CX_CONFIDENTIALITY_KEY, 16, ck, "Confidentiality-Key") ||
	    avp_hex(item, AVP_CX_INTEGRITY_KEY, 16, ik, "Integrity-Key"))
		return 1;
	hex_decode_exact(ra, r, 32);
	if (tool_vector(r, r + 16, &t))
		return 1;
	CHECK(!strcmp(ra + 32, t.autn), "AUTN %s, aka-tool tuak gives %s", ra + 32, t.autn);
	CHECK(!strcmp(xres, t.res), "XRES %s, aka-tool tuak gives RES %s", xres, t.res);
	CHECK(!strcmp(ck, t.ck + 32), "CK %s, the last 16 octets of aka-tool's CK are %s", ck,
	      t.ck + 32);
	CHECK(!strcmp(ik, t.ik + 32), "IK %s, the last 16 octets of aka-tool's IK are %s", ik,
	      t.ik + 32);
	CHECK(strcmp(t.sqn, last_sqn) > 0, "SQN %s not above %s", t.sqn, last_sqn);
	strcpy(last_sqn, t.sqn);
	printf("item SQN %s: AUTN, XRES, CK and IK as aka-tool computes them\n", t.sqn);
	return 0;
}

static int case_mar(void)
{
	static struct e2e_client c;
	uint8_t b[MAX_MSG];
	struct diam_msg m;
	struct diam_avp a;
	struct diam_iter it;
	char last[13] = "000000000000";
	unsigned got = 0;

	if (open_peer(&c, DIAM_APP_CX) || e2e_send(&c, b, build_mar(b, 2)))
		return 1;
	CHECK(e2e_recv_answer(&c, b, &m) == 2001, "MAA is not 2001");
	diam_iter_msg(&it, &m);
	while (diam_iter_next(&it, &a) == 1) {
		if (a.code != AVP_CX_SIP_AUTH_DATA_ITEM || a.vendor != V3)
			continue;
		if (check_item(&a, last))
			return 1;
		got++;
	}
	CHECK(got == 2, "%u SIP-Auth-Data-Items, expected 2", got);
	return 0;
}

int main(int argc, char **argv)
{
	const char *which = e2e_args(argc, argv);
	int rc;

	aka_tool = getenv("AKA_TOOL");
	if (!e2e.hssd_path || !which || (strcmp(which, "air") && strcmp(which, "mar"))) {
		fprintf(stderr, "usage: AKA_TOOL=PATH tuak_e2e --hssd PATH --hss-ctl PATH (air|mar)\n");
		return 2;
	}
	if (!e2e.ctl_path || !aka_tool) {
		printf("skipped: %s not built\n", !e2e.ctl_path ? "hss-ctl" : "aka-tool");
		return 77;
	}
	if (e2e_init("tuak-e2e", "TUAK_E2E_KEEP", 60) || provision() || start_hssd())
		return 1;
	rc = !strcmp(which, "air") ? case_air() : case_mar();
	if (rc == 0)
		printf("ok: tuak %s\n", which);
	else
		fprintf(stderr, "hssd log: %s/hssd.log (TUAK_E2E_KEEP=1 keeps it)\n", e2e.dir);
	return rc;
}
