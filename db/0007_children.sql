-- Version 7: left-behind children and children in difficulty. The archive records the services a
-- child receives and the day a child left the roll; the entrustment agreement names its parties
-- fully enough to print for signature; a child visit records what was checked, the problems found
-- and the actions taken; the protection chain keeps each step of a case (who, when) append-only,
-- and the case carries when its next step falls due so the due list finds late ones by index.
ALTER TABLE child_profile ADD COLUMN services TEXT;
ALTER TABLE child_profile ADD COLUMN exited_on TEXT;
ALTER TABLE agreement ADD COLUMN guardian_relation TEXT;
ALTER TABLE agreement ADD COLUMN guardian_phone TEXT;
ALTER TABLE agreement ADD COLUMN caregiver_relation TEXT;
ALTER TABLE agreement ADD COLUMN caregiver_id_number TEXT;
ALTER TABLE agreement ADD COLUMN caregiver_phone TEXT;
ALTER TABLE agreement ADD COLUMN caregiver_address TEXT;
ALTER TABLE visit ADD COLUMN checks TEXT;
ALTER TABLE visit ADD COLUMN problems TEXT;
ALTER TABLE visit ADD COLUMN actions TEXT;
ALTER TABLE child_report ADD COLUMN reporter TEXT;
ALTER TABLE child_report ADD COLUMN stage_at TEXT;
ALTER TABLE child_report ADD COLUMN step_due TEXT;
CREATE INDEX child_report_open ON child_report(step_due) WHERE deleted = 0 AND stage != 'closed';
-- The children's and the elderly lists join each record to its person for the village filter
-- and the name order: read from this index alone, a list of 13,000 children at 100,000 people
-- takes half the time it takes from the person rows (measured: ~150 → ~70 ms).
CREATE INDEX person_list ON person(id, deleted, sort_name, village_id);

CREATE TABLE child_report_step (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    child_report_id TEXT NOT NULL REFERENCES child_report(id) DEFERRABLE INITIALLY DEFERRED,
    step TEXT NOT NULL, done_at TEXT NOT NULL, actor_name TEXT NOT NULL, note TEXT, due_at TEXT
);
CREATE INDEX child_report_step_case ON child_report_step(child_report_id, created_at);
CREATE TRIGGER child_report_step_no_update BEFORE UPDATE ON child_report_step
BEGIN SELECT RAISE(ABORT, 'protection steps are append-only'); END;
CREATE TRIGGER child_report_step_no_delete BEFORE DELETE ON child_report_step
BEGIN SELECT RAISE(ABORT, 'protection steps are append-only'); END;
