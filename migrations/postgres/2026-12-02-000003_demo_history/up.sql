-- The demo history's claim: the first instance to insert the one row makes the history, any other
-- starting at the same time finds the row and skips. `dossiers` stays NULL until it is ready.
CREATE TABLE demo_history (
    id TEXT PRIMARY KEY NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    days INTEGER NOT NULL,
    dossiers INTEGER NULL
);
