/* TCP/SCTP sockets (see transport.h). */
#include "transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diam.h"

#define READ_BUDGET (256u * 1024) /* per call: one busy peer cannot starve others */

int diam_endpoint_parse(const char *uri, struct diam_endpoint *ep)
{
	const char *p, *host, *hend, *port = NULL;
	size_t hlen;
	char *end;
	unsigned long v;

	memset(ep, 0, sizeof(*ep));
	if (!strncmp(uri, "tcp://", 6)) {
		ep->proto = DIAM_PROTO_TCP;
		p = uri + 6;
	} else if (!strncmp(uri, "sctp://", 7)) {
		ep->proto = DIAM_PROTO_SCTP;
		p = uri + 7;
	} else {
		return -EINVAL;
	}
	if (*p == '[') {
		host = p + 1;
		hend = strchr(host, ']');
		if (!hend)
			return -EINVAL;
		if (hend[1] == ':')
			port = hend + 2;
		else if (hend[1])
			return -EINVAL;
	} else {
		host = p;
		hend = strchr(host, ':');
		if (hend)
			port = hend + 1;
		else
			hend = host + strlen(host);
	}
	hlen = (size_t)(hend - host);
	if (hlen == 0 || hlen >= sizeof(ep->host))
		return -EINVAL;
	memcpy(ep->host, host, hlen);
	{
		struct in6_addr a6;
		struct in_addr a4;

		if (inet_pton(AF_INET, ep->host, &a4) != 1 && inet_pton(AF_INET6, ep->host, &a6) != 1)
			return -EINVAL;
	}
	ep->port = DIAM_DEFAULT_PORT;
	if (port) {
		errno = 0;
		v = strtoul(port, &end, 10);
		if (!*port || *end || errno || v > 65535)
			return -EINVAL;
		ep->port = (uint16_t)v;
	}
	return 0;
}

void diam_endpoint_format(const struct diam_endpoint *ep, char *out, size_t outsz)
{
	bool v6 = strchr(ep->host, ':') != NULL;

	snprintf(out, outsz, "%s://%s%s%s:%u", ep->proto == DIAM_PROTO_SCTP ? "sctp" : "tcp",
		 v6 ? "[" : "", ep->host, v6 ? "]" : "", ep->port);
}

static int to_sockaddr(const struct diam_endpoint *ep, struct sockaddr_storage *ss,
		       socklen_t *len)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, ep->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(ep->port);
		*len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, ep->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(ep->port);
		*len = sizeof(*s6);
		return 0;
	}
	return -EINVAL;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

static void set_nodelay(int fd, enum diam_proto proto)
{
	int one = 1;

	if (proto == DIAM_PROTO_SCTP)
		setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int make_socket(int family, enum diam_proto proto)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC,
			proto == DIAM_PROTO_SCTP ? IPPROTO_SCTP : IPPROTO_TCP);

	if (fd < 0)
		return -errno;
	if (set_nonblock(fd) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int diam_listen(const struct diam_endpoint *ep, uint16_t *bound_port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1, e;

	if (to_sockaddr(ep, &ss, &sl) < 0)
		return -EINVAL;
	fd = make_socket(ss.ss_family, ep->proto);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	if (bound_port)
		*bound_port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				    : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void format_addr(const struct sockaddr_storage *ss, char *out, size_t outsz)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		snprintf(out, outsz, "%s:%u", ip, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		snprintf(out, outsz, "[%s]:%u", ip, port);
	} else {
		snprintf(out, outsz, "?");
	}
}

int diam_accept(int lfd, enum diam_proto proto, char *peer_addr, size_t peer_addr_sz)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	set_nodelay(fd, proto);
	if (peer_addr)
		format_addr(&ss, peer_addr, peer_addr_sz);
	return fd;
}

int diam_connect(const struct diam_endpoint *ep)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, e;

	if (to_sockaddr(ep, &ss, &sl) < 0)
		return -EINVAL;
	fd = make_socket(ss.ss_family, ep->proto);
	if (fd < 0)
		return fd;
	set_nodelay(fd, ep->proto);
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int diam_connect_result(int fd)
{
	int err = 0;
	socklen_t l = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
		return -errno;
	return -err;
}

ssize_t diam_read(int fd, struct diam_conn *c)
{
	size_t total = 0, room;
	uint8_t *p;
	ssize_t n;

	while (total < READ_BUDGET && !(c->rlimit && c->rlen - c->rpos >= c->rlimit)) {
		p = diam_conn_rspace(c, &room);
		if (!p)
			return -ENOMEM;
		n = read(fd, p, room);
		if (n > 0) {
			diam_conn_rcommit(c, (size_t)n);
			total += (size_t)n;
			if ((size_t)n < room)
				break; /* drained: skip the EAGAIN round trip */
			continue;
		}
		if (n == 0) {
			c->eof = true;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		return -errno;
	}
	return (ssize_t)total;
}

/* One send of what is queued: as much of the byte stream as TCP takes.
 * Returns the octets consumed or -errno. */
static ssize_t send_tcp(int fd, const uint8_t *p, size_t pending)
{
	ssize_t n = send(fd, p, pending, MSG_NOSIGNAL);

	return n < 0 ? -errno : n;
}

/* sctp_sendmsg() without linking libsctp: sendmsg() with an SCTP_SNDRCV
 * ancillary block carrying the PPID (RFC 6458 §5.3.2), which is all the
 * library function does. Keeps `common` free of an extra link dependency. */
static ssize_t sctp_send_ppid(int fd, const uint8_t *p, size_t len, uint32_t ppid)
{
	char cbuf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
	struct iovec iov = { .iov_base = (void *)p, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	struct sctp_sndrcvinfo *sri;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_SCTP;
	cm->cmsg_type = SCTP_SNDRCV;
	cm->cmsg_len = CMSG_LEN(sizeof(*sri));
	sri = (struct sctp_sndrcvinfo *)CMSG_DATA(cm);
	sri->sinfo_ppid = htonl(ppid);
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

/* One send of what is queued over SCTP: exactly one whole message, so each
 * Diameter message is one SCTP user message (RFC 6733 §2.1). */
static ssize_t send_sctp(int fd, const uint8_t *p, size_t pending)
{
	ssize_t len = diam_frame_len(p, pending);

	if (len <= 0 || (size_t)len > pending)
		return -EPROTO; /* we only ever queue whole messages */
	return sctp_send_ppid(fd, p, (size_t)len, DIAM_SCTP_PPID) < 0 ? -errno : len;
}

ssize_t diam_flush(int fd, enum diam_proto proto, struct diam_conn *c)
{
	ssize_t (*send_one)(int, const uint8_t *, size_t) =
		proto == DIAM_PROTO_SCTP ? send_sctp : send_tcp;

	while (diam_conn_wpending(c)) {
		ssize_t n = send_one(fd, diam_conn_wdata(c), diam_conn_wpending(c));

		if (n == -EINTR)
			continue;
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			break;
		if (n < 0)
			return n;
		diam_conn_wconsume(c, (size_t)n);
	}
	return (ssize_t)diam_conn_wpending(c);
}

int diam_local_ip(int fd, struct diam_host_ip *ip)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	memset(ip, 0, sizeof(*ip));
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return -errno;
	if (ss.ss_family == AF_INET) {
		ip->family = 1;
		ip->len = 4;
		memcpy(ip->addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		ip->family = 2;
		ip->len = 16;
		memcpy(ip->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	} else {
		return -EAFNOSUPPORT;
	}
	return 0;
}

bool diam_sctp_supported(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}
