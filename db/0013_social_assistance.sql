-- Version 10: social assistance around a relief case.
--
-- A person carries their 户籍所在地 beside where they live. A relief case carries the county's form
-- number (division code + year + sequence), which standard it is reckoned from (urban or rural),
-- the household's yearly income (for 支出型) and the intake report it came from; its rigid expenses
-- (刚性支出) are records of their own. People and households carry their assistance statuses (低保,
-- 特困 … for a period, with the certificate), households their means checks (request and result),
-- and reports of people in difficulty (主动发现) are taken and triaged at one window.
ALTER TABLE person ADD COLUMN hukou_address TEXT;
ALTER TABLE relief_case ADD COLUMN case_no TEXT;
ALTER TABLE relief_case ADD COLUMN standard_area TEXT;
ALTER TABLE relief_case ADD COLUMN household_income INTEGER CHECK (household_income IS NULL OR household_income >= 0);

-- Cases registered before numbers existed get theirs in the order they were applied for, per year.
-- (The county learns a back-filled number with the case's next change.)
UPDATE relief_case SET case_no = (
    SELECT (SELECT admin_code FROM station LIMIT 1) || n.year || printf('%04d', n.seq)
    FROM (SELECT id, substr(applied_on, 1, 4) AS year,
                 ROW_NUMBER() OVER (PARTITION BY substr(applied_on, 1, 4) ORDER BY applied_on, created_at, id) AS seq
          FROM relief_case) n
    WHERE n.id = relief_case.id);
-- A number is given once: deleted cases keep theirs, so the index covers them too.
CREATE UNIQUE INDEX relief_case_no ON relief_case(case_no);

CREATE TABLE rigid_expense (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    relief_case_id TEXT NOT NULL REFERENCES relief_case(id) DEFERRABLE INITIALLY DEFERRED,
    category TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount >= 0), description TEXT NOT NULL,
    evidence TEXT, incurred_on TEXT
);
CREATE INDEX rigid_expense_case ON rigid_expense(relief_case_id);

CREATE TABLE assistance_status (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    person_id TEXT REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    household_id TEXT REFERENCES household(id) DEFERRABLE INITIALLY DEFERRED,
    kind TEXT NOT NULL, level TEXT, starts_on TEXT NOT NULL, ends_on TEXT, certificate_no TEXT, issued_by TEXT,
    notes TEXT
);
CREATE INDEX assistance_status_person ON assistance_status(person_id);
CREATE INDEX assistance_status_household ON assistance_status(household_id);
-- The due list's statuses running out, by end date.
CREATE INDEX assistance_status_ends ON assistance_status(ends_on) WHERE deleted = 0;

CREATE TABLE means_check (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    household_id TEXT NOT NULL REFERENCES household(id) DEFERRABLE INITIALLY DEFERRED,
    relief_case_id TEXT REFERENCES relief_case(id) DEFERRABLE INITIALLY DEFERRED,
    authorized_on TEXT, requested_on TEXT, requested_to TEXT, result_on TEXT, document_no TEXT,
    income INTEGER CHECK (income IS NULL OR income >= 0), assets INTEGER CHECK (assets IS NULL OR assets >= 0),
    verdict TEXT, notes TEXT
);
CREATE INDEX means_check_household ON means_check(household_id);
CREATE INDEX means_check_case ON means_check(relief_case_id);

CREATE TABLE intake_report (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL, channel TEXT NOT NULL, reporter TEXT, reporter_phone TEXT,
    subject_name TEXT NOT NULL,
    person_id TEXT REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    village_id TEXT REFERENCES village(id) DEFERRABLE INITIALLY DEFERRED,
    address TEXT, description TEXT NOT NULL, urgency TEXT NOT NULL, triage_due TEXT,
    triage TEXT, triaged_at TEXT, triaged_by TEXT, triage_note TEXT,
    relief_case_id TEXT REFERENCES relief_case(id) DEFERRABLE INITIALLY DEFERRED,
    child_report_id TEXT REFERENCES child_report(id) DEFERRABLE INITIALLY DEFERRED,
    visit_id TEXT REFERENCES visit(id) DEFERRABLE INITIALLY DEFERRED,
    transfer_to TEXT, transferred_on TEXT, receipt_on TEXT, receipt_note TEXT
);
CREATE INDEX intake_report_received ON intake_report(received_at);
-- The due list's untriaged reports, by deadline.
CREATE INDEX intake_report_untriaged ON intake_report(triage_due) WHERE deleted = 0 AND triage IS NULL;
CREATE INDEX intake_report_person ON intake_report(person_id);
ALTER TABLE relief_case ADD COLUMN intake_report_id TEXT REFERENCES intake_report(id) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX relief_case_intake ON relief_case(intake_report_id);
