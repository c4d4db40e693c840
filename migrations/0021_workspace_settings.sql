-- Schema 21: settings a workspace's admins change in the app (issue 20: the answer bot), one
-- JSON value per name. Installation-wide defaults stay in the configuration file.
CREATE TABLE workspace_settings (
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  value         TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;
