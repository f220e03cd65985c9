-- Version 1: the county server as first built (an unversioned CREATE … IF NOT EXISTS block until
-- numbered migrations came; a database made by that block is recognised as this version).
-- {serial} and {collate_c} are filled in per database (SQLite or PostgreSQL) by the migration runner.
CREATE TABLE stations (
    name TEXT PRIMARY KEY, code_hash TEXT NOT NULL, created_at TEXT NOT NULL,
    station_id TEXT UNIQUE, sign_public TEXT, box_public TEXT, escrow TEXT, enrolled_at TEXT, revoked_at TEXT,
    high_water INTEGER NOT NULL DEFAULT 0, last_bundle INTEGER NOT NULL DEFAULT 0,
    return_number INTEGER NOT NULL DEFAULT 0, last_seen_at TEXT
);
CREATE TABLE changes (
    change_id TEXT PRIMARY KEY, station_id TEXT NOT NULL, seq INTEGER NOT NULL, entity TEXT NOT NULL,
    record_id TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, received_at TEXT NOT NULL
);
CREATE TABLE records (
    entity TEXT NOT NULL, record_id TEXT NOT NULL, owner TEXT NOT NULL, rev INTEGER NOT NULL,
    deleted INTEGER NOT NULL, payload TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (entity, record_id)
);
CREATE INDEX record_owner ON records(owner, entity);
CREATE INDEX record_id ON records(record_id);
CREATE TABLE conflicts (
    id {serial}, station_id TEXT NOT NULL, change_id TEXT NOT NULL, entity TEXT NOT NULL,
    record_id TEXT NOT NULL, base_rev INTEGER NOT NULL, server_rev INTEGER NOT NULL, payload TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE feed (
    seq {serial}, station_id TEXT, body TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX feed_station ON feed(station_id, seq);
CREATE TABLE decisions (
    case_id TEXT PRIMARY KEY, station_id TEXT NOT NULL, approved INTEGER NOT NULL, amount INTEGER,
    reason TEXT, decided_by TEXT NOT NULL, decided_on TEXT NOT NULL, feed_seq INTEGER NOT NULL
);
