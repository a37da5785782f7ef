/* Scenario file parser (format: scenarios/README.md).
 *
 * Line oriented: '#' starts a comment, the first word is the directive,
 * the rest are its words; `expect header NAME contains TEXT` keeps TEXT as
 * the rest of the line. Every error names file:line. */
#include "scenario.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aka/aka.h"
#include "ue_secagree.h"
#include "util/esc.h"
#include "util/hex.h"

#define MAXW 24

struct pctx {
	struct scenario *s;
	const char *name;
	int line;
	char *err;
	size_t errsz;
	char *w[MAXW];       /* words */
	const char *rest[MAXW]; /* the original text from word i to the end */
	int nw;
	/* the line of each USIM key setting, so the check made once the
	 * algorithm is known (check_usim) points at it */
	struct { const char *key; int line; } key_line[8];
};

/* key must outlive the parse (a string literal). */
static void note_key_line(struct pctx *c, const char *key)
{
	for (size_t i = 0; i < sizeof(c->key_line) / sizeof(c->key_line[0]); i++) {
		if (!c->key_line[i].key || !strcmp(c->key_line[i].key, key)) {
			c->key_line[i].key = key;
			c->key_line[i].line = c->line;
			return;
		}
	}
}

static int key_line(const struct pctx *c, const char *key)
{
	for (size_t i = 0; i < sizeof(c->key_line) / sizeof(c->key_line[0]); i++)
		if (c->key_line[i].key && !strcmp(c->key_line[i].key, key))
			return c->key_line[i].line;
	return 0;
}

__attribute__((format(printf, 2, 3))) static int perr(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errsz, "%s:%d: ", c->name, c->line);

	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the message quotes the file: escaped (util/esc.h), so binary or a
	 * terminal escape sequence in a scenario is not printed raw */
	if (n > 0 && (size_t)n < c->errsz)
		esc_str(c->err + n, c->errsz - (size_t)n, msg);
	return -1;
}

const char *scn_op_name(enum scn_op op)
{
	static const char *const n[] = { "register", "answer", "reregister", "deregister", "query",
					 "wait", "expect status", "expect header", "expect usim",
					 "expect challenges", "expect sqn-increased",
					 "expect algorithm", "expect retries", "hss fault",
					 "scscf fault", "expect bindings" };
	return (unsigned)op < sizeof(n) / sizeof(n[0]) ? n[op] : "?";
}

static char *pool_dup(struct pctx *c, const char *v)
{
	struct scenario *s = c->s;
	size_t n = strlen(v) + 1;
	char *p;

	if (s->pool_used + n > sizeof(s->pool))
		return NULL;
	p = s->pool + s->pool_used;
	memcpy(p, v, n);
	s->pool_used += n;
	return p;
}

/* ---- ue KEY VALUE ------------------------------------------------------- */

static int ue_hex(struct pctx *c, const char *key, const char *v, uint8_t *out, size_t len)
{
	if (hex_decode_exact(v, out, len) < 0)
		return perr(c, "ue %s: expected %zu hex octets, got '%s'", key, len, v);
	return 0;
}

static int ue_str(struct pctx *c, const char **dst, const char *v)
{
	if (!(*dst = pool_dup(c, v)))
		return perr(c, "scenario too large");
	return 0;
}

/* K, OP/OPc, TOP/TOPc: any length up to the buffer; scenario_check
 * holds them against the algorithm. */
static int ue_key(struct pctx *c, const char *key, const char *v, uint8_t *out, size_t max,
		  size_t *len)
{
	if (hex_decode(v, out, max, len) < 0 || (*len != 16 && *len != 32))
		return perr(c, "ue %s: expected 16 hex octets (TUAK: 16 or 32), got '%s'", key, v);
	note_key_line(c, key[0] == 't' ? "top" : key[0] == 'o' ? "op" : "k");
	return 0;
}

/* TUAK's lengths and RES length: a number, checked later. */
static int ue_num(struct pctx *c, const char *key, const char *v, size_t *out)
{
	char *end;
	unsigned long x = strtoul(v, &end, 10);

	if (!*v || *end || x < 1 || x > 65535)
		return perr(c, "ue %s: expected a number, got '%s'", key, v);
	*out = (size_t)x;
	note_key_line(c, key);
	return 0;
}

