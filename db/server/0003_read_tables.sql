-- Version 3: read tables for the county console. One table per kind of record the console counts
-- or searches, holding the few fields it needs as columns (the full record stays in `records`),
-- written in the same transaction as each applied batch, bundle and county edit, so county-wide
-- figures and searches read indexed columns instead of scanning JSON payloads. The runner fills
-- them from the records already on the server (server.store.read_tables.rebuild).
CREATE TABLE read_village (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    code TEXT, name TEXT
);
CREATE TABLE read_household (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    village_id TEXT, head_name TEXT, address TEXT, phone TEXT
);
CREATE TABLE read_person (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    name TEXT, id_number TEXT {collate_c}, gender TEXT, birth_date TEXT, phone TEXT, village_id TEXT,
    household_id TEXT, address TEXT, sort_name TEXT {collate_c}
);
CREATE INDEX read_person_id_number ON read_person(id_number);
CREATE INDEX read_person_owner ON read_person(owner);
CREATE INDEX read_person_deleted ON read_person(id) WHERE deleted = 1;
-- Search keys (core.search): name, given name, pinyin and initials, ID-number tail; prefix ranges.
CREATE TABLE read_person_key (
    key TEXT {collate_c} NOT NULL, person_id TEXT NOT NULL, owner TEXT NOT NULL
);
CREATE INDEX read_person_key_key ON read_person_key(key);
CREATE INDEX read_person_key_person ON read_person_key(person_id);
CREATE TABLE read_child_profile (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    person_id TEXT, category TEXT, sub_type TEXT, status TEXT, risk_level TEXT
);
CREATE INDEX read_child_profile_owner ON read_child_profile(owner, status);
CREATE INDEX read_child_profile_person ON read_child_profile(person_id);
CREATE TABLE read_agreement (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    child_profile_id TEXT, signed_date TEXT, expiry_date TEXT
);
CREATE INDEX read_agreement_child ON read_agreement(child_profile_id);
CREATE TABLE read_child_report (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    person_id TEXT, urgency TEXT, stage TEXT, reported_at TEXT, step_due TEXT
);
CREATE INDEX read_child_report_owner ON read_child_report(owner, stage);
CREATE TABLE read_elder_profile (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    person_id TEXT, categories TEXT, risk_level TEXT, status TEXT
);
CREATE INDEX read_elder_profile_owner ON read_elder_profile(owner, status);
CREATE INDEX read_elder_profile_person ON read_elder_profile(person_id);
CREATE TABLE read_visit (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    program TEXT, person_id TEXT, visit_date TEXT, next_due TEXT
);
CREATE INDEX read_visit_person ON read_visit(person_id, program, visit_date);
-- A month's visits by program, counted from the index alone (figures read nothing else of them).
CREATE INDEX read_visit_date ON read_visit(visit_date, program, deleted, person_id, owner);
-- Each enrolled person's latest visit per program (what the due lists start from), kept with the visits.
CREATE TABLE read_visit_latest (
    person_id TEXT NOT NULL, program TEXT NOT NULL, owner TEXT NOT NULL, visit_id TEXT NOT NULL, next_due TEXT,
    PRIMARY KEY (person_id, program)
);
CREATE TABLE read_relief_case (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    person_id TEXT, household_id TEXT, case_type TEXT, tier BIGINT, household_size BIGINT, status TEXT,
    applied_on TEXT, amount_proposed BIGINT, amount_approved BIGINT, amount_paid BIGINT, paid_on TEXT,
    advance_amount BIGINT, advance_on TEXT, paperwork_due TEXT
);
CREATE INDEX read_relief_case_status ON read_relief_case(status);
CREATE INDEX read_relief_case_applied ON read_relief_case(applied_on);
CREATE INDEX read_relief_case_paid ON read_relief_case(paid_on);
CREATE INDEX read_relief_case_person ON read_relief_case(person_id);
CREATE TABLE read_relief_step (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    relief_case_id TEXT, action TEXT, decided_on TEXT
);
CREATE INDEX read_relief_step_case ON read_relief_step(relief_case_id);
CREATE TABLE read_reserve_fund_entry (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    kind TEXT, amount BIGINT, entry_date TEXT, relief_case_id TEXT
);
CREATE INDEX read_reserve_fund_entry_owner ON read_reserve_fund_entry(owner, entry_date);
