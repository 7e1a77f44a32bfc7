-- A dossier never received gets its reference as its code, so that the column can be NOT NULL again.
UPDATE dossiers SET code = reference WHERE code IS NULL;
ALTER TABLE dossiers ALTER COLUMN code SET NOT NULL;
ALTER TABLE dossiers DROP CONSTRAINT dossiers_reference_key;
ALTER TABLE dossiers DROP COLUMN reference;
