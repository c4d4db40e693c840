-- Schema 6: Microsoft Teams. Who a Teams user is, which channel a teammate's or
-- a team's conversations go to, and the thread each conversation has there.

-- A teammate's Teams identity (the activity's from.aadObjectId). One Teams user
-- is one teammate, so an activity names its teammate without a workspace.
CREATE TABLE teams_users (
  workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  teammate_id    INTEGER PRIMARY KEY REFERENCES teammates(id) ON DELETE CASCADE,
  aad_object_id  TEXT NOT NULL UNIQUE,
  updated_at     TEXT NOT NULL
);

-- The channel a line owner's conversations are posted to, stored by `link` run
-- in that channel: what a proactive post to it needs.
CREATE TABLE teams_channels (
  id           INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  owner_kind   TEXT NOT NULL CHECK (owner_kind IN ('teammate', 'team')),
  owner_id     INTEGER NOT NULL,
  service_url  TEXT NOT NULL,
  channel_id   TEXT NOT NULL,
  team_id      TEXT NOT NULL DEFAULT '',
  tenant_id    TEXT NOT NULL DEFAULT '',
  linked_by    INTEGER REFERENCES teammates(id) ON DELETE SET NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  UNIQUE (workspace_id, owner_kind, owner_id)
);

-- One thread per customer conversation. thread_id (the Bot Connector
-- conversation id of the thread) is NULL until teams.create_thread succeeds.
CREATE TABLE teams_threads (
  id               INTEGER PRIMARY KEY,
  workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id  INTEGER NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
  channel_link_id  INTEGER NOT NULL REFERENCES teams_channels(id) ON DELETE CASCADE,
  service_url      TEXT NOT NULL,
  channel_id       TEXT NOT NULL,
  tenant_id        TEXT NOT NULL DEFAULT '',
  thread_id        TEXT,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'created', 'failed')),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX teams_threads_by_thread ON teams_threads(thread_id) WHERE thread_id IS NOT NULL;
