-- Version 5: elderly rounds. The elder profile records health and who supports the person; a visit
-- records what a round checks (living conditions, health, mental state, safety hazards, needs,
-- services, referral). The visit columns are program-neutral: the children's visits use them too.
ALTER TABLE elder_profile ADD COLUMN health_note TEXT;
ALTER TABLE elder_profile ADD COLUMN dependants TEXT;
ALTER TABLE visit ADD COLUMN living_conditions TEXT;
ALTER TABLE visit ADD COLUMN health_note TEXT;
ALTER TABLE visit ADD COLUMN mental_state TEXT;
ALTER TABLE visit ADD COLUMN hazards TEXT;
ALTER TABLE visit ADD COLUMN needs TEXT;
ALTER TABLE visit ADD COLUMN services TEXT;
ALTER TABLE visit ADD COLUMN referral TEXT;
ALTER TABLE visit ADD COLUMN referral_note TEXT;
-- Open referrals to temporary relief are listed for the relief module to take up.
CREATE INDEX visit_referral ON visit(referral) WHERE referral IS NOT NULL AND deleted = 0;
-- "The latest visit" is the latest date and, on the same day, the one entered last: the index
-- walks both, so finding it never sorts.
DROP INDEX visit_person;
CREATE INDEX visit_person ON visit(person_id, visit_date, created_at);
-- Each person's latest living visit of a program, with the next-due date it set, read from the
-- index alone: the due list looks this up for every child and elder on the rolls.
CREATE INDEX visit_latest ON visit(person_id, program, visit_date, created_at, next_due) WHERE deleted = 0;
