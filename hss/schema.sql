-- The HSS store schema for SQLite (hss/db_sqlite.c). One upgrade step per schema version:
-- a fresh database runs every step in order, an old one runs the steps
-- above its PRAGMA user_version. Each step runs in one transaction that
-- also sets user_version, so an interrupted upgrade leaves the old
-- version intact. Never edit a released step: append a new one.
-- Embedded into hss/schema_sql.c (db_schema_sqlite) by hss/gen_schema_sql.sh
-- (test_db_schema checks the two agree).

-- @version 1: subscribers, public identities, registration state
CREATE TABLE subscriber (
	id INTEGER PRIMARY KEY,
	imsi TEXT NOT NULL UNIQUE,
	impi TEXT NOT NULL UNIQUE,
	algo TEXT NOT NULL DEFAULT 'milenage' CHECK (algo IN ('milenage', 'xor')),
	k BLOB NOT NULL CHECK (length(k) = 16),
	-- OP as provisioned; NULL when OPc was provisioned directly
	op BLOB CHECK (op IS NULL OR length(op) = 16),
	-- OPc as provisioned, or derived once from OP (TS 35.206 4.1) and cached
	opc BLOB NOT NULL CHECK (length(opc) = 16),
	amf BLOB NOT NULL DEFAULT x'8000' CHECK (length(amf) = 2),
	-- SQN_HE, 48 bits (TS 33.102 Annex C): the last SQN handed out
	sqn INTEGER NOT NULL DEFAULT 0 CHECK (sqn >= 0 AND sqn <= 281474976710655),
	res_len INTEGER NOT NULL DEFAULT 8 CHECK (res_len BETWEEN 4 AND 16),
	-- SIP digest password (TS 29.229 SIP Digest); NULL = none
	password TEXT,
	-- scheme used when the S-CSCF asks for "Unknown"
	auth_scheme TEXT NOT NULL DEFAULT 'Digest-AKAv1-MD5'
);

CREATE TABLE impu (
	id INTEGER PRIMARY KEY,
	subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
	uri TEXT NOT NULL UNIQUE,
	barred INTEGER NOT NULL DEFAULT 0 CHECK (barred IN (0, 1)),
	-- implicit registration set (TS 29.228 6.5): IMPUs of one subscriber
	-- with the same irs are registered together
	irs INTEGER NOT NULL DEFAULT 1,
	-- <InitialFilterCriteria> elements put verbatim into the ServiceProfile
	ifc_xml TEXT
);
CREATE INDEX impu_by_subscriber ON impu(subscriber_id);

-- TS 29.228 registration state per IMPU; no row = NOT_REGISTERED, no name
CREATE TABLE registration (
	impu_id INTEGER PRIMARY KEY REFERENCES impu(id) ON DELETE CASCADE,
	state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)), -- not/registered/unregistered
	scscf_name TEXT,
	updated INTEGER NOT NULL
);

-- @version 2: Origin-Host/Realm of the serving S-CSCF, RTR queue
ALTER TABLE registration ADD COLUMN scscf_host TEXT;
ALTER TABLE registration ADD COLUMN scscf_realm TEXT;

