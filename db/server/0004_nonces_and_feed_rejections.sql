-- Version 4: what the hardened sync edge keeps. Each signed request's nonce until its freshness
-- window has passed (a replay is refused, whichever worker process it reaches), and the county
-- updates a station set aside with its reason (reported with its next pull).
-- IF NOT EXISTS: a database made between the two changes by the unversioned block already has them.
CREATE TABLE IF NOT EXISTS nonces (
    station_id TEXT NOT NULL, nonce TEXT NOT NULL, sent_at TEXT NOT NULL, PRIMARY KEY (station_id, nonce)
);
CREATE TABLE IF NOT EXISTS feed_rejections (
    station_id TEXT NOT NULL, feed_seq INTEGER NOT NULL, reason TEXT NOT NULL, reported_at TEXT NOT NULL,
    PRIMARY KEY (station_id, feed_seq)
);
