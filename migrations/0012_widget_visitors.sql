-- Schema 12: widget visitors without contacts, and who started a chat (issue 16
-- items 10 and 12).
--
-- A widget session no longer creates a contact: an anonymous visitor is only its
-- visitor id (v_…) on its sessions until its first message creates the contact.
-- So widget_sessions.contact_id and widget_events.contact_id may be NULL, and a
-- session keeps the name and email the visitor gave until there is a contact to
-- put them on. Events carry the visitor id, to follow the visitor to its contact.
--
-- widget_conversations records the visitor id that started each widget chat: an
-- unverified session sees only those, whatever contact merges do to contact_id.

CREATE TABLE widget_sessions_new (
  id            INTEGER PRIMARY KEY,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id    INTEGER REFERENCES contacts(id) ON DELETE CASCADE,  -- NULL until the first message
  token_hash    TEXT NOT NULL UNIQUE,
  visitor_id    TEXT NOT NULL,
  verified      INTEGER NOT NULL DEFAULT 0,
  origin        TEXT,
  created_at    TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  revoked_at    TEXT,
  name          TEXT,                                 -- given before there was a contact
  email         TEXT
);
INSERT INTO widget_sessions_new(id, workspace_id, contact_id, token_hash, visitor_id, verified, origin,
                                created_at, expires_at, revoked_at)
  SELECT id, workspace_id, contact_id, token_hash, visitor_id, verified, origin, created_at, expires_at, revoked_at
  FROM widget_sessions;
DROP TABLE widget_sessions;
ALTER TABLE widget_sessions_new RENAME TO widget_sessions;
CREATE INDEX widget_sessions_contact ON widget_sessions(workspace_id, contact_id);
CREATE INDEX widget_sessions_visitor ON widget_sessions(workspace_id, visitor_id);
CREATE INDEX widget_sessions_expiry ON widget_sessions(expires_at);
CREATE INDEX widget_sessions_unused ON widget_sessions(created_at) WHERE contact_id IS NULL;

CREATE TABLE widget_events_new (
  id            INTEGER PRIMARY KEY,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id    INTEGER REFERENCES contacts(id) ON DELETE CASCADE,  -- NULL until the visitor's first message
  visitor_id    TEXT,
  name          TEXT NOT NULL,
  props         TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL
);
INSERT INTO widget_events_new(id, workspace_id, contact_id, name, props, created_at)
  SELECT id, workspace_id, contact_id, name, props, created_at FROM widget_events;
DROP TABLE widget_events;
ALTER TABLE widget_events_new RENAME TO widget_events;
CREATE INDEX widget_events_contact ON widget_events(workspace_id, contact_id, id);
CREATE INDEX widget_events_visitor ON widget_events(workspace_id, visitor_id) WHERE contact_id IS NULL;

CREATE TABLE widget_conversations (
  conversation_id  INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  visitor_id       TEXT NOT NULL,
  created_at       TEXT NOT NULL
);
CREATE INDEX widget_conversations_visitor ON widget_conversations(workspace_id, visitor_id, conversation_id);

-- Existing chats: attributed only where the contact is plainly one anonymous
-- visitor (exactly one identity, a visitor id). A contact with more identities
-- may be the result of a merge; its chats stay visible to verified sessions only.
INSERT INTO widget_conversations(conversation_id, workspace_id, visitor_id, created_at)
  SELECT c.id, c.workspace_id, i.value, c.created_at
  FROM conversations c
  JOIN contact_identities i ON i.workspace_id = c.workspace_id AND i.contact_id = c.contact_id AND i.kind = 'visitor'
  WHERE c.channel = 'chat'
    AND (SELECT COUNT(*) FROM contact_identities j
         WHERE j.workspace_id = c.workspace_id AND j.contact_id = c.contact_id) = 1;
