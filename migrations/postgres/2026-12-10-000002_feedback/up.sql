-- Feedback and complaints (phản ánh, kiến nghị; issue 17 item 6). One row per submission, routed to
-- the agency concerned with a deadline to answer. `contact` is the only personal data it holds (the
-- submitter's own words aside) and is never published or logged; the public list shows the content
-- and the answer of rows whose submitter consented, without the dossier, the account or the contact.
CREATE TABLE feedback (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('report', 'recommendation')),
    dossier_id TEXT REFERENCES dossiers (id),
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    agency_path TEXT NOT NULL,
    content TEXT NOT NULL,
    submitted_by TEXT REFERENCES users (id),
    with_pin BOOLEAN NOT NULL,
    contact TEXT,
    publish_consent BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'answered')),
    due_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    answered_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_agency ON feedback (agency_code, status, due_at);
CREATE INDEX feedback_path ON feedback (agency_path);
CREATE INDEX feedback_submitter ON feedback (submitted_by);
CREATE INDEX feedback_dossier ON feedback (dossier_id);
CREATE INDEX feedback_published ON feedback (publish_consent, answered_at);
CREATE INDEX feedback_created ON feedback (created_at);
