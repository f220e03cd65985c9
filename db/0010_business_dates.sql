-- Version 10: business dates and submitted monthly reports.
--
-- A place on a roll runs from the day the work says a person entered it to the day they left it
-- (纳入日期 / 退出日期), a relief case keeps the day it was approved beside the days it was applied
-- for, advanced and paid: the figures count by these days, never by when a row was typed in.
ALTER TABLE child_profile ADD COLUMN entered_on TEXT;
ALTER TABLE elder_profile ADD COLUMN entered_on TEXT;
ALTER TABLE elder_profile ADD COLUMN exited_on TEXT;
ALTER TABLE relief_case ADD COLUMN approved_on TEXT;

-- Existing records get their days from what they hold. A departure without its day left on the
-- day the audit log saw the status become 'exited' (else the row's last change).
UPDATE child_profile SET exited_on = COALESCE(
    (SELECT date(MAX(a.at), 'localtime') FROM audit_log a WHERE a.entity = 'child_profile'
        AND a.record_id = child_profile.id AND json_extract(a.changes, '$.status[1]') = 'exited'),
    date(updated_at, 'localtime'))
WHERE status = 'exited' AND exited_on IS NULL;
UPDATE elder_profile SET exited_on = COALESCE(
    (SELECT date(MAX(a.at), 'localtime') FROM audit_log a WHERE a.entity = 'elder_profile'
        AND a.record_id = elder_profile.id AND json_extract(a.changes, '$.status[1]') = 'exited'),
    date(updated_at, 'localtime'))
WHERE status = 'exited';
-- Entered on the earliest of: the day the archive was made, the child's first visit, the first
-- signed agreement; never after the day they left.
UPDATE child_profile SET entered_on = MIN(
    date(created_at, 'localtime'),
    COALESCE((SELECT MIN(v.visit_date) FROM visit v WHERE v.person_id = child_profile.person_id
              AND v.program = 'child' AND v.deleted = 0), '9999-12-31'),
    COALESCE((SELECT MIN(a.signed_date) FROM agreement a WHERE a.child_profile_id = child_profile.id
              AND a.deleted = 0), '9999-12-31'),
    COALESCE(exited_on, '9999-12-31'));
UPDATE elder_profile SET entered_on = MIN(
    date(created_at, 'localtime'),
    COALESCE((SELECT MIN(v.visit_date) FROM visit v WHERE v.person_id = elder_profile.person_id
              AND v.program = 'elder' AND v.deleted = 0), '9999-12-31'),
    COALESCE(exited_on, '9999-12-31'));
UPDATE relief_case SET approved_on = (
    SELECT MAX(s.decided_on) FROM relief_step s WHERE s.relief_case_id = relief_case.id AND s.deleted = 0
        AND s.action IN ('approve', 'county_approve'));

-- A month's figures read the records as they were at its end: later changes of what a figure
-- groups by (a category, a risk level) are undone from the audit log, which this index finds.
CREATE INDEX audit_log_updates ON audit_log(entity, at) WHERE action IN ('update', 'sync_update');
-- A month's visits of one program, read as a range from the index alone (with what tells whether
-- a visit was deleted by the month's end).
CREATE INDEX visit_program_date ON visit(program, visit_date, person_id, id, deleted, updated_at);

-- Submitted monthly reports (core.report_versions): a version's figures, then each figure's records.
CREATE TABLE report_version (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    month TEXT NOT NULL, version INTEGER NOT NULL, figures TEXT NOT NULL, reason TEXT,
    submitted_by TEXT NOT NULL, submitted_at TEXT NOT NULL, digest TEXT NOT NULL
);
CREATE UNIQUE INDEX report_version_month ON report_version(month, version) WHERE deleted = 0;
CREATE TRIGGER report_version_no_update BEFORE UPDATE ON report_version
BEGIN SELECT RAISE(ABORT, 'submitted reports are append-only'); END;
CREATE TRIGGER report_version_no_delete BEFORE DELETE ON report_version
BEGIN SELECT RAISE(ABORT, 'submitted reports are append-only'); END;

CREATE TABLE report_figure (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    report_version_id TEXT NOT NULL REFERENCES report_version(id) DEFERRABLE INITIALLY DEFERRED,
    key TEXT NOT NULL, entity TEXT NOT NULL, ids TEXT
);
CREATE INDEX report_figure_version ON report_figure(report_version_id);
CREATE TRIGGER report_figure_no_update BEFORE UPDATE ON report_figure
BEGIN SELECT RAISE(ABORT, 'submitted reports are append-only'); END;
CREATE TRIGGER report_figure_no_delete BEFORE DELETE ON report_figure
BEGIN SELECT RAISE(ABORT, 'submitted reports are append-only'); END;
