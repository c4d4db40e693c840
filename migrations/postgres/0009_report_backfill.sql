-- Reports' history (issue 21; SQLite's schema 26): conversations from before the
-- reporting log (0008), each with the instant the log began, replayed once by the
-- leader through the report writer (services::backfill_report_history).
CREATE TABLE report_backfill (
  workspace_id    BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id BIGINT NOT NULL,
  through         TEXT NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id)
);

INSERT INTO report_backfill(workspace_id, conversation_id, through)
SELECT c.workspace_id, c.id, (SELECT applied_at FROM schema_migrations WHERE version = 8)
FROM conversations c
WHERE NOT EXISTS (SELECT 1 FROM report_events e WHERE e.workspace_id = c.workspace_id
                  AND e.conversation_id = c.id AND e.kind = 'conversation_created')
  AND EXISTS (SELECT 1 FROM schema_migrations WHERE version = 8);
