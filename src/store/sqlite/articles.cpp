// SQLite: the knowledge base (repositories.hpp, migrations/0020_articles.sql; the
// PostgreSQL twin is src/store/postgres/articles.cpp).
#include "switchboard/store/article_search.hpp"
#include "switchboard/store/sqlite_unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* collection_columns =
    "id, workspace_id, parent_id, name, slug, description, position, created_at, updated_at";

kb::collection collection_row(statement& q) {
  kb::collection c;
  c.id = q.column_int(0);
  c.workspace_id = q.column_int(1);
  c.parent_id = q.column_opt_int(2);
  c.name = q.column_text(3);
  c.slug = q.column_text(4);
  c.description = q.column_text(5);
  c.position = q.column_int(6);
  c.created_at = q.column_text(7);
  c.updated_at = q.column_text(8);
  return c;
}

// Every column, or (without body) empty texts in the body's three places.
std::string article_columns(bool with_body, const char* t = "a") {
  std::string p = std::string(t) + ".";
  std::string bodies = with_body ? p + "body, " + p + "body_html, " + p + "body_text" : "'', '', ''";
  return p + "id, " + p + "workspace_id, " + p + "collection_id, " + p + "title, " + p + "slug, " + p + "excerpt, " +
         bodies + ", " + p + "status, " + p + "author_id, " + p + "position, " + p + "views, " + p + "helpful_yes, " +
         p + "helpful_no, " + p + "created_at, " + p + "updated_at, " + p + "published_at";
}
constexpr int article_column_count = 18;

kb::article article_row(statement& q, int at = 0) {
  kb::article a;
  a.id = q.column_int(at + 0);
  a.workspace_id = q.column_int(at + 1);
  a.collection_id = q.column_opt_int(at + 2);
  a.title = q.column_text(at + 3);
  a.slug = q.column_text(at + 4);
  a.excerpt = q.column_text(at + 5);
  a.body = q.column_text(at + 6);
  a.body_html = q.column_text(at + 7);
  a.body_text = q.column_text(at + 8);
  a.status = q.column_text(at + 9);
  a.author_id = q.column_opt_int(at + 10);
  a.position = q.column_int(at + 11);
  a.views = q.column_int(at + 12);
  a.helpful_yes = q.column_int(at + 13);
  a.helpful_no = q.column_int(at + 14);
  a.created_at = q.column_text(at + 15);
  a.updated_at = q.column_text(at + 16);
  a.published_at = q.column_opt_text(at + 17);
  return a;
}

std::vector<kb::article> articles_of(statement& q) {
  std::vector<kb::article> out;
  while (q.step()) out.push_back(article_row(q));
  q.reset();
  return out;
}

constexpr const char* revision_columns = "id, workspace_id, article_id, title, excerpt, body, author_id, created_at";

kb::revision revision_row(statement& q) {
  kb::revision r;
  r.id = q.column_int(0);
  r.workspace_id = q.column_int(1);
  r.article_id = q.column_int(2);
  r.title = q.column_text(3);
  r.excerpt = q.column_text(4);
  r.body = q.column_text(5);
  r.author_id = q.column_opt_int(6);
  r.created_at = q.column_text(7);
  return r;
}

// An FTS5 query of the term groups: each term quoted (a prefix when asked), a
// group's corrections joined by OR, the groups all (AND) or any (OR).
std::string fts_query(const std::vector<std::vector<std::string>>& groups, bool prefix_last, bool match_all) {
  std::string out;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i) out += match_all ? " AND " : " OR ";
    const bool prefix = prefix_last && i + 1 == groups.size();
    if (groups[i].size() > 1) out += '(';
    for (std::size_t j = 0; j < groups[i].size(); ++j) {
      if (j) out += " OR ";
      out += '"' + groups[i][j] + '"';  // terms hold no quotes (search_terms)
      if (prefix) out += '*';
    }
    if (groups[i].size() > 1) out += ')';
  }
  return out;
}

