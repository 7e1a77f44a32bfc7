-- The answer to a feedback (phản ánh, kiến nghị; issue 17 item 6) is told to the citizen through the
-- outbox, at the e-mail address or phone number they left: a notice about a feedback, not a
-- dossier. `dossier_id` becomes optional beside a new `feedback_id`, one of them set. SQLite cannot
-- change a column's NOT NULL: the table is rebuilt as it was, with the new column and check.
CREATE TABLE notifications_new (
    id TEXT PRIMARY KEY,
    dossier_id TEXT REFERENCES dossiers (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'staff')),
    recipient TEXT NOT NULL,
    subject TEXT,
    body_text TEXT NOT NULL,
    body_html TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    feedback_id TEXT REFERENCES feedback (id),
    CHECK (dossier_id IS NOT NULL OR feedback_id IS NOT NULL)
);
INSERT INTO notifications_new SELECT id, dossier_id, kind, channel, recipient, subject, body_text, body_html,
    status, attempts, next_attempt_at, claimed_by, claimed_until, last_error, created_at, sent_at, NULL
    FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_dossier ON notifications (dossier_id);
CREATE INDEX notifications_feedback ON notifications (feedback_id);
