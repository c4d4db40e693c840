-- Schema 13 (issue 16 item 11): an API key has a scope of its own instead of
-- its creator's full role. scope 'read' allows only GET requests; 'write' what
-- the creator's role allows; manage_keys whether it may create and revoke keys.
-- Keys that exist already become 'write' without manage_keys: integrations keep
-- working as before, except minting or revoking keys, which was the hole; a key
-- that truly needs it is reissued by a signed-in admin. New keys default to
-- 'read' (docs/api.md).
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'write' CHECK (scope = 'read' OR scope = 'write');
ALTER TABLE api_keys ADD COLUMN manage_keys INTEGER NOT NULL DEFAULT 0 CHECK (manage_keys = 0 OR manage_keys = 1);
