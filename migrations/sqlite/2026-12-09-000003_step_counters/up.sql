-- Delay attribution per agency (issue 16 item 1): for the stays at a step of a dossier's route that
-- ended on a day, at the agency that held it, how many ended, how many under and over the step's
-- budget, and the office minutes over it (src/domain/stats.rs step_contributions). Written when a
-- step ends, in the same transaction; stays that ended before this migration have no marks here.

ALTER TABLE stats_daily ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
