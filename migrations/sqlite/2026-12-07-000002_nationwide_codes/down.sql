ALTER TABLE agencies DROP COLUMN electronic_id;
ALTER TABLE procedures DROP COLUMN nationwide_centralised;
