-- Schema 14 (issue 22): erasing a contact removes every copy of what they wrote.
-- Outbox rows (a text forwarded to a teammate's phone holds the customer's words)
-- and the sandbox carrier's log name the conversation they came from, and go with
-- it (ON DELETE CASCADE). Rows written before this schema are found by their
-- payload at erasure (store/contacts.cpp).
ALTER TABLE outbox ADD COLUMN conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE;
CREATE INDEX outbox_conversation ON outbox(conversation_id) WHERE conversation_id IS NOT NULL;
ALTER TABLE sandbox_messages ADD COLUMN conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE;
CREATE INDEX sandbox_messages_conversation ON sandbox_messages(conversation_id) WHERE conversation_id IS NOT NULL;
UPDATE outbox SET conversation_id = json_extract(payload, '$.conversation_id')
  WHERE json_valid(payload) AND json_extract(payload, '$.conversation_id') IN (SELECT id FROM conversations);
