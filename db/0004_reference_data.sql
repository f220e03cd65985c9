-- Version 4: county reference data (visit frequencies, relief tiers, authority limits, time limits).
-- Each row is one version of one key, effective from a date; the county pushes new versions
-- through sync, so a rule changed later applies from its date and older work keeps its rule.
CREATE TABLE reference_value (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    key TEXT NOT NULL, value TEXT NOT NULL, effective_from TEXT NOT NULL, notes TEXT
);
CREATE INDEX reference_value_key ON reference_value(key, effective_from);
