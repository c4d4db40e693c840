// PostgreSQL: the knowledge base (repositories.hpp, migrations/postgres/0003_articles.sql
// and 0005_article_search.sql; the SQLite twin is src/store/sqlite/articles.cpp).
// Search: BM25 over article_postings (the weighted tsvector's lexemes as rows, the
// title ten times the body, as SQLite's bm25 weights), ts_headline for the snippet,
// article_terms for typo tolerance.
#include <algorithm>

#include "switchboard/store/article_search.hpp"
#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* collection_columns =
    "id, workspace_id, parent_id, name, slug, description, position, created_at, updated_at";

kb::collection collection_row(const pg::query_result& r, int i) {
  kb::collection c;
  c.id = r.integer(i, 0);
  c.workspace_id = r.integer(i, 1);
  c.parent_id = r.opt_integer(i, 2);
  c.name = r.text(i, 3);
  c.slug = r.text(i, 4);
  c.description = r.text(i, 5);
  c.position = r.integer(i, 6);
  c.created_at = r.text(i, 7);
  c.updated_at = r.text(i, 8);
  return c;
}

std::optional<kb::collection> first_collection(const pg::query_result& r) {
  if (r.empty()) return std::nullopt;
  return collection_row(r, 0);
}

std::string article_columns(bool with_body) {
  std::string bodies = with_body ? "a.body, a.body_html, a.body_text" : "'', '', ''";
  return "a.id, a.workspace_id, a.collection_id, a.title, a.slug, a.excerpt, " + bodies +
         ", a.status, a.author_id, a.position, a.views, a.helpful_yes, a.helpful_no, a.created_at, a.updated_at,"
         " a.published_at";
}
constexpr int article_column_count = 18;

kb::article article_row(const pg::query_result& r, int i) {
  kb::article a;
  a.id = r.integer(i, 0);
  a.workspace_id = r.integer(i, 1);
  a.collection_id = r.opt_integer(i, 2);
  a.title = r.text(i, 3);
  a.slug = r.text(i, 4);
  a.excerpt = r.text(i, 5);
  a.body = r.text(i, 6);
  a.body_html = r.text(i, 7);
  a.body_text = r.text(i, 8);
  a.status = r.text(i, 9);
  a.author_id = r.opt_integer(i, 10);
  a.position = r.integer(i, 11);
  a.views = r.integer(i, 12);
  a.helpful_yes = r.integer(i, 13);
  a.helpful_no = r.integer(i, 14);
  a.created_at = r.text(i, 15);
  a.updated_at = r.text(i, 16);
  a.published_at = r.opt_text(i, 17);
  return a;
}

std::vector<kb::article> articles_of(const pg::query_result& r) {
  std::vector<kb::article> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(article_row(r, i));
  return out;
}

constexpr const char* revision_columns = "id, workspace_id, article_id, title, excerpt, body, author_id, created_at";

std::vector<kb::revision> revisions_of(const pg::query_result& r) {
  std::vector<kb::revision> out;
  for (int i = 0; i < r.rows(); ++i) {
    kb::revision v;
    v.id = r.integer(i, 0);
    v.workspace_id = r.integer(i, 1);
    v.article_id = r.integer(i, 2);
    v.title = r.text(i, 3);
    v.excerpt = r.text(i, 4);
    v.body = r.text(i, 5);
    v.author_id = r.opt_integer(i, 6);
    v.created_at = r.text(i, 7);
    out.push_back(std::move(v));
  }
  return out;
}

// A tsquery text of the term groups: each term quoted (a prefix when asked), a
// group's corrections joined by |, the groups all (&) or any (|). The terms hold
// letters and digits only (search_terms), so quoting is enough.
std::string ts_query(const std::vector<std::vector<std::string>>& groups, bool prefix_last, bool match_all) {
  std::string out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i) out += match_all ? " & " : " | ";
    const bool prefix = prefix_last && i + 1 == groups.size();
    if (groups[i].size() > 1) out += '(';
    for (std::size_t j = 0; j < groups[i].size(); ++j) {
      if (j) out += " | ";
      out += "'" + groups[i][j] + "'";
      if (prefix) out += ":*";
    }
    if (groups[i].size() > 1) out += ')';
  }
  return out;
}

// The vocabulary's counts (article_terms, typo tolerance): +1 for each word an
// article gains, -1 for each it loses, a word gone from every article deleted.
// Sorted words: concurrent writers lock the rows in one order.
void count_words(pg::connection& db, id_t workspace_id, const std::vector<std::string>& words, int delta) {
  if (words.empty()) return;
  if (delta > 0) {
    db.run("INSERT INTO article_terms(workspace_id, term, articles) SELECT $1, t, 1 FROM unnest($2::text[]) AS t"
           " ON CONFLICT (workspace_id, term) DO UPDATE SET articles = article_terms.articles + 1",
           workspace_id, words);
    return;
  }
  db.run("UPDATE article_terms SET articles = articles - 1 WHERE workspace_id = $1 AND term = ANY($2::text[])",
         workspace_id, words);
  db.run("DELETE FROM article_terms WHERE workspace_id = $1 AND term = ANY($2::text[]) AND articles <= 0",
         workspace_id, words);
}

}  // namespace

