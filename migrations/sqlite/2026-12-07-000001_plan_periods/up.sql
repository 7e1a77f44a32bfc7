-- Plans carry their period (issue 14 item 8): the dashboard defaults to a plan in force today.
-- `period_to` NULL: open-ended (the national targets). NULL `period_from` only on rows loaded
-- before this migration; the seed loader fills it from the plan's file.
ALTER TABLE plans ADD COLUMN period_from DATE;
ALTER TABLE plans ADD COLUMN period_to DATE;
ALTER TABLE plans ADD COLUMN period_source TEXT;
-- A target without a published value is a tracked metric (ND 224/2026 Điều 19.2); a source may
-- set no deadline (TB 624/TB-VPCP). SQLite cannot drop NOT NULL: the table is rebuilt (no table
-- refers to plan_targets, so this works with foreign keys on, inside the migration's transaction).
CREATE TABLE plan_targets_new (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    position INTEGER NOT NULL,
    indicator TEXT,
    description TEXT,
    scope TEXT NOT NULL,
    level TEXT,
    value DOUBLE,
    deadline DATE,
    wording TEXT NOT NULL,
    source_line TEXT NOT NULL,
    variant TEXT,
    ambiguity TEXT,
    PRIMARY KEY (plan_id, position)
);
INSERT INTO plan_targets_new (plan_id, position, indicator, description, scope, level, value, deadline, wording, source_line, variant, ambiguity)
SELECT plan_id, position, indicator, description, scope, level, value, deadline, wording, source_line, variant, ambiguity FROM plan_targets;
DROP TABLE plan_targets;
ALTER TABLE plan_targets_new RENAME TO plan_targets;
