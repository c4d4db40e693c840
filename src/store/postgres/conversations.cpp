// PostgreSQL: conversations (repositories.hpp; the SQLite twin is src/store/conversations.cpp).
// The inbox walks the activity indexes of 0001_init.sql (workspace[, view column],
// coalesce(last_message_at, created_at), id) newest first; a search reads
// messages.search_vector (GIN) for the text and the trigram indexes for contacts.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

using conversations::list_filter;

constexpr const char* conv_columns =
    "c.id, c.workspace_id, c.contact_id, k.name, c.status, c.assignee_id, c.team_id, c.priority,"
    " c.snoozed_until, c.first_response_at, c.resolved_at, c.last_message_at, c.subject,"
    " c.unread_count, c.channel, c.created_at, c.updated_at,"
    // For lists: the contact's first phone and the newest public message, both through indexes.
    " (SELECT value FROM contact_identities i WHERE i.contact_id = c.contact_id AND i.kind = 'phone'"
    "  ORDER BY i.id LIMIT 1),"
    " (SELECT substr(body, 1, 140) FROM messages p WHERE p.id = c.preview_id)";

// The row of conv_columns starting at column `at`.
conversation conv_row(const pg::query_result& r, int i, int at = 0) {
  conversation c;
  c.id = r.integer(i, at + 0);
  c.workspace_id = r.integer(i, at + 1);
  c.contact_id = r.integer(i, at + 2);
  c.contact_name = r.opt_text(i, at + 3);
  c.status = r.text(i, at + 4);
  c.assignee_id = r.opt_integer(i, at + 5);
  c.team_id = r.opt_integer(i, at + 6);
  c.priority = r.text(i, at + 7);
  c.snoozed_until = r.opt_text(i, at + 8);
  c.first_response_at = r.opt_text(i, at + 9);
  c.resolved_at = r.opt_text(i, at + 10);
  c.last_message_at = r.opt_text(i, at + 11);
  c.subject = r.opt_text(i, at + 12);
  c.unread_count = r.integer(i, at + 13);
  c.channel = r.text(i, at + 14);
  c.created_at = r.text(i, at + 15);
  c.updated_at = r.text(i, at + 16);
  c.contact_phone = r.opt_text(i, at + 17);
  c.preview = r.opt_text(i, at + 18);
  return c;
}

// The labels of every listed conversation, by name, in one statement.
void load_labels(pg::connection& db, std::vector<conversation>& list) {
  if (list.empty()) return;
  std::vector<std::int64_t> ids;
  ids.reserve(list.size());
  for (auto& c : list) ids.push_back(c.id);
  auto r = db.run(
      "SELECT conversation_id, label FROM conversation_labels WHERE conversation_id = ANY($1::bigint[])"
      " ORDER BY conversation_id, label",
      ids);
  std::unordered_map<id_t, conversation*> by_id;
  for (auto& c : list) by_id.emplace(c.id, &c);
  for (int i = 0; i < r.rows(); ++i)
    if (auto it = by_id.find(r.integer(i, 0)); it != by_id.end()) it->second->labels.push_back(r.text(i, 1));
}

// A statement whose parameters are numbered as terms are appended: the same
// filters give the same text, so each combination is prepared once per connection.
struct statement {
  std::string sql;
  pg::params p;
  template <class T>
  std::string arg(const T& v) {
    p.add(v);
    return "$" + std::to_string(p.size());
  }
};

// The view's filters, as terms on `c`. Only the filters in use are in the SQL, so
// that the plan reads the index of that view (conversations_*_by_activity).
void add_filters(statement& s, const list_filter& f) {
  if (f.status) s.sql += " AND c.status = " + s.arg(*f.status);
  if (f.team_id) s.sql += " AND c.team_id = " + s.arg(*f.team_id);
  if (f.contact_id) s.sql += " AND c.contact_id = " + s.arg(*f.contact_id);
  using who = list_filter::who;
  if (f.assignee == who::unassigned) s.sql += " AND c.assignee_id IS NULL";
  if (f.assignee == who::me || f.assignee == who::teammate)
    s.sql += " AND c.assignee_id = " + s.arg(f.assignee_id);
  if (f.label)  // citext: case-insensitive, as SQLite's NOCASE
    s.sql += " AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = c.id"
             " AND l.label = " + s.arg(*f.label) + ")";
}

