/* What ims-trace needs from a captured Diameter message: identities,
 * result, and the authentication vectors or resync data of Cx MAR/MAA
 * (TS 29.229 §6.1.7-8, §6.3.13) and S6a AIR/AIA (TS 29.272 §7.2.5-6,
 * §7.3.11-20). Decoded with common/diameter's bounds-checked iterator. */
#ifndef TRACE_DIAM_IN_H
#define TRACE_DIAM_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aka/aka.h"

#define DIAM_IN_VEC_MAX 8
#define DIAM_IN_STR 256

struct diam_vec {
	uint8_t rand[16], autn[16], xres[AKA_RES_MAX], ck[16], ik[16], kasme[32];
	size_t xres_len;
	bool has_rand, has_autn, has_xres, has_ck, has_ik, has_kasme;
	char scheme[40];
};

struct diam_info {
	uint32_t code, app, hbh, e2e;
	uint8_t flags;
	bool request;
	char session_id[DIAM_IN_STR], user_name[DIAM_IN_STR], public_identity[DIAM_IN_STR];
	char origin_host[DIAM_IN_STR];
	bool has_result, has_exp_result;
	uint32_t result_code, exp_result;
	uint32_t num_items;         /* SIP-Number-Auth-Items / Number-Of-Requested-Vectors */
	char scheme[40];            /* MAR's requested scheme */
	uint8_t resync[30];         /* RAND ‖ AUTS (MAR SIP-Authorization, AIR Re-Sync-Info) */
	bool has_resync;
	uint8_t visited_plmn[3];    /* AIR Visited-PLMN-Id (TS 29.272 §7.3.9): KASME's SN id */
	bool has_plmn;
	struct diam_vec vec[DIAM_IN_VEC_MAX];
	size_t nvec;
	size_t raw_len;
	bool malformed;             /* AVP area did not parse; what was read is kept */
};

/* Parses one complete message (buf holds exactly it). 0, or a negative
 * DIAM_E* from the header check. */
int diam_info_parse(const uint8_t *buf, size_t len, struct diam_info *out);

/* "MAR", "MAA", "AIR", "CEA", or "cmd 1234 R" into buf. */
const char *diam_info_name(const struct diam_info *d, char *buf, size_t sz);
/* The effective result (Experimental-Result-Code wins), 0 when none. */
uint32_t diam_info_result(const struct diam_info *d);

/* "MCC 001 MNC 01" from a PLMN identity (TS 24.008 §10.5.1.3 layout). */
void diam_plmn_text(const uint8_t plmn[3], char *buf, size_t sz);

/* Does a buffer look like the start of a Diameter message (version 1,
 * sane length, reserved flags clear)? For content detection off 3868. */
bool diam_looks_like(const uint8_t *buf, size_t len);

#endif
