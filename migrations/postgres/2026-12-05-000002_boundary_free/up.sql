-- Boundary-free intake within the province and its two clocks (issue 13 item 5; ND 118/2025 Điều
-- 17.3 as amended): the agency competent to decide when it is not the receiving one, when the
-- receiving centre must hand the dossier over, when the competent agency received it (the statutory
-- clock starts then), and how the applicant takes the result.
ALTER TABLE dossiers ADD COLUMN competent_agency TEXT;
ALTER TABLE dossiers ADD COLUMN handover_due_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN competent_received_at TIMESTAMP;
ALTER TABLE dossiers ADD COLUMN result_delivery TEXT NOT NULL DEFAULT 'counter';
-- The procedure is on the published list for nationwide boundary-free intake (ND 118 Điều 14.4 as
-- amended by ND 309/2026).
ALTER TABLE procedures ADD COLUMN nationwide_boundary_free BOOLEAN NOT NULL DEFAULT FALSE;
