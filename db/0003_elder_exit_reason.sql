-- Version 3: an elder leaving the rounds (moved away, died, in a care home) keeps the reason,
-- as a child leaving the roll already does.
ALTER TABLE elder_profile ADD COLUMN exit_reason TEXT;