static int parse_ue_tuak(struct pctx *c, const char *key, const char *v)
{
	struct usim_cfg *u = &c->s->ue.usim;
	size_t n;

	/* literal names: note_key_line keeps the pointer */
	if (!strcmp(key, "res-len"))
		return ue_num(c, "res-len", v, &u->res_len);
	if (!strcmp(key, "mac-len"))
		return ue_num(c, "mac-len", v, &u->tuak.mac_len);
	if (!strcmp(key, "ck-len"))
		return ue_num(c, "ck-len", v, &u->tuak.ck_len);
	if (!strcmp(key, "ik-len"))
		return ue_num(c, "ik-len", v, &u->tuak.ik_len);
	if (!strcmp(key, "iterations")) {
		if (ue_num(c, "iterations", v, &n) < 0)
			return -1;
		u->tuak.iterations = (unsigned)n;
		return 0;
	}
	return 1;
}

static int parse_ue_keys(struct pctx *c, const char *key, const char *v)
{
	struct usim_cfg *u = &c->s->ue.usim;
	uint8_t sqn[6];
	int x;

	if (!strcmp(key, "k"))
		return c->s->have_k = true, ue_key(c, key, v, u->k, sizeof(u->k), &u->k_len);
	if (!strcmp(key, "op") || !strcmp(key, "opc") || !strcmp(key, "top") ||
	    !strcmp(key, "topc")) {
		u->op_is_opc = !strcmp(key, "opc") || !strcmp(key, "topc");
		c->s->have_op = true;
		c->s->op_key = key[0] == 't' ? "top" : "op";
		return ue_key(c, key, v, u->op, sizeof(u->op), &u->op_len);
	}
	if (!strcmp(key, "amf"))
		return ue_hex(c, key, v, u->amf, 2);
	if (!strcmp(key, "sqn")) {
		if (ue_hex(c, key, v, sqn, 6) < 0)
			return -1;
		u->sqn_ms = aka_sqn_get(sqn);
		u->sqn_set = true;
		return 0;
	}
	if (!strcmp(key, "algo")) {
		if ((x = aka_algo_parse(v)) < 0)
			return perr(c, "ue algo: expected milenage, xor or tuak, got '%s'", v);
		u->algo = (enum aka_algo)x;
		note_key_line(c, "algo");
		return 0;
	}
	if (!strcmp(key, "fault")) {
		if ((x = usim_fault_parse(v)) < 0)
			return perr(c, "ue fault: unknown fault '%s' (wrong-k, op-as-opc, opc-as-op)", v);
		u->faults |= (unsigned)x;
		return 0;
	}
	return parse_ue_tuak(c, key, v);
}

static int parse_ue(struct pctx *c)
{
	struct ue_cfg *ue = &c->s->ue;
	const char *key, *v;
	char err[160];
	int x;

	if (c->nw != 3)
		return perr(c, "expected 'ue KEY VALUE'");
	key = c->w[1], v = c->w[2];
	if ((x = parse_ue_keys(c, key, v)) <= 0)
		return x;
	if (!strcmp(key, "impi")) return ue_str(c, &ue->impi, v);
	if (!strcmp(key, "impu")) return ue_str(c, &ue->impu, v);
	if (!strcmp(key, "realm")) return ue_str(c, &ue->realm, v);
	if (!strcmp(key, "auth-realm")) return ue_str(c, &ue->auth_realm, v);
	if (!strcmp(key, "password")) return ue_str(c, &ue->password, v);
	if (!strcmp(key, "alg")) {
		if ((x = digest_alg_parse(v)) < 0)
			return perr(c, "ue alg: expected AKAv1-MD5, AKAv2-MD5 or MD5, got '%s'", v);
		ue->alg = (enum digest_alg)x;
		return 0;
	}
	if (!strcmp(key, "qop")) {
		if ((x = digest_qop_parse(v)) <= 0)
			return perr(c, "ue qop: expected auth or auth-int, got '%s'", v);
		ue->qop = (enum digest_qop)x;
		return 0;
	}
	if ((x = ue_sec_option(&ue->sec, key, v, err, sizeof(err))) != 0)
		return x < 0 ? perr(c, "ue %s: %s", key, err) : 0;
	if (!strcmp(key, "expires") || !strcmp(key, "answer-delay") ||
	    !strcmp(key, "retry-after-max") || !strcmp(key, "t1")) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 0 || n > 86400000 || (!strcmp(key, "t1") && (n < 10 || n > 5000)))
			return perr(c, "ue %s: expected a number%s, got '%s'", key,
				    !strcmp(key, "t1") ? " of ms (10..5000)" : "", v);
		*(!strcmp(key, "expires")	  ? &ue->expires
		  : !strcmp(key, "answer-delay") ? &ue->answer_delay_ms
		  : !strcmp(key, "t1")		  ? &ue->t1_ms
						  : &ue->retry_after_max) = (unsigned)n;
		return 0;
	}
	return perr(c, "ue: unknown setting '%s'", key);
}

