/* Netlink XFRM for the UE's SAs and policies (see xfrm.h).
 *
 * Per SA of the set (TS 33.203 §7.1), mirroring what the P-CSCF installs:
 *   XFRM_MSG_NEWSA      id {dst, SPI, ESP}, src, transport mode, selector
 *                       {src:sport -> dst:dport, any L4 protocol},
 *                       reqid = SPI, XFRMA_ALG_AUTH_TRUNC (96-bit ICV) and
 *                       XFRMA_ALG_CRYPT (the null cipher too: ESP needs one)
 *   XFRM_MSG_NEWPOLICY  the same selector, dir out (UE -> P-CSCF) or in,
 *                       one ESP transport template with that reqid
 * The selector covers UDP and TCP alike (proto 0), as the SAs do. */
#include "xfrm.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const char *xfrm_auth_name(enum sa_alg a)
{
	return a == SA_ALG_HMAC_MD5_96 ? "hmac(md5)" : "hmac(sha1)";
}

const char *xfrm_enc_name(enum sa_ealg e)
{
	return e == SA_EALG_AES_CBC ? "cbc(aes)" : "ecb(cipher_null)";
}

/* ---- message builder ---------------------------------------------------- */

struct nlbuf {
	uint8_t *buf;
	size_t size;
	struct nlmsghdr *h;
	int err;
};

static void nl_begin(struct nlbuf *b, uint8_t *buf, size_t size, uint16_t type, uint16_t flags,
		     uint32_t seq)
{
	b->buf = buf;
	b->size = size;
	b->err = size < NLMSG_HDRLEN;
	if (b->err)
		return;
	memset(buf, 0, size);
	b->h = (struct nlmsghdr *)buf;
	b->h->nlmsg_len = NLMSG_HDRLEN;
	b->h->nlmsg_type = type;
	b->h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	b->h->nlmsg_seq = seq;
}

/* Reserves len (aligned) octets at the end; NULL (sticky error) when full. */
static void *nl_put(struct nlbuf *b, size_t len)
{
	size_t at = b->err ? 0 : NLMSG_ALIGN(b->h->nlmsg_len);

	if (b->err || at + NLMSG_ALIGN(len) > b->size) {
		b->err = 1;
		return NULL;
	}
	b->h->nlmsg_len = (uint32_t)(at + len);
	return b->buf + at;
}

static void nl_attr(struct nlbuf *b, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = nl_put(b, NLA_HDRLEN + len);

	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
}

static int nl_end(struct nlbuf *b)
{
	return b->err ? -1 : (int)NLMSG_ALIGN(b->h->nlmsg_len);
}

static void addr_set(xfrm_address_t *x, int family, const uint8_t *a)
{
	memcpy(x, a, family == AF_INET6 ? 16 : 4);
}

static void sel_fill(struct xfrm_selector *sel, const struct sa_set *s, const struct sa_one *sa)
{
	uint8_t plen = s->family == AF_INET6 ? 128 : 32;

	addr_set(&sel->saddr, s->family, sa->src);
	addr_set(&sel->daddr, s->family, sa->dst);
	sel->sport = htons(sa->sport);
	sel->sport_mask = 0xffff;
	sel->dport = htons(sa->dport);
	sel->dport_mask = 0xffff;
	sel->family = (uint16_t)s->family;
	sel->prefixlen_s = plen;
	sel->prefixlen_d = plen;
}

static void lft_infinite(struct xfrm_lifetime_cfg *l)
{
	l->soft_byte_limit = l->hard_byte_limit = XFRM_INF;
	l->soft_packet_limit = l->hard_packet_limit = XFRM_INF;
}

