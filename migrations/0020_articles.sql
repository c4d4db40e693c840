-- Schema 20: the knowledge base (issue 20). Collections nest one level (a
-- collection's parent has no parent: the store checks). An article keeps its
-- Markdown and, rendered when saved, its HTML and plain text (the search's and the
-- answer bot's text); each save of its words adds a revision. Slugs are unique per
-- workspace: the public URLs /help/articles/{slug}.
CREATE TABLE kb_collections (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  parent_id     INTEGER REFERENCES kb_collections(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  slug          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  position      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  UNIQUE (workspace_id, slug)
);

CREATE TABLE articles (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  collection_id  INTEGER REFERENCES kb_collections(id) ON DELETE SET NULL,
  title          TEXT NOT NULL,
  slug           TEXT NOT NULL,
  excerpt        TEXT NOT NULL DEFAULT '',
  body           TEXT NOT NULL DEFAULT '',   -- Markdown, as written
  body_html      TEXT NOT NULL DEFAULT '',   -- rendered, raw HTML left out
  body_text      TEXT NOT NULL DEFAULT '',   -- the visible text
  status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  author_id      INTEGER REFERENCES teammates(id) ON DELETE SET NULL,
  position       INTEGER NOT NULL DEFAULT 0,
  views          INTEGER NOT NULL DEFAULT 0,
  helpful_yes    INTEGER NOT NULL DEFAULT 0,
  helpful_no     INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  published_at   TEXT,
  UNIQUE (workspace_id, slug)
);
CREATE INDEX articles_collection ON articles(workspace_id, collection_id, position, id);
CREATE INDEX articles_status ON articles(workspace_id, status, id);

CREATE TABLE article_revisions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  title        TEXT NOT NULL,
  excerpt      TEXT NOT NULL,
  body         TEXT NOT NULL,
  author_id    INTEGER REFERENCES teammates(id) ON DELETE SET NULL,
  created_at   TEXT NOT NULL
);
CREATE INDEX article_revisions_article ON article_revisions(article_id, id);

-- Full text of title and visible text, stemmed (porter); bm25 weighs the title.
-- External content: the rows are the articles' own, kept in step by triggers.
CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, body_text, content = 'articles', content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body_text) VALUES ('delete', old.id, old.title, old.body_text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body_text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, body_text) VALUES ('delete', old.id, old.title, old.body_text);
  INSERT INTO articles_fts(rowid, title, body_text) VALUES (new.id, new.title, new.body_text);
END;
