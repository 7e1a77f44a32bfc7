ALTER TABLE procedure_steps DROP COLUMN department;
ALTER TABLE dossiers DROP COLUMN current_department;
ALTER TABLE users DROP COLUMN department;
DROP TABLE departments;
