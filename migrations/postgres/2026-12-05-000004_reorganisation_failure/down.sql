ALTER TABLE reorganisations DROP COLUMN failed_at;
ALTER TABLE reorganisations DROP COLUMN failure;
