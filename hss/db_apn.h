/* The S6a part of the HSS store (hss/db_apn.c, schema step 3 in
 * hss/schema.sql): APN profiles and their assignment to subscribers,
 * per-subscriber EPS settings (MSISDN, UE-AMBR, access restrictions) and
 * the serving MME. The CLR/IDR requests go through the one outbound
 * queue (db.h db_out_*, hss/out_queue.h).
 *
 * Same conventions as db.h: 0 or -errno (-ENOENT, -EEXIST, -EINVAL for a
 * value the schema refuses, -EIO), every call inside the caller's
 * transaction; the statements are in db_stmt.h. */
#ifndef HSS_DB_APN_H
#define HSS_DB_APN_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

#define DB_APN_NAME_MAX 101 /* TS 23.003 §9.1: an APN is at most 100 octets */
#define DB_MSISDN_MAX 16    /* 15 digits (E.164) + NUL */
#define DB_IP_MAX 46        /* INET6_ADDRSTRLEN */

/* PDN-Type (TS 29.272 §7.3.62). */
enum db_pdn_type { DB_PDN_IPV4 = 0, DB_PDN_IPV6 = 1, DB_PDN_IPV4V6 = 2, DB_PDN_IPV4_OR_IPV6 = 3 };
const char *db_pdn_type_name(int t);
/* "ipv4", "ipv6", "ipv4v6", "ipv4_or_ipv6" (any case) -> value, or -EINVAL. */
int db_pdn_type_parse(const char *s);

struct db_apn {
	int64_t id;
	char name[DB_APN_NAME_MAX];
	int pdn_type;
	int qci;                /* QoS-Class-Identifier 1..254 (1..9 standardised) */
	int arp_priority;       /* Priority-Level 1..15 */
	int preempt_cap;        /* Pre-emption-Capability: 0 ENABLED, 1 DISABLED */
	int preempt_vuln;       /* Pre-emption-Vulnerability: 0 ENABLED, 1 DISABLED */
	uint32_t ambr_ul, ambr_dl; /* APN-AMBR, bit/s */
};
/* Defaults of the schema: IPv4, QCI 9, priority 8, not pre-empting,
 * pre-emptable, 50/100 Mbit/s. */
void db_apn_defaults(struct db_apn *a);

/* Inserts a (a->id set); -EEXIST when the name is taken. */
int db_apn_add(struct db *db, struct db_apn *a);
/* Replaces every field but the name of the APN with a->name. */
int db_apn_update(struct db *db, const struct db_apn *a);
int db_apn_by_name(struct db *db, const char *name, struct db_apn *out);
typedef int (*db_apn_fn)(void *arg, const struct db_apn *a);
/* Every APN profile by name; a non-zero return stops and is returned. */
int db_apn_foreach(struct db *db, db_apn_fn fn, void *arg);

/* One APN of a subscriber. */
struct db_sub_apn {
	struct db_apn apn;
	uint32_t context_id;
	bool is_default;
	char static_ip[DB_IP_MAX]; /* "" = dynamic */
};
/* Assigns (or re-assigns) apn_id to the subscriber. context_id 0 picks the
 * next free one; is_default moves the default to this APN; the first APN
 * of a subscriber is the default anyway. -EEXIST: context_id in use by
 * another APN of the subscriber. */
int db_sub_apn_assign(struct db *db, int64_t sub_id, int64_t apn_id, uint32_t context_id,
		      bool is_default, const char *static_ip);
/* Removes the assignment (-ENOENT if none); a removed default passes to
 * the APN with the lowest Context-Identifier. */
int db_sub_apn_unassign(struct db *db, int64_t sub_id, int64_t apn_id);
typedef int (*db_sub_apn_fn)(void *arg, const struct db_sub_apn *a);
/* The subscriber's APNs by Context-Identifier. */
int db_sub_apn_foreach(struct db *db, int64_t sub_id, db_sub_apn_fn fn, void *arg);

/* Subscriber-Status, Network-Access-Mode (TS 29.272 §7.3.29, §7.3.21). */
enum { DB_SUB_STATUS_GRANTED = 0, DB_SUB_STATUS_ODB = 1 };
enum { DB_NAM_PACKET_AND_CIRCUIT = 0, DB_NAM_ONLY_PACKET = 2 };

struct db_eps {
	char msisdn[DB_MSISDN_MAX];  /* "" = none */
	uint32_t ambr_ul, ambr_dl;   /* UE-AMBR, bit/s */
	uint32_t access_restriction; /* Access-Restriction-Data bits (§7.3.31) */
	int network_access_mode;
	int subscriber_status;
	/* location state (S6a ULR/PUR) */
	char mme_host[DB_ID_MAX];    /* "" = no MME registered */
	char mme_realm[DB_ID_MAX];
	bool purged;
};
void db_eps_defaults(struct db_eps *e);
/* The subscriber's EPS settings (defaults when never set). */
int db_eps_get(struct db *db, int64_t sub_id, struct db_eps *out);
/* Writes msisdn, AMBR, access restriction, NAM and status (not the MME). */
int db_eps_set_profile(struct db *db, int64_t sub_id, const struct db_eps *e);
/* Records the serving MME (host "" clears it) and the purge flag. */
int db_eps_set_mme(struct db *db, int64_t sub_id, const char *host, const char *realm,
		   bool purged);

#endif
