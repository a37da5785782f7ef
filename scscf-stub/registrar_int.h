/* Internals shared by registrar.c (SIP side) and reg_cx.c (HSS side). */
#ifndef SCSCF_REGISTRAR_INT_H
#define SCSCF_REGISTRAR_INT_H

#include "digest/auth_header.h"
#include "fault.h"
#include "pending_src.h"
#include "util/log.h"
#include "registrar.h"
#include "scscf_metrics.h"
#include "vqueue.h"

#define REG_MAX_LOCAL 8

struct registrar {
	const struct scscf_config *cfg;
	struct reg_ops ops;
	struct vstore *vs;
	struct vqueue *vq; /* unused vectors of multi-vector MAAs, per IMPI */
	struct bstore *bs;
	struct cx_ident id;
	char service_route[SCSCF_STR + 8];
	char *local_hosts[REG_MAX_LOCAL];
	size_t n_local;
	size_t pending;
	struct psrc *psrc;            /* REGISTERs waiting, per source (reg_cx.c) */
	uint64_t last_tick;
	struct {                      /* max_pending reached: 503 (reg_cx.c) */
		bool on;
		uint64_t since_ms;
		unsigned long refused, refused_at_tick;
	} overload;
	struct {                      /* 5xx lines at warn in the current second */
		uint64_t sec;
		unsigned n;
		unsigned long demoted;
	} warn5xx;
	struct {                      /* MAR/SAR timeouts until an answer comes */
		bool on;
		uint64_t since_ms;
		unsigned long timeouts;
	} stall;
	struct sfaults faults;        /* SIP fault rules (fault.h) */
	struct scscf_metrics *met;    /* NULL: no metrics */
	/* The Authorization of the REGISTER in registrar_handle(): parsed
	 * into this one buffer, not a 4.8 KiB malloc per REGISTER (issue 14). */
	struct auth_header auth;
};

enum txn_kind { TXN_MAR, TXN_SAR };

/* A REGISTER waiting for the HSS, or (handle == NULL) a background SAR. */
struct reg_txn {
	struct registrar *reg;
	enum txn_kind kind;
	void *handle;
	uint64_t start_ms;
	char impi[256], impu[256];
	char path[1024];
	char source[PSRC_KEY_MAX];    /* reg_request.source */
	bool src_counted;             /* in r->psrc while it waits */
	/* MAR */
	enum digest_alg alg;
	bool stale, resync;
	unsigned fault_id;            /* a fault re-challenges: its rule, else 0 */
	uint64_t cx_t0_us;            /* MAR/SAR sent (metrics) */
	/* SAR */
	uint32_t sat;
	struct reg_contact *contacts; /* owned, n_contacts, expiries resolved */
	size_t n_contacts;
};

/* Sends the reply and writes the one log line of the transaction (at
 * warn for a 5xx, else info). */
void reg_finish(struct registrar *r, void *handle, const char *impi, const char *impu,
		uint64_t start_ms, struct reg_reply *rep, const char *why);
/* The same at a given level: below warn for the 5xx of an overload or a
 * stall already reported once (a flood must not become a log flood). */
void reg_finish_at(struct registrar *r, enum log_level lvl, void *handle, const char *impi,
		   const char *impu, uint64_t start_ms, struct reg_reply *rep, const char *why);
void reg_txn_free(struct reg_txn *t);

/* reg_cx.c */
void reg_start_mar(struct registrar *r, struct reg_txn *t, const uint8_t *rand_auts);
/* A 401 from a vector taken off the IMPI's queue (no MAR); false when the
 * queue has none left for t->impi (t untouched then). */
bool reg_challenge_queued(struct registrar *r, struct reg_txn *t);
void reg_start_sar(struct registrar *r, struct reg_txn *t);
/* Diameter failure -> SIP status (+ Retry-After). */
/* detail (may be NULL): the defect of an invalid answer (-EBADMSG), or
 * how the connection was lost. */
void reg_diam_failure(struct registrar *r, struct reg_txn *t, int status,
		      const struct cx_result *res, const char *what, const char *detail);
/* Final 200 for a registration, query or de-registration. */
void reg_reply_200(struct registrar *r, void *handle, const char *impi, const char *impu,
		   uint64_t start_ms, const struct binding_rec *rec, const char *why);

#endif
