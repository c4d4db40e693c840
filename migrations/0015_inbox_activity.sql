-- Schema 15 (issue 17, the inbox at scale): conversations are listed by last
-- activity, newest first, with keyset pagination on (activity, id). Each view of
-- the inbox (all, a status, an assignee or unassigned, a team) reads one of these
-- indexes in that order, so a page costs its own rows, not a sort of the workspace.
-- Activity is the last message's time, or the creation time before any message.
CREATE INDEX conversations_by_activity
  ON conversations(workspace_id, coalesce(last_message_at, created_at), id);
CREATE INDEX conversations_status_by_activity
  ON conversations(workspace_id, status, coalesce(last_message_at, created_at), id);
CREATE INDEX conversations_assignee_by_activity
  ON conversations(workspace_id, assignee_id, coalesce(last_message_at, created_at), id);
CREATE INDEX conversations_team_by_activity
  ON conversations(workspace_id, team_id, coalesce(last_message_at, created_at), id);
