-- Version 17: the business dates migration 10 filled in from what the records held (纳入日期,
-- 退出日期, the day a relief case was approved) were written beside the write path, so no change
-- went into the outbox and the county's copies still lack them. This marks each record whose dates
-- the county has not been sent: it is in the outbox (the station's own, sent or waiting), and the
-- latest change there carries other dates than the record now holds. The first log-in after the
-- upgrade sends each one once through the write path (store.resend) and clears its mark in the
-- same transaction: a SQL step could not write the outbox's payload or the audit entry the way the
-- write path does, and a person, not the upgrade, is named for the change.
CREATE TABLE resend_pending (
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (entity, record_id)
) WITHOUT ROWID;

INSERT INTO resend_pending (entity, record_id)
-- (One grouped pass over the outbox, then each latest change by its seq: the outbox of a station
-- holds millions of changes and has no index by record.)
WITH last AS MATERIALIZED (
    SELECT MAX(seq) AS seq FROM outbox
    WHERE entity IN ('child_profile', 'elder_profile', 'relief_case') AND op = 'upsert' GROUP BY entity, record_id
),
latest AS MATERIALIZED (SELECT o.entity, o.record_id, o.payload FROM last JOIN outbox o ON o.seq = last.seq)
SELECT 'child_profile', r.id FROM child_profile r JOIN latest l ON l.entity = 'child_profile' AND l.record_id = r.id
WHERE r.deleted = 0 AND (json_extract(l.payload, '$.entered_on') IS NOT r.entered_on
                         OR json_extract(l.payload, '$.exited_on') IS NOT r.exited_on)
UNION ALL
SELECT 'elder_profile', r.id FROM elder_profile r JOIN latest l ON l.entity = 'elder_profile' AND l.record_id = r.id
WHERE r.deleted = 0 AND (json_extract(l.payload, '$.entered_on') IS NOT r.entered_on
                         OR json_extract(l.payload, '$.exited_on') IS NOT r.exited_on)
UNION ALL
SELECT 'relief_case', r.id FROM relief_case r JOIN latest l ON l.entity = 'relief_case' AND l.record_id = r.id
WHERE r.deleted = 0 AND json_extract(l.payload, '$.approved_on') IS NOT r.approved_on;
