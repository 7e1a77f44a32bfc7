DROP TRIGGER dossier_accesses_append_only ON dossier_accesses;
DROP FUNCTION dossier_accesses_append_only();
DROP TABLE dossier_accesses;
