-- Schema 18: attachments (issue 18). The bytes live in a content-addressed file
-- under data_dir/media/ (named by their SHA-256); a row is one attachment of one
-- workspace, so the same bytes sent twice share a file but never an id. An
-- upload waits unattached (message_id NULL) until a message carries it.
CREATE TABLE media (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id    INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  sha256          TEXT NOT NULL,
  content_type    TEXT NOT NULL,
  size            INTEGER NOT NULL,
  name            TEXT NOT NULL,
  conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
  message_id      INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  teammate_id     INTEGER REFERENCES teammates(id) ON DELETE SET NULL,
  visitor_id      TEXT,
  created_at      TEXT NOT NULL
);
CREATE INDEX media_message ON media(message_id);
CREATE INDEX media_conversation ON media(conversation_id);
CREATE INDEX media_sha256 ON media(sha256);
-- What visitors uploaded lately (their budget per workspace and hour).
CREATE INDEX media_visitor ON media(workspace_id, visitor_id, created_at) WHERE visitor_id IS NOT NULL;
