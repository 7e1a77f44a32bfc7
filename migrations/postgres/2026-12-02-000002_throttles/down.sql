CREATE TABLE lookup_failures (
    code TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX lookup_failures_code ON lookup_failures (code, at);
INSERT INTO lookup_failures (code, at)
SELECT d.code, e.at FROM throttle_events e JOIN dossiers d ON d.id = e.subject WHERE e.kind = 'proof' AND d.code IS NOT NULL;
DROP TABLE throttle_alerts;
DROP TABLE throttle_events;
