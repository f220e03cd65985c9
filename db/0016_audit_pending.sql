-- Version 16: a station rebuilt from the county takes its audit history back first (sync.audit_feed).
-- Until that history is in place, at the head of the chain with its original hashes, the entries the
-- new PC writes (its head account, its recovery code) wait here in order; they join the chain after
-- the restored history, so the county's copy and the new PC's log stay one chain.
CREATE TABLE audit_pending (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT NOT NULL,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT,
    record_id TEXT,
    change_id TEXT,
    changes TEXT
);
