-- Version 18: narrower indexes for what the figures read, so a month's figures and the elderly
-- rounds' figures at 100,000 people read a few megabytes instead of most of the elders' visits and
-- of the audit log: each page read from the encrypted file is decrypted and checked, and a read
-- larger than the page cache evicts what the next figure needs (bench/RESULTS.md).
-- (IF [NOT] EXISTS: a test re-runs the migrations after 17 on a database that has them.)
--
-- Each elder's latest visit and what it found, for the open follow-ups (store.elder_rounds): only
-- the elders' living visits and only what the follow-up asks (the rowid finds the few open ones),
-- about half as wide as visit_last, which it replaces (visit_latest serves the look-ups by person
-- and program the other lists make).
DROP INDEX IF EXISTS visit_last;
CREATE INDEX IF NOT EXISTS visit_elder_last ON visit(person_id, visit_date, created_at, seen_in_person, hazards)
    WHERE deleted = 0 AND program = 'elder';
-- Who is on a roll as of a day (store.figures.on_roll) with what the figures group them by, in id
-- order, from a dense index instead of the wide profiles; the elders' status too, for the open
-- follow-ups' list of elders on the rounds.
CREATE INDEX IF NOT EXISTS child_profile_roll
    ON child_profile(id, person_id, category, sub_type, entered_on, exited_on, deleted, updated_at);
CREATE INDEX IF NOT EXISTS elder_profile_roll
    ON elder_profile(id, person_id, categories, risk_level, benefits, entered_on, exited_on, deleted, updated_at, status);
-- Updates that changed a date that was set (an old value shaped like an ISO date), the only ones
-- store.figures.corrections reads: a station's other updates (statuses, amounts) are most of the
-- log after a month, and each would be read from the table to look at its changes.
CREATE INDEX IF NOT EXISTS audit_log_date_changes ON audit_log(entity, at)
    WHERE action IN ('update', 'sync_update') AND changes LIKE '%":["____-__-__"%';
