-- The message search index leaves this file for switchboard.search.db, kept by a
-- thread of its own (src/store/search_index.cpp): indexing a batch of new messages
-- took 12-15% of the store writer's time, inside the transactions that acknowledge
-- webhooks. The index holds nothing that is not in messages; it is rebuilt from
-- them when its file is missing or older than this one.
--
-- What the indexer cannot see by reading new ids is recorded here: a message whose
-- body changed or which was deleted (an erased contact's, for one). The indexer
-- re-reads those ids and the store deletes the rows it has handled.
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;
DROP TABLE search_progress;

-- AUTOINCREMENT: pruned rows' numbers must never come back (the indexer remembers
-- the last one it applied).
CREATE TABLE search_changes (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL,
  message_id    INTEGER NOT NULL
);
CREATE TRIGGER search_changes_delete AFTER DELETE ON messages BEGIN
  INSERT INTO search_changes(workspace_id, message_id) VALUES (old.workspace_id, old.id);
END;
CREATE TRIGGER search_changes_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO search_changes(workspace_id, message_id) VALUES (new.workspace_id, new.id);
END;
