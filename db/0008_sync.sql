-- Version 6: sync with the county server. The station's enrollment (its keys, the county's pinned
-- keys, the server address), the pull cursor and bundle numbers live in sync_state; every sync run is
-- a row of sync_history; a change kept both ways (local and county) waits in sync_conflict until a
-- person resolves it; the server's answer to each pushed change is kept on its outbox row.
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sync_conflict (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('record', 'decision')),
    mine TEXT,
    theirs TEXT,
    theirs_rev INTEGER,
    fields TEXT NOT NULL,
    message TEXT,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE UNIQUE INDEX sync_conflict_open ON sync_conflict(entity, record_id) WHERE resolved_at IS NULL;

CREATE TABLE sync_history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    applied INTEGER NOT NULL DEFAULT 0,
    duplicate INTEGER NOT NULL DEFAULT 0,
    conflict INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    received INTEGER NOT NULL DEFAULT 0,
    error TEXT
);

ALTER TABLE outbox ADD COLUMN ack_status TEXT;
ALTER TABLE outbox ADD COLUMN ack_reason TEXT;
