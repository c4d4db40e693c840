-- Schema 8: the website chat widget. Per-workspace settings (CORS allow-list,
-- look, identity verification), visitor sessions (wst_ tokens, stored hashed)
-- and the events a visitor's page tracks. A visitor is a contact with a
-- `visitor` identity (contact_identities, schema 1).

CREATE TABLE widget_settings (
  workspace_id          INTEGER PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  allowed_origins       TEXT NOT NULL DEFAULT '[]',   -- JSON array of origin patterns
  color                 TEXT NOT NULL DEFAULT '#2563eb',
  greeting              TEXT NOT NULL DEFAULT 'Hi! How can we help?',
  reply_time            TEXT NOT NULL DEFAULT 'We usually reply within a few minutes.',
  office_hours          TEXT NOT NULL DEFAULT '',
  identity_mode         TEXT NOT NULL DEFAULT 'off' CHECK (identity_mode IN ('off', 'optional', 'required')),
  identity_secret       TEXT NOT NULL DEFAULT '',     -- HMAC key: needed in clear to verify
  previous_secret       TEXT NOT NULL DEFAULT '',
  previous_secret_until TEXT,                         -- the previous secret verifies until then
  updated_at            TEXT NOT NULL
);

CREATE TABLE widget_sessions (
  id            INTEGER PRIMARY KEY,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  token_hash    TEXT NOT NULL UNIQUE,                 -- SHA-256 of the wst_ token; the token is never stored
  visitor_id    TEXT NOT NULL,
  verified      INTEGER NOT NULL DEFAULT 0,           -- identity verified by user_hash
  origin        TEXT,
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  revoked_at    TEXT
);
CREATE INDEX widget_sessions_contact ON widget_sessions(workspace_id, contact_id);
CREATE INDEX widget_sessions_expiry ON widget_sessions(expires_at);

CREATE TABLE widget_events (
  id            INTEGER PRIMARY KEY,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  props         TEXT NOT NULL DEFAULT '{}',           -- JSON object
  created_at    TEXT NOT NULL
);
CREATE INDEX widget_events_contact ON widget_events(workspace_id, contact_id, id);
