-- Early warning and escalation as data (issue 16 item 2). A rule (loaded from
-- seeds/oversight/alert-rules.json) is evaluated by whichever instance claims its tick: the claim is
-- a conditional update of `next_run_at`, in the transaction that stores the firings.
CREATE TABLE oversight_alert_rules (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    threshold_hours INTEGER NOT NULL,
    level INTEGER NOT NULL,
    recipients TEXT NOT NULL,
    interval_minutes INTEGER NOT NULL,
    source TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT 1,
    next_run_at TIMESTAMP NOT NULL,
    last_run_at TIMESTAMP,
    last_run_by TEXT,
    last_fired INTEGER NOT NULL DEFAULT 0,
    fired_total BIGINT NOT NULL DEFAULT 0
);

-- One row per firing: (rule, dossier, occurrence) is unique, so re-evaluating never fires twice.
-- The alert names the dossier by its code (or submission reference), never its applicant.
CREATE TABLE oversight_alerts (
    id TEXT PRIMARY KEY NOT NULL,
    rule_id TEXT NOT NULL REFERENCES oversight_alert_rules (id),
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    occurrence TEXT NOT NULL,
    dossier_code TEXT NOT NULL,
    agency_code TEXT NOT NULL,
    agency_path TEXT NOT NULL,
    counter_agency TEXT NOT NULL,
    listed_for TEXT,
    deadline_at TIMESTAMP NOT NULL,
    raised_at TIMESTAMP NOT NULL,
    notified INTEGER NOT NULL,
    closed_at TIMESTAMP
);
CREATE UNIQUE INDEX oversight_alerts_once ON oversight_alerts (rule_id, dossier_id, occurrence);
CREATE INDEX oversight_alerts_open ON oversight_alerts (closed_at, agency_code);
CREATE INDEX oversight_alerts_listed ON oversight_alerts (listed_for);
CREATE INDEX oversight_alerts_counter ON oversight_alerts (counter_agency);

-- Staff notices (channel `staff`: an alert told to a staff account, read in the application) join
-- the outbox. SQLite cannot change a CHECK: the table is rebuilt as it was, with the new channel.
CREATE TABLE notifications_new (
    id TEXT PRIMARY KEY,
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
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
    sent_at TIMESTAMP
);
INSERT INTO notifications_new SELECT id, dossier_id, kind, channel, recipient, subject, body_text, body_html,
    status, attempts, next_attempt_at, claimed_by, claimed_until, last_error, created_at, sent_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_dossier ON notifications (dossier_id);
