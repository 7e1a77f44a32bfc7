-- Departments inside agencies (issue 13 item 6; DOMAIN.md §2): the phòng, ban and bộ phận to which
-- work is routed inside an agency. A key, once used in an agency, always means the same
-- department: a rename is a new department that takes the old one's work (`held_by`), as for
-- agencies.
CREATE TABLE departments (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    -- Upper-case letters, digits and `_`, unique inside the agency (e.g. `VHXH`).
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    valid_from DATE NOT NULL,
    -- The last day it existed; NULL while it exists.
    valid_to DATE,
    -- The department of the same agency that took its work when it closed.
    held_by TEXT,
    PRIMARY KEY (agency_code, key)
);
-- The department a staff account works in, inside its agency (NULL: the agency as a whole).
ALTER TABLE users ADD COLUMN department TEXT;
-- The department holding the dossier inside its current agency (NULL: the agency as a whole).
ALTER TABLE dossiers ADD COLUMN current_department TEXT;
-- The department a route step names inside the step's agency.
ALTER TABLE procedure_steps ADD COLUMN department TEXT;
