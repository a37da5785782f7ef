/* Diameter fault injection of hssd: rules in the store (hss-ctl fault,
 * db.h "Diameter fault rules") that make chosen answers misbehave, so an
 * S-CSCF's (scscf-stub's, Kamailio's) timers, retries and error paths can
 * be tested. docs/faults.md has the reference.
 *
 *   command  MAR SAR UAR LIR AIR ULR PUR, or any
 *   user     fnmatch(3) glob on User-Name or Public-Identity
 *   every N / probability P / count N   (util/fault_match.h)
 *   action   drop             no answer at all
 *            delay:MS         the answer leaves MS ms later
 *            result:CODE      an answer with only this result: Experimental-
 *                             Result {10415, CODE} when CODE is a 3GPP
 *                             error code (TS 29.229 §6.2.2, TS 29.272
 *                             §7.4.3: 5001, 5002, 4181 …), else Result-Code
 *                             (RFC 6733 §7.1); result:exp:CODE and
 *                             result:base:CODE say which
 *            omit:AVP         the answer without that AVP (anywhere in it)
 *            bad-length:AVP   that AVP's length runs past the end of the
 *                             message: a malformed answer (RFC 6733 §7.1.5)
 *            close            no answer, the connection is closed
 *            dpr              no answer, a DPR (REBOOTING) to the peer
 *
 * The handler still runs (an MAR consumes its SQN): a fault only changes
 * what leaves. Parsing and rewriting are pure functions over buffers; the
 * core (server.c) holds, drops and closes. */
#ifndef HSS_DIAM_FAULT_H
#define HSS_DIAM_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "app.h"
#include "db.h"
#include "diameter/dict.h"
#include "util/fault_match.h"

enum hfault_kind { HF_DROP, HF_DELAY, HF_RESULT, HF_OMIT, HF_BAD_LENGTH, HF_CLOSE, HF_DPR };

struct hfault_action {
	enum hfault_kind kind;
	unsigned delay_ms;
	uint32_t code;
	bool experimental;
	const struct diam_dict_avp *avp; /* omit, bad-length */
};

/* "delay:3000" … into a; 0, or -1 with a one-line reason in err. */
int hfault_parse_action(const char *s, struct hfault_action *a, char *err, size_t errsz);
/* MAR|SAR|UAR|LIR|AIR|ULR|PUR|any (any case) into its canonical spelling. */
int hfault_parse_command(const char *s, char *out, size_t outsz, char *err, size_t errsz);
/* The action kind's word: "drop", "delay", "result" … (metrics label). */
const char *hfault_kind_name(enum hfault_kind k);

struct hfault_rule {
	struct db_fault row;
	struct hfault_action act;
	struct fault_match m;
	uint64_t fired_stored; /* what the store last heard */
};

struct hfaults {
	struct hfault_rule *rule;
	size_t n;
	int64_t version;       /* of the rules held; -1 before the first read */
	/* called once per injected fault (metrics); may be NULL */
	void (*injected)(void *arg, const struct hfault_rule *r, const char *cmd);
	void *arg;
};

void hfaults_init(struct hfaults *f);
void hfaults_free(struct hfaults *f);
/* Once a second, inside a store transaction: writes back the fired
 * counts and, when the store's fault version moved, reads the rules again
 * (counters of unchanged rules carry over; a rule the store cannot parse
 * is logged and skipped). 1 rules reloaded (logged: "fault rules
 * (generation N): K active"), 0 nothing changed, < 0 store error. */
int hfaults_poll(struct hfaults *f, struct db *db);
/* The first rule for this command and request that fires (logged, counted),
 * or NULL. Cheap when there is no rule. */
const struct hfault_rule *hfaults_pick(struct hfaults *f, const char *cmd,
				       const struct diam_msg *req);

/* result / omit / bad-length: rewrites the answer ans (len octets, buffer
 * of cap) to the request req; returns the new length, or < 0 (DIAM_E*)
 * when it does not fit. id gives Origin-Host/Realm of a result answer. */
ssize_t hfault_rewrite(const struct hfault_action *a, const struct diam_msg *req,
		       const struct hss_identity *id, uint8_t *ans, size_t len, size_t cap);

#endif
