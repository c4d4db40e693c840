// PostgreSQL: the knowledge base (repositories.hpp, migrations/postgres/0003_articles.sql;
// the SQLite twin is src/store/sqlite/articles.cpp). Search: the weighted tsvector
// column and its GIN index, ts_rank with the title ten times the body (as SQLite's
// bm25 weights), ts_headline for the snippet.
#include <algorithm>
#include <cmath>

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

// A tsquery text of the terms: each one quoted (a prefix when asked), all or any.
// The terms hold letters and digits only (search_terms), so quoting is enough.
std::string ts_query(const std::vector<std::string>& terms, bool prefix_last, bool match_all) {
  std::string out;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (i) out += match_all ? " & " : " | ";
    out += "'" + terms[i] + "'";
    if (prefix_last && i + 1 == terms.size()) out += ":*";
  }
  return out;
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
  return db_
      .run(
          "INSERT INTO articles(workspace_id, collection_id, title, slug, excerpt, body, body_html, body_text, status,"
          " author_id, position, created_at, updated_at, published_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
          a.workspace_id, a.collection_id, a.title, a.slug, a.excerpt, a.body, a.body_html, a.body_text, a.status,
          a.author_id, a.position, a.created_at, a.updated_at, a.published_at)
      .integer(0, 0);
}

bool pg_article_repository::update(const kb::article& a) {
  return db_
             .run(
                 "UPDATE articles SET collection_id = $1, title = $2, slug = $3, excerpt = $4, body = $5,"
                 " body_html = $6, body_text = $7, status = $8, author_id = $9, position = $10, updated_at = $11,"
                 " published_at = $12 WHERE workspace_id = $13 AND id = $14",
                 a.collection_id, a.title, a.slug, a.excerpt, a.body, a.body_html, a.body_text, a.status,
                 a.author_id, a.position, a.updated_at, a.published_at, a.workspace_id, a.id)
             .affected() > 0;
}

bool pg_article_repository::remove(id_t workspace_id, id_t id) {
  return db_.run("DELETE FROM articles WHERE workspace_id = $1 AND id = $2", workspace_id, id).affected() > 0;
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
  // Ranked by BM25 as SQLite's FTS5 ranks (ts_rank counts a common word as much as
  // a rare one): each term's stemmed lexeme, how many of the articles searched have
  // it (its inverse document frequency), its occurrences in each matching article's
  // tsvector — the title's (weight A) counted ten times — saturated (k1 = 1.2) and
  // normalized by the article's length against the average (b = 0.75). First the
  // statistics, one index probe per term; then BM25 over the 100 best matches by
  // ts_rank (cheap), not over every match of a common word, their lengths against
  // their own average (reading every article's to average them cost more than the rest).
  const bool prefix = query.prefix_last;
  std::vector<std::string> term_queries;
  for (std::size_t i = 0; i < terms.size(); ++i)
    term_queries.push_back(ts_query({terms[i]}, prefix && i + 1 == terms.size(), true));
  auto stats = db_.run(
      "SELECT (SELECT count(*) FROM articles a WHERE a.workspace_id = $1 AND ($3::text IS NULL OR a.status = $3)),"
      " 0,"
      " array_agg((SELECT count(*) FROM articles a WHERE a.workspace_id = $1 AND ($3::text IS NULL OR a.status = $3)"
      "  AND a.search_vector @@ to_tsquery('english', q)) ORDER BY n),"
      " array_agg(coalesce((SELECT lexeme FROM unnest(to_tsvector('english', t)) LIMIT 1), '') ORDER BY n)"
      " FROM unnest($2::text[], $4::text[]) WITH ORDINALITY AS u(q, t, n)",
      workspace_id, term_queries, query.status, terms);
  const double total = static_cast<double>(stats.integer(0, 0));
  // array_agg's text: {3,0,12} and {router,light,""}; lexemes hold no commas or quotes.
  auto split_array = [](const std::string& a) {
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 1; i + 1 < a.size(); ++i) {
      if (a[i] == ',') out.push_back(std::move(cur)), cur.clear();
      else if (a[i] != '"') cur += a[i];
    }
    out.push_back(cur);
    return out;
  };
  auto counts = split_array(stats.text(0, 2));
  auto lexemes = split_array(stats.text(0, 3));
  std::vector<std::string> idf, prefixes;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    double n = i < counts.size() ? std::stod(counts[i]) : 0;
    idf.push_back(std::to_string(std::log((total - n + 0.5) / (n + 0.5) + 1.0)));
    prefixes.push_back(prefix && i + 1 == terms.size() ? "1" : "0");
  }
  lexemes.resize(terms.size());
  auto r = db_.run("SELECT " + article_columns(false) +
                       ", s.score, ts_headline('english', a.body_text, q, 'StartSel=\x01, StopSel=\x02, MaxWords=24,"
                       " MinWords=8, MaxFragments=1, FragmentDelimiter=…')"
                       " FROM (SELECT c.id, greatest(avg(length(c.search_vector)) OVER (), 1)::float8 AS average"
                       "   FROM articles c WHERE c.workspace_id = $1 AND c.search_vector @@ to_tsquery('english', $2)"
                       "   AND ($3::text IS NULL OR c.status = $3)"
                       "   ORDER BY ts_rank('{0.1, 0.1, 0.1, 1.0}', c.search_vector, to_tsquery('english', $2), 1) DESC,"
                       "   c.id DESC LIMIT 100) k"
                       " JOIN articles a ON a.id = k.id CROSS JOIN to_tsquery('english', $2) q"
                       " CROSS JOIN LATERAL (SELECT coalesce(sum(t.idf * t.tf * 2.2 / (t.tf + 1.2 * (0.25 + 0.75 *"
                       "   length(a.search_vector) / k.average))), 0) AS score FROM ("
                       "  SELECT x.idf::float8 AS idf, sum(CASE WHEN w = 'A' THEN 10 ELSE 1 END) AS tf"
                       "  FROM unnest($5::text[], $6::text[], $7::text[]) AS x(lex, idf, pre)"
                       "  JOIN unnest(a.search_vector) AS v ON x.lex <> '' AND (v.lexeme = x.lex OR"
                       "   (x.pre = '1' AND starts_with(v.lexeme, x.lex)))"
                       "  CROSS JOIN unnest(v.weights) AS w GROUP BY x.lex, x.idf) t) s"
                       " ORDER BY s.score DESC, a.id DESC LIMIT $4",
                   workspace_id, ts_query(terms, query.prefix_last, query.match_all), query.status, query.limit,
                   lexemes, idf, prefixes);
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