/* ---- steps -------------------------------------------------------------- */

static struct scn_step *new_step(struct pctx *c, enum scn_op op)
{
	struct scn_step *st;

	if (c->s->nsteps >= SCN_MAX_STEPS) {
		perr(c, "more than %d steps", SCN_MAX_STEPS);
		return NULL;
	}
	st = &c->s->steps[c->s->nsteps++];
	memset(st, 0, sizeof(*st));
	st->op = op;
	st->line = c->line;
	st->expires = -1;
	return st;
}

/* register|answer|reregister|deregister|query [auto|single] [corrupt] [expires=N] */
static int parse_request(struct pctx *c, enum scn_op op)
{
	struct scn_step *st = new_step(c, op);

	if (!st)
		return -1;
	/* refresh, de-register and query answer new challenges by default */
	st->auto_answer = op == SCN_REREGISTER || op == SCN_DEREGISTER || op == SCN_QUERY;
	for (int i = 1; i < c->nw; i++) {
		const char *w = c->w[i];
		if (!strcmp(w, "auto"))
			st->auto_answer = true;
		else if (!strcmp(w, "single"))
			st->auto_answer = false;
		else if (!strcmp(w, "corrupt"))
			st->corrupt = true;
		else if (!strncmp(w, "expires=", 8) && w[8]) {
			char *end;
			long n = strtol(w + 8, &end, 10);
			if (*end || n < 0)
				return perr(c, "%s: bad expires '%s'", c->w[0], w + 8);
			st->expires = (int)n;
		} else
			return perr(c, "%s: unknown option '%s' (auto, single, corrupt, expires=N)",
				    c->w[0], w);
	}
	return 0;
}

static int parse_wait(struct pctx *c)
{
	struct scn_step *st;
	char *end;
	long ms;

	if (c->nw != 2)
		return perr(c, "expected 'wait MILLISECONDS'");
	ms = strtol(c->w[1], &end, 10);
	if (*end || ms < 0 || ms > 600000)
		return perr(c, "wait: expected milliseconds (0..600000), got '%s'", c->w[1]);
	if (!(st = new_step(c, SCN_WAIT)))
		return -1;
	st->ms = (unsigned)ms;
	return 0;
}

/* "200" or "4xx" */
static int parse_status_word(struct pctx *c, const char *w, int *out)
{
	if (strlen(w) == 3 && w[0] >= '1' && w[0] <= '6' && !strcasecmp(w + 1, "xx")) {
		*out = -(w[0] - '0');
		return 0;
	}
	char *end;
	long v = strtol(w, &end, 10);
	if (*end || v < 100 || v > 699)
		return perr(c, "expect status: expected a code (200) or a class (4xx), got '%s'", w);
	*out = (int)v;
	return 0;
}