std::vector<conversation> rows_of(const pg::query_result& r, int at = 0) {
  std::vector<conversation> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(conv_row(r, i, at));
  return out;
}

// ---- Search ---------------------------------------------------------------
//
// The same rows as SQLite's search (conversations.hpp, list()): the view's
// conversations whose contact matches, keyed by their newest message (0 without
// one), and those whose messages match the text, keyed by the newest matching
// message; newest key first, then id; the cursor is (key, id). What matches:
//  * a contact: the text in its name, email or an identity's value, ASCII case
//    ignored (SQLite's LIKE and lower()), or, when the text is a phone number's,
//    its digits in a phone identity's value;
//  * a message: every whitespace-separated word of the text as a phrase of whole
//    words (FTS5's quoted words: no prefixes), in search_words()'s spelling
//    (0001_init.sql), ANDed; a word without letters or digits is left out, and a
//    text of no such words matches no message.

constexpr const char* ascii_upper = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'";
constexpr const char* ascii_lower = "'abcdefghijklmnopqrstuvwxyz'";

// strpos of the lowered text in x lowered as SQLite's lower() does (ASCII only).
std::string contains_sql(const std::string& x, const std::string& lowered) {
  return std::string("strpos(translate(") + x + ", " + ascii_upper + ", " + ascii_lower + "), " +
         lowered + ") > 0";
}

// "415-555-0177", "(415) 555 0177", "4155550177": the digits, when the text is a
// phone number's (only digits and separators, at least 4 digits); else empty.
std::string phone_digits(const std::string& text) {
  std::string digits;
  for (char ch : text) {
    if (ch >= '0' && ch <= '9') digits += ch;
    else if (!(ch == ' ' || ch == '-' || ch == '.' || ch == '(' || ch == ')' || ch == '+' || ch == '/')) return {};
  }
  return digits.size() >= 4 ? digits : std::string();
}

// LIKE pattern for a substring; the wildcards in user text are literal.
std::string like_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

struct contact_terms {
  std::string like;                   // ILIKE pattern of the text (the trigram indexes' term)
  std::string lower;                  // the text, ASCII lower case (the exact test)
  std::optional<std::string> digits;  // a phone's digits
  std::size_t chars = 0;              // the text's characters (UTF-8)
};

contact_terms terms_of(const std::string& text) {
  contact_terms t;
  t.like = like_pattern(text);
  t.lower = text;
  for (auto& ch : t.lower)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  if (auto d = phone_digits(text); !d.empty()) t.digits = d;
  t.chars = static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
  return t;
}

// The ids of the workspace's matching contacts (with `duplicates`, a contact matching
// twice is listed twice). ILIKE lets the trigram indexes find candidates (it folds
// more case than ASCII: a superset); strpos decides.
std::string matching_contacts_sql(statement& s, const std::string& ws, const contact_terms& t,
                                  bool duplicates = false) {
  auto like = s.arg(t.like), lower = s.arg(t.lower);
  std::string sql =
      "SELECT k.id FROM contacts k WHERE k.workspace_id = " + ws +
      " AND ((k.name ILIKE " + like + " AND " + contains_sql("k.name", lower) + ")"
      " OR (k.email::text ILIKE " + like + " AND " + contains_sql("k.email::text", lower) + "))"
      " UNION " + (duplicates ? "ALL " : "") + "SELECT i.contact_id FROM contact_identities i"
      " WHERE i.workspace_id = " + ws +
      " AND ((i.value ILIKE " + like + " AND " + contains_sql("i.value", lower) + ")";
  if (t.digits) sql += " OR (i.kind = 'phone' AND i.value LIKE " + s.arg("%" + *t.digits + "%") + ")";
  return sql + ")";
}

