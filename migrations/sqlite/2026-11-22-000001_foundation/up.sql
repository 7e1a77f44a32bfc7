-- Agencies, procedures (versioned, with documents and route steps), users, the working calendar
-- and plan targets. Portable types only (see src/storage/schema.rs): ids as TEXT, timestamps
-- as TIMESTAMP holding UTC, JSON never.
CREATE TABLE agencies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT,
    level TEXT NOT NULL CHECK (level IN ('ministry', 'province', 'district', 'commune')),
    kind TEXT NOT NULL,
    parent_code TEXT REFERENCES agencies (code),
    path TEXT NOT NULL,
    handles_procedures BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_code);
CREATE INDEX agencies_path ON agencies (path);

CREATE TABLE procedures (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version > 0),
    name TEXT NOT NULL,
    search_name TEXT NOT NULL,
    field TEXT NOT NULL,
    competent_level TEXT NOT NULL,
    receiving_levels TEXT NOT NULL,
    online_level INTEGER NOT NULL CHECK (online_level BETWEEN 1 AND 4),
    time_limit_value INTEGER NOT NULL CHECK (time_limit_value > 0),
    time_limit_unit TEXT NOT NULL CHECK (time_limit_unit IN ('working_days', 'days', 'hours')),
    fee_vnd BIGINT NOT NULL DEFAULT 0,
    fee_description TEXT NOT NULL DEFAULT '',
    legal_basis TEXT,
    is_current BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);
CREATE INDEX procedures_current ON procedures (is_current, competent_level);

CREATE TABLE procedure_documents (
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    copies INTEGER NOT NULL DEFAULT 1,
    original BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (procedure_id, position)
);

CREATE TABLE procedure_steps (
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    target TEXT NOT NULL,
    time_share INTEGER NOT NULL,
    PRIMARY KEY (procedure_id, position)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('citizen', 'clerk', 'specialist', 'leader', 'admin')),
    agency_code TEXT REFERENCES agencies (code),
    full_name TEXT NOT NULL,
    is_demo BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE calendar_days (
    day DATE PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'working_day')),
    name TEXT NOT NULL
);

CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    document TEXT,
    title TEXT NOT NULL,
    province TEXT NOT NULL,
    issued TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE plan_targets (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    position INTEGER NOT NULL,
    indicator TEXT,
    description TEXT,
    scope TEXT NOT NULL,
    level TEXT,
    value DOUBLE NOT NULL,
    deadline DATE NOT NULL,
    wording TEXT NOT NULL,
    source_line TEXT NOT NULL,
    variant TEXT,
    ambiguity TEXT,
    PRIMARY KEY (plan_id, position)
);
