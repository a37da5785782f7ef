/* Every SQL statement of the store, in one table (osmo-hlr's db.c idea):
 * DB_STMTS(X) expands X(NAME, SQL) once per statement; hss/db.c turns it
 * into `enum db_stmt` (DB_NAME) and prepares every statement at open, so a
 * statement that does not fit the schema stops the program at start, not
 * at its first use. A new statement is one X(...) line here plus the code
 * that runs it (db_sub.c, db_impu.c, db_queue.c, db_apn.c …).
 *
 * The SQL is written once for every backend (db_driver.h): parameters are
 * named "$name" (bound by name through db_int.h, a misspelt or unbound
 * name is an error, not a NULL), new rows report their id with RETURNING,
 * and only functions both SQLite and PostgreSQL have (coalesce, CASE,
 * count, min, max as aggregates). */
#ifndef HSS_DB_STMT_H
#define HSS_DB_STMT_H

/* TUAK's lengths (schema version 6), after the columns that were there. */
#define DB_TUAK_COLS "s.mac_len, s.ck_len, s.ik_len, s.iterations"
#define DB_SUB_COLS                                                                    \
	"s.id, s.imsi, s.impi, s.algo, s.k, s.op, s.opc, s.amf, q.sqn, s.res_len, s.password, " \
	"s.auth_scheme, " DB_TUAK_COLS
#define DB_SUB_NCOLS 16
/* A subscriber with its SQN (schema version 9: a table of its own). */
#define DB_SUB_FROM "subscriber s JOIN subscriber_sqn q ON q.subscriber_id = s.id"
/* What authentication needs of a subscriber (db_impu.c fill_auth). */
#define DB_AUTH_COLS                                                                   \
	"s.id, s.impi, s.algo, s.k, s.opc, s.amf, q.sqn, s.res_len, CASE WHEN s.password IS " \
	"NULL THEN 0 ELSE 1 END, s.auth_scheme"
#define DB_AUTH_NCOLS 10
/* A JSON array of strings bound to parameter p, as a table k of one text
 * column, value: SQLite's json_each; db_pg.c writes PostgreSQL's
 * json_array_elements_text for it. In a join it comes first (CROSS JOIN:
 * SQLite keeps that order), so each key is one index lookup. */
#define DB_KEYS(p) "json_each(" p ") k CROSS JOIN "
/* Up to DB_KEYS_BOUND keys bound one by one, $k1 … (NULL: none), as a
 * table k of one column, column1 (the same name on both backends; CAST:
 * PostgreSQL types the parameters by it). No JSON built and parsed: on
 * SQLite ≈ 1.5 k instructions a key less for a few keys (bench/README.md
 * issue 14 item 3); used where the driver asks (db_driver.h keys_bound). */
#define DB_KEYS_BOUND 8
#define DB_K(n) "(CAST($k" #n " AS TEXT))"
#define DB_KEYS8                                                                       \
	"(VALUES " DB_K(1) ", " DB_K(2) ", " DB_K(3) ", " DB_K(4) ", " DB_K(5) ", " DB_K(6) \
	", " DB_K(7) ", " DB_K(8) ") k CROSS JOIN "
/* What AUTH_BY_URI and AUTH_BY_IMSI read, for keys from the table k at
 * column col; the key last. */
#define DB_AUTH_URIS(keys, col)                                                        \
	"SELECT " DB_AUTH_COLS ", i.id, coalesce(r.state, 0), r.scscf_name, r.scscf_host, " \
	DB_TUAK_COLS ", i.uri FROM " keys "impu i JOIN subscriber s ON s.id = "            \
	"i.subscriber_id JOIN subscriber_sqn q ON q.subscriber_id = s.id LEFT JOIN "      \
	"registration r ON r.impu_id = i.id WHERE i.uri = " col
#define DB_AUTH_IMSIS(keys, col)                                                       \
	"SELECT " DB_AUTH_COLS ", " DB_TUAK_COLS ", s.imsi FROM " keys DB_SUB_FROM          \
	" WHERE s.imsi = " col
#define DB_IMPU_SEL                                                                    \
	"i.id, i.subscriber_id, i.uri, i.barred, i.irs, i.ifc_xml, coalesce(r.state, 0), "  \
	"r.scscf_name, r.scscf_host, r.scscf_realm"
#define DB_IMPU_FROM "impu i LEFT JOIN registration r ON r.impu_id = i.id"
#define DB_OUT_COLS                                                                    \
	"id, kind, user_name, impu, host, realm, code, info, state, attempts, sends, hbh, e2e, " \
	"result, updated"
#define DB_FAULT_COLS "id, command, user_glob, every, probability_ppm, max_count, action, fired"
#define DB_APN_COLS                                                                    \
	"a.id, a.name, a.pdn_type, a.qci, a.arp_priority, a.preempt_cap, a.preempt_vuln, "  \
	"a.ambr_ul, a.ambr_dl"

