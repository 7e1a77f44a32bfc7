DROP INDEX agency_lineage_predecessor;
DROP TABLE agency_lineage;
DROP TABLE reorganisations;
ALTER TABLE agencies DROP COLUMN provisional_code;
ALTER TABLE agencies DROP COLUMN held_by;
ALTER TABLE agencies DROP COLUMN valid_to;
ALTER TABLE agencies DROP COLUMN valid_from;