static int parse_expect_header(struct pctx *c, struct scn_step *st)
{
	static const char *const cmps[] = { "contains", "is", "absent", "present" };
	int i;

	if (c->nw < 4)
		return perr(c, "expected 'expect header NAME contains|is|absent|present [TEXT]'");
	snprintf(st->name, sizeof(st->name), "%s", c->w[2]);
	for (i = 0; i < 4; i++)
		if (!strcmp(c->w[3], cmps[i]))
			break;
	if (i == 4)
		return perr(c, "expect header: unknown test '%s' (contains, is, absent, present)", c->w[3]);
	st->cmp = (enum scn_cmp)i;
	if ((st->cmp == SCN_CMP_CONTAINS || st->cmp == SCN_CMP_IS) != (c->nw > 4))
		return perr(c, "expect header %s: %s", c->w[3],
			    c->nw > 4 ? "takes no text" : "needs a text");
	if (c->nw > 4 && snprintf(st->text, sizeof(st->text), "%s", c->rest[4]) >= (int)sizeof(st->text))
		return perr(c, "expect header: text too long");
	return 0;
}

static int parse_expect(struct pctx *c)
{
	static const struct { const char *name; int rc; } usim[] = {
		{ "ok", AKA_OK }, { "mac-failure", AKA_EMAC }, { "sync-failure", AKA_ESYNC },
	};
	struct scn_step *st;
	const char *what = c->nw > 1 ? c->w[1] : "";

	if (!strcmp(what, "status")) {
		if (c->nw < 3 || c->nw - 2 > SCN_MAX_STATUS)
			return perr(c, "expected 'expect status CODE...' (1..%d codes)", SCN_MAX_STATUS);
		if (!(st = new_step(c, SCN_EXPECT_STATUS)))
			return -1;
		for (int i = 2; i < c->nw; i++)
			if (parse_status_word(c, c->w[i], &st->status[st->nstatus++]) < 0)
				return -1;
		return 0;
	}
	if (!strcmp(what, "header"))
		return (st = new_step(c, SCN_EXPECT_HEADER)) ? parse_expect_header(c, st) : -1;
	if (!strcmp(what, "usim") && c->nw == 3) {
		for (size_t i = 0; i < sizeof(usim) / sizeof(usim[0]); i++)
			if (!strcmp(c->w[2], usim[i].name)) {
				if (!(st = new_step(c, SCN_EXPECT_USIM)))
					return -1;
				st->number = usim[i].rc;
				return 0;
			}
		return perr(c, "expect usim: expected ok, mac-failure or sync-failure, got '%s'", c->w[2]);
	}
	if ((!strcmp(what, "challenges") || !strcmp(what, "bindings")) && c->nw == 3) {
		if (!(st = new_step(c, what[0] == 'c' ? SCN_EXPECT_CHALLENGES : SCN_EXPECT_BINDINGS)))
			return -1;
		st->number = atoi(c->w[2]);
		return 0;
	}
	if (!strcmp(what, "algorithm") && c->nw == 3) {
		int a = digest_alg_parse(c->w[2]);
		if (a < 0)
			return perr(c, "expect algorithm: unknown '%s'", c->w[2]);
		if (!(st = new_step(c, SCN_EXPECT_ALG)))
			return -1;
		st->number = a;
		return 0;
	}
	if (!strcmp(what, "sqn-increased") && c->nw == 2)
		return new_step(c, SCN_EXPECT_SQN_UP) ? 0 : -1;
	if (!strcmp(what, "retries") && c->nw == 3) {
		if (!(st = new_step(c, SCN_EXPECT_RETRIES)))
			return -1;
		st->number = atoi(c->w[2]);
		return 0;
	}
	return perr(c, "expect: unknown form (status, header, usim, challenges, bindings, "
		       "algorithm, sqn-increased, retries)");
}

/* ---- lines -------------------------------------------------------------- */

static int keep_line(struct pctx *c, char **arr, size_t *n, const char *what)
{
	if (c->nw < 2)
		return perr(c, "%s: needs arguments", what);
	if (*n >= SCN_MAX_LINES)
		return perr(c, "more than %d %s lines", SCN_MAX_LINES, what);
	if (!(arr[*n] = pool_dup(c, c->rest[1])))
		return perr(c, "scenario too large");
	(*n)++;
	return 0;
}

/* hss fault add|del|clear|list ... / scscf fault RULE|clear: a step that
 * changes the network's fault rules at this point of the flow; the runner
 * hands it to its fault hook and clears what was set at the end. */