#define DB_STMTS(X)                                                                     \
	/* ---- subscribers (db_sub.c) ---- */                                         \
	X(SUB_INSERT, "INSERT INTO subscriber (imsi, impi, algo, k, op, opc, amf, res_len, " \
		      "password, auth_scheme, mac_len, ck_len, ik_len, iterations) VALUES ($imsi, " \
		      "$impi, $algo, $k, $op, $opc, $amf, $res_len, $password, $scheme, "  \
		      "$mac_len, $ck_len, $ik_len, $iterations) RETURNING id")         \
	X(SUB_SQN_INSERT, "INSERT INTO subscriber_sqn (subscriber_id, sqn) VALUES ($id, $sqn)") \
	X(SUB_BY_IMPI, "SELECT " DB_SUB_COLS " FROM " DB_SUB_FROM " WHERE s.impi = $impi")   \
	X(SUB_BY_IMSI, "SELECT " DB_SUB_COLS " FROM " DB_SUB_FROM " WHERE s.imsi = $imsi")   \
	X(SUB_BY_ID, "SELECT " DB_SUB_COLS " FROM " DB_SUB_FROM " WHERE s.id = $id")         \
	X(SUB_ALL, "SELECT " DB_SUB_COLS " FROM " DB_SUB_FROM " ORDER BY s.imsi")             \
	X(SUB_DEL, "DELETE FROM subscriber WHERE id = $id")                               \
	X(SUB_SET_SQN, "UPDATE subscriber_sqn SET sqn = $sqn WHERE subscriber_id = $id")      \
	/* Vectors take SQNs only from the SQN they were computed from. */               \
	X(SUB_ADVANCE_SQN, "UPDATE subscriber_sqn SET sqn = $sqn WHERE subscriber_id = $id AND " \
			   "sqn = $old")                                                    \
	X(CHARGING_GET, "SELECT ecf_primary, ecf_secondary, ccf_primary, ccf_secondary "    \
			"FROM charging_info WHERE subscriber_id = $sub")                  \
	X(CHARGING_SET, "INSERT INTO charging_info (subscriber_id, ecf_primary, "          \
			"ecf_secondary, ccf_primary, ccf_secondary) VALUES ($sub, $ecf1, "  \
			"$ecf2, $ccf1, $ccf2) ON CONFLICT (subscriber_id) DO UPDATE SET "   \
			"ecf_primary = excluded.ecf_primary, ecf_secondary = "              \
			"excluded.ecf_secondary, ccf_primary = excluded.ccf_primary, "      \
			"ccf_secondary = excluded.ccf_secondary")                           \
	X(CHARGING_DEL, "DELETE FROM charging_info WHERE subscriber_id = $sub")           \
	/* ---- public identities, registration (db_impu.c) ---- */                    \
	X(IMPU_INSERT, "INSERT INTO impu (subscriber_id, uri, barred, irs, ifc_xml) VALUES "  \
		       "($sub, $uri, $barred, $irs, $ifc) RETURNING id")                 \
	X(IMPU_UPDATE, "UPDATE impu SET barred = $barred, irs = $irs, ifc_xml = $ifc WHERE " \
		       "id = $id")                                                       \
	X(IMPU_DEL, "DELETE FROM impu WHERE id = $id")                                     \
	X(IMPU_BY_URI, "SELECT " DB_IMPU_SEL " FROM " DB_IMPU_FROM " WHERE i.uri = $uri")     \
	X(IMPU_BY_SUB, "SELECT " DB_IMPU_SEL " FROM " DB_IMPU_FROM " WHERE i.subscriber_id = " \
		       "$sub ORDER BY i.id")                                             \
	/* The hot path of every Cx request but MAR: subscriber and IMPU at once. */   \
	X(IDENT_BY_URI, "SELECT " DB_SUB_COLS ", " DB_IMPU_SEL " FROM " DB_IMPU_FROM        \
			" JOIN subscriber s ON s.id = i.subscriber_id JOIN subscriber_sqn q ON " \
			"q.subscriber_id = s.id WHERE i.uri = $uri")                          \
	/* MAR: only what authentication needs (db_cache.c fills its tables). */       \
	X(AUTH_BY_URI, "SELECT " DB_AUTH_COLS ", i.id, coalesce(r.state, 0), r.scscf_name, "  \
		       "r.scscf_host, " DB_TUAK_COLS " FROM impu i JOIN subscriber s ON s.id = " \
		       "i.subscriber_id JOIN subscriber_sqn q ON q.subscriber_id = s.id LEFT "  \
		       "JOIN registration r ON r.impu_id = i.id WHERE i.uri = $uri")            \
	/* AIR: the same from the subscriber by IMSI (the same cache, db_cache.c). */    \
	X(AUTH_BY_IMSI, "SELECT " DB_AUTH_COLS ", " DB_TUAK_COLS " FROM " DB_SUB_FROM " WHERE " \
			"s.imsi = $imsi")                                                     \
	/* The same for many keys in one statement (db_cache.c fills a loop turn's \
	 * misses at once; on PostgreSQL one round trip): $keys a JSON array, the \
	 * key last. */                                                              \
	X(AUTH_BY_URIS, DB_AUTH_URIS(DB_KEYS("$keys"), "k.value"))                          \
	X(AUTH_BY_IMSIS, DB_AUTH_IMSIS(DB_KEYS("$keys"), "k.value"))                        \
	X(AUTH_BY_URIS8, DB_AUTH_URIS(DB_KEYS8, "k.column1"))                               \
	X(AUTH_BY_IMSIS8, DB_AUTH_IMSIS(DB_KEYS8, "k.column1"))                             \
	X(REG_SET, "INSERT INTO registration (impu_id, state, scscf_name, scscf_host, "     \
		   "scscf_realm, updated) VALUES ($impu, $state, $name, $host, $realm, $now) " \
		   "ON CONFLICT (impu_id) DO UPDATE SET state = excluded.state, scscf_name = "  \
		   "excluded.scscf_name, scscf_host = excluded.scscf_host, scscf_realm = "      \
		   "excluded.scscf_realm, updated = excluded.updated")                      \
	/* SAR: the IMPUs of a subscriber's implicit set ($irs < 0: all), ids only \
	 * (RETURNING on an UPSERT would buffer its rows in a temporary table). */   \
	X(IMPU_IDS_IN_SET, "SELECT id FROM impu WHERE subscriber_id = $sub AND ($irs < 0 " \
			   "OR irs = $irs) AND id > $after ORDER BY id")                  \
	/* ---- the outbound request queue (db_queue.c) ---- */                       \
	X(OUT_INSERT, "INSERT INTO out_queue (kind, user_name, impu, host, realm, code, info, " \
		      "created, updated) VALUES ($kind, $user, $impu, $host, $realm, $code, "    \
		      "$info, $now, $now) RETURNING id")                                \
	X(OUT_NEXT, "SELECT " DB_OUT_COLS " FROM out_queue WHERE state = 'queued' AND id > "  \
		    "$after ORDER BY id LIMIT 1")                                          \
	X(OUT_UNANSWERED, "SELECT " DB_OUT_COLS " FROM out_queue WHERE state = 'sent' AND "    \
			  "updated <= $before AND id > $after ORDER BY id LIMIT 1")            \
	X(OUT_SENT, "UPDATE out_queue SET state = 'sent', host = $host, realm = $realm, hbh = "  \
		    "$hbh, e2e = $e2e, attempts = attempts + 1, sends = sends + 1, updated = "   \
		    "$now WHERE id = $id")                                                   \
	X(OUT_RETRY, "UPDATE out_queue SET state = 'queued', attempts = attempts + 1, "       \
		     "updated = $now WHERE id = $id")                                         \
	X(OUT_FINISH, "UPDATE out_queue SET state = $state, result = $result, updated = $now "  \
		      "WHERE id = $id")                                                       \
	X(OUT_BY_IDS, "SELECT " DB_OUT_COLS " FROM out_queue WHERE hbh = $hbh AND e2e = $e2e " \
		      "AND state = 'sent'")                                                  \
	X(OUT_BY_ID, "SELECT " DB_OUT_COLS " FROM out_queue WHERE id = $id")                   \
	X(OUT_COUNT, "SELECT count(*) FROM out_queue WHERE state = $state")                    \
	/* ---- S6a: APN profiles, assignment, EPS settings (db_apn.c) ---- */           \
	X(APN_INSERT, "INSERT INTO apn (name, pdn_type, qci, arp_priority, preempt_cap, "     \
		      "preempt_vuln, ambr_ul, ambr_dl) VALUES ($name, $pdn, $qci, $prio, $cap, "  \
		      "$vuln, $ul, $dl) RETURNING id")                                      \
	X(APN_UPDATE, "UPDATE apn SET pdn_type = $pdn, qci = $qci, arp_priority = $prio, "     \
		      "preempt_cap = $cap, preempt_vuln = $vuln, ambr_ul = $ul, ambr_dl = $dl "  \
		      "WHERE name = $name")                                                  \
	X(APN_BY_NAME, "SELECT " DB_APN_COLS " FROM apn a WHERE a.name = $name")               \
	X(APN_ALL, "SELECT " DB_APN_COLS " FROM apn a ORDER BY a.name")                        \
	/* Keeps the APN's identifier on re-assignment, else the next free one. */       \
	X(SUB_APN_NEXT_CTX, "SELECT coalesce((SELECT context_id FROM subscriber_apn WHERE "    \
			    "subscriber_id = $sub AND apn_id = $apn), (SELECT "                  \
			    "coalesce(max(context_id), 0) + 1 FROM subscriber_apn WHERE "         \
			    "subscriber_id = $sub))")                                           \
	X(SUB_APN_COUNT_OTHERS, "SELECT count(*) FROM subscriber_apn WHERE subscriber_id = "     \
				"$sub AND apn_id != $apn")                                      \
	X(SUB_APN_CLEAR_DEFAULT, "UPDATE subscriber_apn SET is_default = 0 WHERE "              \
				 "subscriber_id = $sub")                                        \
	X(SUB_APN_UPSERT, "INSERT INTO subscriber_apn (subscriber_id, apn_id, context_id, "       \
			  "is_default, static_ip) VALUES ($sub, $apn, $ctx, $def, $ip) ON "         \
			  "CONFLICT (subscriber_id, apn_id) DO UPDATE SET context_id = "            \
			  "excluded.context_id, is_default = CASE WHEN excluded.is_default = 1 "    \
			  "THEN 1 ELSE subscriber_apn.is_default END, static_ip = "                 \
			  "excluded.static_ip")                                                   \
	X(SUB_APN_DEL, "DELETE FROM subscriber_apn WHERE subscriber_id = $sub AND apn_id = "     \
		       "$apn")                                                                  \
	/* A removed default passes to the lowest Context-Identifier. */                    \
	X(SUB_APN_MOVE_DEFAULT, "UPDATE subscriber_apn SET is_default = 1 WHERE subscriber_id = " \
				"$sub AND NOT EXISTS (SELECT 1 FROM subscriber_apn WHERE "         \
				"subscriber_id = $sub AND is_default = 1) AND context_id = "      \
				"(SELECT min(context_id) FROM subscriber_apn WHERE "              \
				"subscriber_id = $sub)")                                          \
	X(SUB_APN_BY_SUB, "SELECT " DB_APN_COLS ", s.context_id, s.is_default, s.static_ip "     \
			  "FROM subscriber_apn s JOIN apn a ON a.id = s.apn_id WHERE "             \
			  "s.subscriber_id = $sub ORDER BY s.context_id")                          \
	X(EPS_GET, "SELECT msisdn, ambr_ul, ambr_dl, access_restriction, network_access_mode, " \
		   "subscriber_status, mme_host, mme_realm, purged FROM eps_subscription WHERE "  \
		   "subscriber_id = $sub")                                                     \
	X(EPS_SET_PROFILE, "INSERT INTO eps_subscription (subscriber_id, msisdn, ambr_ul, "      \
			   "ambr_dl, access_restriction, network_access_mode, subscriber_status, " \
			   "updated) VALUES ($sub, $msisdn, $ul, $dl, $ard, $nam, $status, $now) "  \
			   "ON CONFLICT (subscriber_id) DO UPDATE SET msisdn = excluded.msisdn, "   \
			   "ambr_ul = excluded.ambr_ul, ambr_dl = excluded.ambr_dl, "              \
			   "access_restriction = excluded.access_restriction, "                    \
			   "network_access_mode = excluded.network_access_mode, "                  \
			   "subscriber_status = excluded.subscriber_status, updated = "            \
			   "excluded.updated")                                                    \
	X(EPS_SET_MME, "INSERT INTO eps_subscription (subscriber_id, mme_host, mme_realm, "       \
		       "purged, updated) VALUES ($sub, $host, $realm, $purged, $now) ON "         \
		       "CONFLICT (subscriber_id) DO UPDATE SET mme_host = excluded.mme_host, "    \
		       "mme_realm = excluded.mme_realm, purged = excluded.purged, updated = "     \
		       "excluded.updated")                                                     \
	/* ---- Diameter fault rules (db_fault.c); every change bumps the version ---- */ \
	X(FAULT_INSERT, "INSERT INTO fault_rule (command, user_glob, every, probability_ppm, "   \
			"max_count, action, created) VALUES ($cmd, $user, $every, $ppm, $count, "  \
			"$action, $now) RETURNING id")                                        \
	X(FAULT_DEL, "DELETE FROM fault_rule WHERE id = $id")                                 \
	X(FAULT_CLEAR, "DELETE FROM fault_rule")                                              \
	X(FAULT_ALL, "SELECT " DB_FAULT_COLS " FROM fault_rule ORDER BY id")                   \
	X(FAULT_SET_FIRED, "UPDATE fault_rule SET fired = $fired WHERE id = $id")              \
	X(FAULT_BUMP, "UPDATE fault_version SET version = version + 1 WHERE id = 1")           \
	X(FAULT_VERSION, "SELECT version FROM fault_version WHERE id = 1")

#endif