// The vocabulary's counts (article_terms, typo tolerance): +1 for each word an
// article gains, -1 for each it loses, a word gone from every article deleted.
void count_words(database& db, id_t workspace_id, const std::vector<std::string>& words, int delta) {
  if (delta > 0) {
    auto& q = db.prepare(
        "INSERT INTO article_terms(workspace_id, term, articles) VALUES (?1, ?2, 1)"
        " ON CONFLICT (workspace_id, term) DO UPDATE SET articles = articles + 1");
    for (auto& w : words) {
      q.bind_all(workspace_id, w).run();
      q.reset();
    }
    return;
  }
  auto& dec = db.prepare("UPDATE article_terms SET articles = articles - 1 WHERE workspace_id = ?1 AND term = ?2");
  auto& gone = db.prepare("DELETE FROM article_terms WHERE workspace_id = ?1 AND term = ?2 AND articles <= 0");
  for (auto& w : words) {
    dec.bind_all(workspace_id, w).run();
    dec.reset();
    gone.bind_all(workspace_id, w).run();
    gone.reset();
  }
}

// An article's vocabulary words as stored, before an edit or a delete.
std::optional<std::vector<std::string>> stored_words(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare("SELECT title, body_text FROM articles WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  std::optional<std::vector<std::string>> out;
  if (q.step()) out = kb::vocabulary_words(q.column_text(0), q.column_text(1));
  q.reset();
  return out;
}

}  // namespace

std::vector<kb::collection> sqlite_article_repository::collections(id_t workspace_id) {
  auto& q = db_.prepare(std::string("SELECT ") + collection_columns +
                        " FROM kb_collections WHERE workspace_id = ?1"
                        " ORDER BY parent_id IS NOT NULL, coalesce(parent_id, 0), position, id");
  q.bind_all(workspace_id);
  std::vector<kb::collection> out;
  while (q.step()) out.push_back(collection_row(q));
  q.reset();
  return out;
}

