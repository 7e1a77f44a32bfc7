-- TT 01/2018 Điều 19, ND 61/2018 Điều 17.3: the dossier code is issued at receipt. An online
-- submission not yet received has only a reference (HS- and 10 characters of Crockford's base32),
-- which every dossier gets and keeps. Existing dossiers get one: 20 random bits above 30 bits of
-- their rank, so that they are unique by construction.
ALTER TABLE dossiers ADD COLUMN reference TEXT;
WITH ranked AS (
    SELECT id, (CAST(floor(random() * 1048576) AS BIGINT) << 30) | (ROW_NUMBER() OVER (ORDER BY id)) AS n
    FROM dossiers
)
UPDATE dossiers d SET reference = 'HS-'
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 45) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 40) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 35) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 30) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 25) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 20) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 15) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 10) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST(((r.n >> 5) & 31) AS INTEGER) + 1, 1)
    || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', CAST((r.n & 31) AS INTEGER) + 1, 1)
FROM ranked r
WHERE r.id = d.id;
ALTER TABLE dossiers ALTER COLUMN reference SET NOT NULL;
ALTER TABLE dossiers ADD CONSTRAINT dossiers_reference_key UNIQUE (reference);
-- The code stays unique; it is NULL until a clerk receives the dossier.
ALTER TABLE dossiers ALTER COLUMN code DROP NOT NULL;
