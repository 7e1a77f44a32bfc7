-- Administrators' changes to agencies (issue 13 item 7): who did what to which unit, and when. A
-- rename or a close is also a one-step reorganisation (`reorganisation_id`), so the plan, its
-- report and its lineage are where every reorganisation's are.
CREATE TABLE agency_changes (
    id TEXT PRIMARY KEY NOT NULL,
    agency_code TEXT NOT NULL,
    -- create, rename or close.
    action TEXT NOT NULL,
    -- JSON: what was asked (the new unit's fields, the new code and name, the successor, the act).
    detail TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    by_user TEXT NOT NULL,
    -- (No foreign key: the row is written first, so that on SQLite the transaction takes the write
    -- lock at once, before the plan it names is recorded.)
    reorganisation_id TEXT
);
CREATE INDEX agency_changes_at ON agency_changes (at);
CREATE INDEX agency_changes_agency ON agency_changes (agency_code);
