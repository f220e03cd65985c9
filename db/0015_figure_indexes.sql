-- Version 15: indexes the figures read alone, so the statistics page and a month's figures at
-- 100,000 people read dense index pages instead of the wide rows (each page read from the
-- encrypted file is decrypted and checked).
--
-- Each elder's (or child's) latest visit and what it found, for the open follow-ups: program
-- first, so one program's people lie together and ten thousand look-ups touch few pages.
CREATE INDEX visit_last ON visit(program, person_id, visit_date, created_at, next_due, seen_in_person, hazards, id)
    WHERE deleted = 0;
-- People by village and age band (the statistics page's first two charts); not led by `deleted`,
-- which would tempt the planner to walk all the people for any join that asks for living ones.
CREATE INDEX person_village_age ON person(village_id, birth_date, deleted);
