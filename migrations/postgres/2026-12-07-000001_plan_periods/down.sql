DELETE FROM plan_targets WHERE value IS NULL OR deadline IS NULL;
ALTER TABLE plan_targets ALTER COLUMN deadline SET NOT NULL;
ALTER TABLE plan_targets ALTER COLUMN value SET NOT NULL;
ALTER TABLE plans DROP COLUMN period_source;
ALTER TABLE plans DROP COLUMN period_to;
ALTER TABLE plans DROP COLUMN period_from;
