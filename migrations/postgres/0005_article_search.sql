-- The knowledge base's search (issue 20), twin of SQLite's schema 22 and more.
--
-- article_terms: each word of the workspace's articles as written (ASCII
-- letters, 3 to 64, lower case: kb::vocabulary_words) and how many articles
-- have it, for typo tolerance; the store keeps the counts when it writes an
-- article. COLLATE "C": the candidates of a word are a byte range.
CREATE TABLE article_terms (
  workspace_id  BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  term          TEXT COLLATE "C" NOT NULL,
  articles      BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, term)
);
INSERT INTO article_terms(workspace_id, term, articles)
  SELECT a.workspace_id, w, count(DISTINCT a.id)
  FROM articles a, regexp_split_to_table(translate(a.title || ' ' || a.body_text,
         'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '[^a-z0-9\u0080-\U0010FFFF]+') AS w
  WHERE w ~ '^[a-z]{3,64}$'
  GROUP BY a.workspace_id, w;

-- article_postings: the inverted index of search_vector as rows, one per
-- (workspace, lexeme, article) with the lexeme's weighted count (title 10, body
-- 1) and the article's length and status, so BM25 reads a range of one B-tree
-- per term (an index-only scan) instead of ranking every match's TOASTed
-- tsvector. Kept by a trigger; derived, so migrate-data does not copy it (the
-- articles' COPY fills it).
CREATE TABLE article_postings (
  workspace_id  BIGINT NOT NULL,
  lexeme        TEXT COLLATE "C" NOT NULL,
  article_id    BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  status        TEXT NOT NULL,
  tf            INTEGER NOT NULL,
  length        INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, lexeme, article_id) INCLUDE (status, tf, length)
);
CREATE INDEX article_postings_article ON article_postings(article_id);

CREATE FUNCTION article_postings_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM article_postings WHERE article_id = OLD.id;
  END IF;
  INSERT INTO article_postings(workspace_id, lexeme, article_id, status, tf, length)
    SELECT NEW.workspace_id, v.lexeme, NEW.id, NEW.status,
           (SELECT coalesce(sum(CASE WHEN w = 'A' THEN 10 ELSE 1 END), 1) FROM unnest(v.weights) AS w),
           length(NEW.search_vector)
    FROM unnest(NEW.search_vector) AS v;
  RETURN NULL;
END
$$;
CREATE TRIGGER article_postings_insert AFTER INSERT ON articles
  FOR EACH ROW EXECUTE FUNCTION article_postings_sync();
CREATE TRIGGER article_postings_update AFTER UPDATE ON articles
  FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector OR OLD.status IS DISTINCT FROM NEW.status
                     OR OLD.workspace_id IS DISTINCT FROM NEW.workspace_id)
  EXECUTE FUNCTION article_postings_sync();

INSERT INTO article_postings(workspace_id, lexeme, article_id, status, tf, length)
  SELECT a.workspace_id, v.lexeme, a.id, a.status,
         (SELECT coalesce(sum(CASE WHEN w = 'A' THEN 10 ELSE 1 END), 1) FROM unnest(v.weights) AS w),
         length(a.search_vector)
  FROM articles a, unnest(a.search_vector) AS v;

-- Nothing searches through the GIN index any more: one index fewer to write.
DROP INDEX articles_search;
