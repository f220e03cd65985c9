-- Version 2: the county console's people and what they did. Accounts with a role, their browser
-- sessions (kept here, not in a worker's memory, so any worker process serves any request) and
-- per-user API tokens for scripts; the audit log names the person behind every decision and every
-- sensitive view. Stations gain the last feed item sent to them and the feed cursor they last pulled
-- from, i.e. applied (so the console can tell whether a decision has reached the station), the app
-- version they run, how they last synced,
-- and a history of what happened to them (created, enrolled, revoked, bundles).
CREATE TABLE county_users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE county_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES county_users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX county_sessions_user ON county_sessions(user_id);
CREATE TABLE county_api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES county_users(id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE TABLE county_audit (
    id {serial},
    at TEXT NOT NULL,
    user_id TEXT,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    client TEXT
);
CREATE INDEX county_audit_at ON county_audit(at);
CREATE TABLE station_events (
    id {serial},
    station_name TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT,
    by_name TEXT
);
CREATE INDEX station_events_station ON station_events(station_name, id);
ALTER TABLE stations ADD COLUMN feed_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stations ADD COLUMN feed_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stations ADD COLUMN app_version TEXT;
ALTER TABLE stations ADD COLUMN last_via TEXT;
CREATE INDEX changes_received ON changes(received_at, station_id);
CREATE INDEX conflicts_station ON conflicts(station_id, id);
-- The county's return bundle for each station bundle imported in the console, kept so it can be
-- downloaded (again) from any worker (base64 text: one column type on both databases).
CREATE TABLE return_bundles (
    id {serial},
    station_name TEXT NOT NULL,
    number INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    file_name TEXT NOT NULL,
    data TEXT NOT NULL
);
