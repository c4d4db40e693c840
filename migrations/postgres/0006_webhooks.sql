-- Outbound webhooks (issue 21; the SQLite twin is migrations/0023_webhooks.sql). An
-- endpoint is a URL a workspace's admins registered with the event types it wants;
-- each event it wants becomes a delivery, sent through the outbox (a
-- 'webhook.deliver' row names the delivery) and kept as the endpoint's log.
CREATE TABLE webhook_endpoints (
  id                         BIGSERIAL PRIMARY KEY,
  workspace_id               BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  url                        TEXT NOT NULL,
  description                TEXT NOT NULL DEFAULT '',
  events                     TEXT NOT NULL,   -- JSON array of event types
  secret                     TEXT NOT NULL,   -- whsec_<base64>; needed in clear to sign
  previous_secret            TEXT,            -- still signs until previous_secret_expires_at
  previous_secret_expires_at TEXT,
  enabled                    INTEGER NOT NULL DEFAULT 1,
  disabled_reason            TEXT,
  failing_since              TEXT,            -- the first failure since the last success
  created_at                 TEXT NOT NULL,
  updated_at                 TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints(workspace_id, id);

CREATE TABLE webhook_deliveries (
  id               BIGSERIAL PRIMARY KEY,
  workspace_id     BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  message_id       TEXT NOT NULL,   -- the webhook-id header: msg_…, the same on every attempt
  event_type       TEXT NOT NULL,
  payload          TEXT NOT NULL,   -- the body exactly as signed
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status = 'pending' OR status = 'succeeded' OR status = 'failed'),
  attempts         INTEGER NOT NULL DEFAULT 0,
  response_status  INTEGER,
  latency_ms       INTEGER,
  response_excerpt TEXT,
  last_error       TEXT,
  contact_id       BIGINT,         -- whose data the payload holds: an erasure deletes it
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  last_attempt_at  TEXT,
  next_attempt_at  TEXT
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
CREATE INDEX webhook_deliveries_contact ON webhook_deliveries(contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX webhook_deliveries_created ON webhook_deliveries(created_at);
