-- The national portal as a peer (issue 15). A dossier's control sheet (dossier_events, written in the
-- same transaction as every change, its seq equal to the dossier's row_version) is the portal's
-- outbox: what the portal is owed is every event past `portal_sent_version`. Workers on any instance
-- claim one dossier at a time with a lease and deliver its events in order; without `portal.url` no
-- worker reads this and nothing else is written.
ALTER TABLE dossiers ADD COLUMN portal_sent_version INTEGER NOT NULL DEFAULT 0;
-- Bumped when an administrator re-sends: the idempotency keys of a re-send differ from the first.
ALTER TABLE dossiers ADD COLUMN portal_generation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN portal_claimed_by TEXT;
ALTER TABLE dossiers ADD COLUMN portal_claimed_until TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN portal_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN portal_next_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN portal_last_error TEXT;
-- The dossiers owing the portal something (a partial index: both databases keep only those rows).
CREATE INDEX dossiers_portal_owed ON dossiers (portal_next_at) WHERE row_version > portal_sent_version AND code IS NOT NULL;

-- What the portal took (or refused), item by item, as it was sent: the reconciliation's record.
CREATE TABLE portal_deliveries (
    idempotency_key TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    seq INTEGER NOT NULL,
    service TEXT NOT NULL CHECK (service IN ('record', 'progress')),
    item TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'refused')),
    answer TEXT,
    delivered_at TIMESTAMP NOT NULL
);
CREATE INDEX portal_deliveries_dossier ON portal_deliveries (dossier_id, seq);
CREATE INDEX portal_deliveries_refused ON portal_deliveries (outcome, delivered_at);
