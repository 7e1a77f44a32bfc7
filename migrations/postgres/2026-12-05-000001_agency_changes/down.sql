DROP TABLE agency_changes;
