-- Schema 16: the inbox search finds a conversation by its contact's name, email or
-- identities by substring (issue 16 item 21). A LIKE '%…%' over every contact and
-- identity grew with the workspace (a scan of 1M rows per search, for every
-- search, since any word may be a name); a trigram FTS5 index answers a substring
-- of 3 characters or more with the matching rows only. It is a prefilter: the
-- store checks the LIKE terms on what it returns. Rowids: -contact id for the
-- contact's name and email, the identity's id for an identity's value.
CREATE VIRTUAL TABLE contact_search USING fts5(text, tokenize = 'trigram');

INSERT INTO contact_search(rowid, text)
  SELECT -id, coalesce(name, '') || char(10) || coalesce(email, '') FROM contacts;
INSERT INTO contact_search(rowid, text) SELECT id, value FROM contact_identities;

CREATE TRIGGER contact_search_contact_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contact_search(rowid, text)
    VALUES (-new.id, coalesce(new.name, '') || char(10) || coalesce(new.email, ''));
END;
CREATE TRIGGER contact_search_contact_update AFTER UPDATE OF name, email ON contacts BEGIN
  DELETE FROM contact_search WHERE rowid = -old.id;
  INSERT INTO contact_search(rowid, text)
    VALUES (-new.id, coalesce(new.name, '') || char(10) || coalesce(new.email, ''));
END;
CREATE TRIGGER contact_search_contact_delete AFTER DELETE ON contacts BEGIN
  DELETE FROM contact_search WHERE rowid = -old.id;
END;
CREATE TRIGGER contact_search_identity_insert AFTER INSERT ON contact_identities BEGIN
  INSERT INTO contact_search(rowid, text) VALUES (new.id, new.value);
END;
CREATE TRIGGER contact_search_identity_update AFTER UPDATE OF value ON contact_identities BEGIN
  DELETE FROM contact_search WHERE rowid = old.id;
  INSERT INTO contact_search(rowid, text) VALUES (new.id, new.value);
END;
CREATE TRIGGER contact_search_identity_delete AFTER DELETE ON contact_identities BEGIN
  DELETE FROM contact_search WHERE rowid = old.id;
END;
