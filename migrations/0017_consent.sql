-- Schema 17: the texting consent ledger (issue 18). One row per change of a
-- customer phone's consent, on one business number or (number_id NULL) on every
-- line of the workspace; the newest applicable row is the state. Kept as history:
-- who or what changed it (a keyword, an agent, the API, a carrier's error), when,
-- and the message that caused it.
CREATE TABLE consent_ledger (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  phone        TEXT NOT NULL,
  number_id    INTEGER REFERENCES numbers(id) ON DELETE CASCADE,
  state        TEXT NOT NULL CHECK (state IN ('opted_out', 'opted_in')),
  source       TEXT NOT NULL CHECK (source IN ('keyword', 'agent', 'api', 'carrier')),
  message_id   INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  teammate_id  INTEGER REFERENCES teammates(id) ON DELETE SET NULL,
  note         TEXT,
  created_at   TEXT NOT NULL
);
CREATE INDEX consent_ledger_phone ON consent_ledger(workspace_id, phone, id);
