-- Version 11: the station's own ledger (core.ledger). The people of the network with their terms,
-- training sessions and who attended, service activities with the people served, the staff who
-- ran them and the volunteers who helped (with their hours), volunteers, and care agreements for
-- dispersed 特困 people. The forms that name a village's child director point at the roster.
-- Links are records of their own: each one syncs, and is audited, like any record.

CREATE TABLE staff (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL, role TEXT NOT NULL,
    village_id TEXT REFERENCES village(id) DEFERRABLE INITIALLY DEFERRED,
    phone TEXT, status TEXT NOT NULL, entered_on TEXT, exited_on TEXT, exit_reason TEXT, notes TEXT,
    sort_name TEXT
);
CREATE INDEX staff_village ON staff(village_id, role);
CREATE INDEX staff_sort ON staff(sort_name, id) WHERE deleted = 0;
-- Search keys as for people (core.search): name, given name, pinyin and its initials.
CREATE TABLE staff_search (
    key TEXT NOT NULL, staff_id TEXT NOT NULL, sort_name TEXT NOT NULL, PRIMARY KEY (key, staff_id)
) WITHOUT ROWID;

CREATE TABLE training (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    held_on TEXT NOT NULL, topic TEXT NOT NULL, hours INTEGER NOT NULL, organiser TEXT, place TEXT,
    roles TEXT, notes TEXT
);
CREATE INDEX training_held ON training(held_on);

CREATE TABLE training_attendance (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    training_id TEXT NOT NULL REFERENCES training(id) DEFERRABLE INITIALLY DEFERRED,
    staff_id TEXT NOT NULL REFERENCES staff(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX training_attendance_training ON training_attendance(training_id);
CREATE INDEX training_attendance_staff ON training_attendance(staff_id);

CREATE TABLE service_activity (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    held_on TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, place TEXT,
    village_id TEXT REFERENCES village(id) DEFERRABLE INITIALLY DEFERRED,
    referred_to TEXT, others_count INTEGER, others TEXT, notes TEXT, photos TEXT
);
CREATE INDEX service_activity_held ON service_activity(held_on);

CREATE TABLE activity_participant (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    activity_id TEXT NOT NULL REFERENCES service_activity(id) DEFERRABLE INITIALLY DEFERRED,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX activity_participant_activity ON activity_participant(activity_id);
CREATE INDEX activity_participant_person ON activity_participant(person_id);

CREATE TABLE activity_staff (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    activity_id TEXT NOT NULL REFERENCES service_activity(id) DEFERRABLE INITIALLY DEFERRED,
    staff_id TEXT NOT NULL REFERENCES staff(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX activity_staff_activity ON activity_staff(activity_id);
CREATE INDEX activity_staff_staff ON activity_staff(staff_id);

CREATE TABLE volunteer (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL, gender TEXT, id_number TEXT, phone TEXT,
    village_id TEXT REFERENCES village(id) DEFERRABLE INITIALLY DEFERRED,
    organisation TEXT, skills TEXT, status TEXT NOT NULL, entered_on TEXT, exited_on TEXT, exit_reason TEXT,
    notes TEXT, sort_name TEXT
);
CREATE UNIQUE INDEX volunteer_id_number ON volunteer(id_number) WHERE deleted = 0 AND id_number IS NOT NULL;
CREATE INDEX volunteer_sort ON volunteer(sort_name, id) WHERE deleted = 0;
CREATE TABLE volunteer_search (
    key TEXT NOT NULL, volunteer_id TEXT NOT NULL, sort_name TEXT NOT NULL, PRIMARY KEY (key, volunteer_id)
) WITHOUT ROWID;

CREATE TABLE volunteer_service (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    activity_id TEXT NOT NULL REFERENCES service_activity(id) DEFERRABLE INITIALLY DEFERRED,
    volunteer_id TEXT NOT NULL REFERENCES volunteer(id) DEFERRABLE INITIALLY DEFERRED,
    hours INTEGER NOT NULL
);
CREATE INDEX volunteer_service_activity ON volunteer_service(activity_id);
CREATE INDEX volunteer_service_volunteer ON volunteer_service(volunteer_id);

CREATE TABLE care_agreement (
    id TEXT PRIMARY KEY, station_id TEXT NOT NULL, rev INTEGER NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    person_id TEXT NOT NULL REFERENCES person(id) DEFERRABLE INITIALLY DEFERRED,
    carer_name TEXT NOT NULL, carer_relation TEXT, carer_id_number TEXT, carer_phone TEXT, carer_address TEXT,
    duties TEXT NOT NULL, fee INTEGER, signed_on TEXT, expires_on TEXT, notes TEXT
);
CREATE INDEX care_agreement_person ON care_agreement(person_id, expires_on);

-- The village child director who visited or reviewed a child's visit, and who witnessed an
-- entrustment agreement, picked from the roster.
ALTER TABLE visit ADD COLUMN director_id TEXT REFERENCES staff(id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE agreement ADD COLUMN witness_id TEXT REFERENCES staff(id) DEFERRABLE INITIALLY DEFERRED;
