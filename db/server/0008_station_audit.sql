-- Version 8: each station's audit log, as it synced it (issue 20). Entries keep the station's seq
-- and both hashes verbatim, so the county can check that every run it receives continues the chain
-- it holds, a rebuilt station can take its history back unchanged, and the console can show it.
-- A run that does not continue the chain (an entry edited, removed or rewound) is refused and kept
-- here with its reason, for the station's page.
CREATE TABLE station_audit (
    station_id TEXT NOT NULL, seq BIGINT NOT NULL, at TEXT NOT NULL, user_id TEXT NOT NULL,
    username TEXT NOT NULL, action TEXT NOT NULL, entity TEXT, record_id TEXT, change_id TEXT, changes TEXT,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL, received_at TEXT NOT NULL, via TEXT NOT NULL,
    PRIMARY KEY (station_id, seq)
);
-- The console filters a station's history by person and by day.
CREATE INDEX station_audit_person ON station_audit(station_id, username, at);
CREATE INDEX station_audit_at ON station_audit(station_id, at);
CREATE TABLE station_audit_refusals (
    id {serial}, station_id TEXT NOT NULL, received_at TEXT NOT NULL, via TEXT NOT NULL, reason TEXT NOT NULL
);
CREATE INDEX station_audit_refusal_station ON station_audit_refusals(station_id);
