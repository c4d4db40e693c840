-- Schema 1: the core aggregates. Every row carries its workspace; ids are
-- integers internally and opaque strings in the API. AUTOINCREMENT: an erased
-- row's id is never handed to a new one (audit rows keep pointing at the right thing). Timestamps are RFC 3339 UTC text.

CREATE TABLE workspaces (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

CREATE TABLE teammates (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  email          TEXT NOT NULL COLLATE NOCASE,
  name           TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'agent', 'viewer')),
  password_hash  TEXT,
  created_at     TEXT NOT NULL,
  UNIQUE (workspace_id, email)
);
CREATE INDEX teammates_email ON teammates(email);

CREATE TABLE auth_sessions (
  id            INTEGER PRIMARY KEY,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  teammate_id   INTEGER NOT NULL REFERENCES teammates(id) ON DELETE CASCADE,
  token_hash    TEXT NOT NULL UNIQUE,   -- SHA-256 of the bearer token; the token is never stored
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  last_used_at  TEXT
);
CREATE INDEX auth_sessions_teammate ON auth_sessions(workspace_id, teammate_id);

CREATE TABLE contacts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          TEXT,
  email         TEXT COLLATE NOCASE,
  attributes    TEXT NOT NULL DEFAULT '{}',  -- JSON object of custom attributes
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX contacts_workspace ON contacts(workspace_id, id);

-- One customer, many identities: phone numbers, emails, widget visitor ids, external ids.
CREATE TABLE contact_identities (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'visitor', 'external')),
  value         TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (workspace_id, kind, value)
);
CREATE INDEX contact_identities_contact ON contact_identities(contact_id);

CREATE TABLE conversations (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id       INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  status           TEXT NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
  assignee_id      INTEGER REFERENCES teammates(id) ON DELETE SET NULL,
  priority         TEXT NOT NULL DEFAULT 'normal'
                   CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  snoozed_until    TEXT,
  last_message_at  TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX conversations_list ON conversations(workspace_id, status, id);
CREATE INDEX conversations_contact ON conversations(workspace_id, contact_id);

CREATE TABLE messages (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  direction        TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'internal')),
  sender_kind      TEXT NOT NULL CHECK (sender_kind IN ('contact', 'teammate', 'bot', 'system')),
  sender_id        INTEGER,
  private          INTEGER NOT NULL DEFAULT 0,
  channel          TEXT NOT NULL
                   CHECK (channel IN ('sms', 'voice', 'chat', 'teams', 'email', 'system')),
  body             TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'failed', 'read')),
  error            TEXT,
  external_id      TEXT,                    -- carrier SID etc.; unique per channel for idempotency
  created_at       TEXT NOT NULL
);
CREATE INDEX messages_thread ON messages(workspace_id, conversation_id, id);
CREATE UNIQUE INDEX messages_external ON messages(workspace_id, channel, external_id)
  WHERE external_id IS NOT NULL;

-- Transactional outbox: side effects on the outside world, written in the same
-- transaction as the state change that caused them, dispatched with retries.
CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY,
  workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind           TEXT NOT NULL,             -- e.g. sms.send, call.create, teams.post, webhook
  payload        TEXT NOT NULL,             -- JSON
  status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error     TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
