-- Version 6: rebuilding a station from the county (issue 20). The county issues a one-time
-- re-enrollment code for an enrolled station (rebuild_requested_at marks that code as a re-enrollment);
-- when a new PC enrolls with it, the station's keys are replaced and the old signing key is kept
-- here, so a push or a bundle the old PC signs is refused naming the rebuild, not as a forgery.
ALTER TABLE stations ADD COLUMN rebuild_requested_at TEXT;
CREATE TABLE station_rebuilds (
    id {serial}, station_id TEXT NOT NULL, old_sign_public TEXT NOT NULL, rebuilt_at TEXT NOT NULL,
    high_water INTEGER NOT NULL
);
CREATE INDEX station_rebuild_station ON station_rebuilds(station_id);
-- A rebuild reads a station's changes in seq order, each record at its first applied change.
CREATE INDEX change_station_seq ON changes(station_id, seq);
CREATE INDEX change_record ON changes(record_id);
