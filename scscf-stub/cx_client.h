/* The Cx client of scscf-stub: one Diameter connection to the HSS inside
 * Sofia's su_root loop, no threads (DESIGN.md "Sofia-SIP").
 *
 * Design note — connection states (RFC 6733 §5.6, simplified for a client
 * with exactly one peer; RFC 3539 §3.4 watchdog):
 *
 *   IDLE --tick, back-off over--> CONNECTING --writable--> WAIT_CEA
 *   WAIT_CEA --CEA 2xxx--> OPEN          any error/close/timeout --> IDLE
 *   OPEN: no traffic for Tw -> DWR; no answer for another Tw -> IDLE
 *
 * The back-off doubles from 500 ms up to reconnect_max. Requests are only
 * accepted in OPEN; each has a deadline checked by a 100 ms tick, so a
 * REGISTER waiting for an MAA is always answered: by the MAA, or by the
 * callback with -ETIMEDOUT / -ECONNRESET / -ENOTCONN. */
#ifndef SCSCF_CX_CLIENT_H
#define SCSCF_CX_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/su_wait.h>

#include "cx_msg.h"

struct cx_client;

struct cx_client_cfg {
	char host[128];            /* IP literal */
	unsigned port;
	struct cx_ident id;        /* strings borrowed for the client's life */
	unsigned timeout_ms;       /* per request */
	unsigned watchdog_s;       /* Tw */
	unsigned reconnect_max_s;
};

/* status 0: ans is the answer (borrowed for the call); < 0: no answer
 * (-ETIMEDOUT, -ECONNRESET, -ENOTCONN, -ECANCELED at shutdown). */
typedef void (*cx_answer_fn)(void *arg, int status, const struct diam_msg *ans);
/* A request from the HSS (RTR): the handler writes the answer into
 * buf (cap bytes) and returns its length, or < 0 to send nothing. */
typedef ssize_t (*cx_request_fn)(void *arg, const struct diam_msg *req, uint8_t *buf,
				 size_t cap);

struct cx_client *cx_client_new(su_root_t *root, const struct cx_client_cfg *cfg);
void cx_client_on_request(struct cx_client *c, cx_request_fn fn, void *arg);
/* Starts connecting (and keeps reconnecting until freed). */
int cx_client_start(struct cx_client *c);
bool cx_client_is_open(const struct cx_client *c);
/* Sends a built request (its hop-by-hop id is read from buf). Returns 0
 * and then calls fn exactly once, later (never from inside this call); or
 * returns -ENOTCONN (connection not open) / -ENOMEM and never calls fn. */
int cx_client_request(struct cx_client *c, const uint8_t *buf, size_t len, cx_answer_fn fn,
		      void *arg);
/* Best-effort DPR, then close; pending requests get -ECANCELED. */
void cx_client_free(struct cx_client *c);

#endif
