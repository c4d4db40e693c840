-- Messages are indexed for search once per committed batch instead of by a trigger per
-- insert: FTS5 flushes its pending terms at every SAVEPOINT, and each store job runs in
-- its own, so a per-row trigger wrote one index segment per message. The store writer
-- now runs, just before each COMMIT and in the same transaction,
--   INSERT INTO messages_fts(rowid, body) SELECT id, body FROM messages WHERE id > last_id
-- and advances last_id (ids are AUTOINCREMENT, so never reused). Search sees every
-- committed message as before. This table is the indexer's own bookkeeping, not
-- workspace data.
CREATE TABLE search_progress (
  name     TEXT PRIMARY KEY,
  last_id  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO search_progress(name, last_id) VALUES ('messages', (SELECT coalesce(max(id), 0) FROM messages));

DROP TRIGGER messages_fts_insert;
-- Rows above last_id are not in the index yet: deleting them from it would corrupt it,
-- and their new body is indexed at the commit anyway.
DROP TRIGGER messages_fts_delete;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT last_id FROM search_progress WHERE name = 'messages') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
WHEN old.id <= (SELECT last_id FROM search_progress WHERE name = 'messages') BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
