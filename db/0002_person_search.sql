-- Version 2: search keys for people (name, given name, pinyin, ID number tail) and a pinyin
-- sort column. One sorted index answers each search as a prefix range (station_app/core/search.py);
-- the keys carry the sort name so results come out of the index without visiting each person.
-- The store fills this table for existing people right after this migration.

CREATE TABLE person_search (
    key TEXT NOT NULL,
    person_id TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    PRIMARY KEY (key, person_id)
) WITHOUT ROWID;

-- Lists sort people by the pinyin of their names, the order a Chinese reader expects; the index
-- covers the id too, so the whole ordered list is read from it alone.
ALTER TABLE person ADD COLUMN sort_name TEXT;
CREATE INDEX person_sort ON person(sort_name, id) WHERE deleted = 0;
