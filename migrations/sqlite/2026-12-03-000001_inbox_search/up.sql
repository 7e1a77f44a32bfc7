-- The staff inbox (issue 12): search by the applicant's name without diacritics, and read by index.
-- The folded name (`domain::text::fold`) is written at intake; SQL cannot fold Vietnamese, so rows
-- that exist before this migration are backfilled in Rust right after it (storage::inbox).
ALTER TABLE dossier_applicants ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';

-- Open dossiers at an agency in the inbox's order (nearest step deadline, then due date, code,
-- reference; undated last): the inbox reads a page straight off this index, and its cursor is a
-- row comparison over the same expressions. The open statuses are 1, 2, 4, 5 and 9.
CREATE INDEX dossiers_inbox ON dossiers (
    current_agency,
    COALESCE(step_due_at, '9999-12-31 23:59:59'),
    COALESCE(due_at, '9999-12-31 23:59:59'),
    COALESCE(code, '~'),
    reference
) WHERE status_code IN (1, 2, 4, 5, 9);

-- Search by phone or identity number.
CREATE INDEX dossier_applicants_phone ON dossier_applicants (phone);
CREATE INDEX dossier_applicants_id_number ON dossier_applicants (id_number);
