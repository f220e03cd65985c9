-- Version 5: what the county needs to read the stations' figures as they count them (issue 14).
-- The business dates the figures go by (a child's and an elder's days of entering and leaving the
-- roll, a relief case's day of approval) and each record's last change (a record deleted after a
-- month still counts for it: its tombstone's updated_at is when it was deleted). And the monthly
-- reports the stations submit: every version of a month (append-only at the station, each its own
-- record), and which figures each version lists records for (the ids stay in the record itself).
-- The runner fills every read table again from the records already on the server.
ALTER TABLE read_village ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_household ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_person ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_child_profile ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_agreement ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_child_report ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_elder_profile ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_visit ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_relief_case ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_relief_step ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_reserve_fund_entry ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE read_child_profile ADD COLUMN entered_on TEXT;
ALTER TABLE read_child_profile ADD COLUMN exited_on TEXT;
ALTER TABLE read_elder_profile ADD COLUMN entered_on TEXT;
ALTER TABLE read_elder_profile ADD COLUMN exited_on TEXT;
ALTER TABLE read_relief_case ADD COLUMN approved_on TEXT;
CREATE INDEX read_relief_case_approved ON read_relief_case(approved_on);
CREATE INDEX read_relief_case_advanced ON read_relief_case(advance_on);
CREATE TABLE read_report_version (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, month TEXT, version BIGINT, figures TEXT, reason TEXT, submitted_by TEXT,
    submitted_at TEXT, digest TEXT
);
CREATE INDEX read_report_version_month ON read_report_version(month, owner, version);
CREATE TABLE read_report_figure (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, report_version_id TEXT, key TEXT, entity TEXT
);
CREATE INDEX read_report_figure_version ON read_report_figure(report_version_id);
