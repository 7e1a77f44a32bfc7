-- Intake latency (issue 15 item 7): for the online dossiers received on a day, how many had their wait
-- for the counter recorded, the office minutes they waited from submission (NgayNopHoSo) to receipt,
-- summed, and how many were received after their receipt day (src/domain/intake_latency.rs). Written
-- by every receipt from now on, in the same transaction; online dossiers received before this
-- migration have no marks here (intake_timed leaves them out of the average).

ALTER TABLE stats_daily ADD COLUMN intake_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN intake_wait_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_daily ADD COLUMN intake_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN intake_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN intake_wait_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_monthly ADD COLUMN intake_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN intake_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN intake_wait_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_yearly ADD COLUMN intake_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN intake_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN intake_wait_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_daily ADD COLUMN intake_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN intake_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN intake_wait_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_monthly ADD COLUMN intake_late BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN intake_timed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN intake_wait_minutes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stats_handover_yearly ADD COLUMN intake_late BIGINT NOT NULL DEFAULT 0;
