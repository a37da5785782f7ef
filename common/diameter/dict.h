/* The Diameter dictionary: one table of AVPs (code, vendor, M rule, type,
 * name) for base, Cx and S6a, and one table of commands. Sources:
 * ../shared/reference/diameter.md (RFC 6733 §4.5, TS 29.229 §6.3,
 * TS 29.272 §7.3). Lookups are binary searches over sorted tables. */
#ifndef DIAMETER_DICT_H
#define DIAMETER_DICT_H

#include <stdbool.h>
#include <stdint.h>

enum diam_type {
	DT_OCTETS,
	DT_UTF8,
	DT_IDENTITY, /* DiameterIdentity (FQDN) */
	DT_URI,      /* DiameterURI */
	DT_ADDRESS,
	DT_TIME,
	DT_I32,
	DT_I64,
	DT_U32,
	DT_U64,
	DT_F32,
	DT_F64,
	DT_ENUM,
	DT_GROUPED,
};
const char *diam_type_name(enum diam_type t);

/* The M-bit rule of the spec's AVP table. Receivers never reject a known
 * AVP because of its M bit (diameter.md §4): this only drives what we send. */
enum diam_mrule { DM_MUST, DM_MAY, DM_MUSTNOT };

struct diam_dict_avp {
	uint32_t code;
	uint32_t vendor;
	enum diam_mrule m;
	enum diam_type type;
	const char *name;
	bool secret; /* key material: masked by the printer unless asked */
};

/* NULL when the AVP is not in the dictionary. */
const struct diam_dict_avp *diam_dict_avp(uint32_t code, uint32_t vendor);
/* Reverse lookup by name (case-sensitive); NULL when unknown. */
const struct diam_dict_avp *diam_dict_avp_by_name(const char *name);
/* Flags to send for (code, vendor): V when vendor != 0, M per the table
 * (unknown AVPs get no M). */
uint8_t diam_dict_flags(uint32_t code, uint32_t vendor);

struct diam_dict_cmd {
	uint32_t app_id;
	uint32_t code;
	const char *req_name;  /* "MAR" */
	const char *ans_name;  /* "MAA" */
	const char *long_name; /* "Multimedia-Auth" */
	bool proxiable;
};
/* NULL when (app, code) is not a command we know. */
const struct diam_dict_cmd *diam_dict_cmd(uint32_t app_id, uint32_t code);
/* True when any command of application app_id is known. */
bool diam_dict_app_known(uint32_t app_id);
/* "3GPP Cx", "Diameter Common Messages", ...; NULL if unknown. */
const char *diam_dict_app_name(uint32_t app_id);
/* "MAR"/"MAA" or NULL. */
const char *diam_dict_cmd_abbrev(uint32_t app_id, uint32_t code, bool request);

/* Name of a value of an Enumerated AVP, or of a Result-Code; NULL if none. */
const char *diam_dict_enum_name(uint32_t code, uint32_t vendor, int32_t value);
/* RFC 6733 §7.1 Result-Code and 3GPP Experimental-Result-Code names. */
const char *diam_result_name(uint32_t code);
const char *diam_exp_result_name(uint32_t code);

#endif
