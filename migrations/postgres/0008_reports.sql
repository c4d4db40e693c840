-- Reports (issue 21; the SQLite twin is migrations/0025_reports.sql). The reporting event log, written in the same
-- transaction as the change it records; daily rollups per scope (the workspace,
-- each team, teammate, channel and line) with a histogram of each duration, plus
-- hourly rows for the workspace, kept by the writer so a summary reads a few
-- thousand rows; and each conversation's reporting state. Events carry no
-- personal data and outlive an erased conversation (the figures stay true).
CREATE TABLE report_events (
  id               BIGSERIAL PRIMARY KEY,
  workspace_id     BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id  BIGINT NOT NULL,
  kind             TEXT NOT NULL,
  at               TEXT NOT NULL,
  team_id          BIGINT,
  teammate_id      BIGINT,   -- the assignee, or the teammate who replied
  channel          TEXT NOT NULL DEFAULT '',
  number_id        BIGINT,
  wall_seconds     BIGINT,
  business_seconds BIGINT,
  value            INTEGER    -- a rating
);
CREATE INDEX report_events_time ON report_events(workspace_id, kind, at);
CREATE INDEX report_events_conversation ON report_events(workspace_id, conversation_id, kind);

-- period: a local day YYYY-MM-DD (every scope) or hour YYYY-MM-DDTHH (dim ''), in
-- the workspace's report time zone. metric: an event kind, message_in/out, or a
-- duration kind + '@bh' (business hours); bucket: the duration's histogram bucket,
-- -1 for counts; total: the durations' or ratings' sum.
CREATE TABLE report_rollups (
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  dim          TEXT NOT NULL,
  dim_value    TEXT NOT NULL,
  period       TEXT NOT NULL,
  metric       TEXT NOT NULL,
  bucket       BIGINT NOT NULL,
  n            BIGINT NOT NULL,
  total        BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, dim, dim_value, period, metric, bucket)
);
-- Counts up to a day (open at the end of a range) read one metric's rows only.
CREATE INDEX report_rollups_metric ON report_rollups(workspace_id, dim, dim_value, metric, period);

CREATE TABLE report_conversation_state (
  workspace_id    BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id BIGINT NOT NULL,
  waiting_since   TEXT,
  opened_at       TEXT,
  responded       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (workspace_id, conversation_id)
);
