-- A procedure version's templates (tờ khai, mẫu đơn; issue 17 item 5): blank forms a citizen
-- downloads from the procedure's page. A template's id is kept when a new version copies it, so the
-- key is (procedure_id, id) and a link to a template keeps working across versions.
CREATE TABLE procedure_templates (
    procedure_id TEXT NOT NULL REFERENCES procedures (id),
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    form_code TEXT,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (procedure_id, id)
);