// Whether the contact `k` (a row already read) matches: the same test, one contact.
std::string contact_matches_sql(statement& s, const contact_terms& t) {
  auto lower = s.arg(t.lower);
  std::string sql = "(coalesce(" + contains_sql("k.name", lower) + ", false) OR coalesce(" +
                    contains_sql("k.email::text", lower) + ", false)" +
                    " OR EXISTS (SELECT 1 FROM contact_identities i WHERE i.contact_id = k.id"
                    " AND i.workspace_id = k.workspace_id AND (" + contains_sql("i.value", lower);
  if (t.digits) sql += " OR (i.kind = 'phone' AND strpos(i.value, " + s.arg(*t.digits) + ") > 0)";
  return sql + ")))";
}

// The whitespace-separated words of the text (FTS5's query words).
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) out.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

// The text query of the words (each a phrase, all of them), or nullopt when no
// word has a letter or digit. The words go through search_words() as the bodies did.
std::optional<std::string> text_query(pg::connection& db, const std::string& text) {
  auto words = words_of(text);
  if (words.empty()) return std::nullopt;
  return db
      .run(
          "SELECT string_agg('(' || q::text || ')', ' & ' ORDER BY n) FROM ("
          " SELECT phraseto_tsquery('simple', search_words(w)) AS q, n"
          " FROM unnest($1::text[]) WITH ORDINALITY AS u(w, n)) x WHERE numnode(q) > 0",
          words)
      .opt_text_or_none();
}

struct hit {
  std::int64_t key;
  conversation c;
};

// The search's cursor: (key, conversation id) of the last row of the page before.
struct search_cursor {
  std::optional<std::int64_t> key;
  id_t id = 0;
};

// Contact hits read directly: every matching contact (the trigram indexes), its
// conversations in the view, each keyed by its newest message (messages_thread,
// read backwards); the work grows with the matching conversations.
std::vector<hit> contact_hits_direct(pg::connection& db, id_t workspace_id, const list_filter& f,
                                     const contact_terms& terms, const search_cursor& cursor,
                                     std::size_t limit) {
  statement s;
  const auto ws = s.arg(workspace_id);
  s.sql = std::string("SELECT h.key, ") + conv_columns +
          " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
          " CROSS JOIN LATERAL (SELECT coalesce(max(m.id), 0) AS key FROM messages m"
          "  WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id) h"
          " WHERE c.workspace_id = " + ws;
  s.sql += " AND c.contact_id IN (" + matching_contacts_sql(s, ws, terms) + ")";
  add_filters(s, f);
  if (cursor.key)
    s.sql += " AND (h.key, c.id) < (" + s.arg(*cursor.key) + "::bigint, " + s.arg(cursor.id) + "::bigint)";
  s.sql += " ORDER BY h.key DESC, c.id DESC LIMIT " + s.arg(static_cast<std::int64_t>(limit));
  auto r = db.query(s.sql, s.p);
  std::vector<hit> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.integer(i, 0), conv_row(r, i, 1)});
  return out;
}

