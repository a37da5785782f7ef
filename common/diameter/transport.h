/* TCP and SCTP sockets for Diameter behind one interface (RFC 6733 §2.1;
 * SCTP one-to-one style sockets, PPID 46 "Diameter", RFC 6733 §2.1.1 and
 * the IANA PPID registry). Everything is non-blocking and loop-agnostic:
 * callers get file descriptors to register with epoll/poll/su_root, and
 * move bytes between a descriptor and a diam_conn (conn.h).
 *
 * TCP sockets get TCP_NODELAY, SCTP sockets SCTP_NODELAY: a request waiting
 * for Nagle would cost tens of milliseconds of latency. */
#ifndef DIAMETER_TRANSPORT_H
#define DIAMETER_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base.h"
#include "conn.h"

#define DIAM_DEFAULT_PORT 3868
#define DIAM_SCTP_PPID 46u

enum diam_proto { DIAM_PROTO_TCP, DIAM_PROTO_SCTP };

struct diam_endpoint {
	enum diam_proto proto;
	char host[64];  /* numeric IPv4 or IPv6 (without brackets) */
	uint16_t port;  /* 0 = any free port (listen) */
};

/* "tcp://127.0.0.1:3868", "sctp://[::1]:0", "tcp://0.0.0.0" (port 3868).
 * 0 or -EINVAL. */
int diam_endpoint_parse(const char *uri, struct diam_endpoint *ep);
/* Back to "tcp://IP:PORT" (IPv6 in brackets). */
void diam_endpoint_format(const struct diam_endpoint *ep, char *out, size_t outsz);

/* A listening socket (SO_REUSEADDR, non-blocking). Returns the fd or
 * -errno (-EPROTONOSUPPORT when the kernel has no SCTP). *bound_port gets
 * the actual port (useful with port 0). */
int diam_listen(const struct diam_endpoint *ep, uint16_t *bound_port);
/* Accepts one connection: fd (non-blocking, NODELAY) or -errno (-EAGAIN
 * when none is pending). peer_addr (may be NULL) gets "IP:port". */
int diam_accept(int lfd, enum diam_proto proto, char *peer_addr, size_t peer_addr_sz);
/* Starts a non-blocking connect: fd or -errno. Completion: writable, then
 * diam_connect_result(). */
int diam_connect(const struct diam_endpoint *ep);
int diam_connect_result(int fd); /* 0 connected, -errno failed */

/* Reads what is available (bounded per call for fairness) into c.
 * Returns octets read (> 0), 0 when nothing was available, or -errno;
 * sets c->eof when the peer closed (after returning buffered data). */
ssize_t diam_read(int fd, struct diam_conn *c);
/* Sends queued octets. TCP: one write() for everything; SCTP: one
 * sctp_sendmsg() per Diameter message (PPID 46), since an SCTP receiver
 * expects one message per user message. Returns octets still queued (0 =
 * all sent), or -errno. */
ssize_t diam_flush(int fd, enum diam_proto proto, struct diam_conn *c);

/* The socket's local address as a Host-IP-Address value. 0 or -errno. */
int diam_local_ip(int fd, struct diam_host_ip *ip);
/* True when this kernel can create SCTP sockets. */
bool diam_sctp_supported(void);

#endif
