-- A plan whose date has come but which cannot be applied (the tree changed since it was loaded):
-- why, and when that was last found. It stays unapplied; the schedulers try again each minute and
-- administrators read the reason in the list of plans. Cleared when the plan is applied.
ALTER TABLE reorganisations ADD COLUMN failure TEXT;
ALTER TABLE reorganisations ADD COLUMN failed_at TIMESTAMP;