// Contact hits found by walking the workspace's messages newest first (the primary
// key backwards), each row's conversation and contact checked: a conversation's
// first message met is its newest, so its key, and the walk stops at `limit`
// conversations. Exact, and cheap when many contacts match (a first name, two
// letters); nullopt when it would read more than `budget` messages (the view's
// filters leave few) or ends before the page is full (conversations without
// messages, keyed 0, come last): the caller then reads the matches directly.
std::optional<std::vector<hit>> contact_hits_walk(pg::connection& db, id_t workspace_id,
                                                  const list_filter& f, const contact_terms& terms,
                                                  const search_cursor& cursor, std::size_t limit,
                                                  std::int64_t budget) {
  std::vector<std::int64_t> found;
  std::unordered_map<id_t, std::int64_t> key_of;
  // Ranges of ids below the position, newest first: a query reads at most its range
  // even when nothing in it matches.
  std::int64_t position = db.run("SELECT coalesce(max(id), 0) + 1 FROM messages").integer(0, 0);
  if (cursor.key) position = std::min(position, *cursor.key);
  std::int64_t batch = static_cast<std::int64_t>(std::max<std::size_t>(4 * limit, 64));
  std::int64_t range = 4096, scanned = 0;
  while (found.size() < limit) {
    if (position <= 1) return std::nullopt;  // every message read: the rest have none
    if (scanned >= budget) return std::nullopt;
    const std::int64_t floor = std::max<std::int64_t>(1, position - range);
    statement s;
    const auto ws = s.arg(workspace_id);
    s.sql =
        "SELECT m.id, m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id"
        " JOIN contacts k ON k.id = c.contact_id WHERE m.workspace_id = " + ws +
        " AND m.id < " + s.arg(position) + "::bigint AND m.id >= " + s.arg(floor) +
        "::bigint AND c.workspace_id = " + ws;
    add_filters(s, f);
    s.sql += " AND " + contact_matches_sql(s, terms);
    // Below the cursor's key, a conversation whose newest message is above it was
    // on an earlier page.
    if (cursor.key)
      s.sql += " AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.workspace_id = " + ws +
               " AND e.conversation_id = m.conversation_id AND e.id >= " + s.arg(*cursor.key) + "::bigint)";
    s.sql += " ORDER BY m.id DESC LIMIT " + s.arg(batch);
    auto r = db.query(s.sql, s.p);
    for (int i = 0; i < r.rows() && found.size() < limit; ++i)
      if (key_of.emplace(r.integer(i, 1), r.integer(i, 0)).second) found.push_back(r.integer(i, 1));
    const std::int64_t was = position;
    if (r.rows() == batch) {
      position = r.integer(r.rows() - 1, 0);  // more may follow in the range
      batch = std::min<std::int64_t>(batch * 2, 4096);
    } else {
      position = floor;
      range *= 2;
    }
    scanned += was - position;
  }
  std::vector<hit> out;
  if (found.empty()) return out;
  auto r = db.run(std::string("SELECT ") + conv_columns +
                      " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
                      " WHERE c.workspace_id = $1 AND c.id = ANY($2::bigint[])",
                  workspace_id, found);
  for (auto& c : rows_of(r)) {
    auto key = key_of.at(c.id);
    out.push_back({key, std::move(c)});
  }
  return out;
}

// The view's conversations whose contact matches, newest key first, the page after
// the cursor. As SQLite's search: a walk when the matching contacts are at least
// about sqrt(limit × conversations) (where the two cost about the same), with a
// budget; else directly.
std::vector<hit> contact_hits(pg::connection& db, id_t workspace_id, const list_filter& f,
                              const contact_terms& terms, const search_cursor& cursor,
                              std::size_t limit) {
  auto conversations = db.run("SELECT coalesce(max(id), 0) FROM conversations").integer(0, 0);
  auto threshold = std::max<std::int64_t>(
      16, static_cast<std::int64_t>(std::sqrt(static_cast<double>(limit) * static_cast<double>(conversations))));
  // A text under 3 characters has no trigrams: its contacts would be a scan, so it
  // walks first. Else the matching contacts are counted up to the threshold (the
  // count may see a contact twice, which only decides sooner).
  bool walk = terms.chars < 3;
  if (!walk) {
    statement s;
    const auto ws = s.arg(workspace_id);
    s.sql = "SELECT count(*) FROM (" + matching_contacts_sql(s, ws, terms, true) + " LIMIT " +
            s.arg(threshold) + ") x";
    walk = db.query(s.sql, s.p).integer(0, 0) >= threshold;
  }
  if (walk)
    if (auto walked = contact_hits_walk(db, workspace_id, f, terms, cursor, limit, 8 * threshold))
      return std::move(*walked);
  return contact_hits_direct(db, workspace_id, f, terms, cursor, limit);
}

