DELETE FROM notifications WHERE dossier_id IS NULL;
DROP INDEX notifications_feedback;
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_check;
ALTER TABLE notifications DROP COLUMN feedback_id;
ALTER TABLE notifications ALTER COLUMN dossier_id SET NOT NULL;
