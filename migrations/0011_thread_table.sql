-- A conversation's messages are found through message_threads, which the store
-- writer fills in bulk (conversations::merge_threads, every few thousand messages,
-- inside a batch), instead of through an index on messages that every INSERT kept
-- up to date. With many conversations that index took each message to the tail of
-- its own conversation: a page of its own per message in every group commit, so
-- most of the WAL written and fsynced under webhook load was that index (27 of 39
-- pages per commit in a WAL taken under bench/webhooks.sh), and the rate fell as
-- the conversations' tails spread over more pages. Merged in bulk and in
-- key order, a conversation's page is written once per merge, not once per message.
--
-- Messages above thread_progress.last_id (the newest few thousand) are not in
-- message_threads yet; readers take those from the table's own tail, by id.
CREATE TABLE message_threads (
  workspace_id     INTEGER NOT NULL,
  conversation_id  INTEGER NOT NULL,
  message_id       INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, conversation_id, message_id)
) WITHOUT ROWID;

CREATE TABLE thread_progress (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  last_id  INTEGER NOT NULL
);

INSERT INTO message_threads(workspace_id, conversation_id, message_id)
  SELECT workspace_id, conversation_id, id FROM messages
  ORDER BY workspace_id, conversation_id, id;
INSERT INTO thread_progress(id, last_id) VALUES (1, (SELECT coalesce(max(id), 0) FROM messages));

-- The newest public message, for conversation lists: kept by the UPDATE that every
-- message already makes to its conversation (it was a lookup through the index).
ALTER TABLE conversations ADD COLUMN preview_id INTEGER;
UPDATE conversations SET preview_id = (
  SELECT max(m.id) FROM messages m
  WHERE m.workspace_id = conversations.workspace_id AND m.conversation_id = conversations.id
    AND m.private = 0);

DROP INDEX messages_thread;

-- Deleted messages (an erased contact's) leave the thread table, and a conversation
-- whose preview they were gets the next newest public message.
CREATE TRIGGER message_threads_delete AFTER DELETE ON messages BEGIN
  DELETE FROM message_threads
  WHERE workspace_id = old.workspace_id AND conversation_id = old.conversation_id
    AND message_id = old.id;
  UPDATE conversations SET preview_id = (
    SELECT max(id) FROM (
      SELECT m.id AS id FROM message_threads t JOIN messages m ON m.id = t.message_id
      WHERE t.workspace_id = old.workspace_id AND t.conversation_id = old.conversation_id
        AND m.private = 0
      UNION ALL
      SELECT id FROM messages
      WHERE id > (SELECT last_id FROM thread_progress WHERE id = 1)
        AND workspace_id = old.workspace_id AND conversation_id = old.conversation_id
        AND private = 0))
  WHERE id = old.conversation_id AND preview_id = old.id;
END;

-- Nothing moves a message to another conversation today; should anything, the thread
-- table follows (a message not merged yet is merged where it then is).
CREATE TRIGGER message_threads_move AFTER UPDATE OF workspace_id, conversation_id ON messages
BEGIN
  DELETE FROM message_threads
  WHERE workspace_id = old.workspace_id AND conversation_id = old.conversation_id
    AND message_id = old.id;
  INSERT OR IGNORE INTO message_threads(workspace_id, conversation_id, message_id)
    SELECT new.workspace_id, new.conversation_id, new.id
    WHERE new.id <= (SELECT last_id FROM thread_progress WHERE id = 1);
END;