// The workspace's messages matching a text query, newest first, in batches. The
// planner cannot tell a rare word from a common one well (a lexeme missing from
// the statistics is guessed at), so no single plan serves both: the walk first
// reads ranges of ids below its position, newest first, where any plan costs at
// most the range (a common word fills a page here); past a budget, it reads the
// remaining matches through the GIN index and sorts them (`id + 0` keeps the
// planner off the primary key's order, which would read the whole table for a rare
// word).
class match_walk {
 public:
  match_walk(pg::connection& db, id_t workspace_id, const list_filter& f, std::string query,
             std::optional<std::int64_t> below, std::size_t limit)
      : db_(db), workspace_id_(workspace_id), f_(f), query_(std::move(query)),
        batch_(static_cast<std::int64_t>(std::max<std::size_t>(2 * limit, 32))),
        budget_(static_cast<std::int64_t>(std::max<std::size_t>(256 * limit, 16384))) {
    below_ = db_.run("SELECT coalesce(max(id), 0) + 1 FROM messages").integer(0, 0);
    if (below) below_ = std::min(below_, *below);
  }

  // Every match still to read has an id below this.
  std::int64_t below() const { return below_; }

  // The next (message, conversation) matches, newest first; empty once all are read.
  std::vector<std::pair<std::int64_t, id_t>> next() {
    std::vector<std::pair<std::int64_t, id_t>> out;
    while (out.empty() && below_ > 1) {
      const bool ranged = scanned_ < budget_;
      const std::int64_t floor = ranged ? std::max<std::int64_t>(1, below_ - range_) : 1;
      // The view's filters here too: a view with few matches is not read match by
      // match through the caller.
      statement s;
      const auto ws = s.arg(workspace_id_);
      s.sql = "SELECT m.id, m.conversation_id FROM messages m";
      if (filtered()) s.sql += " JOIN conversations c ON c.id = m.conversation_id";
      s.sql += " WHERE m.workspace_id = " + ws + " AND m.search_vector @@ " + s.arg(query_) +
               "::tsquery AND m.id < " + s.arg(below_) + "::bigint";
      if (ranged) s.sql += " AND m.id >= " + s.arg(floor) + "::bigint";
      if (filtered()) {
        s.sql += " AND c.workspace_id = " + ws;
        add_filters(s, f_);
      }
      s.sql += ranged ? " ORDER BY m.id DESC" : " ORDER BY m.id + 0 DESC";
      s.sql += " LIMIT " + s.arg(batch_);
      auto r = db_.query(s.sql, s.p);
      for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.integer(i, 0), r.integer(i, 1));
      const std::int64_t was = below_;
      if (r.rows() == batch_) {
        below_ = out.back().first;  // more may follow in the range
        // A sorted read reads every match below its position again: its batches
        // grow further, so that reading them all costs a few reads, not hundreds.
        batch_ = std::min<std::int64_t>(batch_ * 2, ranged ? 4096 : 65536);
      } else {
        below_ = floor;  // the range (or everything) is read
        range_ *= 4;
      }
      scanned_ += was - below_;
    }
    return out;
  }

 private:
  bool filtered() const {
    return f_.status || f_.team_id || f_.contact_id || f_.label || f_.assignee != list_filter::who::any;
  }

  pg::connection& db_;
  id_t workspace_id_;
  const list_filter& f_;
  std::string query_;
  std::int64_t below_ = 0;
  std::int64_t batch_, budget_;
  std::int64_t range_ = 4096, scanned_ = 0;  // ids
};

