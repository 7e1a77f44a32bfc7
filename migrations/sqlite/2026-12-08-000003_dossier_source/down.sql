DROP INDEX dossiers_source;
ALTER TABLE dossiers DROP COLUMN source;
