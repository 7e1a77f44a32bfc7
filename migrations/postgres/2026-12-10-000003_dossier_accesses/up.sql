-- Who read a dossier's personal data (issue 17 item 2, "who viewed my dossier"): one row per staff
-- read (detail API, staff page, printable form, file download, tracking book, search), written on
-- the read's own connection check-out. Append-only: no code updates or deletes a row, and the
-- trigger below refuses it.
CREATE TABLE dossier_accesses (
    id TEXT PRIMARY KEY NOT NULL,
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    at TIMESTAMP NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    agency_code TEXT,
    department TEXT,
    role TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('detail', 'page', 'form', 'file', 'export', 'search')),
    detail TEXT
);
CREATE INDEX dossier_accesses_dossier ON dossier_accesses (dossier_id, at);
CREATE INDEX dossier_accesses_at ON dossier_accesses (at);
CREATE FUNCTION dossier_accesses_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossier_accesses is append-only';
END
$$;
CREATE TRIGGER dossier_accesses_append_only BEFORE UPDATE OR DELETE ON dossier_accesses
    FOR EACH ROW EXECUTE FUNCTION dossier_accesses_append_only();
