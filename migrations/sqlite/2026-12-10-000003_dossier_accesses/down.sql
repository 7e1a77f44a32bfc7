DROP TRIGGER dossier_accesses_no_delete;
DROP TRIGGER dossier_accesses_no_update;
DROP TABLE dossier_accesses;
