-- Schema 19: outbox ids are never used twice. An erasure deletes a conversation's
-- outbox rows; without AUTOINCREMENT the next row could take a deleted row's id,
-- and a dispatcher still working on the deleted row (a send, a media download)
-- would then settle the new one: it would be marked done without being performed.
CREATE TABLE outbox_next (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id    INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'done' OR status = 'failed'),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE
);
INSERT INTO outbox_next(id, workspace_id, kind, payload, status, attempts, next_attempt_at, last_error, created_at,
                        updated_at, conversation_id)
  SELECT id, workspace_id, kind, payload, status, attempts, next_attempt_at, last_error, created_at, updated_at,
         conversation_id FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, kind, next_attempt_at);
CREATE INDEX outbox_conversation ON outbox(conversation_id) WHERE conversation_id IS NOT NULL;
