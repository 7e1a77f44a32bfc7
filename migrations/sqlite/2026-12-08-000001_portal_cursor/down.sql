DROP TABLE portal_deliveries;
DROP INDEX dossiers_portal_owed;
ALTER TABLE dossiers DROP COLUMN portal_last_error;
ALTER TABLE dossiers DROP COLUMN portal_next_at;
ALTER TABLE dossiers DROP COLUMN portal_attempts;
ALTER TABLE dossiers DROP COLUMN portal_claimed_until;
ALTER TABLE dossiers DROP COLUMN portal_claimed_by;
ALTER TABLE dossiers DROP COLUMN portal_generation;
ALTER TABLE dossiers DROP COLUMN portal_sent_version;
