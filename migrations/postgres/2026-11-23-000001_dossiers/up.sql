-- Dossiers, their applicants (personal data kept apart), the append-only control sheet,
-- per-agency daily code sequences, attached files, ratings and failed lookup proofs.
CREATE TABLE dossiers (
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
CREATE INDEX dossiers_current_agency ON dossiers (current_agency, status_code);
CREATE INDEX dossiers_receiving_agency ON dossiers (receiving_agency, received_at);
CREATE INDEX dossiers_citizen ON dossiers (citizen_user_id);

CREATE TABLE dossier_applicants (
    dossier_id TEXT PRIMARY KEY REFERENCES dossiers (id),
    name TEXT NOT NULL,
    id_number TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    address TEXT NOT NULL
);

CREATE TABLE dossier_events (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    seq INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    actor_user_id TEXT,
    actor_role TEXT NOT NULL,
    from_agency TEXT NOT NULL REFERENCES agencies (code),
    to_agency TEXT NOT NULL REFERENCES agencies (code),
    status TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    step_due_at TIMESTAMP,
    step_timeliness TEXT,
    note TEXT,
    details TEXT,
    PRIMARY KEY (dossier_id, seq)
);
CREATE INDEX dossier_events_to_agency ON dossier_events (to_agency);

CREATE TABLE dossier_sequences (
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    day TEXT NOT NULL,
    last_value INTEGER NOT NULL,
    PRIMARY KEY (agency_code, day)
);

CREATE TABLE dossier_files (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX dossier_files_dossier ON dossier_files (dossier_id);

CREATE TABLE dossier_ratings (
    dossier_id TEXT PRIMARY KEY REFERENCES dossiers (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    rated_at TIMESTAMP NOT NULL
);

CREATE TABLE dossier_consultations (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    position INTEGER NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    task TEXT NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    opinion TEXT,
    timeliness TEXT,
    PRIMARY KEY (dossier_id, position)
);
CREATE INDEX dossier_consultations_agency ON dossier_consultations (agency_code, answered_at);

CREATE TABLE lookup_failures (
    code TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX lookup_failures_code ON lookup_failures (code, at);
