CREATE TABLE plan_targets_old (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    position INTEGER NOT NULL,
    indicator TEXT,
    description TEXT,
    scope TEXT NOT NULL,
    level TEXT,
    value DOUBLE NOT NULL,
    deadline DATE NOT NULL,
    wording TEXT NOT NULL,
    source_line TEXT NOT NULL,
    variant TEXT,
    ambiguity TEXT,
    PRIMARY KEY (plan_id, position)
);
INSERT INTO plan_targets_old (plan_id, position, indicator, description, scope, level, value, deadline, wording, source_line, variant, ambiguity)
SELECT plan_id, position, indicator, description, scope, level, value, deadline, wording, source_line, variant, ambiguity
FROM plan_targets WHERE value IS NOT NULL AND deadline IS NOT NULL;
DROP TABLE plan_targets;
ALTER TABLE plan_targets_old RENAME TO plan_targets;
ALTER TABLE plans DROP COLUMN period_source;
ALTER TABLE plans DROP COLUMN period_to;
ALTER TABLE plans DROP COLUMN period_from;
