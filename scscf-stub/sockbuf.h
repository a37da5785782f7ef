/* Socket buffers of the SIP UDP sockets. Under load (hundreds of REGISTERs
 * in flight on one socket while the single loop waits on the HSS) the
 * kernel's default receive buffer (~200 KiB) overflows and datagrams are
 * dropped (RcvbufErrors in /proc/net/snmp), to come back only after the
 * UAC's Timer E retransmission (RFC 3261 §17.1.2.2, 0.5 s) -- the p99.
 *
 * Sofia's tport sets SO_RCVBUF/SO_SNDBUF from TPTAG_UDP_RMEM/WMEM when it
 * binds; it has no public call that hands out the socket, so this finds
 * the process's bound UDP sockets, asks again (with SO_RCVBUFFORCE /
 * SO_SNDBUFFORCE when the plain call is capped by net.core.rmem_max and
 * the process may go past it) and reports what the kernel granted. */
#ifndef SCSCF_SOCKBUF_H
#define SCSCF_SOCKBUF_H

/* Applies rcv/snd (octets; 0 = leave alone) to every bound UDP socket of
 * the process and logs the granted sizes. Returns the number of sockets. */
int sockbuf_apply_udp(unsigned rcv, unsigned snd);

#endif
