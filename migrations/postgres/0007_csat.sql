-- CSAT surveys (issue 21; the SQLite twin is migrations/0024_csat.sql). One survey per resolution: in the widget an
-- inline rating, over SMS a "Reply 1-5" text, elsewhere a link /survey/{token}. The
-- rating is credited to teammate_id, the assignee when the survey was sent. A
-- conversation's erasure (its contact's) takes its surveys with it.
CREATE TABLE csat_surveys (
  id              BIGSERIAL PRIMARY KEY,
  workspace_id    BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  contact_id      BIGINT NOT NULL,   -- the conversation's contact when sent
  channel         TEXT NOT NULL CHECK (channel = 'widget' OR channel = 'sms' OR channel = 'link'),
  token           TEXT NOT NULL UNIQUE,
  teammate_id     BIGINT,            -- the assignee when sent: who the rating is credited to
  number_id       BIGINT,            -- sms: the line it was sent from
  phone           TEXT,               -- sms: the customer's number
  message_id      BIGINT,         -- widget: the thread item showing the rating
  status          TEXT NOT NULL DEFAULT 'sent' CHECK (status = 'sent' OR status = 'answered'),
  rating          INTEGER CHECK (rating IS NULL OR (rating >= 1 AND rating <= 5)),
  comment         TEXT,
  sent_at         TEXT NOT NULL,
  answered_at     TEXT,
  expires_at      TEXT NOT NULL
);
CREATE INDEX csat_surveys_conversation ON csat_surveys(conversation_id, id);
CREATE INDEX csat_surveys_sms ON csat_surveys(phone, number_id, id) WHERE channel = 'sms' AND status = 'sent';
