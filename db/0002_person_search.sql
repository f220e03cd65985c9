-- Version 2: search keys for people (name, given name, pinyin, ID number head and tail)
-- and a pinyin sort column.
-- One sorted index answers every search as a prefix range; see station_app/core/search.py.
-- The store fills this table for existing people right after this migration.

CREATE TABLE person_search (
    key TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (key, person_id)
) WITHOUT ROWID;
CREATE INDEX person_search_person ON person_search(person_id);

-- Lists sort people by the pinyin of their names, the order a Chinese reader expects.
ALTER TABLE person ADD COLUMN sort_name TEXT;
CREATE INDEX person_sort ON person(sort_name) WHERE deleted = 0;
