-- Administrators can disable an account: it can no longer sign in, and its tokens stop working.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP NULL;