static int parse_fault(struct pctx *c, enum scn_op op)
{
	struct scn_step *st;

	if (c->nw < 3 || strcmp(c->w[1], "fault"))
		return perr(c, "%s", op == SCN_HSS_FAULT
					 ? "expected 'hss fault add|del|clear ARGS' (hss-ctl's fault command)"
					 : "expected 'scscf fault RULE' or 'scscf fault clear'");
	if (op == SCN_HSS_FAULT && strcmp(c->w[2], "add") && strcmp(c->w[2], "del") &&
	    strcmp(c->w[2], "clear"))
		return perr(c, "hss fault: expected add, del or clear, got '%s'", c->w[2]);
	if (!(st = new_step(c, op)))
		return -1;
	if (snprintf(st->text, sizeof(st->text), "%s", c->rest[2]) >= (int)sizeof(st->text))
		return perr(c, "%s: line too long", c->w[0]);
	return 0;
}

static int parse_directive(struct pctx *c)
{
	static const struct { const char *name; enum scn_op op; } req[] = {
		{ "register", SCN_REGISTER }, { "answer", SCN_ANSWER },
		{ "reregister", SCN_REREGISTER }, { "deregister", SCN_DEREGISTER },
		{ "query", SCN_QUERY },
	};
	const char *d = c->w[0];

	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (!strcmp(d, req[i].name))
			return parse_request(c, req[i].op);
	if (!strcmp(d, "scenario")) {
		if (c->nw < 2)
			return perr(c, "scenario: needs a title");
		snprintf(c->s->title, sizeof(c->s->title), "%s", c->rest[1]);
		return 0;
	}
	if (!strcmp(d, "ue"))
		return parse_ue(c);
	if (!strcmp(d, "hss-ctl"))
		return keep_line(c, c->s->hss, &c->s->nhss, "hss-ctl");
	if (!strcmp(d, "network"))
		return keep_line(c, c->s->network, &c->s->nnetwork, "network");
	if (!strcmp(d, "wait"))
		return parse_wait(c);
	if (!strcmp(d, "expect"))
		return parse_expect(c);
	if (!strcmp(d, "hss"))
		return parse_fault(c, SCN_HSS_FAULT);
	if (!strcmp(d, "scscf"))
		return parse_fault(c, SCN_SCSCF_FAULT);
	return perr(c, "unknown directive '%s'", d);
}

/* "[kamailio] expect status 500": a step that only counts when the runner
 * says which S-CSCF it talks to (ue-sim run --scscf NAME); the same file
 * then records what each S-CSCF answers. */
static int parse_tagged(struct pctx *c)
{
	size_t n = strlen(c->w[0]), before = c->s->nsteps;
	char only[24];

	if (c->w[0][0] != '[')
		return parse_directive(c);
	if (n < 3 || c->w[0][n - 1] != ']' || n - 2 >= sizeof(only) || c->nw < 2)
		return perr(c, "expected '[NAME] STEP' (e.g. [kamailio] expect status 500)");
	snprintf(only, sizeof(only), "%.*s", (int)(n - 2), c->w[0] + 1);
	memmove(c->w, c->w + 1, (size_t)(c->nw - 1) * sizeof(c->w[0]));
	memmove(c->rest, c->rest + 1, (size_t)(c->nw - 1) * sizeof(c->rest[0]));
	c->nw--;
	if (parse_directive(c) < 0)
		return -1;
	if (c->s->nsteps != before + 1)
		return perr(c, "[%s]: only steps (requests, wait, expect, faults) can be tagged", only);
	snprintf(c->s->steps[before].only, sizeof(c->s->steps[before].only), "%s", only);
	return 0;
}

