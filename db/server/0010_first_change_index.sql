-- Version 10: a rebuild's pages read each of the station's records at its first change (a
-- correlated look-up per change). With only changes(record_id) and changes(station_id, seq) the
-- planner took the latter and read every earlier change of the station for each one, so a page
-- cost grew with its position: a 10,000-person station's later pages ran past the client's
-- timeout. Record, station and seq together answer the look-up from the index alone.
CREATE INDEX change_record_station_seq ON changes(record_id, station_id, seq);
DROP INDEX change_record;
