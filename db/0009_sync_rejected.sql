-- Version 9: what the station refused of the county's feed (an item that breaks the protocol's
-- schema, or that the store's rules would not write), with the reason: listed on the 同步 page for a
-- person, and reported to the server with the next pull (reported_at). The pull cursor moves past
-- them, so one bad item never stops the rest.
CREATE TABLE sync_rejected (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    entity TEXT,
    record_id TEXT,
    reason TEXT NOT NULL,
    item TEXT NOT NULL,
    received_at TEXT NOT NULL,
    reported_at TEXT
);
