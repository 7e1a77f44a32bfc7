-- Back to a NOT NULL code without references: a dossier never received gets its reference as its code.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE dossiers_old (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
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
    row_version INTEGER NOT NULL
);
INSERT INTO dossiers_old (id, code, procedure_id, procedure_code, receiving_agency, current_agency, channel, status, status_code, current_step, route, limit_value, limit_unit, documents, citizen_user_id, pin, submitted_at, received_at, clock_started_at, due_at, extended_due_at, step_started_at, step_due_at, supplement_stage, intake_supplements, appraisal_supplements, extensions, decision, finished_at, timeliness, returned_at, row_version)
SELECT id, COALESCE(code, reference), procedure_id, procedure_code, receiving_agency, current_agency, channel, status, status_code, current_step, route, limit_value, limit_unit, documents, citizen_user_id, pin, submitted_at, received_at, clock_started_at, due_at, extended_due_at, step_started_at, step_due_at, supplement_stage, intake_supplements, appraisal_supplements, extensions, decision, finished_at, timeliness, returned_at, row_version FROM dossiers;
DROP TABLE dossiers;
ALTER TABLE dossiers_old RENAME TO dossiers;
CREATE INDEX dossiers_current_agency ON dossiers (current_agency, status_code);
CREATE INDEX dossiers_receiving_agency ON dossiers (receiving_agency, received_at);
CREATE INDEX dossiers_citizen ON dossiers (citizen_user_id);
COMMIT;
PRAGMA foreign_keys = ON;