std::vector<conversation> search(pg::connection& db, id_t workspace_id, const list_filter& f) {
  // The cursor's key: a message id. Another list's cursor (a time) matches nothing.
  search_cursor cursor;
  if (f.before) {
    auto& a = f.before->activity_at;
    if (a.empty() || a.size() > 18 || a.find_first_not_of("0123456789") != std::string::npos) return {};
    cursor.key = std::stoll(a);
    cursor.id = f.before->id;
  }
  const auto& before_key = cursor.key;
  const auto limit = static_cast<std::size_t>(std::max(f.limit, 0));
  if (limit == 0) return {};
  const auto terms = terms_of(*f.q);

  // 1. The view's conversations whose contact matches, the page after the cursor.
  auto hits = contact_hits(db, workspace_id, f, terms, cursor, limit);
  const std::size_t from_contacts = hits.size();  // newest key first

  // 2. Message text: the matches newest first (message ids grow with time), each new
  // conversation met keyed by that match, until the page is certain: `limit` hits
  // newer than the walk's position (match_walk). A common word stops after about a
  // page of matches; a rare one reads its few.
  if (auto query = text_query(db, *f.q)) {
    // The conversations first met in a batch, checked together: in the view, not
    // found through their contact (part 1 keyed them already), and after the cursor
    // (not matching at or above its key, which put them on an earlier page).
    auto check = [&](const std::vector<std::int64_t>& ids) {
      statement s;
      const auto ws = s.arg(workspace_id);
      s.sql = std::string("SELECT ") + conv_columns +
              " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
              " WHERE c.workspace_id = " + ws + " AND c.id = ANY(" + s.arg(ids) + "::bigint[])";
      add_filters(s, f);
      s.sql += " AND NOT " + contact_matches_sql(s, terms);
      if (before_key)
        s.sql += " AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.workspace_id = c.workspace_id"
                 " AND e.conversation_id = c.id AND e.id >= " + s.arg(*before_key) +
                 "::bigint AND e.search_vector @@ " + s.arg(*query) + "::tsquery)";
      return rows_of(db.query(s.sql, s.p));
    };
    match_walk walk(db, workspace_id, f, *query, before_key, limit);
    std::unordered_set<id_t> seen;
    std::size_t from_text = 0;
    for (;;) {
      auto batch = walk.next();
      if (batch.empty()) break;  // every match read
      std::vector<std::int64_t> met;
      std::unordered_map<id_t, std::int64_t> key_of;  // conversation met -> its newest match
      for (auto [match, conversation_id] : batch)
        if (seen.insert(conversation_id).second) {
          met.push_back(conversation_id);
          key_of.emplace(conversation_id, match);
        }
      if (!met.empty())
        for (auto& c : check(met)) {
          hits.push_back({key_of.at(c.id), std::move(c)});
          ++from_text;
        }
      // Full once `limit` hits are newer than every match still to read (the
      // contacts' included).
      std::size_t newer = from_text;
      for (std::size_t i = 0; i < from_contacts; ++i)
        if (hits[i].key >= walk.below()) ++newer;
      if (newer >= limit) break;
    }
  }

  auto newer = [](const hit& a, const hit& b) { return a.key != b.key ? a.key > b.key : a.c.id > b.c.id; };
  std::sort(hits.begin(), hits.end(), newer);
  if (hits.size() > limit) hits.resize(limit);
  std::vector<conversation> out;
  out.reserve(hits.size());
  for (auto& h : hits) {
    h.c.list_key = std::to_string(h.key);
    out.push_back(std::move(h.c));
  }
  load_labels(db, out);
  return out;
}

}  // namespace

std::optional<conversation> pg_conversation_repository::find(id_t workspace_id, id_t id) {
  auto r = db_.run(std::string("SELECT ") + conv_columns +
                       " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
                       " WHERE c.workspace_id = $1 AND c.id = $2",
                   workspace_id, id);
  auto out = rows_of(r);
  if (out.empty()) return std::nullopt;
  load_labels(db_, out);
  return std::move(out[0]);
}

std::vector<conversation> pg_conversation_repository::list(id_t workspace_id,
                                                           const conversations::list_filter& f) {
  if (f.q) return search(db_, workspace_id, f);
  // Newest activity first; each view walks its activity index backwards, from the
  // cursor on: the work is bounded by the page size.
  statement s;
  s.sql = std::string("SELECT ") + conv_columns +
          " FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.workspace_id = " +
          s.arg(workspace_id);
  // (activity, id) < cursor: a row comparison the index takes as one range.
  if (f.before)
    s.sql += " AND (coalesce(c.last_message_at, c.created_at), c.id) < (" +
             s.arg(f.before->activity_at) + "::text, " + s.arg(f.before->id) + "::bigint)";
  add_filters(s, f);
  s.sql += " ORDER BY coalesce(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT " +
           s.arg(static_cast<std::int64_t>(std::max(f.limit, 0)));
  auto out = rows_of(db_.query(s.sql, s.p));
  load_labels(db_, out);
  return out;
}

