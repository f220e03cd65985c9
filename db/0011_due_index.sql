-- Version 11: the due index. One row per item of the due list the write path keeps (today: who
-- is next due a visit, per program), with its due date and a rank (higher risk first on the same
-- day), so the list's first screen is a range scan instead of finding every person's latest visit.
-- The write path keeps it from now on (core.visit_due); this fills it for what is already there.
CREATE TABLE due_index (
    kind TEXT NOT NULL,
    person_id TEXT NOT NULL,
    record_id TEXT NOT NULL DEFAULT '',
    due TEXT NOT NULL,
    rank INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, person_id, record_id)
) WITHOUT ROWID;
CREATE INDEX due_index_due ON due_index(due, rank DESC, kind);

INSERT INTO due_index (kind, person_id, record_id, due, rank)
WITH enrolled AS (
    SELECT person_id, 'child' AS program, MIN(substr(created_at, 1, 10)) AS since,
           MAX(CASE risk_level WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END) AS risk
    FROM child_profile WHERE deleted = 0 AND status = 'active' GROUP BY person_id
    UNION ALL
    SELECT person_id, 'elder', MIN(substr(created_at, 1, 10)),
           MAX(CASE risk_level WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END)
    FROM elder_profile WHERE deleted = 0 AND status = 'active' GROUP BY person_id
),
scheduled AS MATERIALIZED (
    SELECT e.person_id, e.program, e.risk, CASE WHEN EXISTS (
               SELECT 1 FROM visit v WHERE v.person_id = e.person_id AND v.program = e.program AND v.deleted = 0)
           THEN (SELECT v.next_due FROM visit v WHERE v.person_id = e.person_id AND v.program = e.program
                 AND v.deleted = 0 ORDER BY v.visit_date DESC, v.created_at DESC, v.rowid DESC LIMIT 1)
           ELSE e.since END AS due
    FROM enrolled e
)
SELECT program, person_id, '', due, risk FROM scheduled WHERE due IS NOT NULL;
