-- Realtime fan-out across instances (issue 19): an instance writes each event its
-- sockets get here, with a NOTIFY sb_events carrying the row's id; the other
-- instances LISTEN, read the row and deliver it to their own sockets. Rows are
-- transient (the leader deletes those older than five minutes): UNLOGGED, not in
-- the WAL or on replicas, gone after a crash, which only costs in-flight events.
CREATE UNLOGGED TABLE realtime_events (
  id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  origin        TEXT NOT NULL,          -- the writing instance, which skips its own
  workspace_id  BIGINT NOT NULL,
  topic         TEXT NOT NULL,
  event         TEXT NOT NULL,          -- {"type":…,"data":…} as the sockets get it
  ephemeral     INTEGER NOT NULL DEFAULT 0 CHECK (ephemeral IN (0, 1)),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX realtime_events_created ON realtime_events(created_at);
