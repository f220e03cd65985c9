-- Version 14: someone on a visiting program who was never visited is due since the day they
-- entered it (纳入日期), as the work recorded it, not since the row was typed in: a child entered
-- last spring and typed in today is long overdue. The write path keeps this from now on
-- (core.visit_due); this moves the due-index rows already there, taking the record's day only
-- where it has no 纳入日期.
UPDATE due_index SET due = (
    SELECT MIN(COALESCE(r.entered_on, substr(r.created_at, 1, 10))) FROM child_profile r
    WHERE r.person_id = due_index.person_id AND r.deleted = 0 AND r.status = 'active')
WHERE kind = 'child' AND record_id = '' AND NOT EXISTS (
    SELECT 1 FROM visit v WHERE v.person_id = due_index.person_id AND v.program = 'child' AND v.deleted = 0);
UPDATE due_index SET due = (
    SELECT MIN(COALESCE(r.entered_on, substr(r.created_at, 1, 10))) FROM elder_profile r
    WHERE r.person_id = due_index.person_id AND r.deleted = 0 AND r.status = 'active')
WHERE kind = 'elder' AND record_id = '' AND NOT EXISTS (
    SELECT 1 FROM visit v WHERE v.person_id = due_index.person_id AND v.program = 'elder' AND v.deleted = 0);
