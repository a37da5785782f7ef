/* sip:IP[:PORT][;params], the form of every SIP address the bench is given
 * on a command line (scscf-stub --sip, ue-sim --registrar and --bind):
 * checked where it is given, because Sofia-SIP takes a port of 70000
 * modulo 65536 (it bound 4464) and resolves a host name itself (its
 * resolver does not read /etc/hosts: a later 503). */
#ifndef UTIL_SIP_ADDR_H
#define UTIL_SIP_ADDR_H

#include <stdbool.h>

/* 0 when uri is sip:IP[:PORT] with an IP literal (IPv4, or IPv6 in
 * brackets) and a port 0..65535, followed by nothing or ";params"; with
 * need_port the port must be written. -1 otherwise. */
int sip_addr_check(const char *uri, bool need_port);

#endif