static void algs_put(struct nlbuf *b, const struct sa_set *s)
{
	/* a header with a flexible key array, then the key: a union, as a
	 * struct field not at the end is a GNU extension (clang warns) */
	union {
		struct xfrm_algo_auth a;
		uint8_t raw[sizeof(struct xfrm_algo_auth) + 20];
	} auth;
	union {
		struct xfrm_algo a;
		uint8_t raw[sizeof(struct xfrm_algo) + 16];
	} enc;

	memset(&auth, 0, sizeof(auth));
	memset(&enc, 0, sizeof(enc));
	strncpy(auth.a.alg_name, xfrm_auth_name(s->alg), sizeof(auth.a.alg_name) - 1);
	auth.a.alg_key_len = (unsigned)(s->keys.ik_len * 8);
	auth.a.alg_trunc_len = 96; /* HMAC-*-96: RFC 2403 / RFC 2404 */
	memcpy(auth.a.alg_key, s->keys.ik, s->keys.ik_len);
	nl_attr(b, XFRMA_ALG_AUTH_TRUNC, &auth, sizeof(auth.a) + s->keys.ik_len);
	strncpy(enc.a.alg_name, xfrm_enc_name(s->ealg), sizeof(enc.a.alg_name) - 1);
	enc.a.alg_key_len = (unsigned)(s->keys.ck_len * 8);
	memcpy(enc.a.alg_key, s->keys.ck, s->keys.ck_len);
	nl_attr(b, XFRMA_ALG_CRYPT, &enc, sizeof(enc.a) + s->keys.ck_len);
	explicit_bzero(&auth, sizeof(auth)); /* no key material left on the stack */
	explicit_bzero(&enc, sizeof(enc));
}

int xfrm_msg_newsa(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		   uint32_t seq)
{
	struct nlbuf b;
	struct xfrm_usersa_info *x;

	nl_begin(&b, buf, size, XFRM_MSG_NEWSA, NLM_F_CREATE | NLM_F_EXCL, seq);
	if ((x = nl_put(&b, sizeof(*x)))) {
		sel_fill(&x->sel, s, sa);
		addr_set(&x->id.daddr, s->family, sa->dst);
		x->id.spi = htonl(sa->spi);
		x->id.proto = IPPROTO_ESP;
		addr_set(&x->saddr, s->family, sa->src);
		lft_infinite(&x->lft);
		x->reqid = sa->spi;
		x->family = (uint16_t)s->family;
		x->mode = XFRM_MODE_TRANSPORT;
		x->replay_window = 32;
	}
	algs_put(&b, s);
	return nl_end(&b);
}

int xfrm_msg_delsa(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		   uint32_t seq)
{
	struct nlbuf b;
	struct xfrm_usersa_id *x;
	xfrm_address_t src;

	nl_begin(&b, buf, size, XFRM_MSG_DELSA, 0, seq);
	if ((x = nl_put(&b, sizeof(*x)))) {
		addr_set(&x->daddr, s->family, sa->dst);
		x->spi = htonl(sa->spi);
		x->family = (uint16_t)s->family;
		x->proto = IPPROTO_ESP;
	}
	memset(&src, 0, sizeof(src));
	addr_set(&src, s->family, sa->src);
	nl_attr(&b, XFRMA_SRCADDR, &src, sizeof(src));
	return nl_end(&b);
}

int xfrm_msg_newpolicy(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		       uint32_t seq)
{
	struct nlbuf b;
	struct xfrm_userpolicy_info *p;
	struct xfrm_user_tmpl t;

	nl_begin(&b, buf, size, XFRM_MSG_NEWPOLICY, NLM_F_CREATE | NLM_F_EXCL, seq);
	if ((p = nl_put(&b, sizeof(*p)))) {
		sel_fill(&p->sel, s, sa);
		lft_infinite(&p->lft);
		p->priority = 2080; /* the P-CSCF's value (smaller = preferred) */
		p->dir = sa->out ? XFRM_POLICY_OUT : XFRM_POLICY_IN;
		p->action = XFRM_POLICY_ALLOW;
		p->share = XFRM_SHARE_ANY;
	}
	memset(&t, 0, sizeof(t));
	addr_set(&t.id.daddr, s->family, sa->dst);
	t.id.proto = IPPROTO_ESP;
	t.family = (uint16_t)s->family;
	addr_set(&t.saddr, s->family, sa->src);
	t.reqid = sa->spi;
	t.mode = XFRM_MODE_TRANSPORT;
	t.aalgos = t.ealgos = t.calgos = ~0u;
	nl_attr(&b, XFRMA_TMPL, &t, sizeof(t));
	return nl_end(&b);
}

