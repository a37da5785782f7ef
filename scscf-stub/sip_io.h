/* The SIP edge of scscf-stub on Sofia-SIP nta (../shared/reference/
 * sofia-sip.md): binds the listen URIs, turns each REGISTER into a
 * reg_request for the registrar and sends its reg_reply. */
#ifndef SCSCF_SIP_IO_H
#define SCSCF_SIP_IO_H

#include <sofia-sip/su_wait.h>

#include "scscf_config.h"
#include "registrar.h"

struct sip_io;

/* Binds every cfg->sip URI (UDP+TCP unless ;transport= says otherwise).
 * NULL on failure (logged). */
struct sip_io *sip_io_new(su_root_t *root, const struct scscf_config *cfg);
void sip_io_set_registrar(struct sip_io *io, struct registrar *reg);
/* REGISTER->final response times go into sm (NULL: off). */
struct scscf_metrics;
void sip_io_set_metrics(struct sip_io *io, struct scscf_metrics *sm);
/* The port the first URI is bound to (useful with port 0). */
unsigned sip_io_port(const struct sip_io *io);
/* reg_ops.reply implementation (arg = the sip_io). */
void sip_io_reply(void *arg, void *handle, const struct reg_reply *r);
/* Once a second: releases REGISTERs a "drop" fault held past the UE's Timer F. */
void sip_io_tick(struct sip_io *io);
void sip_io_free(struct sip_io *io);

/* Routes Sofia's own log lines into ours (on) or drops them (off). */
void sip_io_sofia_logging(bool on);

#endif
