-- Schema 4: routing state for teammates' own phones, and events nobody could take.

-- The short selectors ("@3") a teammate's phone uses for conversations: stable
-- while in use, so a forwarded text and a later "@3 reply" mean the same customer.
CREATE TABLE routing_selectors (
  workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  teammate_id      INTEGER NOT NULL REFERENCES teammates(id) ON DELETE CASCADE,
  selector         INTEGER NOT NULL CHECK (selector BETWEEN 1 AND 99),
  conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (teammate_id, selector),
  UNIQUE (teammate_id, conversation_id)
);

-- Where a teammate's plain text (no selector) goes: the conversation they last
-- heard from or answered, while it is recent enough.
CREATE TABLE routing_sticky (
  teammate_id      INTEGER PRIMARY KEY REFERENCES teammates(id) ON DELETE CASCADE,
  workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  at               TEXT NOT NULL
);

-- Webhooks answered but not delivered anywhere (unknown number, loop guard):
-- kept for admins, never retried. workspace_id is NULL when no workspace is known.
CREATE TABLE undeliverable_events (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER REFERENCES workspaces(id) ON DELETE CASCADE,
  carrier       TEXT NOT NULL,
  kind          TEXT NOT NULL,   -- sms | voice
  sid           TEXT NOT NULL,
  from_number   TEXT NOT NULL,
  to_number     TEXT NOT NULL,
  reason        TEXT NOT NULL,
  body          TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL
);
CREATE INDEX undeliverable_recent ON undeliverable_events(workspace_id, id);

-- Per line owner (a teammate's virtual numbers, a team's shared lines): business
-- hours (JSON, NULL = always open), the voicemail greeting, the after-hours reply.
CREATE TABLE line_settings (
  workspace_id        INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_kind          TEXT NOT NULL CHECK (owner_kind IN ('teammate', 'team')),
  owner_id            INTEGER NOT NULL,
  business_hours      TEXT,
  voicemail_greeting  TEXT,
  after_hours_reply   TEXT,
  updated_at          TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id)
);
CREATE TRIGGER line_settings_teammate_gone AFTER DELETE ON teammates BEGIN
  DELETE FROM line_settings WHERE owner_kind = 'teammate' AND owner_id = old.id;
END;
CREATE TRIGGER line_settings_team_gone AFTER DELETE ON teams BEGIN
  DELETE FROM line_settings WHERE owner_kind = 'team' AND owner_id = old.id;
END;

-- When the after-hours reply last went out on a conversation: once per closed period.
ALTER TABLE conversations ADD COLUMN after_hours_replied_at TEXT;