int xfrm_msg_delpolicy(uint8_t *buf, size_t size, const struct sa_set *s, const struct sa_one *sa,
		       uint32_t seq)
{
	struct nlbuf b;
	struct xfrm_userpolicy_id *p;

	nl_begin(&b, buf, size, XFRM_MSG_DELPOLICY, 0, seq);
	if ((p = nl_put(&b, sizeof(*p)))) {
		sel_fill(&p->sel, s, sa);
		p->dir = sa->out ? XFRM_POLICY_OUT : XFRM_POLICY_IN;
	}
	return nl_end(&b);
}

/* ---- the socket --------------------------------------------------------- */

/* Sends one request and reads its ACK: 0 or the kernel's negative errno. */
static int xfrm_request(int fd, const uint8_t *msg, int len)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	const struct nlmsghdr *req = (const struct nlmsghdr *)msg;
	union {
		struct nlmsghdr h;
		uint8_t raw[4096];
	} ans;

	if (sendto(fd, msg, (size_t)len, 0, (struct sockaddr *)&k, sizeof(k)) != len)
		return -errno;
	for (;;) {
		ssize_t got = recv(fd, &ans, sizeof(ans), 0);
		unsigned n = (unsigned)got; /* NLMSG_OK compares it with nlmsg_len (__u32) */
		if (got < 0)
			return -errno;
		for (struct nlmsghdr *h = &ans.h; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req->nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		}
	}
}

static int xfrm_open(void)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

typedef int (*msg_fn)(uint8_t *, size_t, const struct sa_set *, const struct sa_one *, uint32_t);

static int xfrm_each(int fd, const struct sa_set *s, msg_fn fn, uint32_t *seq, int *failed)
{
	struct sa_one sas[SA_PER_SET];
	uint8_t msg[XFRM_REQ_MAX];

	sa_set_list(s, sas);
	for (int i = 0; i < SA_PER_SET; i++) {
		int len = fn(msg, sizeof(msg), s, &sas[i], ++*seq);
		int rc = len < 0 ? -EMSGSIZE : xfrm_request(fd, msg, len);
		memset(msg, 0, sizeof(msg));
		if (rc < 0) {
			*failed = i;
			return rc;
		}
	}
	return 0;
}

int xfrm_install(const struct sa_set *s, const char **what)
{
	static char why[96];
	struct sa_one sas[SA_PER_SET];
	uint32_t seq = (uint32_t)time(NULL);
	int fd = xfrm_open(), failed = 0, rc;

	*what = "netlink XFRM socket";
	if (fd < 0)
		return fd;
	sa_set_list(s, sas);
	rc = xfrm_each(fd, s, xfrm_msg_newsa, &seq, &failed);
	if (rc < 0)
		snprintf(why, sizeof(why), "SA %s", sas[failed].what);
	if (!rc && (rc = xfrm_each(fd, s, xfrm_msg_newpolicy, &seq, &failed)) < 0)
		snprintf(why, sizeof(why), "policy %s", sas[failed].what);
	close(fd);
	if (rc < 0) {
		*what = why;
		xfrm_remove(s);
	}
	return rc;
}

int xfrm_remove(const struct sa_set *s)
{
	struct sa_one sas[SA_PER_SET];
	uint8_t msg[XFRM_REQ_MAX];
	uint32_t seq = (uint32_t)time(NULL) + 100;
	int fd = xfrm_open(), worst = 0;

	if (fd < 0)
		return fd;
	sa_set_list(s, sas);
	for (int i = 0; i < SA_PER_SET; i++) {
		int len, rc;
		len = xfrm_msg_delpolicy(msg, sizeof(msg), s, &sas[i], ++seq);
		rc = len < 0 ? -EMSGSIZE : xfrm_request(fd, msg, len);
		if (rc < 0 && rc != -ENOENT && !worst)
			worst = rc;
		len = xfrm_msg_delsa(msg, sizeof(msg), s, &sas[i], ++seq);
		rc = len < 0 ? -EMSGSIZE : xfrm_request(fd, msg, len);
		if (rc < 0 && rc != -ENOENT && rc != -ESRCH && !worst)
			worst = rc;
	}
	close(fd);
	return worst;
}
