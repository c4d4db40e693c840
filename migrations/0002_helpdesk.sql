-- Schema 2: the help desk core: teammate settings, teams (shared inboxes),
-- conversation fields, labels, typed thread items, full-text search over
-- messages, canned responses, API keys and the audit log.

ALTER TABLE teammates ADD COLUMN physical_number TEXT;
ALTER TABLE teammates ADD COLUMN availability TEXT NOT NULL DEFAULT 'available'
  CHECK (availability IN ('available', 'away', 'offline'));
ALTER TABLE teammates ADD COLUMN sms_forwarding TEXT NOT NULL DEFAULT 'off'
  CHECK (sms_forwarding IN ('off', 'phone'));
ALTER TABLE teammates ADD COLUMN last_assigned_at TEXT;
-- Round-robin order: a counter, since two assignments can share a millisecond.
ALTER TABLE teammates ADD COLUMN assigned_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE teammates ADD COLUMN updated_at TEXT;

CREATE TABLE teams (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  round_robin   INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  UNIQUE (workspace_id, name)
);

CREATE TABLE team_members (
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  team_id       INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  teammate_id   INTEGER NOT NULL REFERENCES teammates(id) ON DELETE CASCADE,
  PRIMARY KEY (team_id, teammate_id)
);
CREATE INDEX team_members_teammate ON team_members(teammate_id);

ALTER TABLE conversations ADD COLUMN team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN channel TEXT NOT NULL DEFAULT 'chat';  -- the customer's last channel
ALTER TABLE conversations ADD COLUMN first_response_at TEXT;
ALTER TABLE conversations ADD COLUMN resolved_at TEXT;
ALTER TABLE conversations ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;  -- contact messages agents have not read
ALTER TABLE conversations ADD COLUMN subject TEXT;
CREATE INDEX conversations_assignee ON conversations(workspace_id, assignee_id, id);
CREATE INDEX conversations_team ON conversations(workspace_id, team_id, id);
CREATE INDEX conversations_snoozed ON conversations(status, snoozed_until) WHERE status = 'snoozed';

CREATE TABLE labels (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          TEXT NOT NULL COLLATE NOCASE,
  color         TEXT NOT NULL DEFAULT '#888888',
  created_at    TEXT NOT NULL,
  UNIQUE (workspace_id, name)
);

CREATE TABLE conversation_labels (
  workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  label            TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (conversation_id, label)
);
CREATE INDEX conversation_labels_label ON conversation_labels(workspace_id, label, conversation_id);

-- Typed thread items: a call record or a voicemail is a message of that kind,
-- with recording URL, duration and transcript in metadata (JSON).
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'
  CHECK (kind IN ('text', 'call', 'voicemail', 'event'));
ALTER TABLE messages ADD COLUMN media TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';

CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;

CREATE TABLE canned_responses (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  shortcut      TEXT NOT NULL COLLATE NOCASE,
  body          TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (workspace_id, shortcut)
);

CREATE TABLE api_keys (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  teammate_id   INTEGER NOT NULL REFERENCES teammates(id) ON DELETE CASCADE,  -- acts as this teammate
  name          TEXT NOT NULL,
  key_hash      TEXT NOT NULL UNIQUE,   -- SHA-256; the key is shown once
  created_at    TEXT NOT NULL,
  last_used_at  TEXT,
  revoked_at    TEXT
);

CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  actor_id      INTEGER,               -- teammate; NULL for the system
  action        TEXT NOT NULL,         -- e.g. auth.login, teammate.role_changed, contact.deleted
  target_kind   TEXT,
  target_id     INTEGER,
  details       TEXT NOT NULL DEFAULT '{}',
  ip            TEXT,
  created_at    TEXT NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log(workspace_id, id);