id_t pg_conversation_repository::insert(const conversation& c) {
  id_t id = db_.run(
                   "INSERT INTO conversations(workspace_id, contact_id, status, assignee_id, team_id,"
                   " priority, channel, subject, created_at, updated_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                   c.workspace_id, c.contact_id, c.status, c.assignee_id, c.team_id, c.priority,
                   c.channel, c.subject, c.created_at)
                .integer(0, 0);
  if (!c.labels.empty())
    db_.run(
        "INSERT INTO conversation_labels(workspace_id, conversation_id, label)"
        " SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING",
        c.workspace_id, id, c.labels);
  return id;
}

void pg_conversation_repository::update(id_t workspace_id, id_t id, const conversations::patch& p,
                                        const std::string& now) {
  auto opt_id = [](const std::optional<std::optional<id_t>>& v) {
    return v && *v ? std::optional<id_t>(**v) : std::optional<id_t>();
  };
  db_.run(
      "UPDATE conversations SET status = COALESCE($3, status), priority = COALESCE($4, priority),"
      " assignee_id = CASE WHEN $5::int = 1 THEN $6::bigint ELSE assignee_id END,"
      " team_id = CASE WHEN $7::int = 1 THEN $8::bigint ELSE team_id END,"
      " snoozed_until = CASE WHEN $9::int = 1 THEN $10::text"
      "  WHEN $3::text IS NOT NULL AND $3::text <> 'snoozed' THEN NULL ELSE snoozed_until END,"
      " resolved_at = CASE WHEN $3::text = 'resolved' AND status <> 'resolved' THEN $11::text"
      "  WHEN $3::text IS NOT NULL AND $3::text <> 'resolved' THEN NULL ELSE resolved_at END,"
      " unread_count = COALESCE($12::bigint, unread_count), updated_at = $11::text"
      " WHERE workspace_id = $1 AND id = $2",
      workspace_id, id, p.status, p.priority, p.assignee_id.has_value(), opt_id(p.assignee_id),
      p.team_id.has_value(), opt_id(p.team_id), p.snoozed_until.has_value(),
      p.snoozed_until ? *p.snoozed_until : std::optional<std::string>(), now, p.unread_count);
  // The UPDATE above locked the conversation's row: concurrent label changes of one
  // conversation apply one after the other, the last one's labels remaining.
  if (p.labels) {
    db_.run("DELETE FROM conversation_labels WHERE workspace_id = $1 AND conversation_id = $2",
            workspace_id, id);
    // Only onto the workspace's own conversation (another's id writes nothing).
    if (!p.labels->empty())
      db_.run(
          "INSERT INTO conversation_labels(workspace_id, conversation_id, label)"
          " SELECT $1, $2, unnest($3::text[])"
          " WHERE EXISTS (SELECT 1 FROM conversations WHERE workspace_id = $1 AND id = $2)"
          " ON CONFLICT DO NOTHING",
          workspace_id, id, *p.labels);
  }
}

std::vector<std::pair<id_t, id_t>> pg_conversation_repository::wake_snoozed(const std::string& now) {
  // FOR UPDATE: an instance waking the same rows concurrently waits, then finds them
  // open (READ COMMITTED re-checks the row) and skips them: each wakes once. In id
  // order, so that two wakers lock in the same order (no deadlock).
  auto r = db_.run(
      "WITH due AS (SELECT id, snoozed_until FROM conversations"
      "  WHERE status = 'snoozed' AND snoozed_until <= $1 ORDER BY id FOR UPDATE),"
      " woke AS (UPDATE conversations c SET status = 'open', snoozed_until = NULL, updated_at = $1"
      "  FROM due WHERE c.id = due.id RETURNING c.workspace_id, c.id, due.snoozed_until AS was)"
      " SELECT workspace_id, id FROM woke ORDER BY was, id",
      now);
  std::vector<std::pair<id_t, id_t>> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.integer(i, 0), r.integer(i, 1));
  return out;
}

std::optional<id_t> pg_conversation_repository::number_of(id_t workspace_id, id_t conversation_id) {
  return db_.run("SELECT number_id FROM conversations WHERE workspace_id = $1 AND id = $2",
                 workspace_id, conversation_id)
      .opt_integer_or_none();
}

