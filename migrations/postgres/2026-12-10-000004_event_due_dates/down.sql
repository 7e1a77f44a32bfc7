ALTER TABLE dossier_events DROP COLUMN extended_due_at;
ALTER TABLE dossier_events DROP COLUMN due_at;
