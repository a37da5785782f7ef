-- The HSS store schema (hss/db.c). One upgrade step per schema version:
-- a fresh database runs every step in order, an old one runs the steps
-- above its PRAGMA user_version. Each step runs in one transaction that
-- also sets user_version, so an interrupted upgrade leaves the old
-- version intact. Never edit a released step: append a new one.
-- Embedded into hss/schema_sql.c by hss/gen_schema_sql.sh
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

-- (S6a will add its APN/subscription-data tables as version 3.)
