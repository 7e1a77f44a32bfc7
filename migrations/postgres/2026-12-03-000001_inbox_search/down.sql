DROP INDEX dossier_applicants_id_number;
DROP INDEX dossier_applicants_phone;
DROP INDEX dossiers_inbox;
ALTER TABLE dossier_applicants DROP COLUMN name_folded;
