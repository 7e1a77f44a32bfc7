-- Plans carry their period (issue 14 item 8): the dashboard defaults to a plan in force today.
-- `period_to` NULL: open-ended (the national targets). NULL `period_from` only on rows loaded
-- before this migration; the seed loader fills it from the plan's file.
ALTER TABLE plans ADD COLUMN period_from DATE;
ALTER TABLE plans ADD COLUMN period_to DATE;
ALTER TABLE plans ADD COLUMN period_source TEXT;
-- A target without a published value is a tracked metric (ND 224/2026 Điều 19.2); a source may
-- set no deadline (TB 624/TB-VPCP).
ALTER TABLE plan_targets ALTER COLUMN value DROP NOT NULL;
ALTER TABLE plan_targets ALTER COLUMN deadline DROP NOT NULL;
