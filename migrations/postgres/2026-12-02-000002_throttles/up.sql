-- One throttle for every check that can be guessed at or flooded: proofs of ownership (a dossier's
-- PIN or phone), sign-ins, public lookups. A row is an attempt (kept when it failed, or for lookups
-- when it was answered), keyed by kind, subject (dossier id, username, or '') and client address.
-- Held in the database so that the limits hold across application instances.
CREATE TABLE throttle_events (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    client TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_events_subject ON throttle_events (kind, subject, at);
CREATE INDEX throttle_events_client ON throttle_events (kind, client, at);
CREATE INDEX throttle_events_at ON throttle_events (kind, at);

-- Raised for staff when a dossier's proofs are guessed at from many addresses (the per-dossier ceiling).
CREATE TABLE throttle_alerts (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    raised_at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_alerts_subject ON throttle_alerts (kind, subject, raised_at);
CREATE INDEX throttle_alerts_raised ON throttle_alerts (raised_at);

-- The lookup's failed proofs (per dossier code, no client) move over, by dossier id.
INSERT INTO throttle_events (id, kind, subject, client, at)
SELECT 'migrated-' || CAST(ROW_NUMBER() OVER (ORDER BY f.at) AS TEXT), 'proof', d.id, '', f.at
FROM lookup_failures f JOIN dossiers d ON d.code = f.code;
DROP TABLE lookup_failures;