-- HSS-initiated de-registrations queued by `hss-ctl rtr`, sent by hssd
-- (cx_tick) and closed by the RTA (cx_on_answer).
CREATE TABLE rtr_queue (
	id INTEGER PRIMARY KEY,
	impi TEXT NOT NULL,
	impu TEXT,                           -- NULL: every IMPU of the IMPI
	reason_code INTEGER NOT NULL DEFAULT 0,  -- TS 29.229 6.3.17
	reason_info TEXT,
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	peer TEXT,                           -- Origin-Host it was sent to
	hbh INTEGER,
	e2e INTEGER,
	result INTEGER,                      -- Result-Code or Experimental-Result-Code
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
CREATE INDEX rtr_by_state ON rtr_queue(state);

-- @version 3: S6a (TS 29.272) EPS subscription data: APN profiles and
-- their assignment, per-subscriber EPS settings and serving MME, and the
-- queue of HSS-initiated S6a requests (CLR, IDR). Owned by hss/db_apn.c.

-- An APN profile (one APN-Configuration, TS 29.272 7.3.35): QoS per
-- TS 29.212 5.3.17 (QCI) and 5.3.32 (ARP), APN-AMBR in bit/s.
CREATE TABLE apn (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,           -- Service-Selection, e.g. internet, ims
	pdn_type INTEGER NOT NULL DEFAULT 0 CHECK (pdn_type BETWEEN 0 AND 3), -- v4/v6/v4v6/v4_OR_v6
	qci INTEGER NOT NULL DEFAULT 9 CHECK (qci BETWEEN 1 AND 254),
	arp_priority INTEGER NOT NULL DEFAULT 8 CHECK (arp_priority BETWEEN 1 AND 15),
	preempt_cap INTEGER NOT NULL DEFAULT 1 CHECK (preempt_cap IN (0, 1)),   -- 0 ENABLED, 1 DISABLED
	preempt_vuln INTEGER NOT NULL DEFAULT 0 CHECK (preempt_vuln IN (0, 1)), -- 0 ENABLED, 1 DISABLED
	ambr_ul INTEGER NOT NULL DEFAULT 50000000 CHECK (ambr_ul BETWEEN 0 AND 4294967295),
	ambr_dl INTEGER NOT NULL DEFAULT 100000000 CHECK (ambr_dl BETWEEN 0 AND 4294967295)
);

-- A subscriber's APNs: Context-Identifier unique per subscriber, at most
-- one default (APN-Configuration-Profile's Context-Identifier).
CREATE TABLE subscriber_apn (
	subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,
	apn_id INTEGER NOT NULL REFERENCES apn(id),
	context_id INTEGER NOT NULL CHECK (context_id BETWEEN 1 AND 4294967295),
	is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
	static_ip TEXT,                      -- Served-Party-IP-Address; NULL = dynamic
	PRIMARY KEY (subscriber_id, apn_id),
	UNIQUE (subscriber_id, context_id)
);

-- Per-subscriber EPS settings and S6a location state; no row = defaults.
CREATE TABLE eps_subscription (
	subscriber_id INTEGER PRIMARY KEY REFERENCES subscriber(id) ON DELETE CASCADE,
	msisdn TEXT CHECK (msisdn IS NULL OR (length(msisdn) BETWEEN 1 AND 15 AND msisdn NOT GLOB '*[^0-9]*')),
	ambr_ul INTEGER NOT NULL DEFAULT 50000000 CHECK (ambr_ul BETWEEN 0 AND 4294967295),
	ambr_dl INTEGER NOT NULL DEFAULT 100000000 CHECK (ambr_dl BETWEEN 0 AND 4294967295),
	access_restriction INTEGER NOT NULL DEFAULT 0 CHECK (access_restriction BETWEEN 0 AND 4294967295),
	network_access_mode INTEGER NOT NULL DEFAULT 2 CHECK (network_access_mode IN (0, 2)),
	subscriber_status INTEGER NOT NULL DEFAULT 0 CHECK (subscriber_status IN (0, 1)),
	mme_host TEXT,                       -- Origin-Host of the serving MME (ULR)
	mme_realm TEXT,
	purged INTEGER NOT NULL DEFAULT 0 CHECK (purged IN (0, 1)), -- "UE purged in MME" (PUR)
	updated INTEGER NOT NULL DEFAULT 0
);

-- HSS-initiated S6a requests: CLR (a ULR from a new MME) and IDR (hss-ctl
-- changed the APN profile), sent by hssd (s6a_tick), closed by the answer.
CREATE TABLE s6a_queue (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('CLR', 'IDR')),
	imsi TEXT NOT NULL,
	host TEXT,                           -- Destination-Host (the MME); NULL: serving MME at send time
	realm TEXT,
	cancel_type INTEGER NOT NULL DEFAULT 0, -- CLR Cancellation-Type
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	hbh INTEGER,
	e2e INTEGER,
	result INTEGER,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
CREATE INDEX s6a_queue_by_state ON s6a_queue(state);

-- @version 4: one queue for every HSS-initiated request (RTR, PPR, CLR,
-- IDR; hss/out_queue.c sends, retries, matches answers, drops) in place
-- of rtr_queue and s6a_queue, whose rows it takes over; the charging
-- information of a subscriber (TS 29.229 6.3.19), sent in SAA and PPR.
CREATE TABLE out_queue (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('RTR', 'PPR', 'CLR', 'IDR')),
	user_name TEXT NOT NULL,             -- User-Name: IMPI (Cx) or IMSI (S6a)
	impu TEXT,                           -- RTR: the one Public-Identity; NULL: all
	host TEXT,                           -- Destination-Host; NULL: resolved when sent
	realm TEXT,
	code INTEGER NOT NULL DEFAULT 0,     -- RTR Reason-Code, CLR Cancellation-Type, PPR parts
	info TEXT,                           -- RTR Reason-Info
	state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'done', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0, -- ticks spent on it (peer not connected, sent)
	sends INTEGER NOT NULL DEFAULT 0,    -- times it left
	hbh INTEGER,
	e2e INTEGER,
	result INTEGER,                      -- Result-Code or Experimental-Result-Code
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
CREATE INDEX out_queue_by_state ON out_queue(state);
CREATE INDEX out_queue_by_ids ON out_queue(hbh, e2e);
INSERT INTO out_queue (kind, user_name, impu, host, code, info, state, attempts, sends, hbh,
		       e2e, result, created, updated)
	SELECT 'RTR', impi, impu, peer, reason_code, reason_info, state, attempts,
	       CASE WHEN hbh IS NULL THEN 0 ELSE 1 END, hbh, e2e, result, created, updated
	FROM rtr_queue ORDER BY id;
INSERT INTO out_queue (kind, user_name, host, realm, code, state, attempts, sends, hbh, e2e,
		       result, created, updated)
	SELECT kind, imsi, host, realm, cancel_type, state, attempts,
	       CASE WHEN hbh IS NULL THEN 0 ELSE 1 END, hbh, e2e, result, created, updated
	FROM s6a_queue ORDER BY id;
DROP TABLE rtr_queue;
DROP TABLE s6a_queue;

-- TS 29.229 6.3.19: Charging-Information; no row = none provisioned.
CREATE TABLE charging_info (
	subscriber_id INTEGER PRIMARY KEY REFERENCES subscriber(id) ON DELETE CASCADE,
	ecf_primary TEXT,                    -- Primary-Event-Charging-Function-Name
	ecf_secondary TEXT,
	ccf_primary TEXT,                    -- Primary-Charging-Collection-Function-Name
	ccf_secondary TEXT
);

-- @version 5: Diameter fault rules (hss-ctl fault, hss/diam_fault.c): none unless
-- someone adds one; hssd --no-faults ignores them. hssd reads the rules again
-- when fault_version changes (every hss-ctl fault command bumps it).
CREATE TABLE fault_rule (
	id INTEGER PRIMARY KEY,
	command TEXT NOT NULL,               -- MAR, SAR, UAR, LIR, AIR, ULR, PUR or any
	user_glob TEXT,                      -- fnmatch(3) glob on User-Name/Public-Identity; NULL: any
	every INTEGER NOT NULL DEFAULT 0,    -- fire on every Nth match; 0: every match
	probability_ppm INTEGER NOT NULL DEFAULT 0, -- random, parts per million; 0: not random
	max_count INTEGER NOT NULL DEFAULT 0, -- fire at most this often; 0: no limit
	action TEXT NOT NULL,                -- drop, delay:MS, result:CODE, omit:AVP, bad-length:AVP, close, dpr
	fired INTEGER NOT NULL DEFAULT 0,    -- written back by hssd
	created INTEGER NOT NULL
);
CREATE TABLE fault_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO fault_version (id, version) VALUES (1, 0);

-- @version 6: TUAK subscribers (TS 35.231): algo 'tuak' with a K of 16 or
-- 32 octets, TOP/TOPc of 32 (in op/opc), RES of 4, 8, 16 or 32 octets and
-- the lengths and Keccak iterations an operator fixes per card (§5.1).
-- SQLite cannot change a CHECK in place, so subscriber is rebuilt the way
-- its ALTER TABLE page prescribes: new table, rows copied with their ids,
-- old table dropped, new one renamed. Upgrade steps run with foreign keys
-- off (db_sqlite.c), so the DROP does not cascade into impu,
-- eps_subscription, subscriber_apn and charging_info, which keep pointing
-- at the same ids; keys are checked again when the upgrade is done.
CREATE TABLE subscriber_v6 (
	id INTEGER PRIMARY KEY,
	imsi TEXT NOT NULL UNIQUE,
	impi TEXT NOT NULL UNIQUE,
	algo TEXT NOT NULL DEFAULT 'milenage' CHECK (algo IN ('milenage', 'xor', 'tuak')),
	-- K: 16 octets; TUAK 16 or 32 (a 256-bit K)
	k BLOB NOT NULL CHECK (length(k) = 16 OR (algo = 'tuak' AND length(k) = 32)),
	-- OP (MILENAGE, 16 octets) or TOP (TUAK, 32) as provisioned; NULL when
	-- OPc/TOPc was provisioned directly
	op BLOB CHECK (op IS NULL OR length(op) = CASE algo WHEN 'tuak' THEN 32 ELSE 16 END),
	-- OPc/TOPc as provisioned, or derived once from OP/TOP (TS 35.206 4.1,
	-- TS 35.231 6.1) and cached
	opc BLOB NOT NULL CHECK (length(opc) = CASE algo WHEN 'tuak' THEN 32 ELSE 16 END),
	amf BLOB NOT NULL DEFAULT x'8000' CHECK (length(amf) = 2),
	-- SQN_HE, 48 bits (TS 33.102 Annex C): the last SQN handed out
	sqn INTEGER NOT NULL DEFAULT 0 CHECK (sqn >= 0 AND sqn <= 281474976710655),
	-- RES/XRES octets: MILENAGE 8, XOR 4..16, TUAK 4, 8, 16 or 32
	res_len INTEGER NOT NULL DEFAULT 8 CHECK (res_len BETWEEN 4 AND 16 OR
						 (algo = 'tuak' AND res_len = 32)),
	-- SIP digest password (TS 29.229 SIP Digest); NULL = none
	password TEXT,
	-- scheme used when the S-CSCF asks for "Unknown"
	auth_scheme TEXT NOT NULL DEFAULT 'Digest-AKAv1-MD5',
	-- TUAK only (the others ignore them): MAC-A/MAC-S, CK and IK octets and
	-- Keccak iterations
	mac_len INTEGER NOT NULL DEFAULT 8 CHECK (mac_len IN (8, 16, 32)),
	ck_len INTEGER NOT NULL DEFAULT 16 CHECK (ck_len IN (16, 32)),
	ik_len INTEGER NOT NULL DEFAULT 16 CHECK (ik_len IN (16, 32)),
	iterations INTEGER NOT NULL DEFAULT 1 CHECK (iterations BETWEEN 1 AND 65535)
);
INSERT INTO subscriber_v6 (id, imsi, impi, algo, k, op, opc, amf, sqn, res_len, password,
			   auth_scheme)
	SELECT id, imsi, impi, algo, k, op, opc, amf, sqn, res_len, password, auth_scheme
	FROM subscriber ORDER BY id;
DROP TABLE subscriber;
ALTER TABLE subscriber_v6 RENAME TO subscriber;
-- Every reference still resolves (the step fails and rolls back if not).
CREATE TEMP TABLE upgrade_v6_keys (violations INTEGER CHECK (violations = 0));
INSERT INTO upgrade_v6_keys SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE upgrade_v6_keys;

-- @version 7: fault rule ids are never reused (AUTOINCREMENT): hssd keeps a
-- rule's counters by id, and a rule added after `fault clear` must not
-- inherit the spent count of the old rule that had its id.
CREATE TABLE fault_rule_v7 (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	command TEXT NOT NULL,
	user_glob TEXT,
	every INTEGER NOT NULL DEFAULT 0,
	probability_ppm INTEGER NOT NULL DEFAULT 0,
	max_count INTEGER NOT NULL DEFAULT 0,
	action TEXT NOT NULL,
	fired INTEGER NOT NULL DEFAULT 0,
	created INTEGER NOT NULL
);
INSERT INTO fault_rule_v7 (id, command, user_glob, every, probability_ppm, max_count, action,
			   fired, created)
	SELECT id, command, user_glob, every, probability_ppm, max_count, action, fired, created
	FROM fault_rule;
DROP TABLE fault_rule;
ALTER TABLE fault_rule_v7 RENAME TO fault_rule;

-- @version 8: registration.state's CHECK without an IN list. SQLite codes
-- `x IN (...)` of three or more constants as an ephemeral B-tree that it
-- builds and drops on every INSERT or UPDATE of the column — a temporary
-- database with its own page cache for each SAR (bench/README.md, load:
-- two brk calls per registration, most of hssd's CPU in that flow). The
-- same rule as comparisons; the table is rebuilt as step 6 rebuilt
-- subscriber (foreign keys off during upgrades; nothing references it).
CREATE TABLE registration_v8 (
	impu_id INTEGER PRIMARY KEY REFERENCES impu(id) ON DELETE CASCADE,
	state INTEGER NOT NULL DEFAULT 0 CHECK (state = 0 OR state = 1 OR state = 2),
	scscf_name TEXT,
	updated INTEGER NOT NULL,
	scscf_host TEXT,
	scscf_realm TEXT
);
INSERT INTO registration_v8 (impu_id, state, scscf_name, updated, scscf_host, scscf_realm)
	SELECT impu_id, state, scscf_name, updated, scscf_host, scscf_realm
	FROM registration ORDER BY impu_id;
DROP TABLE registration;
ALTER TABLE registration_v8 RENAME TO registration;

-- @version 9: the SQN in a narrow table of its own. Every vector's SQN
-- compare-and-swap rewrote the whole subscriber row (keys, identities,
-- password: 16 columns) and its page; now it rewrites a row of two
-- integers, and a turn's SQN writes share fewer pages (bench/README.md,
-- issue 14 item 3: 23.1 k -> 18.8 k instructions per MAR at 1 k
-- subscribers). One row per subscriber, written with it (db_sub_add) and
-- deleted with it (ON DELETE CASCADE); subscriber.sqn is dropped.
CREATE TABLE subscriber_sqn (
	subscriber_id INTEGER PRIMARY KEY REFERENCES subscriber(id) ON DELETE CASCADE,
	-- SQN_HE, 48 bits (TS 33.102 Annex C): the last SQN handed out
	sqn INTEGER NOT NULL DEFAULT 0 CHECK (sqn >= 0 AND sqn <= 281474976710655)
);
INSERT INTO subscriber_sqn (subscriber_id, sqn) SELECT id, sqn FROM subscriber ORDER BY id;
ALTER TABLE subscriber DROP COLUMN sqn;
