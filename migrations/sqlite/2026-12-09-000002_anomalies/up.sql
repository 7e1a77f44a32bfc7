-- Anomalies (issue 16 item 3): the control-sheet rows of one action in a period (supplement
-- requests, stops, withdrawals, receipts), and the dossiers an agency had submitted in a period
-- (a refused applicant's new dossier).
CREATE INDEX dossier_events_action_at ON dossier_events (action, at);
CREATE INDEX dossiers_receiving_submitted ON dossiers (receiving_agency, submitted_at);
