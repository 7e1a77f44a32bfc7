-- The deadline ledger (issue 17 item 1): each control-sheet row keeps the dossier's statutory due
-- date and the apology's new date as they stood after the row, so the citizen's ledger shows the
-- date each event produced, as the rules produced it that day. Rows written before this version
-- have none (the ledger says so).
ALTER TABLE dossier_events ADD COLUMN due_at TIMESTAMP;
ALTER TABLE dossier_events ADD COLUMN extended_due_at TIMESTAMP;