void pg_conversation_repository::set_number(id_t conversation_id, id_t number_id) {
  db_.run("UPDATE conversations SET number_id = $2 WHERE id = $1", conversation_id, number_id);
}

conversations::reply_context pg_conversation_repository::reply_context_of(id_t workspace_id,
                                                                          const conversation& c) {
  conversations::reply_context out;
  if (c.channel == "sms" || c.channel == "chat") {
    out.last_messaging_channel = c.channel;  // the latest customer item is a message
  } else {
    // After a call: the customer's newest text (messages_thread, read backwards).
    out.last_messaging_channel =
        db_.run(
               "SELECT channel FROM messages WHERE workspace_id = $1 AND conversation_id = $2"
               " AND sender_kind = 'contact' AND channel IN ('sms', 'chat') ORDER BY id DESC LIMIT 1",
               workspace_id, c.id)
            .opt_text_or_none();
  }
  auto r = db_.run(
      "SELECT kind, value FROM contact_identities WHERE workspace_id = $1 AND contact_id = $2"
      " AND kind IN ('phone', 'visitor') ORDER BY id",
      workspace_id, c.contact_id);
  for (int i = 0; i < r.rows(); ++i) {
    if (r.text(i, 0) == "phone")
      out.phones.push_back(r.text(i, 1));
    else
      out.visitor = true;
  }
  return out;
}

std::optional<std::string> pg_conversation_repository::canned_body(id_t workspace_id,
                                                                   const std::string& shortcut) {
  return db_.run("SELECT body FROM canned_responses WHERE workspace_id = $1 AND shortcut = $2",
                 workspace_id, shortcut)
      .opt_text_or_none();
}

std::vector<canned_response> pg_conversation_repository::list_canned(id_t workspace_id) {
  auto r = db_.run(
      "SELECT id, shortcut, body, created_at FROM canned_responses WHERE workspace_id = $1"
      " ORDER BY shortcut",
      workspace_id);
  std::vector<canned_response> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
  return out;
}

id_t pg_conversation_repository::insert_canned(id_t workspace_id, const std::string& shortcut,
                                               const std::string& body, const std::string& now) {
  return db_.run(
                "INSERT INTO canned_responses(workspace_id, shortcut, body, created_at)"
                " VALUES ($1, $2, $3, $4) RETURNING id",
                workspace_id, shortcut, body, now)
      .integer(0, 0);
}

bool pg_conversation_repository::delete_canned(id_t workspace_id, id_t id) {
  return db_.run("DELETE FROM canned_responses WHERE workspace_id = $1 AND id = $2", workspace_id, id)
             .affected() > 0;
}

std::optional<canned_response> pg_conversation_repository::update_canned(
    id_t workspace_id, id_t id, const std::optional<std::string>& shortcut,
    const std::optional<std::string>& body) {
  auto r = db_.run(
      "UPDATE canned_responses SET shortcut = COALESCE($3, shortcut), body = COALESCE($4, body)"
      " WHERE workspace_id = $1 AND id = $2 RETURNING id, shortcut, body, created_at",
      workspace_id, id, shortcut, body);
  if (r.empty()) return std::nullopt;
  return canned_response{r.integer(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3)};
}

std::vector<label> pg_conversation_repository::list_labels(id_t workspace_id) {
  auto r = db_.run(
      "SELECT id, name, color, created_at FROM labels WHERE workspace_id = $1 ORDER BY name",
      workspace_id);
  std::vector<label> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
  return out;
}

id_t pg_conversation_repository::insert_label(id_t workspace_id, const std::string& name,
                                              const std::string& color, const std::string& now) {
  return db_.run(
                "INSERT INTO labels(workspace_id, name, color, created_at) VALUES ($1, $2, $3, $4)"
                " RETURNING id",
                workspace_id, name, color, now)
      .integer(0, 0);
}

bool pg_conversation_repository::delete_label(id_t workspace_id, id_t id) {
  return db_.run("DELETE FROM labels WHERE workspace_id = $1 AND id = $2", workspace_id, id)
             .affected() > 0;
}

}  // namespace switchboard::store
