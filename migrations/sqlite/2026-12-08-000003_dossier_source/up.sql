-- Where a dossier comes from (issue 15): `motcua` (received here), `portal` (submitted on the
-- national portal, delivered here and processed here), or `ministry:<system>` (handled on a
-- ministry's system for an agency of the province and imported for the statistics only: never
-- processed here, never in an inbox, never sent to the portal).
ALTER TABLE dossiers ADD COLUMN source TEXT NOT NULL DEFAULT 'motcua';
-- The few dossiers from elsewhere, by source and receipt (the report's "of which" lines).
CREATE INDEX dossiers_source ON dossiers (source, received_at) WHERE source <> 'motcua';
