/* SO_RCVBUF/SO_SNDBUF of the SIP UDP sockets (see sockbuf.h). */
#include "sockbuf.h"

#include <dirent.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "util/log.h"

static unsigned get_buf(int fd, int opt)
{
	int v = 0;
	socklen_t l = sizeof(v);

	return getsockopt(fd, SOL_SOCKET, opt, &v, &l) ? 0 : (unsigned)v;
}

/* Linux reports twice what was set (socket(7): the kernel doubles the
 * value for its bookkeeping); below the ask, the sysctl cap won: try the
 * privileged FORCE variant, which ignores rmem_max/wmem_max. */
static unsigned set_buf(int fd, int opt, int force_opt, unsigned want)
{
	int v = (int)want;

	setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
	if (get_buf(fd, opt) / 2 < want)
		setsockopt(fd, SOL_SOCKET, force_opt, &v, sizeof(v));
	return get_buf(fd, opt) / 2;
}

static int bound_udp_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	int type = 0;
	socklen_t tl = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) || type != SOCK_DGRAM ||
	    getsockname(fd, (struct sockaddr *)&ss, &l))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

int sockbuf_apply_udp(unsigned rcv, unsigned snd)
{
	/* The open descriptors from /proc/self/fd, not every number up to
	 * RLIMIT_NOFILE: that was 20,000 getsockopt calls, a fifth of a
	 * second of the stub's start on a loaded machine. */
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		int port = fd > 2 && fd != dirfd(d) ? bound_udp_port(fd) : -1;
		unsigned r, s;

		if (port <= 0)
			continue;
		r = rcv ? set_buf(fd, SO_RCVBUF, SO_RCVBUFFORCE, rcv) : get_buf(fd, SO_RCVBUF) / 2;
		s = snd ? set_buf(fd, SO_SNDBUF, SO_SNDBUFFORCE, snd) : get_buf(fd, SO_SNDBUF) / 2;
		log_msg(LOG_SIP, rcv && r < rcv ? LOG_LVL_WARN : LOG_LVL_INFO,
			"SIP UDP port %d: receive buffer %u octets (asked %u), send buffer %u "
			"(asked %u)%s",
			port, r, rcv, s, snd,
			rcv && r < rcv ? "; capped by net.core.rmem_max, raise it for load" : "");
		n++;
	}
	closedir(d);
	return n;
}
