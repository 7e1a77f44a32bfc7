DROP TABLE notifications;
ALTER TABLE dossier_applicants DROP COLUMN notify_by;
