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

/* NULL when no table exists for the command. */
const struct diam_cmd_rules *diam_rules_cmd(uint32_t app_id, uint32_t code, bool request);
const struct diam_group_rules *diam_rules_group(uint32_t code, uint32_t vendor);

#endif