/* Splits `line` (modified) into words; rest[i] points into `orig`. */
static int split_line(struct pctx *c, char *line, const char *orig)
{
	char *p = line;

	c->nw = 0;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (c->nw >= MAXW)
			return perr(c, "too many words (max %d)", MAXW);
		c->rest[c->nw] = orig + (p - line);
		c->w[c->nw++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return 0;
}

/* The card's keys against its algorithm (ue-sim/usim.c, common/aka's
 * table), named as the scenario's own 'ue' keys. */
static int check_usim(struct pctx *c)
{
	const struct usim_cfg *u = &c->s->ue.usim;
	bool tuak = u->algo == AKA_ALGO_TUAK;
	const char *what, *why;

	static const char *const tuak_keys[] = { "mac-len", "ck-len", "ik-len", "iterations" };

	c->line = key_line(c, c->s->op_key);
	if (!strcmp(c->s->op_key, tuak ? "op" : "top"))
		return perr(c, tuak ? "ue op/opc: TUAK takes 'ue top' or 'ue topc' (32 octets)"
				    : "ue top/topc: only with 'ue algo tuak'");
	for (size_t i = 0; !tuak && i < sizeof(tuak_keys) / sizeof(tuak_keys[0]); i++)
		if ((c->line = key_line(c, tuak_keys[i])))
			return perr(c, "ue %s: only with 'ue algo tuak'", tuak_keys[i]);
	if ((why = usim_cfg_check(u, &what))) {
		what = !strcmp(what, "op") ? c->s->op_key : what;
		c->line = key_line(c, what) ? key_line(c, what) : key_line(c, "algo");
		return perr(c, "ue %s: expected %s", what, why);
	}
	c->line = 0;
	return 0;
}

static int scenario_check(struct pctx *c)
{
	const struct ue_cfg *ue = &c->s->ue;

	c->line = 0;
	if (!ue->impi || !ue->impu || !ue->realm)
		return perr(c, "the UE needs 'ue impi', 'ue impu' and 'ue realm'");
	bool xor = ue->usim.algo == AKA_ALGO_XOR;

	if (ue->alg == DIGEST_ALG_MD5 ? !ue->password : (!c->s->have_k || (!xor && !c->s->have_op)))
		return perr(c, ue->alg == DIGEST_ALG_MD5 ? "alg MD5 needs 'ue password'"
			    : ue->usim.algo == AKA_ALGO_TUAK ? "TUAK needs 'ue k' and 'ue top' or 'ue topc'"
			    : xor ? "AKA needs 'ue k'" : "AKA needs 'ue k' and 'ue op' or 'ue opc'");
	if (xor && c->s->have_op)
		return perr(c, "'ue %s': not used by the XOR algorithm (TS 34.108 §8.1.2)", c->s->op_key);
	if (ue->alg != DIGEST_ALG_MD5 && check_usim(c) < 0)
		return -1;
	if (!c->s->nsteps)
		return perr(c, "no steps");
	if (!c->s->title[0])
		snprintf(c->s->title, sizeof(c->s->title), "%s", c->name);
	return 0;
}

int scenario_parse_string(const char *name, const char *text, struct scenario *s, char *err,
			  size_t errsz)
{
	struct pctx c = { .s = s, .name = name, .err = err, .errsz = errsz };
	char line[2048], orig[2048];

	memset(s, 0, sizeof(*s));
	s->op_key = "op";
	snprintf(s->path, sizeof(s->path), "%s", name);
	ue_cfg_default(&s->ue);
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *hash;

		c.line++;
		if (n >= sizeof(line))
			return perr(&c, "line too long");
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (e ? 1 : 0);
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		n = strlen(line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		memcpy(orig, line, n + 1);
		if (split_line(&c, line, orig) < 0)
			return -1;
		if (c.nw && parse_tagged(&c) < 0)
			return -1;
	}
	return scenario_check(&c);
}

int scenario_parse_file(const char *path, struct scenario *s, char *err, size_t errsz)
{
	FILE *fp = fopen(path, "r");
	char *text;
	long len;
	int rc;

	if (!fp) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 || len > 1 << 20 ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		snprintf(err, errsz, "%s: unreadable or larger than 1 MiB", path);
		return -1;
	}
	text = malloc((size_t)len + 1);
	if (!text || fread(text, 1, (size_t)len, fp) != (size_t)len) {
		free(text);
		fclose(fp);
		snprintf(err, errsz, "%s: read error", path);
		return -1;
	}
	text[len] = '\0';
	fclose(fp);
	rc = scenario_parse_string(path, text, s, err, errsz);
	free(text);
	return rc;
}
