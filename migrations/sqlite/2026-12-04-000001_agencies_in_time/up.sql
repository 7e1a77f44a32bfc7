-- Agencies in time (issue 13; DOMAIN.md §2): a unit exists from valid_from to valid_to (both days
-- inclusive, Vietnam's calendar; NULL = open-ended), and a code, once used, always means the same
-- unit. Codes the province has not published yet are marked provisional.
ALTER TABLE agencies ADD COLUMN valid_from DATE;
ALTER TABLE agencies ADD COLUMN valid_to DATE;
-- For a unit that ended: the successor that took its open dossiers, accounts and counter (and
-- under which "as is" statistics count its history).
-- (No REFERENCES clause on SQLite: it cannot drop a foreign-key column in down.sql.)
ALTER TABLE agencies ADD COLUMN held_by TEXT;
ALTER TABLE agencies ADD COLUMN provisional_code BOOLEAN NOT NULL DEFAULT 0;

-- A reorganisation (a merger, split, rename, abolition or move decided by one legal act): the plan
-- as loaded, and when it was applied (exactly once, by whichever instance gets there first).
CREATE TABLE reorganisations (
    id TEXT PRIMARY KEY NOT NULL,
    effective_on DATE NOT NULL,
    act TEXT NOT NULL,
    title TEXT NOT NULL,
    plan TEXT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    -- The administrator who loaded it (NULL: the command line).
    loaded_by TEXT,
    applied_at TIMESTAMP,
    report TEXT
);

-- Lineage: which units a unit came from, whole or in part, on which date, by which act. A
-- predecessor outside this system (a former unit of another province) has a name and no code.
CREATE TABLE agency_lineage (
    successor_code TEXT NOT NULL REFERENCES agencies (code),
    position INTEGER NOT NULL,
    predecessor_code TEXT REFERENCES agencies (code),
    predecessor_name TEXT NOT NULL,
    predecessor_province TEXT,
    whole BOOLEAN NOT NULL,
    effective_on DATE NOT NULL,
    act TEXT NOT NULL,
    reorganisation_id TEXT NOT NULL REFERENCES reorganisations (id),
    PRIMARY KEY (successor_code, position)
);
CREATE INDEX agency_lineage_predecessor ON agency_lineage (predecessor_code);
