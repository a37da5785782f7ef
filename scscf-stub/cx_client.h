/* The Cx client of scscf-stub: one Diameter connection to the HSS inside
 * Sofia's su_root loop, no threads (DESIGN.md "Sofia-SIP").
 *
 * The connection, its transport (tcp:// or sctp://) and the RFC 6733 peer
 * state machine (CER/CEA, DWR/DWA with the RFC 3539 watchdog, DPR/DPA)
 * are common/diameter/link.h, the same code hssd and diam-load run. This
 * file adds only what a client with one peer needs:
 *
 *   closed --tick, back-off over--> connecting --writable--> CER sent
 *   CER sent --CEA 2001--> open        any error/close/timeout --> closed
 *
 * the back-off (doubling from 500 ms up to reconnect_max), and the
 * requests in flight: each has a deadline checked by a 100 ms tick, so a
 * REGISTER waiting for an MAA is always answered: by the MAA, or by the
 * callback with an error.
 *
 * Every answer from the HSS is validated against the dictionary and the
 * rule tables before anyone uses it (diam_peer_cfg.check_answers): a
 * defective one reaches its callback as -EBADMSG with the defect named. */
#ifndef SCSCF_CX_CLIENT_H
#define SCSCF_CX_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/su_wait.h>

#include "cx_msg.h"
#include "diameter/transport.h"

struct cx_client;

struct cx_client_cfg {
	struct diam_endpoint hss;  /* tcp://IP:PORT or sctp://IP:PORT */
	struct cx_ident id;        /* strings borrowed for the client's life */
	unsigned timeout_ms;       /* per request */
	unsigned watchdog_s;       /* Twinit */
	unsigned reconnect_max_s;
};

/* status 0: ans is the answer (borrowed for the call), validated.
 * < 0: no usable answer, why (may be NULL) says more:
 *   -EBADMSG     ans is the defective answer, why names the defect
 *   -ETIMEDOUT   no answer within timeout_ms
 *   -ECONNRESET  the connection was lost (why: how)
 *   -ECANCELED   shutting down. */
typedef void (*cx_answer_fn)(void *arg, int status, const struct diam_msg *ans,
			     const char *why);
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
/* Closes at once (a DPR only when cx_client_disconnect was not called);
 * pending requests get -ECANCELED. */
void cx_client_free(struct cx_client *c);
/* Graceful close at shutdown (RFC 6733 §5.4): DPR sent, no reconnect
 * afterwards. True while the DPA is awaited (the link closes on the DPA
 * or after the peer machine's DPA wait): step the root until
 * cx_client_closing() turns false, so the peer's DPA is read, not reset. */
bool cx_client_disconnect(struct cx_client *c);
bool cx_client_closing(const struct cx_client *c);

#endif
