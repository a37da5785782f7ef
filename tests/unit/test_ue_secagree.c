/* ue-sim's sec-agree (RFC 3329, TS 33.203 §7): the Security-* header
 * codec, the choice among the P-CSCF's offers, the ESP keys from the CK/IK
 * of TS 35.208 test set 1 (Annex I expansion for HMAC-SHA-1-96), the four
 * SAs of §7.1 and the netlink XFRM requests that install them, checked
 * field by field without a socket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <stdio.h>
#include <string.h>

#include "ipsec/secagree.h"
#include "util/hex.h"
#include "xfrm.h"

/* TS 35.208 test set 1: f3 and f4 of RAND 23553cbe... */
#define CK1 "b40ba9a3c58b2a05bbf0d987b21bf8cb"
#define IK1 "f769bcd751044604127672711c6d3441"

/* What Kamailio's ims_ipsec_pcscf sends (one mechanism, no q). */
#define KAM_SERVER "ipsec-3gpp;prot=esp;mod=trans;spi-c=4096;spi-s=4097;port-c=5100;port-s=5104;" \
		   "alg=hmac-sha-1-96;ealg=null"

static void parse_kamailio_server(void **state)
{
	struct sa_mech m[SA_MECH_MAX];
	size_t n;

	(void)state;
	assert_int_equal(sa_parse(KAM_SERVER, m, SA_MECH_MAX, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].alg, SA_ALG_HMAC_SHA1_96);
	assert_int_equal(m[0].ealg, SA_EALG_NULL);
	assert_int_equal(m[0].spi_c, 4096);
	assert_int_equal(m[0].spi_s, 4097);
	assert_int_equal(m[0].port_c, 5100);
	assert_int_equal(m[0].port_s, 5104);
	assert_int_equal(m[0].q, -1);
}

/* RFC 3329 §2.2 style list: another mechanism is skipped, q is read, blanks
 * and case do not matter, ealg defaults to null. */
static void parse_list(void **state)
{
	static const char v[] =
		"digest;d-alg=md5;q=0.5, ipsec-3gpp; q=0.1 ;ALG=HMAC-MD5-96;spi-c=1;spi-s=2;"
		"port-c=3;port-s=4 ,ipsec-3gpp;alg=hmac-sha-1-96;ealg=aes-cbc;spi-c=4294967295;"
		"spi-s=6;port-c=65535;port-s=8;q=1";
	struct sa_mech m[SA_MECH_MAX];
	size_t n;

	(void)state;
	assert_int_equal(sa_parse(v, m, SA_MECH_MAX, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].alg, SA_ALG_HMAC_MD5_96);
	assert_int_equal(m[0].ealg, SA_EALG_NULL);
	assert_int_equal(m[0].q, 100);
	assert_int_equal(m[1].ealg, SA_EALG_AES_CBC);
	assert_int_equal(m[1].spi_c, 4294967295u);
	assert_int_equal(m[1].port_c, 65535);
	assert_int_equal(m[1].q, 1000);
	assert_int_equal(sa_parse(v, m, 1, &n), SA_E_TOO_MANY);
}

static void parse_errors(void **state)
{
	static const struct {
		const char *v;
		int rc;
	} bad[] = {
		{ "", SA_E_SYNTAX },
		{ "digest;d-alg=md5", SA_E_SYNTAX }, /* nothing for IPsec */
		{ "ipsec-3gpp;alg=hmac-sha-1-96;spi-c=1;spi-s=2;port-c=3", SA_E_PARAM },
		{ "ipsec-3gpp;alg=hmac-sha-256;spi-c=1;spi-s=2;port-c=3;port-s=4", SA_E_PARAM },
		{ "ipsec-3gpp;alg=hmac-md5-96;ealg=des-ede3-cbc;spi-c=1;spi-s=2;port-c=3;port-s=4", SA_E_PARAM },
		{ "ipsec-3gpp;prot=ah;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4", SA_E_PARAM },
		{ "ipsec-3gpp;mod=tun;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4", SA_E_PARAM },
		{ "ipsec-3gpp;alg=hmac-md5-96;spi-c=4294967296;spi-s=2;port-c=3;port-s=4", SA_E_PARAM },
		{ "ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=65536;port-s=4", SA_E_PARAM },
		{ "ipsec-3gpp;alg=hmac-md5-96;spi-c=-1;spi-s=2;port-c=3;port-s=4", SA_E_PARAM },
		{ "ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4;q=2", SA_E_PARAM },
		{ "ipsec-3gpp;alg;spi-c=1", SA_E_SYNTAX },
		{ "ipsec-3gpp;alg=hmac-md5-96;spi-c=1;spi-s=2;port-c=3;port-s=4,,", SA_E_SYNTAX },
	};
	struct sa_mech m[SA_MECH_MAX];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = sa_parse(bad[i].v, m, SA_MECH_MAX, &n);
		if (rc != bad[i].rc)
			fail_msg("'%s': %d, want %d", bad[i].v, rc, bad[i].rc);
	}
}

