-- Schema 26: reports' history (issue 21). Conversations from before the reporting
-- log (schema 25) have no events, so reports and the open count began at the
-- upgrade. Each is listed here with the instant the log began (schema 25's
-- applied_at); the leader replays its messages before that instant through the
-- report writer, one conversation per row, and deletes the row in the same job
-- (services::backfill_report_history). A conversation the log recorded has its
-- conversation_created event and is not listed.
CREATE TABLE report_backfill (
  workspace_id    INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id INTEGER NOT NULL,
  through         TEXT NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id)
) WITHOUT ROWID;

INSERT INTO report_backfill(workspace_id, conversation_id, through)
SELECT c.workspace_id, c.id, (SELECT applied_at FROM schema_migrations WHERE version = 25)
FROM conversations c
WHERE NOT EXISTS (SELECT 1 FROM report_events e WHERE e.workspace_id = c.workspace_id
                  AND e.conversation_id = c.id AND e.kind = 'conversation_created')
  AND EXISTS (SELECT 1 FROM schema_migrations WHERE version = 25);
