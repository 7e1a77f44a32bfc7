-- The answer to a feedback (phản ánh, kiến nghị; issue 17 item 6) is told to the citizen through the
-- outbox, at the e-mail address or phone number they left: a notice about a feedback, not a
-- dossier. `dossier_id` becomes optional beside a new `feedback_id`, one of them set.
ALTER TABLE notifications ALTER COLUMN dossier_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN feedback_id TEXT REFERENCES feedback (id);
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_check
    CHECK (dossier_id IS NOT NULL OR feedback_id IS NOT NULL);
CREATE INDEX notifications_feedback ON notifications (feedback_id);
