-- Station schema, version 1: the station's records, users, outbox and audit log.
--
-- Every synced record carries the same system columns (id, station_id, rev, created_at,
-- updated_at, created_by, updated_by, deleted); deletes are tombstones (deleted = 1).
-- Foreign keys are deferred so a sync batch can arrive in any order inside one transaction.

CREATE TABLE station (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL, township TEXT NOT NULL, county TEXT NOT NULL, admin_code TEXT NOT NULL,
    phone TEXT, address TEXT
);

CREATE TABLE village (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    code TEXT NOT NULL, name TEXT NOT NULL
);
CREATE UNIQUE INDEX village_code ON village(code) WHERE deleted = 0;

CREATE TABLE household (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    village_id TEXT NOT NULL REFERENCES village(id) DEFERRABLE INITIALLY DEFERRED,
    head_name TEXT NOT NULL, address TEXT, phone TEXT, notes TEXT
);
CREATE INDEX household_village ON household(village_id);

CREATE TABLE person (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL, id_number TEXT, gender TEXT NOT NULL, birth_date TEXT NOT NULL,
    ethnicity TEXT, phone TEXT,
    village_id TEXT REFERENCES village(id) DEFERRABLE INITIALLY DEFERRED,
    household_id TEXT REFERENCES household(id) DEFERRABLE INITIALLY DEFERRED,
    relation_to_head TEXT, address TEXT, health TEXT, disability TEXT, notes TEXT
);
-- One living record per ID number: registering it again must find the existing person.
CREATE UNIQUE INDEX person_id_number ON person(id_number) WHERE deleted = 0 AND id_number IS NOT NULL;
CREATE INDEX person_household ON person(household_id);
CREATE INDEX person_village ON person(village_id);

CREATE TABLE child_profile (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    category TEXT NOT NULL, sub_type TEXT, school TEXT, grade TEXT, boarding INTEGER,
    parents_situation TEXT, father_whereabouts TEXT, father_phone TEXT, mother_whereabouts TEXT,
    mother_phone TEXT,
    guardian_person_id TEXT REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    guardian_name TEXT, guardian_relation TEXT, guardian_phone TEXT, guardian_ability TEXT,
    caregiver_person_id TEXT REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    caregiver_name TEXT, caregiver_relation TEXT, caregiver_phone TEXT,
    risk_level TEXT, risk_reason TEXT, status TEXT NOT NULL, exit_reason TEXT, notes TEXT
);
CREATE INDEX child_profile_person ON child_profile(person_id);

CREATE TABLE agreement (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    child_profile_id TEXT NOT NULL REFERENCES child_profile(id) DEFERRABLE INITIALLY DEFERRED,
    guardian_name TEXT NOT NULL, caregiver_name TEXT NOT NULL, signed_date TEXT, expiry_date TEXT,
    notes TEXT
);
CREATE INDEX agreement_child ON agreement(child_profile_id);

CREATE TABLE child_report (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    source TEXT NOT NULL, reported_at TEXT NOT NULL, urgency TEXT NOT NULL,
    description TEXT NOT NULL, stage TEXT NOT NULL, notes TEXT
);
CREATE INDEX child_report_person ON child_report(person_id);

CREATE TABLE elder_profile (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    categories TEXT NOT NULL, living_arrangement TEXT, ability_level TEXT, contacts TEXT,
    benefits TEXT, risk_level TEXT, risk_reason TEXT, status TEXT NOT NULL, notes TEXT
);
CREATE INDEX elder_profile_person ON elder_profile(person_id);

CREATE TABLE visit (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    program TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    visit_date TEXT NOT NULL, visitor TEXT NOT NULL, method TEXT NOT NULL,
    seen_in_person INTEGER, findings TEXT, risks TEXT, follow_up TEXT, next_due TEXT
);
CREATE INDEX visit_person ON visit(person_id, visit_date);

CREATE TABLE relief_case (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    household_id TEXT REFERENCES household(id) DEFERRABLE INITIALLY DEFERRED,
    case_type TEXT NOT NULL, tier INTEGER, household_size INTEGER, reason TEXT NOT NULL,
    amount_suggested INTEGER, amount_proposed INTEGER, amount_approved INTEGER,
    status TEXT NOT NULL, authority TEXT, is_advance INTEGER, applied_on TEXT NOT NULL, notes TEXT
);
CREATE INDEX relief_case_person ON relief_case(person_id);

-- The reserve fund is a ledger: entries are only ever added, and the balance never goes below 0.
CREATE TABLE reserve_fund_entry (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount > 0),
    relief_case_id TEXT REFERENCES relief_case(id) DEFERRABLE INITIALLY DEFERRED,
    reason TEXT NOT NULL, entry_date TEXT NOT NULL
);
CREATE TRIGGER reserve_fund_entry_no_update BEFORE UPDATE ON reserve_fund_entry
BEGIN SELECT RAISE(ABORT, 'reserve fund entries are append-only'); END;
CREATE TRIGGER reserve_fund_entry_no_delete BEFORE DELETE ON reserve_fund_entry
BEGIN SELECT RAISE(ABORT, 'reserve fund entries are append-only'); END;
CREATE TRIGGER reserve_fund_balance AFTER INSERT ON reserve_fund_entry
WHEN (SELECT SUM(CASE WHEN kind IN ('advance', 'adjust_out') THEN -amount ELSE amount END)
      FROM reserve_fund_entry) < 0
BEGIN SELECT RAISE(ABORT, 'reserve fund balance would be negative'); END;

-- Station users are local: their password hashes never leave this PC.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('head', 'worker', 'viewer')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Local changes waiting for the county server (see DESIGN.md, sync protocol).
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL UNIQUE,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    base_rev INTEGER NOT NULL,
    rev INTEGER NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    acked_at TEXT
);
CREATE INDEX outbox_pending ON outbox(seq) WHERE acked_at IS NULL;

-- Who changed what, hash-chained (see station_app/core/audit.py). Rows are never changed.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT,
    record_id TEXT,
    change_id TEXT,
    changes TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(entity, record_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

-- Station-wide settings that belong with the data (idle lock, lock-out policy), not with the PC.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
