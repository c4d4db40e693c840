-- Schema 22: the knowledge base's vocabulary (issue 20: typo tolerance). Each
-- word of the workspace's articles as written (ASCII letters, 3 to 64, lower
-- case: kb::vocabulary_words) and how many articles have it. The store keeps
-- the counts when it writes an article; the FTS5 index holds stemmed terms only
-- ("ship" for "shipping"), too far from a misspelt word to be its correction.
CREATE TABLE article_terms (
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  term          TEXT NOT NULL,
  articles      INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, term)
) WITHOUT ROWID;

-- The existing articles' words, through a throwaway unstemmed FTS5 index and
-- its per-instance vocabulary (unicode61 splits as kb::vocabulary_words does
-- for the words kept: ASCII letters only).
CREATE VIRTUAL TABLE article_terms_fill USING fts5(t, content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO article_terms_fill(rowid, t) SELECT id, title || ' ' || body_text FROM articles;
CREATE VIRTUAL TABLE article_terms_fill_v USING fts5vocab(article_terms_fill, 'instance');
INSERT INTO article_terms(workspace_id, term, articles)
  SELECT a.workspace_id, v.term, count(DISTINCT v.doc) FROM article_terms_fill_v v JOIN articles a ON a.id = v.doc
  WHERE length(v.term) BETWEEN 3 AND 64 AND v.term NOT GLOB '*[^a-z]*'
  GROUP BY a.workspace_id, v.term;
DROP TABLE article_terms_fill_v;
DROP TABLE article_terms_fill;
