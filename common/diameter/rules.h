/* Per-command AVP rules, written under each command's ABNF (RFC 6733 §3.2
 * notation; sources in ../shared/reference/diameter.md): fixed position
 * `< >`, required `{ }`, optional `[ ]`, repetition `*`, and "must not be
 * present". Every command listed here also allows `*[ AVP ]`, so an AVP
 * not named in its table is accepted (unless unknown with the M bit). */
#ifndef DIAMETER_RULES_H
#define DIAMETER_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum diam_rule_kind { DR_FIXED, DR_REQUIRED, DR_OPTIONAL, DR_FORBIDDEN };
#define DR_UNBOUNDED 0xffffu

struct diam_rule {
	uint32_t code;
	uint32_t vendor;
	uint8_t kind;  /* enum diam_rule_kind */
	uint16_t min;  /* occurrences */
	uint16_t max;  /* DR_UNBOUNDED for `*` */
};

struct diam_cmd_rules {
	uint32_t app_id;
	uint32_t code;
	bool request;
	const char *name;
	const struct diam_rule *rules;
	size_t n;
	/* Answers: the 2xxx Experimental-Result-Codes this answer may carry
	 * (bit c - 2001 for code c; TS 29.229 §6.2.1: UAA 2001-2004, LIA
	 * 2003). Any other success is a Result-Code: 2001 in an MAA is. */
	uint32_t exp_success;
};

/* A grouped AVP's children (e.g. Vendor-Specific-Application-Id). */
struct diam_group_rules {
	uint32_t code;
	uint32_t vendor;
	const struct diam_rule *rules;
	size_t n;
};

/* One application's tables: its commands and its grouped AVPs. A new
 * application is a rules_<app>.c defining one of these, plus one line in
 * diam_rule_sets[] (rules.c). */
struct diam_rule_set {
	const char *name;                     /* "Cx" */
	uint32_t app_id;
	const struct diam_cmd_rules *cmds;
	size_t ncmds;
	const struct diam_group_rules *groups;
	size_t ngroups;
};
extern const struct diam_rule_set diam_rules_base; /* RFC 6733 §5 (rules_base.c) */
extern const struct diam_rule_set diam_rules_cx;   /* TS 29.229 (rules_cx.c) */
extern const struct diam_rule_set diam_rules_s6a;  /* TS 29.272 (rules_s6a.c) */
/* Every set known, NULL-terminated (rules.c). */
extern const struct diam_rule_set *const diam_rule_sets[];

/* The table of a command: in `sets` (NULL-terminated; NULL = every known
 * set), the base protocol's always included. NULL when none has it. */
const struct diam_cmd_rules *diam_rules_cmd_in(const struct diam_rule_set *const *sets,
					       uint32_t app_id, uint32_t code, bool request);
const struct diam_cmd_rules *diam_rules_cmd(uint32_t app_id, uint32_t code, bool request);
/* A grouped AVP's children, from every known set (codes are unique per
 * vendor). NULL when no table exists. */
const struct diam_group_rules *diam_rules_group(uint32_t code, uint32_t vendor);

#endif
