-- Schema 3: phone numbers (virtual numbers owned by a teammate, shared lines
-- owned by a team), the conversation's business number, and webhook idempotency.

CREATE TABLE numbers (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id       INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  number             TEXT NOT NULL,          -- E.164
  carrier            TEXT NOT NULL CHECK (carrier IN ('sandbox', 'twilio', 'signalwire')),
  carrier_sid        TEXT,                   -- e.g. Twilio's PN… sid
  capabilities       TEXT NOT NULL DEFAULT '["sms","voice"]',
  owner_teammate_id  INTEGER REFERENCES teammates(id) ON DELETE SET NULL,
  owner_team_id      INTEGER REFERENCES teams(id) ON DELETE SET NULL,
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released')),
  created_at         TEXT NOT NULL,
  CHECK (owner_teammate_id IS NULL OR owner_team_id IS NULL)
);
-- A carrier webhook finds its workspace by the number called: an active number belongs to one workspace.
CREATE UNIQUE INDEX numbers_active ON numbers(number) WHERE status = 'active';
CREATE INDEX numbers_workspace ON numbers(workspace_id, id);

ALTER TABLE conversations ADD COLUMN number_id INTEGER REFERENCES numbers(id) ON DELETE SET NULL;
CREATE INDEX conversations_contact_number ON conversations(workspace_id, contact_id, number_id, id);

-- Carriers retry webhooks: the first answer is recorded and replayed for the same (carrier, sid, step).
CREATE TABLE webhook_events (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  carrier       TEXT NOT NULL,
  sid           TEXT NOT NULL,
  step          TEXT NOT NULL,
  workspace_id  INTEGER,
  response      TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (carrier, sid, step)
);

-- The sandbox carrier's record of what it "sent": shown by the simulator.
CREATE TABLE sandbox_messages (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  sid           TEXT NOT NULL UNIQUE,
  from_number   TEXT NOT NULL,
  to_number     TEXT NOT NULL,
  body          TEXT NOT NULL,
  media         TEXT NOT NULL DEFAULT '[]',
  created_at    TEXT NOT NULL
);
CREATE INDEX sandbox_messages_to ON sandbox_messages(to_number, id);

-- The dispatcher asks for due rows of one kind (message.send.<channel>).
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(status, kind, next_attempt_at);
