-- TT 01/2018 Điều 19, ND 61/2018 Điều 17.3: the dossier code is issued at receipt. An online
-- submission not yet received has only a reference (HS- and 10 characters of Crockford's base32),
-- which every dossier gets and keeps. Existing dossiers get one: 20 random bits above 30 bits of
-- their rank, so that they are unique by construction.
--
-- SQLite cannot drop NOT NULL from `code`, so the table is rebuilt as SQLite documents it
-- (foreign keys off, new table, copy, drop, rename). PRAGMA foreign_keys does nothing inside a
-- transaction, so this migration runs outside diesel's (metadata.toml) and opens its own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE dossiers_new (
    id TEXT PRIMARY KEY,
    code TEXT UNIQUE,
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    procedure_code TEXT NOT NULL,
    receiving_agency TEXT NOT NULL REFERENCES agencies (code),
    current_agency TEXT NOT NULL REFERENCES agencies (code),
    channel TEXT NOT NULL CHECK (channel IN ('direct', 'online', 'postal')),
    status TEXT NOT NULL,
    status_code INTEGER NOT NULL CHECK (status_code BETWEEN 1 AND 10),
    current_step INTEGER NOT NULL,
    route TEXT NOT NULL,
    limit_value INTEGER NOT NULL,
    limit_unit TEXT NOT NULL,
    documents TEXT NOT NULL,
    citizen_user_id TEXT REFERENCES users (id),
    pin TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP,
    clock_started_at TIMESTAMP,
    due_at TIMESTAMP,
    extended_due_at TIMESTAMP,
    step_started_at TIMESTAMP,
    step_due_at TIMESTAMP,
    supplement_stage TEXT,
    intake_supplements INTEGER NOT NULL DEFAULT 0,
    appraisal_supplements INTEGER NOT NULL DEFAULT 0,
    extensions INTEGER NOT NULL DEFAULT 0 CHECK (extensions <= 1),
    decision TEXT,
    finished_at TIMESTAMP,
    timeliness TEXT,
    returned_at TIMESTAMP,
    row_version INTEGER NOT NULL,
    reference TEXT NOT NULL UNIQUE
);
INSERT INTO dossiers_new (id, code, procedure_id, procedure_code, receiving_agency, current_agency, channel, status, status_code, current_step, route, limit_value, limit_unit, documents, citizen_user_id, pin, submitted_at, received_at, clock_started_at, due_at, extended_due_at, step_started_at, step_due_at, supplement_stage, intake_supplements, appraisal_supplements, extensions, decision, finished_at, timeliness, returned_at, row_version, reference)
SELECT id, code, procedure_id, procedure_code, receiving_agency, current_agency, channel, status, status_code, current_step, route, limit_value, limit_unit, documents, citizen_user_id, pin, submitted_at, received_at, clock_started_at, due_at, extended_due_at, step_started_at, step_due_at, supplement_stage, intake_supplements, appraisal_supplements, extensions, decision, finished_at, timeliness, returned_at, row_version,
        'HS-' || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 45) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 40) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 35) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 30) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 25) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 20) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 15) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 10) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((n >> 5) & 31) + 1, 1)
        || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (n & 31) + 1, 1)
FROM (SELECT *, ((random() & 1048575) << 30) | (ROW_NUMBER() OVER (ORDER BY id)) AS n FROM dossiers);
DROP TABLE dossiers;
ALTER TABLE dossiers_new RENAME TO dossiers;
CREATE INDEX dossiers_current_agency ON dossiers (current_agency, status_code);
CREATE INDEX dossiers_receiving_agency ON dossiers (receiving_agency, received_at);
CREATE INDEX dossiers_citizen ON dossiers (citizen_user_id);
COMMIT;
PRAGMA foreign_keys = ON;
