ALTER TABLE procedures DROP COLUMN nationwide_boundary_free;
ALTER TABLE dossiers DROP COLUMN result_delivery;
ALTER TABLE dossiers DROP COLUMN competent_received_at;
ALTER TABLE dossiers DROP COLUMN handover_due_at;
ALTER TABLE dossiers DROP COLUMN competent_agency;
