-- Oversight counters (issue 16), written in the same transaction as each change from now on;
-- dossiers changed before this migration have no marks here.
-- Delay attribution per agency (item 1): for the stays at a step of a dossier's route that ended
-- on a day, at the agency that held it, how many ended, how many under and over the step's budget,
-- and the office minutes over it (src/domain/stats.rs step_contributions).
-- The national indexes (item 4): dossiers finished after one and after several supplement
-- requests, those of the latter finished in time, online dossiers finished late, the online due
-- and settled marks, and the office minutes from receipt to finish with how many are timed (src/domain/stats.rs contributions).

ALTER TABLE stats_daily ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN resolved_one_supplement BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN resolved_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN resolved_in_time_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN resolved_late_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN due_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN settled_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN resolved_working_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN resolved_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN resolved_one_supplement BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN resolved_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN resolved_in_time_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN resolved_late_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN due_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN settled_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN resolved_working_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN resolved_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN resolved_one_supplement BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN resolved_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN resolved_in_time_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN resolved_late_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN due_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN settled_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN resolved_working_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN resolved_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN resolved_one_supplement BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN resolved_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN resolved_in_time_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN resolved_late_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN due_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN settled_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN resolved_working_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN resolved_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN resolved_one_supplement BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN resolved_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN resolved_in_time_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN resolved_late_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN due_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN settled_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN resolved_working_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN resolved_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN steps_ended BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN steps_early BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN steps_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN step_late_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN resolved_one_supplement BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN resolved_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN resolved_in_time_many_supplements BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN resolved_late_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN due_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN settled_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN resolved_working_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN resolved_timed BIGINT NOT NULL DEFAULT 0;