static void format_round_trip(void **state)
{
	struct sa_mech offers[2] = {
		{ SA_ALG_HMAC_SHA1_96, SA_EALG_AES_CBC, 1234, 5678, 40000, 40001, -1 },
		{ SA_ALG_HMAC_MD5_96, SA_EALG_NULL, 1234, 5678, 40000, 40001, -1 },
	}, back[SA_MECH_MAX];
	char buf[SA_HDR_MAX], small[40];
	size_t n;

	(void)state;
	assert_int_equal(sa_format(offers, 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ipsec-3gpp;prot=esp;mod=trans;spi-c=1234;spi-s=5678;port-c=40000;"
				 "port-s=40001;alg=hmac-sha-1-96;ealg=aes-cbc, ipsec-3gpp;prot=esp;"
				 "mod=trans;spi-c=1234;spi-s=5678;port-c=40000;port-s=40001;"
				 "alg=hmac-md5-96;ealg=null");
	assert_int_equal(sa_parse(buf, back, SA_MECH_MAX, &n), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(&back[1], &offers[1], sizeof(offers[1]));
	assert_int_equal(sa_format(offers, 2, small, sizeof(small)), SA_E_SPACE);
}

static void choose_by_q(void **state)
{
	struct sa_mech offers[2] = {
		{ SA_ALG_HMAC_SHA1_96, SA_EALG_NULL, 1, 2, 3, 4, -1 },
		{ SA_ALG_HMAC_MD5_96, SA_EALG_AES_CBC, 1, 2, 3, 4, -1 },
	};
	struct sa_mech server[3] = {
		{ SA_ALG_HMAC_SHA1_96, SA_EALG_AES_CBC, 9, 9, 9, 9, 900 }, /* not offered */
		{ SA_ALG_HMAC_SHA1_96, SA_EALG_NULL, 9, 9, 9, 9, 100 },
		{ SA_ALG_HMAC_MD5_96, SA_EALG_AES_CBC, 9, 9, 9, 9, 500 },
	};

	(void)state;
	assert_int_equal(sa_choose(server, 3, offers, 2), 2);
	server[2].port_s = 0; /* unusable */
	assert_int_equal(sa_choose(server, 3, offers, 2), 1);
	assert_int_equal(sa_choose(server, 1, offers, 2), -1);
	server[1].q = server[2].q = -1;
	server[2].port_s = 7;
	assert_int_equal(sa_choose(server, 3, offers, 2), 1); /* equal: the first */
}

static void keys_annex_i(void **state)
{
	uint8_t ck[16], ik[16], want[20];
	struct sa_keys k;

	(void)state;
	hex_decode_exact(CK1, ck, 16);
	hex_decode_exact(IK1, ik, 16);
	sa_derive_keys(SA_ALG_HMAC_SHA1_96, SA_EALG_NULL, ck, ik, &k);
	hex_decode_exact(IK1 "00000000", want, 20);
	assert_int_equal(k.ik_len, 20);
	assert_memory_equal(k.ik, want, 20);
	assert_int_equal(k.ck_len, 0);
	sa_derive_keys(SA_ALG_HMAC_MD5_96, SA_EALG_AES_CBC, ck, ik, &k);
	assert_int_equal(k.ik_len, 16);
	assert_memory_equal(k.ik, ik, 16);
	assert_int_equal(k.ck_len, 16);
	assert_memory_equal(k.ck, ck, 16);
}

static void set_of(struct sa_set *s, enum sa_alg alg, enum sa_ealg ealg)
{
	uint8_t ck[16], ik[16];

	memset(s, 0, sizeof(*s));
	s->family = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", s->ue);
	inet_pton(AF_INET, "10.0.0.1", s->pcscf);
	s->port_uc = 40000, s->port_us = 40001, s->port_pc = 5100, s->port_ps = 5104;
	s->spi_uc = 1111, s->spi_us = 2222, s->spi_pc = 4096, s->spi_ps = 4097;
	s->alg = alg, s->ealg = ealg;
	hex_decode_exact(CK1, ck, 16);
	hex_decode_exact(IK1, ik, 16);
	sa_derive_keys(alg, ealg, ck, ik, &s->keys);
}

/* TS 33.203 §7.1: which ports and SPI each of the four SAs uses. */
static void four_sas(void **state)
{
	struct sa_set s;
	struct sa_one sa[SA_PER_SET];
	static const struct {
		uint16_t sport, dport;
		uint32_t spi;
		bool out;
	} want[SA_PER_SET] = {
		{ 40000, 5104, 4097, true }, { 40001, 5100, 4096, true },
		{ 5104, 40000, 1111, false }, { 5100, 40001, 2222, false },
	};

	(void)state;
	set_of(&s, SA_ALG_HMAC_SHA1_96, SA_EALG_NULL);
	sa_set_list(&s, sa);
	for (int i = 0; i < SA_PER_SET; i++) {
		assert_int_equal(sa[i].sport, want[i].sport);
		assert_int_equal(sa[i].dport, want[i].dport);
		assert_int_equal(sa[i].spi, want[i].spi);
		assert_int_equal(sa[i].out, want[i].out);
		assert_ptr_equal(sa[i].src, want[i].out ? s.ue : s.pcscf);
	}
}

/* The attribute of type t in a netlink message, or NULL. */
static const struct nlattr *attr(const uint8_t *msg, size_t fixed, uint16_t t)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)msg;
	size_t at = NLMSG_HDRLEN + NLMSG_ALIGN(fixed);

	while (at + NLA_HDRLEN <= h->nlmsg_len) {
		const struct nlattr *a = (const struct nlattr *)(msg + at);
		if (a->nla_type == t)
			return a;
		at += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

static void newsa_sha1_null(void **state)
{
	struct sa_set s;
	struct sa_one sa[SA_PER_SET];
	uint8_t msg[XFRM_REQ_MAX];
	const struct nlmsghdr *h = (const struct nlmsghdr *)msg;
	const struct xfrm_usersa_info *x = NLMSG_DATA(h);
	const struct nlattr *a;
	const struct xfrm_algo_auth *auth;
	const struct xfrm_algo *enc;
	int len;

	(void)state;
	set_of(&s, SA_ALG_HMAC_SHA1_96, SA_EALG_NULL);
	sa_set_list(&s, sa);
	len = xfrm_msg_newsa(msg, sizeof(msg), &s, &sa[0], 7);
	assert_true(len > 0);
	assert_int_equal(h->nlmsg_type, XFRM_MSG_NEWSA);
	assert_int_equal(h->nlmsg_seq, 7);
	assert_int_equal(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	assert_int_equal(ntohl(x->id.spi), 4097);
	assert_int_equal(x->id.proto, IPPROTO_ESP);
	assert_memory_equal(&x->id.daddr, s.pcscf, 4);
	assert_memory_equal(&x->saddr, s.ue, 4);
	assert_int_equal(x->mode, XFRM_MODE_TRANSPORT);
	assert_int_equal(x->family, AF_INET);
	assert_int_equal(x->reqid, 4097);
	assert_int_equal(ntohs(x->sel.sport), 40000);
	assert_int_equal(ntohs(x->sel.dport), 5104);
	assert_int_equal(x->sel.prefixlen_s, 32);
	assert_int_equal(x->sel.proto, 0);
	assert_non_null(a = attr(msg, sizeof(*x), XFRMA_ALG_AUTH_TRUNC));
	auth = (const struct xfrm_algo_auth *)((const uint8_t *)a + NLA_HDRLEN);
	assert_string_equal(auth->alg_name, "hmac(sha1)");
	assert_int_equal(auth->alg_key_len, 160);
	assert_int_equal(auth->alg_trunc_len, 96);
	assert_memory_equal(auth->alg_key, s.keys.ik, 20);
	assert_non_null(a = attr(msg, sizeof(*x), XFRMA_ALG_CRYPT));
	enc = (const struct xfrm_algo *)((const uint8_t *)a + NLA_HDRLEN);
	assert_string_equal(enc->alg_name, "ecb(cipher_null)");
	assert_int_equal(enc->alg_key_len, 0);
	assert_int_equal(xfrm_msg_newsa(msg, 100, &s, &sa[0], 7), -1);
}

static void newsa_md5_aes(void **state)
{
	struct sa_set s;
	struct sa_one sa[SA_PER_SET];
	uint8_t msg[XFRM_REQ_MAX], ck[16];
	const struct nlattr *a;
	const struct xfrm_algo *enc;

	(void)state;
	set_of(&s, SA_ALG_HMAC_MD5_96, SA_EALG_AES_CBC);
	sa_set_list(&s, sa);
	assert_true(xfrm_msg_newsa(msg, sizeof(msg), &s, &sa[3], 1) > 0);
	a = attr(msg, sizeof(struct xfrm_usersa_info), XFRMA_ALG_AUTH_TRUNC);
	assert_string_equal(((const struct xfrm_algo_auth *)((const uint8_t *)a + NLA_HDRLEN))->alg_name,
			    "hmac(md5)");
	assert_non_null(a = attr(msg, sizeof(struct xfrm_usersa_info), XFRMA_ALG_CRYPT));
	enc = (const struct xfrm_algo *)((const uint8_t *)a + NLA_HDRLEN);
	assert_string_equal(enc->alg_name, "cbc(aes)");
	assert_int_equal(enc->alg_key_len, 128);
	hex_decode_exact(CK1, ck, 16);
	assert_memory_equal(enc->alg_key, ck, 16);
}

static void policy_and_deletes(void **state)
{
	struct sa_set s;
	struct sa_one sa[SA_PER_SET];
	uint8_t msg[XFRM_REQ_MAX];
	const struct nlmsghdr *h = (const struct nlmsghdr *)msg;
	const struct xfrm_userpolicy_info *p = NLMSG_DATA(h);
	const struct xfrm_usersa_id *id = NLMSG_DATA(h);
	const struct xfrm_userpolicy_id *pid = NLMSG_DATA(h);
	const struct xfrm_user_tmpl *t;
	const struct nlattr *a;

	(void)state;
	set_of(&s, SA_ALG_HMAC_SHA1_96, SA_EALG_NULL);
	sa_set_list(&s, sa);
	assert_true(xfrm_msg_newpolicy(msg, sizeof(msg), &s, &sa[2], 3) > 0);
	assert_int_equal(h->nlmsg_type, XFRM_MSG_NEWPOLICY);
	assert_int_equal(p->dir, XFRM_POLICY_IN);
	assert_int_equal(p->action, XFRM_POLICY_ALLOW);
	assert_int_equal(ntohs(p->sel.sport), 5104);
	assert_int_equal(ntohs(p->sel.dport), 40000);
	assert_non_null(a = attr(msg, sizeof(*p), XFRMA_TMPL));
	t = (const struct xfrm_user_tmpl *)((const uint8_t *)a + NLA_HDRLEN);
	assert_int_equal(t->reqid, 1111);
	assert_int_equal(t->id.proto, IPPROTO_ESP);
	assert_int_equal(t->mode, XFRM_MODE_TRANSPORT);
	assert_memory_equal(&t->id.daddr, s.ue, 4);

	assert_true(xfrm_msg_delsa(msg, sizeof(msg), &s, &sa[1], 4) > 0);
	assert_int_equal(h->nlmsg_type, XFRM_MSG_DELSA);
	assert_int_equal(ntohl(id->spi), 4096);
	assert_memory_equal(&id->daddr, s.pcscf, 4);
	assert_non_null(a = attr(msg, sizeof(*id), XFRMA_SRCADDR));
	assert_memory_equal((const uint8_t *)a + NLA_HDRLEN, s.ue, 4);

	assert_true(xfrm_msg_delpolicy(msg, sizeof(msg), &s, &sa[0], 5) > 0);
	assert_int_equal(h->nlmsg_type, XFRM_MSG_DELPOLICY);
	assert_int_equal(pid->dir, XFRM_POLICY_OUT);
	assert_int_equal(ntohs(pid->sel.dport), 5104);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_kamailio_server), cmocka_unit_test(parse_list),
		cmocka_unit_test(parse_errors),          cmocka_unit_test(format_round_trip),
		cmocka_unit_test(choose_by_q),           cmocka_unit_test(keys_annex_i),
		cmocka_unit_test(four_sas),              cmocka_unit_test(newsa_sha1_null),
		cmocka_unit_test(newsa_md5_aes),         cmocka_unit_test(policy_and_deletes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
