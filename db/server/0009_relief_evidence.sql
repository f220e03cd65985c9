-- Version 9: what the county reads beside a relief case it decides (issue 15 gave the stations
-- these records): a 支出型 case's rigid expenses, the household's means checks (核对) and the
-- assistance statuses (低保, 特困 …) of the applicant and the household. Each read table holds the
-- keys a case is looked up by; the full record stays in `records`. The runner fills them from the
-- records already on the server.
CREATE TABLE read_rigid_expense (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, relief_case_id TEXT
);
CREATE INDEX read_rigid_expense_case ON read_rigid_expense(relief_case_id);
CREATE TABLE read_means_check (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, household_id TEXT, relief_case_id TEXT, requested_on TEXT, result_on TEXT,
    verdict TEXT
);
CREATE INDEX read_means_check_household ON read_means_check(household_id);
CREATE TABLE read_assistance_status (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, deleted INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, person_id TEXT, household_id TEXT, kind TEXT, starts_on TEXT, ends_on TEXT
);
CREATE INDEX read_assistance_status_person ON read_assistance_status(person_id);
CREATE INDEX read_assistance_status_household ON read_assistance_status(household_id);