std::optional<kb::collection> sqlite_article_repository::find_collection(id_t workspace_id, id_t id) {
  auto& q = db_.prepare(std::string("SELECT ") + collection_columns +
                        " FROM kb_collections WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  std::optional<kb::collection> out;
  if (q.step()) out = collection_row(q);
  q.reset();
  return out;
}

std::optional<kb::collection> sqlite_article_repository::find_collection_by_slug(id_t workspace_id,
                                                                                const std::string& slug) {
  auto& q = db_.prepare(std::string("SELECT ") + collection_columns +
                        " FROM kb_collections WHERE workspace_id = ?1 AND slug = ?2");
  q.bind_all(workspace_id, slug);
  std::optional<kb::collection> out;
  if (q.step()) out = collection_row(q);
  q.reset();
  return out;
}

id_t sqlite_article_repository::insert_collection(const kb::collection& c) {
  db_.prepare(
         "INSERT INTO kb_collections(workspace_id, parent_id, name, slug, description, position, created_at,"
         " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind_all(c.workspace_id, c.parent_id, c.name, c.slug, c.description, c.position, c.created_at, c.updated_at)
      .run();
  return db_.last_insert_rowid();
}

bool sqlite_article_repository::update_collection(const kb::collection& c) {
  db_.prepare(
         "UPDATE kb_collections SET parent_id = ?1, name = ?2, slug = ?3, description = ?4, position = ?5,"
         " updated_at = ?6 WHERE workspace_id = ?7 AND id = ?8")
      .bind_all(c.parent_id, c.name, c.slug, c.description, c.position, c.updated_at, c.workspace_id, c.id)
      .run();
  return db_.changes() > 0;
}

bool sqlite_article_repository::delete_collection(id_t workspace_id, id_t id) {
  db_.prepare("DELETE FROM kb_collections WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, id).run();
  return db_.changes() > 0;
}

std::optional<kb::article> sqlite_article_repository::find(id_t workspace_id, id_t id) {
  auto& q = db_.prepare("SELECT " + article_columns(true) + " FROM articles a WHERE a.workspace_id = ?1 AND a.id = ?2");
  q.bind_all(workspace_id, id);
  std::optional<kb::article> out;
  if (q.step()) out = article_row(q);
  q.reset();
  return out;
}

std::optional<kb::article> sqlite_article_repository::find_by_slug(id_t workspace_id, const std::string& slug) {
  auto& q =
      db_.prepare("SELECT " + article_columns(true) + " FROM articles a WHERE a.workspace_id = ?1 AND a.slug = ?2");
  q.bind_all(workspace_id, slug);
  std::optional<kb::article> out;
  if (q.step()) out = article_row(q);
  q.reset();
  return out;
}

std::vector<kb::article> sqlite_article_repository::list(id_t workspace_id, const kb::article_filter& f) {
  // NULL parameters leave a filter out: one statement, prepared once.
  auto& q = db_.prepare("SELECT " + article_columns(f.with_body) +
                        " FROM articles a WHERE a.workspace_id = ?1 AND (?2 IS NULL OR a.status = ?2)"
                        " AND (?3 IS NULL OR a.collection_id = ?3) AND (?4 IS NULL OR a.id < ?4)"
                        " ORDER BY a.id DESC LIMIT ?5");
  q.bind_all(workspace_id, f.status, f.collection_id, f.before, f.limit);
  return articles_of(q);
}

std::vector<kb::article> sqlite_article_repository::published_in(id_t workspace_id,
                                                                 std::optional<id_t> collection_id, int limit) {
  auto& q = db_.prepare("SELECT " + article_columns(true) +
                        " FROM articles a WHERE a.workspace_id = ?1 AND a.status = 'published'"
                        " AND a.collection_id IS ?2 ORDER BY a.position, a.id LIMIT ?3");
  q.bind_all(workspace_id, collection_id, limit);
  return articles_of(q);
}

std::vector<kb::article> sqlite_article_repository::popular(id_t workspace_id, int limit) {
  auto& q = db_.prepare("SELECT " + article_columns(false) +
                        " FROM articles a WHERE a.workspace_id = ?1 AND a.status = 'published'"
                        " ORDER BY a.views DESC, a.id DESC LIMIT ?2");
  q.bind_all(workspace_id, limit);
  return articles_of(q);
}

id_t sqlite_article_repository::insert(const kb::article& a) {
  db_.prepare(
         "INSERT INTO articles(workspace_id, collection_id, title, slug, excerpt, body, body_html, body_text, status,"
         " author_id, position, created_at, updated_at, published_at)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")
      .bind_all(a.workspace_id, a.collection_id, a.title, a.slug, a.excerpt, a.body, a.body_html, a.body_text,
                a.status, a.author_id, a.position, a.created_at, a.updated_at, a.published_at)
      .run();
  auto id = db_.last_insert_rowid();
  count_words(db_, a.workspace_id, kb::vocabulary_words(a.title, a.body_text), 1);
  return id;
}

bool sqlite_article_repository::update(const kb::article& a) {
  auto before = stored_words(db_, a.workspace_id, a.id);
  db_.prepare(
         "UPDATE articles SET collection_id = ?1, title = ?2, slug = ?3, excerpt = ?4, body = ?5, body_html = ?6,"
         " body_text = ?7, status = ?8, author_id = ?9, position = ?10, updated_at = ?11, published_at = ?12"
         " WHERE workspace_id = ?13 AND id = ?14")
      .bind_all(a.collection_id, a.title, a.slug, a.excerpt, a.body, a.body_html, a.body_text, a.status, a.author_id,
                a.position, a.updated_at, a.published_at, a.workspace_id, a.id)
      .run();
  if (!before || db_.changes() == 0) return false;
  auto after = kb::vocabulary_words(a.title, a.body_text);
  count_words(db_, a.workspace_id, kb::words_missing_from(after, *before), 1);
  count_words(db_, a.workspace_id, kb::words_missing_from(*before, after), -1);
  return true;
}

bool sqlite_article_repository::remove(id_t workspace_id, id_t id) {
  auto before = stored_words(db_, workspace_id, id);
  db_.prepare("DELETE FROM articles WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, id).run();
  if (!before || db_.changes() == 0) return false;
  count_words(db_, workspace_id, *before, -1);
  return true;
}

void sqlite_article_repository::reorder(id_t workspace_id, const std::vector<id_t>& ids) {
  auto& q = db_.prepare("UPDATE articles SET position = ?1 WHERE workspace_id = ?2 AND id = ?3");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    q.bind_all(static_cast<std::int64_t>(i), workspace_id, ids[i]).run();
    q.reset();
  }
}

void sqlite_article_repository::add_view(id_t workspace_id, id_t id) {
  db_.prepare("UPDATE articles SET views = views + 1 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id)
      .run();
}

void sqlite_article_repository::add_vote(id_t workspace_id, id_t id, bool helpful) {
  db_.prepare(helpful ? "UPDATE articles SET helpful_yes = helpful_yes + 1 WHERE workspace_id = ?1 AND id = ?2"
                      : "UPDATE articles SET helpful_no = helpful_no + 1 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id)
      .run();
}

id_t sqlite_article_repository::add_revision(const kb::revision& r) {
  db_.prepare(
         "INSERT INTO article_revisions(workspace_id, article_id, title, excerpt, body, author_id, created_at)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      .bind_all(r.workspace_id, r.article_id, r.title, r.excerpt, r.body, r.author_id, r.created_at)
      .run();
  return db_.last_insert_rowid();
}

std::vector<kb::revision> sqlite_article_repository::revisions(id_t workspace_id, id_t article_id) {
  auto& q = db_.prepare(std::string("SELECT ") + revision_columns +
                        " FROM article_revisions WHERE workspace_id = ?1 AND article_id = ?2 ORDER BY id DESC");
  q.bind_all(workspace_id, article_id);
  std::vector<kb::revision> out;
  while (q.step()) out.push_back(revision_row(q));
  q.reset();
  return out;
}

std::optional<kb::revision> sqlite_article_repository::find_revision(id_t workspace_id, id_t article_id, id_t id) {
  auto& q = db_.prepare(std::string("SELECT ") + revision_columns +
                        " FROM article_revisions WHERE workspace_id = ?1 AND article_id = ?2 AND id = ?3");
  q.bind_all(workspace_id, article_id, id);
  std::optional<kb::revision> out;
  if (q.step()) out = revision_row(q);
  q.reset();
  return out;
}

std::vector<kb::article_hit> sqlite_article_repository::search(id_t workspace_id, const kb::article_query& query) {
  auto terms = kb::search_terms(query.words);
  if (terms.empty() || query.limit <= 0) return {};
  // Typo tolerance: a word is known when the vocabulary has it (a word being typed:
  // a word starting with it) or, stemmed, the index does ("refunds"); otherwise its
  // closest vocabulary words of the same first letter replace it.
  auto known = [&](const std::string& term, bool prefix) {
    auto& v = db_.prepare(
        "SELECT EXISTS (SELECT 1 FROM article_terms WHERE workspace_id = ?1 AND term >= ?2 AND term < ?3"
        " AND (?4 OR term = ?2))");
    v.bind_all(workspace_id, term, kb::prefix_end(term), prefix ? 1 : 0);
    bool found = v.step() && v.column_int(0) != 0;
    v.reset();
    if (found || prefix) return found;
    auto& f = db_.prepare(
        "SELECT EXISTS (SELECT 1 FROM articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ?1 AND a.workspace_id = ?2)");  // the matches first: none for a typo
    f.bind_all('"' + term + '"', workspace_id);
    found = f.step() && f.column_int(0) != 0;
    f.reset();
    return found;
  };
  auto candidates = [&](const kb::candidate_range& r) {
    auto& c = db_.prepare(
        "SELECT term, articles FROM article_terms WHERE workspace_id = ?1 AND term >= ?2 AND term < ?3"
        " AND length(term) BETWEEN ?4 AND ?5");
    c.bind_all(workspace_id, r.from, r.to, static_cast<std::int64_t>(r.min_length),
               static_cast<std::int64_t>(r.max_length));
    std::vector<kb::vocabulary_term> out;
    while (c.step()) out.push_back({c.column_text(0), c.column_int(1)});
    c.reset();
    return out;
  };
  auto groups = kb::term_groups(terms, query.prefix_last, query.fix_typos, known, candidates);
  // bm25 weighs a title match ten times a body match; lower is better.
  auto& q = db_.prepare("SELECT " + article_columns(false) +
                        ", bm25(articles_fts, 10.0, 1.0) AS rank,"
                        " snippet(articles_fts, 1, char(1), char(2), '…', 24)"
                        " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
                        " WHERE articles_fts MATCH ?1 AND a.workspace_id = ?2 AND (?3 IS NULL OR a.status = ?3)"
                        " ORDER BY rank, a.id DESC LIMIT ?4");
  q.bind_all(fts_query(groups, query.prefix_last, query.match_all), workspace_id, query.status, query.limit);
  std::vector<kb::article_hit> out;
  while (q.step()) {
    kb::article_hit h;
    h.a = article_row(q);
    h.score = -q.column_double(article_column_count);
    h.snippet = q.column_text(article_column_count + 1);
    out.push_back(std::move(h));
  }
  q.reset();
  return out;
}

}  // namespace switchboard::store
