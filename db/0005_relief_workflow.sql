-- Version 5: the temporary-relief workflow. A case carries where the emergency happened, the
-- worker's reason for proposing another amount than the suggested one, the advance paid from the
-- reserve fund and the date its paperwork is due, and what was finally paid. Every step of a case
-- (who did what, when, why, with which amount) is an append-only relief_step record, so the
-- history syncs and a county decision arrives as one more step plus an update of the case.
ALTER TABLE relief_case ADD COLUMN incident_place TEXT;
ALTER TABLE relief_case ADD COLUMN amount_reason TEXT;
ALTER TABLE relief_case ADD COLUMN advance_amount INTEGER;
ALTER TABLE relief_case ADD COLUMN advance_on TEXT;
ALTER TABLE relief_case ADD COLUMN paperwork_due TEXT;
ALTER TABLE relief_case ADD COLUMN amount_paid INTEGER;
ALTER TABLE relief_case ADD COLUMN paid_on TEXT;
ALTER TABLE relief_case ADD COLUMN repeat_warning TEXT;
CREATE INDEX relief_case_household ON relief_case(household_id);
CREATE INDEX relief_case_status ON relief_case(status, paperwork_due);

CREATE TABLE relief_step (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    relief_case_id TEXT NOT NULL REFERENCES relief_case(id) DEFERRABLE INITIALLY DEFERRED,
    action TEXT NOT NULL, from_status TEXT, to_status TEXT NOT NULL, reason TEXT,
    amount INTEGER CHECK (amount IS NULL OR amount >= 0),
    actor_name TEXT NOT NULL, level TEXT, decided_on TEXT NOT NULL
);
CREATE INDEX relief_step_case ON relief_step(relief_case_id, created_at);
CREATE TRIGGER relief_step_no_update BEFORE UPDATE ON relief_step
BEGIN SELECT RAISE(ABORT, 'relief steps are append-only'); END;
CREATE TRIGGER relief_step_no_delete BEFORE DELETE ON relief_step
BEGIN SELECT RAISE(ABORT, 'relief steps are append-only'); END;

CREATE INDEX reserve_fund_entry_date ON reserve_fund_entry(entry_date);
CREATE INDEX reserve_fund_entry_case ON reserve_fund_entry(relief_case_id);
