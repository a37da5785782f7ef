/* lksctp helpers for the SCTP tests; see sctp_io.h. */
#include "sctp_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sio_probe(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int make_addr(const char *ip, unsigned port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, ip, &sa->sin_addr) == 1 ? 0 : -EINVAL;
}

static int new_socket(unsigned streams)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd < 0)
		return -errno;
	struct sctp_initmsg im = {.sinit_num_ostreams = (uint16_t)streams,
				  .sinit_max_instreams = (uint16_t)streams};
	/* SCTP_RECVRCVINFO is not needed: sctp_recvmsg fills sinfo from the
	 * ancillary data the kernel sends once sctp_data_io_event is on. */
	struct sctp_event_subscribe ev = {.sctp_data_io_event = 1};
	if (setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof(im)) < 0 ||
	    setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int sio_connect(const char *ip, unsigned port, unsigned streams)
{
	struct sockaddr_in sa;
	if (make_addr(ip, port, &sa) < 0)
		return -EINVAL;
	int fd = new_socket(streams);
	if (fd < 0)
		return fd;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

int sio_listen(const char *ip, unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	if (make_addr(ip, 0, &sa) < 0)
		return -EINVAL;
	int fd = new_socket(4);
	if (fd < 0)
		return fd;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

int sio_send(int fd, const uint8_t *msg, size_t len, uint16_t stream)
{
	/* The PPID travels as given: lksctp does not byte-swap it. */
	int n = sctp_sendmsg(fd, msg, len, NULL, 0, htonl(SCTP_PPID_DIAMETER), 0, stream, 0, 0);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

long sio_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms, uint32_t *ppid,
	      uint16_t *stream)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int r = poll(&pfd, 1, timeout_ms);
	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0)
		return -errno;
	struct sctp_sndrcvinfo sinfo;
	int flags = 0;
	memset(&sinfo, 0, sizeof(sinfo));
	int n = sctp_recvmsg(fd, buf, cap, NULL, 0, &sinfo, &flags);
	if (n < 0)
		return -errno;
	if (n > 0 && !(flags & MSG_EOR))
		return -EMSGSIZE; /* partial message: larger than `cap` */
	if (ppid)
		*ppid = ntohl(sinfo.sinfo_ppid);
	if (stream)
		*stream = sinfo.sinfo_stream;
	return n;
}

int sio_established(int fd)
{
	struct sctp_status st;
	socklen_t sl = sizeof(st);
	memset(&st, 0, sizeof(st));
	if (sctp_opt_info(fd, 0, SCTP_STATUS, &st, &sl) < 0)
		return -errno;
	return st.sstat_state == SCTP_ESTABLISHED;
}
