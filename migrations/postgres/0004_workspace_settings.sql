-- Settings a workspace's admins change in the app (issue 20: the answer bot), one
-- JSON value per name (the SQLite twin is migrations/0021_workspace_settings.sql).
CREATE TABLE workspace_settings (
  workspace_id  BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  value         TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (workspace_id, name)
);
