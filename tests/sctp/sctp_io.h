/* lksctp one-to-one helpers shared by the SCTP tests (RFC 6733 §2.1:
 * Diameter over SCTP uses PPID 46, one Diameter message per SCTP message). */
#ifndef TESTS_SCTP_SCTP_IO_H
#define TESTS_SCTP_SCTP_IO_H

#include <stddef.h>
#include <stdint.h>

#define SCTP_PPID_DIAMETER 46u
#define SCTP_TEST_SKIP 77

/* 0 if this kernel can create an SCTP socket, else -errno (EPROTONOSUPPORT
 * on kernels without the sctp module). */
int sio_probe(void);
/* Connects a one-to-one SCTP socket to IP:PORT with `streams` outbound
 * streams requested in SCTP_INITMSG; returns the fd or -errno. */
int sio_connect(const char *ip, unsigned port, unsigned streams);
/* Listens on IP:0 and stores the kernel-chosen port in *port; fd or -errno. */
int sio_listen(const char *ip, unsigned *port);
/* Sends one Diameter message with PPID 46 on `stream`; 0 or -errno. */
int sio_send(int fd, const uint8_t *msg, size_t len, uint16_t stream);
/* Receives one whole SCTP message (fails unless MSG_EOR arrives) within
 * `timeout_ms`; returns its length (0 = peer closed) or -errno. The PPID
 * (host order) and stream go to *ppid and *stream when non-NULL. */
long sio_recv(int fd, uint8_t *buf, size_t cap, int timeout_ms, uint32_t *ppid,
	      uint16_t *stream);
/* 1 if SCTP_STATUS reports the association ESTABLISHED, 0 if not, -errno. */
int sio_established(int fd);

#endif