std::vector<kb::collection> pg_article_repository::collections(id_t workspace_id) {
  auto r = db_.run(std::string("SELECT ") + collection_columns +
                       " FROM kb_collections WHERE workspace_id = $1"
                       " ORDER BY parent_id IS NOT NULL, coalesce(parent_id, 0), position, id",
                   workspace_id);
  std::vector<kb::collection> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(collection_row(r, i));
  return out;
}

std::optional<kb::collection> pg_article_repository::find_collection(id_t workspace_id, id_t id) {
  return first_collection(db_.run(std::string("SELECT ") + collection_columns +
                                      " FROM kb_collections WHERE workspace_id = $1 AND id = $2",
                                  workspace_id, id));
}

std::optional<kb::collection> pg_article_repository::find_collection_by_slug(id_t workspace_id,
                                                                            const std::string& slug) {
  return first_collection(db_.run(std::string("SELECT ") + collection_columns +
                                      " FROM kb_collections WHERE workspace_id = $1 AND slug = $2",
                                  workspace_id, slug));
}

id_t pg_article_repository::insert_collection(const kb::collection& c) {
  return db_
      .run(
          "INSERT INTO kb_collections(workspace_id, parent_id, name, slug, description, position, created_at,"
          " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          c.workspace_id, c.parent_id, c.name, c.slug, c.description, c.position, c.created_at, c.updated_at)
      .integer(0, 0);
}

bool pg_article_repository::update_collection(const kb::collection& c) {
  return db_
             .run(
                 "UPDATE kb_collections SET parent_id = $1, name = $2, slug = $3, description = $4, position = $5,"
                 " updated_at = $6 WHERE workspace_id = $7 AND id = $8",
                 c.parent_id, c.name, c.slug, c.description, c.position, c.updated_at, c.workspace_id, c.id)
             .affected() > 0;
}

bool pg_article_repository::delete_collection(id_t workspace_id, id_t id) {
  return db_.run("DELETE FROM kb_collections WHERE workspace_id = $1 AND id = $2", workspace_id, id).affected() > 0;
}

std::optional<kb::article> pg_article_repository::find(id_t workspace_id, id_t id) {
  auto r = db_.run("SELECT " + article_columns(true) + " FROM articles a WHERE a.workspace_id = $1 AND a.id = $2",
                   workspace_id, id);
  if (r.empty()) return std::nullopt;
  return article_row(r, 0);
}

std::optional<kb::article> pg_article_repository::find_by_slug(id_t workspace_id, const std::string& slug) {
  auto r = db_.run("SELECT " + article_columns(true) + " FROM articles a WHERE a.workspace_id = $1 AND a.slug = $2",
                   workspace_id, slug);
  if (r.empty()) return std::nullopt;
  return article_row(r, 0);
}

std::vector<kb::article> pg_article_repository::list(id_t workspace_id, const kb::article_filter& f) {
  return articles_of(db_.run("SELECT " + article_columns(f.with_body) +
                                 " FROM articles a WHERE a.workspace_id = $1 AND ($2::text IS NULL OR a.status = $2)"
                                 " AND ($3::bigint IS NULL OR a.collection_id = $3)"
                                 " AND ($4::bigint IS NULL OR a.id < $4) ORDER BY a.id DESC LIMIT $5",
                             workspace_id, f.status, f.collection_id, f.before, f.limit));
}

std::vector<kb::article> pg_article_repository::published_in(id_t workspace_id, std::optional<id_t> collection_id,
                                                             int limit) {
  return articles_of(db_.run("SELECT " + article_columns(true) +
                                 " FROM articles a WHERE a.workspace_id = $1 AND a.status = 'published'"
                                 " AND a.collection_id IS NOT DISTINCT FROM $2::bigint ORDER BY a.position, a.id"
                                 " LIMIT $3",
                             workspace_id, collection_id, limit));
}

std::vector<kb::article> pg_article_repository::popular(id_t workspace_id, int limit) {
  return articles_of(db_.run("SELECT " + article_columns(false) +
                                 " FROM articles a WHERE a.workspace_id = $1 AND a.status = 'published'"
                                 " ORDER BY a.views DESC, a.id DESC LIMIT $2",
                             workspace_id, limit));
}

id_t pg_article_repository::insert(const kb::article& a) {
  auto id = db_
      .run(
          "INSERT INTO articles(workspace_id, collection_id, title, slug, excerpt, body, body_html, body_text, status,"
          " author_id, position, created_at, updated_at, published_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
          a.workspace_id, a.collection_id, a.title, a.slug, a.excerpt, a.body, a.body_html, a.body_text, a.status,
          a.author_id, a.position, a.created_at, a.updated_at, a.published_at)
      .integer(0, 0);
  count_words(db_, a.workspace_id, kb::vocabulary_words(a.title, a.body_text), 1);
  return id;
}

bool pg_article_repository::update(const kb::article& a) {
  // The words before the change, from the row the update locks.
  auto r = db_.run(
      "UPDATE articles a SET collection_id = $1, title = $2, slug = $3, excerpt = $4, body = $5,"
      " body_html = $6, body_text = $7, status = $8, author_id = $9, position = $10, updated_at = $11,"
      " published_at = $12 FROM (SELECT id, title, body_text FROM articles WHERE workspace_id = $13 AND id = $14"
      " FOR UPDATE) o WHERE a.id = o.id RETURNING o.title, o.body_text",
      a.collection_id, a.title, a.slug, a.excerpt, a.body, a.body_html, a.body_text, a.status, a.author_id,
      a.position, a.updated_at, a.published_at, a.workspace_id, a.id);
  if (r.empty()) return false;
  auto before = kb::vocabulary_words(r.text(0, 0), r.text(0, 1));
  auto after = kb::vocabulary_words(a.title, a.body_text);
  count_words(db_, a.workspace_id, kb::words_missing_from(after, before), 1);
  count_words(db_, a.workspace_id, kb::words_missing_from(before, after), -1);
  return true;
}

bool pg_article_repository::remove(id_t workspace_id, id_t id) {
  auto r = db_.run("DELETE FROM articles WHERE workspace_id = $1 AND id = $2 RETURNING title, body_text",
                   workspace_id, id);
  if (r.empty()) return false;
  count_words(db_, workspace_id, kb::vocabulary_words(r.text(0, 0), r.text(0, 1)), -1);
  return true;
}

void pg_article_repository::reorder(id_t workspace_id, const std::vector<id_t>& ids) {
  if (ids.empty()) return;
  db_.run(
      "UPDATE articles a SET position = u.n - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS u(id, n)"
      " WHERE a.workspace_id = $1 AND a.id = u.id",
      workspace_id, ids);
}

void pg_article_repository::add_view(id_t workspace_id, id_t id) {
  db_.run("UPDATE articles SET views = views + 1 WHERE workspace_id = $1 AND id = $2", workspace_id, id);
}

void pg_article_repository::add_vote(id_t workspace_id, id_t id, bool helpful) {
  db_.run(helpful ? "UPDATE articles SET helpful_yes = helpful_yes + 1 WHERE workspace_id = $1 AND id = $2"
                  : "UPDATE articles SET helpful_no = helpful_no + 1 WHERE workspace_id = $1 AND id = $2",
          workspace_id, id);
}

id_t pg_article_repository::add_revision(const kb::revision& r) {
  return db_
      .run(
          "INSERT INTO article_revisions(workspace_id, article_id, title, excerpt, body, author_id, created_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          r.workspace_id, r.article_id, r.title, r.excerpt, r.body, r.author_id, r.created_at)
      .integer(0, 0);
}

std::vector<kb::revision> pg_article_repository::revisions(id_t workspace_id, id_t article_id) {
  return revisions_of(db_.run(std::string("SELECT ") + revision_columns +
                                  " FROM article_revisions WHERE workspace_id = $1 AND article_id = $2"
                                  " ORDER BY id DESC",
                              workspace_id, article_id));
}

std::optional<kb::revision> pg_article_repository::find_revision(id_t workspace_id, id_t article_id, id_t id) {
  auto out = revisions_of(db_.run(std::string("SELECT ") + revision_columns +
                                      " FROM article_revisions WHERE workspace_id = $1 AND article_id = $2"
                                      " AND id = $3",
                                  workspace_id, article_id, id));
  if (out.empty()) return std::nullopt;
  return std::move(out[0]);
}

std::vector<kb::article_hit> pg_article_repository::search(id_t workspace_id, const kb::article_query& query) {
  auto terms = kb::search_terms(query.words);
  if (terms.empty() || query.limit <= 0) return {};
  // Typo tolerance: a word is known when the vocabulary has it (a word being typed:
  // a word starting with it) or its stem is indexed ("refunds"), or when it is a
  // stop word (searched for by nothing); otherwise its closest vocabulary words of
  // the same first letter replace it.
  auto known = [&](const std::string& term, bool prefix) {
    return db_
        .run("SELECT EXISTS (SELECT 1 FROM article_terms WHERE workspace_id = $1 AND term >= $2 AND term < $3"
             "  AND ($4::int = 1 OR term = $2))"
             " OR ($4::int = 0 AND (numnode(plainto_tsquery('english', $2)) = 0 OR EXISTS (SELECT 1"
             "  FROM unnest(to_tsvector('english', $2)) AS v JOIN article_postings p ON p.workspace_id = $1"
             "  AND p.lexeme = v.lexeme COLLATE \"C\")))",
             workspace_id, term, kb::prefix_end(term), prefix)
        .boolean(0, 0);
  };
  auto candidates = [&](const kb::candidate_range& range) {
    auto r = db_.run(
        "SELECT term, articles FROM article_terms WHERE workspace_id = $1 AND term >= $2 AND term < $3"
        " AND length(term) BETWEEN $4 AND $5",
        workspace_id, range.from, range.to, static_cast<std::int64_t>(range.min_length),
        static_cast<std::int64_t>(range.max_length));
    std::vector<kb::vocabulary_term> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.integer(i, 1)});
    return out;
  };
  auto groups = kb::term_groups(terms, query.prefix_last, query.fix_typos, known, candidates);
  // BM25 as SQLite's FTS5 ranks (ts_rank counts a common word as much as a rare
  // one), over every match, from article_postings (migration 0005): each term's
  // stemmed lexeme (a range of lexemes for the word being typed), its postings in
  // one index range, their weighted counts — the title's counted ten times —
  // summed per group of corrections, saturated (k1 = 1.2) and normalized by the
  // article's length against the matches' average (b = 0.75); inverse document
  // frequency from the group's matches among the articles searched. Stop words
  // have no lexeme and count in no group. Only the page's rows read articles
  // (their columns and the snippet).
  std::vector<std::string> flat;
  std::vector<std::int64_t> group_of, prefix_of;
  for (std::size_t i = 0; i < groups.size(); ++i)
    for (auto& t : groups[i]) {
      flat.push_back(t);
      group_of.push_back(static_cast<std::int64_t>(i));
      prefix_of.push_back(query.prefix_last && i + 1 == groups.size() ? 1 : 0);
    }
  auto r = db_.run(
      "WITH t AS (SELECT DISTINCT u.g, u.pre = 1 AS pre,"
      "   (SELECT v.lexeme FROM unnest(to_tsvector('english', u.term)) AS v LIMIT 1) COLLATE \"C\" AS lex"
      "  FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS u(term, g, pre)),"
      " m AS (SELECT t.g, p.article_id, sum(p.tf)::float8 AS tf, min(p.length)::float8 AS length"
      "  FROM t JOIN article_postings p ON p.workspace_id = $1 AND p.lexeme >= t.lex"
      "   AND p.lexeme < t.lex || CASE WHEN t.pre THEN chr(1114111) ELSE chr(1) END"
      "   AND ($5::text IS NULL OR p.status = $5)"
      "  WHERE t.lex IS NOT NULL GROUP BY t.g, p.article_id),"
      " df AS (SELECT g, count(*)::float8 AS n FROM m GROUP BY g),"
      " total AS (SELECT count(*)::float8 AS n FROM articles a WHERE a.workspace_id = $1"
      "  AND ($5::text IS NULL OR a.status = $5)),"
      " av AS (SELECT greatest(avg(d.length), 1) AS average FROM (SELECT DISTINCT article_id, length FROM m) d),"
      " s AS (SELECT m.article_id, sum(ln((total.n - df.n + 0.5) / (df.n + 0.5) + 1) * m.tf * 2.2"
      "   / (m.tf + 1.2 * (0.25 + 0.75 * m.length / av.average))) AS score"
      "  FROM m JOIN df USING (g) CROSS JOIN total CROSS JOIN av GROUP BY m.article_id"
      "  HAVING $6::int = 0 OR count(*) = (SELECT count(DISTINCT g) FROM t WHERE lex IS NOT NULL)"
      "  ORDER BY score DESC, m.article_id DESC LIMIT $7)"
      " SELECT " + article_columns(false) +
      ", s.score, ts_headline('english', a.body_text, q, 'StartSel=\x01, StopSel=\x02, MaxWords=24,"
      " MinWords=8, MaxFragments=1, FragmentDelimiter=…')"
      " FROM s JOIN articles a ON a.id = s.article_id CROSS JOIN to_tsquery('english', $8) q"
      " ORDER BY s.score DESC, a.id DESC",
      workspace_id, flat, group_of, prefix_of, query.status, query.match_all, query.limit,
      ts_query(groups, query.prefix_last, query.match_all));
  std::vector<kb::article_hit> out;
  for (int i = 0; i < r.rows(); ++i) {
    kb::article_hit h;
    h.a = article_row(r, i);
    h.score = r.real(i, article_column_count);
    h.snippet = r.text(i, article_column_count + 1);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace switchboard::store
