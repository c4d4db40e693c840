#include "switchboard/store/conversations.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>

#include "switchboard/core/clock.hpp"

namespace switchboard::store::conversations {
namespace {

// The usual empty media list and metadata without serializing them.
std::string json_text(const nlohmann::json& j) {
  if (j.is_array() && j.empty()) return "[]";
  if (j.is_object() && j.empty()) return "{}";
  return j.dump();
}

constexpr const char* conv_columns =
    "c.id, c.workspace_id, c.contact_id, k.name, c.status, c.assignee_id, c.team_id, c.priority,"
    " c.snoozed_until, c.first_response_at, c.resolved_at, c.last_message_at, c.subject,"
    " c.unread_count, c.channel, c.created_at, c.updated_at,"
    // For lists: the contact's first phone and the newest public message, both through indexes.
    " (SELECT value FROM contact_identities i WHERE i.contact_id = c.contact_id AND i.kind = 'phone'"
    "  ORDER BY i.id LIMIT 1),"
    " (SELECT substr(body, 1, 140) FROM messages p WHERE p.id = c.preview_id)";

conversation conv_row(statement& q) {
  conversation c;
  c.id = q.column_int(0);
  c.workspace_id = q.column_int(1);
  c.contact_id = q.column_int(2);
  c.contact_name = q.column_opt_text(3);
  c.status = q.column_text(4);
  c.assignee_id = q.column_opt_int(5);
  c.team_id = q.column_opt_int(6);
  c.priority = q.column_text(7);
  c.snoozed_until = q.column_opt_text(8);
  c.first_response_at = q.column_opt_text(9);
  c.resolved_at = q.column_opt_text(10);
  c.last_message_at = q.column_opt_text(11);
  c.subject = q.column_opt_text(12);
  c.unread_count = q.column_int(13);
  c.channel = q.column_text(14);
  c.created_at = q.column_text(15);
  c.updated_at = q.column_text(16);
  c.contact_phone = q.column_opt_text(17);
  c.preview = q.column_opt_text(18);
  return c;
}

void load_labels(database& db, conversation& c) {
  auto& q = db.prepare(
      "SELECT label FROM conversation_labels WHERE conversation_id = ?1 ORDER BY label");
  q.bind(1, c.id);
  while (q.step()) c.labels.push_back(q.column_text(0));
}

constexpr const char* msg_columns =
    "m.id, m.workspace_id, m.conversation_id, m.direction, m.sender_kind, m.sender_id,"
    " CASE m.sender_kind WHEN 'teammate' THEN (SELECT name FROM teammates WHERE id = m.sender_id)"
    "  WHEN 'contact' THEN (SELECT name FROM contacts WHERE id = m.sender_id) ELSE NULL END,"
    " m.private, m.channel, m.body, m.status, m.error, m.external_id, m.kind, m.media, m.metadata,"
    " m.created_at";

message msg_row(statement& q) {
  message m;
  m.id = q.column_int(0);
  m.workspace_id = q.column_int(1);
  m.conversation_id = q.column_int(2);
  m.direction = q.column_text(3);
  m.sender_kind = q.column_text(4);
  m.sender_id = q.column_opt_int(5);
  m.sender_name = q.column_text(6);
  m.is_private = q.column_int(7) != 0;
  m.channel = q.column_text(8);
  m.body = q.column_text(9);
  m.status = q.column_text(10);
  m.error = q.column_opt_text(11);
  m.external_id = q.column_opt_text(12);
  m.kind = q.column_text(13);
  m.media = nlohmann::json::parse(q.column_text(14), nullptr, false);
  m.metadata = nlohmann::json::parse(q.column_text(15), nullptr, false);
  m.created_at = q.column_text(16);
  return m;
}

// FTS5 query from user text: each word quoted, so operators in input are literal.
std::string fts_query(const std::string& text) {
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string quoted = "\"";
    for (char c : word) {
      if (c == '"') quoted += "\"\"";
      else quoted += c;
    }
    out += (out.empty() ? "" : " ") + quoted + "\"";
    word.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') flush();
    else word += c;
  }
  flush();
  return out;
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

}  // namespace

std::optional<conversation> find(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare(std::string("SELECT ") + conv_columns +
                       " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
                       " WHERE c.workspace_id = ?1 AND c.id = ?2");
  q.bind_all(workspace_id, id);
  if (!q.step()) return std::nullopt;
  auto c = conv_row(q);
  q.reset();
  load_labels(db, c);
  return c;
}

namespace {

// The view's filters, as terms on `c` (parameters ?3 … ?7). Only the filters in use
// are in the SQL: an `?n IS NULL OR` term would keep SQLite from using the index of
// that view.
std::string filter_sql(const list_filter& f) {
  std::string sql;
  if (f.status) sql += " AND c.status = ?3";
  if (f.team_id) sql += " AND c.team_id = ?4";
  if (f.contact_id) sql += " AND c.contact_id = ?5";
  using who = list_filter::who;
  if (f.assignee == who::unassigned) sql += " AND c.assignee_id IS NULL";
  if (f.assignee == who::me || f.assignee == who::teammate) sql += " AND c.assignee_id = ?6";
  if (f.label)
    sql += " AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = c.id"
           " AND l.label = ?7)";
  return sql;
}

void bind_filters(statement& q, const list_filter& f) {
  if (f.status) q.bind(3, *f.status);
  if (f.team_id) q.bind(4, *f.team_id);
  if (f.contact_id) q.bind(5, *f.contact_id);
  if (f.assignee == list_filter::who::me || f.assignee == list_filter::who::teammate) q.bind(6, f.assignee_id);
  if (f.label) q.bind(7, *f.label);
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

// One FTS5 phrase: with the trigram tokenizer, the rows containing the text.
std::string fts_phrase(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += "\"\"";
    else out += c;
  }
  return out + "\"";
}

// What a contact must contain to match a search: the text in its name, email or an
// identity (LIKE, so ASCII case does not matter), or a phone's digits in a phone.
struct contact_terms {
  std::string like;                       // LIKE pattern of the text
  std::optional<std::string> phone_like;  // of its digits, when the text is a phone's
  std::string phrase;                     // trigram phrase of the text; "" under 3 characters
  std::string digits_phrase;              // of the digits; "" when not a phone
  std::string lower;                      // the text, ASCII lower case (as LIKE compares)
  std::optional<std::string> digits;      // a phone's digits
};

contact_terms terms_of(const std::string& text) {
  contact_terms t;
  t.like = like_pattern(text);
  t.lower = text;
  for (auto& ch : t.lower)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  auto digits = phone_digits(text);
  if (!digits.empty()) {
    t.phone_like = "%" + digits + "%";
    t.digits_phrase = fts_phrase(digits);
    t.digits = digits;
  }
  // Trigrams need 3 characters (UTF-8: count the bytes that start one).
  auto chars = std::count_if(text.begin(), text.end(),
                             [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; });
  if (chars >= 3) t.phrase = fts_phrase(text);
  return t;
}

// The trigram index's rows for the text and a phone's digits (schema 16: -contact id
// for a name and email, an identity's id), at most `cap`: FTS5 stops there.
std::vector<std::int64_t> trigram_candidates(database& db, const contact_terms& t, std::size_t cap) {
  std::vector<std::int64_t> out;
  for (const auto* phrase : {&t.phrase, &t.digits_phrase}) {
    if (phrase->empty() || out.size() >= cap) continue;
    auto& q = db.prepare("SELECT rowid FROM contact_search WHERE contact_search MATCH ?1 LIMIT ?2");
    q.bind_all(*phrase, static_cast<std::int64_t>(std::min<std::size_t>(cap - out.size(), INT64_MAX)));
    while (q.step()) out.push_back(q.column_int(0));
    q.reset();
  }
  return out;
}

// Whether one contact matches (the walk's check, one contact at a time). The same
// test as the LIKE terms, spelled with instr(): SQLite prepares a statement again
// whenever a LIKE pattern's parameter is bound, which was most of a walk's time.
bool contact_matches(database& db, id_t workspace_id, id_t contact_id, const contact_terms& t) {
  auto& q = db.prepare(
      "SELECT 1 FROM contacts k WHERE k.id = ?1 AND k.workspace_id = ?2"
      " AND (instr(lower(k.name), ?3) > 0 OR instr(lower(k.email), ?3) > 0)"
      " UNION ALL SELECT 1 FROM contact_identities i WHERE i.contact_id = ?1 AND i.workspace_id = ?2"
      " AND (instr(lower(i.value), ?3) > 0 OR (?4 IS NOT NULL AND i.kind = 'phone' AND instr(i.value, ?4) > 0))"
      " LIMIT 1");
  q.bind_all(contact_id, workspace_id, t.lower, t.digits);
  bool found = q.step();
  q.reset();
  return found;
}

// Every matching contact: the trigram index's candidates checked one by one, or
// for a text under 3 characters (which trigrams cannot answer) a scan.
std::unordered_set<id_t> matching_contacts(database& db, id_t workspace_id, const contact_terms& t,
                                           const std::vector<std::int64_t>& candidates) {
  std::unordered_set<id_t> out;
  if (t.phrase.empty()) {
    auto& q = db.prepare(
        "SELECT k.id FROM contacts k WHERE k.workspace_id = ?1"
        " AND (k.name LIKE ?2 ESCAPE '\\' OR k.email LIKE ?2 ESCAPE '\\')"
        " UNION SELECT i.contact_id FROM contact_identities i WHERE i.workspace_id = ?1"
        " AND (i.value LIKE ?2 ESCAPE '\\' OR (?3 IS NOT NULL AND i.kind = 'phone' AND i.value LIKE ?3))");
    q.bind_all(workspace_id, t.like, t.phone_like);
    while (q.step()) out.insert(q.column_int(0));
    q.reset();
    return out;
  }
  std::unordered_set<id_t> seen;
  for (auto rowid : candidates) {
    id_t contact = -rowid;
    if (rowid > 0) {
      auto& q = db.prepare("SELECT contact_id FROM contact_identities WHERE id = ?1");
      q.bind_all(rowid);
      contact = q.step() ? q.column_int(0) : 0;
      q.reset();
    }
    if (contact > 0 && seen.insert(contact).second && contact_matches(db, workspace_id, contact, t))
      out.insert(contact);
  }
  return out;
}

constexpr const char* newest_message_sql =
    "SELECT max(x) FROM (SELECT max(message_id) AS x FROM message_threads"
    "  WHERE workspace_id = ?1 AND conversation_id = ?2"
    " UNION ALL SELECT max(id) FROM messages WHERE id > (SELECT last_id FROM thread_progress WHERE id = 1)"
    "  AND workspace_id = ?1 AND conversation_id = ?2)";

// A search: see list() in the header for the order and the cursor.
std::vector<conversation> search(database& db, id_t workspace_id, const list_filter& f) {
  std::vector<conversation> out;
  // The cursor's key: a message id. Another list's cursor (a time) matches nothing.
  std::int64_t before_key = INT64_MAX;
  id_t before_id = 0;
  if (f.before) {
    auto& a = f.before->activity_at;
    if (a.empty() || a.size() > 18 || a.find_first_not_of("0123456789") != std::string::npos) return out;
    before_key = std::stoll(a);
    before_id = f.before->id;
  }
  auto after_cursor = [&](std::int64_t key, id_t id) {
    return !f.before || key < before_key || (key == before_key && id < before_id);
  };
  const auto filters = filter_sql(f);
  const std::string row_sql = std::string("SELECT ") + conv_columns +
                              " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
                              " WHERE c.workspace_id = ?1 AND c.id = ?2" + filters;
  struct hit {
    std::int64_t key;
    conversation c;
  };
  std::vector<hit> hits;

  // 1. Conversations whose contact matches, keyed by their newest message, in order
  // of last activity (which follows the newest message's time) from one of two
  // sources: few matching contacts are read one by one; many (a first name, two
  // letters) are met by walking the view newest first, which finds a page after
  // about limit × conversations / matches rows. Either costs about a page, not the
  // matching contacts of the whole workspace.
  const auto terms = terms_of(*f.q);
  std::int64_t conversations_known = 0;
  {
    auto& q = db.prepare("SELECT max(id) FROM conversations");
    if (q.step()) conversations_known = q.column_opt_int(0).value_or(0);
    q.reset();
  }
  const auto walk_from = contact_walk_threshold(conversations_known, f.limit);
  auto candidates = trigram_candidates(db, terms, walk_from);
  bool walk = terms.phrase.empty() || candidates.size() >= walk_from;
  std::unordered_set<id_t> contacts;  // every matching contact, when read one by one
  // A walk checks a row's contact in memory first: the contacts of the index's
  // candidates (a superset: trigrams fold more case than LIKE) when there are not too
  // many to read (a few ids per walked row); then only those in it in the store.
  std::optional<std::unordered_set<id_t>> maybe;
  if (walk && !terms.phrase.empty()) {
    const std::size_t most = 8 * walk_from;
    auto all = trigram_candidates(db, terms, most);
    std::size_t identities = 0;
    for (auto rowid : all) identities += rowid > 0;
    if (all.size() < most && identities <= walk_from) {
      maybe.emplace();
      auto& q = db.prepare("SELECT contact_id FROM contact_identities WHERE id = ?1");
      for (auto rowid : all) {
        if (rowid < 0) {
          maybe->insert(-rowid);
          continue;
        }
        q.bind_all(rowid);
        if (q.step()) maybe->insert(q.column_int(0));
        q.reset();
      }
    }
  }
  std::unordered_map<id_t, bool> checked;  // a walk's answers, contact -> matches
  auto matches = [&](id_t contact) {
    if (!walk) return contacts.count(contact) > 0;
    if (maybe && !maybe->count(contact)) return false;
    auto [it, fresh] = checked.try_emplace(contact, false);
    if (fresh) it->second = contact_matches(db, workspace_id, contact, terms);
    return it->second;
  };
  // A cursor's key is a message id: its time bounds the activity still to read.
  std::optional<sys_time> cursor_time;
  if (f.before) {
    auto& q = db.prepare("SELECT created_at FROM messages WHERE id = ?1");
    q.bind_all(before_key);
    if (q.step()) cursor_time = parse_rfc3339(q.column_text(0));
    q.reset();
  }
  // Activity time and message id order agree up to clock skew between writers:
  // rows are read this far past the page's last activity (and the cursor's time).
  constexpr auto skew = std::chrono::seconds(5);
  std::size_t accepted = 0;
  std::optional<sys_time> oldest_accepted;
  // One conversation offered in activity order; false once the page is certain.
  auto offer = [&](id_t id, const std::string& activity) {
    auto t = parse_rfc3339(activity);
    if (accepted >= static_cast<std::size_t>(f.limit) && t && oldest_accepted && *t < *oldest_accepted - skew)
      return false;
    if (t && cursor_time && *t > *cursor_time + skew) return true;
    auto& nq = db.prepare(newest_message_sql);
    nq.bind_all(workspace_id, id);
    std::int64_t key = nq.step() ? nq.column_opt_int(0).value_or(0) : 0;
    nq.reset();
    if (!after_cursor(key, id)) return true;
    auto& rq = db.prepare(row_sql);
    rq.bind_all(workspace_id, id);
    bind_filters(rq, f);
    if (rq.step()) {
      hits.push_back({key, conv_row(rq)});
      ++accepted;
      if (t && (!oldest_accepted || *t < *oldest_accepted)) oldest_accepted = t;
    }
    rq.reset();
    return true;
  };
  auto read_one_by_one = [&] {
    contacts = matching_contacts(db, workspace_id, terms, candidates);
    std::vector<std::pair<std::string, id_t>> rows;  // (activity, id)
    auto& q = db.prepare(std::string("SELECT c.id, coalesce(c.last_message_at, c.created_at) FROM conversations c"
                                     " WHERE c.workspace_id = ?1 AND c.contact_id = ?8") + filters);
    for (auto contact : contacts) {
      q.bind(1, workspace_id);
      q.bind(8, contact);
      bind_filters(q, f);
      while (q.step()) rows.emplace_back(q.column_text(1), q.column_int(0));
      q.reset();
    }
    // The order of the walk's ORDER BY (the stored times share one format).
    std::sort(rows.rbegin(), rows.rend());
    for (auto& [activity, id] : rows)
      if (!offer(id, activity)) break;
  };
  if (walk) {
    // A view whose filters leave few matches would walk far: past a budget the
    // matching contacts are read one by one after all.
    std::size_t budget = 8 * walk_from, walked = 0;
    bool finished = true;
    auto& q = db.prepare(contact_walk_sql(f, cursor_time.has_value()));
    q.bind(1, workspace_id);
    if (cursor_time) q.bind(12, format_rfc3339(*cursor_time + skew));
    bind_filters(q, f);
    while (q.step()) {
      if (++walked > budget) {
        finished = false;
        break;
      }
      if (!matches(q.column_int(1))) continue;
      if (!offer(q.column_int(0), q.column_text(2))) break;
    }
    q.reset();
    if (!finished) {
      hits.clear();
      accepted = 0;
      oldest_accepted.reset();
      checked.clear();
      walk = false;
      if (!terms.phrase.empty()) candidates = trigram_candidates(db, terms, SIZE_MAX);
      read_one_by_one();
    }
  } else {
    read_one_by_one();
  }
  auto newer = [](const hit& a, const hit& b) { return a.key != b.key ? a.key > b.key : a.c.id > b.c.id; };
  std::sort(hits.begin(), hits.end(), newer);
  if (hits.size() > static_cast<std::size_t>(f.limit)) hits.resize(static_cast<std::size_t>(f.limit));

  // 2. Message text: the matches newest first (message ids grow with time), each new
  // conversation met keyed by that match, until the page is full. A common word
  // stops after about a page of matches; a rare one reads all of its few.
  const auto match = fts_query(*f.q);
  if (!match.empty()) {
    std::unordered_set<id_t> seen;
    std::size_t from_text = 0;
    const std::size_t from_contacts = hits.size();  // sorted, before the text's
    auto& walk = db.prepare(search_walk_sql());
    walk.bind_all(match, before_key);
    while (walk.step()) {
      std::int64_t key = walk.column_int(0);
      // Full once `limit` hits are newer than this match (the contacts' included).
      std::size_t newer_hits = from_text;
      for (std::size_t i = 0; i < from_contacts; ++i)
        if (hits[i].key > key) ++newer_hits;
      if (newer_hits >= static_cast<std::size_t>(f.limit)) break;
      if (walk.column_int(1) != workspace_id) continue;
      id_t id = walk.column_int(2);
      if (!seen.insert(id).second) continue;
      if (!after_cursor(key, id)) continue;
      auto& rq = db.prepare(row_sql);
      rq.bind_all(workspace_id, id);
      bind_filters(rq, f);
      std::optional<conversation> c;
      if (rq.step()) c = conv_row(rq);
      rq.reset();
      // Not in the view, or found through its contact (part 1 keyed it already).
      if (!c || matches(c->contact_id)) continue;
      if (f.before) {
        // On an earlier page when it matches at or above the cursor's key too.
        auto& eq = db.prepare(
            "SELECT 1 FROM search.messages_fts WHERE messages_fts MATCH ?1 AND rowid IN ("
            "SELECT message_id FROM message_threads WHERE workspace_id = ?2 AND conversation_id = ?3"
            " AND message_id >= ?4"
            " UNION ALL SELECT id FROM messages WHERE id > max(?4 - 1, (SELECT last_id FROM thread_progress"
            "  WHERE id = 1)) AND workspace_id = ?2 AND conversation_id = ?3) LIMIT 1");
        eq.bind_all(match, workspace_id, id, before_key);
        bool earlier = eq.step();
        eq.reset();
        if (earlier) continue;
      }
      hits.push_back({key, std::move(*c)});
      ++from_text;
    }
    walk.reset();
  }
  std::sort(hits.begin(), hits.end(), newer);
  if (hits.size() > static_cast<std::size_t>(f.limit)) hits.resize(static_cast<std::size_t>(f.limit));
  for (auto& h : hits) {
    h.c.list_key = std::to_string(h.key);
    load_labels(db, h.c);
    out.push_back(std::move(h.c));
  }
  return out;
}

}  // namespace

std::string search_walk_sql() {
  // FTS5 delivers rowid DESC itself (no sort), so stepping fewer rows reads fewer.
  return "SELECT f.rowid, m.workspace_id, m.conversation_id FROM search.messages_fts f"
         " JOIN messages m ON m.id = f.rowid"
         " WHERE f.messages_fts MATCH ?1 AND f.rowid < ?2 ORDER BY f.rowid DESC";
}

std::size_t contact_walk_threshold(std::int64_t conversations, int limit) {
  // Reading contacts one by one costs about the matches; walking the view, about
  // limit × conversations / matches rows (a row costs about as much as a contact):
  // equal where matches² ≈ limit × conversations. Never under 16, so a small
  // workspace reads its few matches directly.
  auto balance = std::sqrt(static_cast<double>(std::max(limit, 1)) * static_cast<double>(std::max<std::int64_t>(conversations, 0)));
  return std::max<std::size_t>(16, static_cast<std::size_t>(balance));
}

std::string contact_walk_sql(const list_filter& f, bool from_cursor) {
  // The view's rows newest activity first, as list_sql reads them (each view's
  // index of schema 15, no sort), with the contact to check; ?12 bounds a later page.
  std::string sql =
      "SELECT c.id, c.contact_id, coalesce(c.last_message_at, c.created_at) FROM conversations c"
      " WHERE c.workspace_id = ?1";
  if (from_cursor) sql += " AND coalesce(c.last_message_at, c.created_at) <= ?12";
  sql += filter_sql(f);
  sql += " ORDER BY coalesce(c.last_message_at, c.created_at) DESC, c.id DESC";
  return sql;
}

std::string list_sql(const list_filter& f) {
  // Newest activity first; each view walks an index of schema 15 in (activity, id)
  // order: no temporary B-tree, and the work is bounded by the page size
  // (tests/unit/store/inbox_order_test.cpp checks the plans). `q` is search() instead.
  std::string sql = std::string("SELECT ") + conv_columns +
                    " FROM conversations c JOIN contacts k ON k.id = c.contact_id"
                    " WHERE c.workspace_id = ?1";
  // (activity, id) < (?12, ?2), spelled so that the first term is a range on the
  // index: a later page starts where the last one ended instead of skipping to it.
  if (f.before)
    sql += " AND coalesce(c.last_message_at, c.created_at) <= ?12"
           " AND (coalesce(c.last_message_at, c.created_at) < ?12 OR c.id < ?2)";
  sql += filter_sql(f);
  sql += " ORDER BY coalesce(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT ?9";
  return sql;
}

std::vector<conversation> list(database& db, id_t workspace_id, const list_filter& f) {
  if (f.q) return search(db, workspace_id, f);
  auto sql = list_sql(f);
  auto& q = db.prepare(sql);
  q.bind(1, workspace_id);
  if (f.before) {
    q.bind(2, f.before->id);
    q.bind(12, f.before->activity_at);
  }
  bind_filters(q, f);
  q.bind(9, static_cast<std::int64_t>(f.limit));
  std::vector<conversation> out;
  while (q.step()) out.push_back(conv_row(q));
  q.reset();
  for (auto& c : out) load_labels(db, c);
  return out;
}

id_t insert(database& db, const conversation& c) {
  db.prepare(
        "INSERT INTO conversations(workspace_id, contact_id, status, assignee_id, team_id, priority,"
        " channel, subject, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)")
      .bind_all(c.workspace_id, c.contact_id, c.status, c.assignee_id, c.team_id, c.priority,
                c.channel, c.subject, c.created_at)
      .run();
  id_t id = db.last_insert_rowid();
  for (auto& l : c.labels)
    db.prepare("INSERT OR IGNORE INTO conversation_labels(workspace_id, conversation_id, label) VALUES (?1, ?2, ?3)")
        .bind_all(c.workspace_id, id, l)
        .run();
  return id;
}

void update(database& db, id_t workspace_id, id_t id, const patch& p, const std::string& now) {
  auto opt_int = [](const std::optional<std::optional<id_t>>& v) {
    return v && *v ? std::optional<id_t>(**v) : std::optional<id_t>();
  };
  db.prepare(
        "UPDATE conversations SET status = COALESCE(?3, status), priority = COALESCE(?4, priority),"
        " assignee_id = CASE WHEN ?5 THEN ?6 ELSE assignee_id END,"
        " team_id = CASE WHEN ?7 THEN ?8 ELSE team_id END,"
        " snoozed_until = CASE WHEN ?9 THEN ?10 WHEN ?3 IS NOT NULL AND ?3 != 'snoozed' THEN NULL"
        "  ELSE snoozed_until END,"
        " resolved_at = CASE WHEN ?3 = 'resolved' AND status != 'resolved' THEN ?11"
        "  WHEN ?3 IS NOT NULL AND ?3 != 'resolved' THEN NULL ELSE resolved_at END,"
        " unread_count = COALESCE(?12, unread_count), updated_at = ?11"
        " WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, p.status, p.priority,
                static_cast<std::int64_t>(p.assignee_id.has_value()), opt_int(p.assignee_id),
                static_cast<std::int64_t>(p.team_id.has_value()), opt_int(p.team_id),
                static_cast<std::int64_t>(p.snoozed_until.has_value()),
                p.snoozed_until ? *p.snoozed_until : std::optional<std::string>(), now,
                p.unread_count)
      .run();
  if (p.labels) {
    db.prepare("DELETE FROM conversation_labels WHERE workspace_id = ?1 AND conversation_id = ?2")
        .bind_all(workspace_id, id)
        .run();
    for (auto& l : *p.labels)
      db.prepare("INSERT OR IGNORE INTO conversation_labels(workspace_id, conversation_id, label) VALUES (?1, ?2, ?3)")
          .bind_all(workspace_id, id, l)
          .run();
  }
}

std::vector<std::pair<id_t, id_t>> wake_snoozed(database& db, const std::string& now) {
  std::vector<std::pair<id_t, id_t>> woke;
  {
    auto& q = db.prepare(
        "SELECT workspace_id, id FROM conversations WHERE status = 'snoozed' AND snoozed_until <= ?1");
    q.bind(1, now);
    while (q.step()) woke.emplace_back(q.column_int(0), q.column_int(1));
  }
  for (auto& [ws, id] : woke)
    db.prepare("UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = ?3"
               " WHERE workspace_id = ?1 AND id = ?2")
        .bind_all(ws, id, now)
        .run();
  return woke;
}

std::optional<message> find_message(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare(std::string("SELECT ") + msg_columns +
                       " FROM messages m WHERE m.workspace_id = ?1 AND m.id = ?2");
  q.bind_all(workspace_id, id);
  if (!q.step()) return std::nullopt;
  return msg_row(q);
}

std::vector<message> thread(database& db, id_t workspace_id, id_t conversation_id,
                            std::optional<id_t> after, int limit, bool include_private) {
  // Merged messages through message_threads, in its key order; the newest (above the
  // watermark) from the table's tail. One statement, so one snapshot: a merge
  // committing meanwhile cannot make a message appear twice or not at all.
  static const std::string sql =
      std::string("SELECT t.message_id") + std::string(msg_columns).substr(4) +
      " FROM message_threads t JOIN messages m ON m.id = t.message_id"
      " WHERE t.workspace_id = ?1 AND t.conversation_id = ?2 AND t.message_id > coalesce(?3, 0)"
      " AND (?5 OR m.private = 0)"
      " UNION ALL SELECT " + msg_columns +
      " FROM messages m"
      " WHERE m.id > max(coalesce(?3, 0), (SELECT last_id FROM thread_progress WHERE id = 1))"
      " AND m.workspace_id = ?1 AND m.conversation_id = ?2 AND (?5 OR m.private = 0)"
      " ORDER BY 1 LIMIT ?4";
  auto& q = db.prepare(sql);
  q.bind_all(workspace_id, conversation_id, after, static_cast<std::int64_t>(limit),
             static_cast<std::int64_t>(include_private));
  std::vector<message> out;
  while (q.step()) out.push_back(msg_row(q));
  return out;
}

std::optional<message> find_by_external(database& db, id_t workspace_id, const std::string& channel,
                                        const std::string& external_id) {
  auto& q = db.prepare(std::string("SELECT ") + msg_columns +
                       " FROM messages m WHERE m.workspace_id = ?1 AND m.channel = ?2"
                       " AND m.external_id = ?3");
  q.bind_all(workspace_id, channel, external_id);
  if (!q.step()) return std::nullopt;
  return msg_row(q);
}

std::optional<message> find_by_external_any(database& db, const std::string& channel,
                                            const std::string& external_id) {
  auto& q = db.prepare(std::string("SELECT ") + msg_columns +
                       " FROM messages m WHERE m.channel = ?1 AND m.external_id = ?2 ORDER BY m.id LIMIT 1");
  q.bind_all(channel, external_id);
  if (!q.step()) return std::nullopt;
  return msg_row(q);
}

void update_item(database& db, id_t workspace_id, id_t id, const std::string& body,
                 const std::string& status, const nlohmann::json& metadata) {
  db.prepare("UPDATE messages SET body = ?3, status = ?4, metadata = ?5 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, body, status, metadata.dump())
      .run();
}

namespace {

constexpr std::string_view insert_message_sql =
    "INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind, sender_id,"
    " private, channel, body, status, error, external_id, kind, media, metadata, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
// The unique index's own terms, partial clause included.
constexpr std::string_view insert_message_once_sql =
    "INSERT INTO messages(workspace_id, conversation_id, direction, sender_kind, sender_id,"
    " private, channel, body, status, error, external_id, kind, media, metadata, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    " ON CONFLICT (workspace_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING";

// The message row and its conversation's counters; nullopt if `once` and it existed.
std::optional<id_t> add_message(database& db, const message& m, bool may_reopen, bool once) {
  db.prepare(once ? insert_message_once_sql : insert_message_sql)
      .borrow_text()  // every message is bound and inserted in this one expression
      .bind_all(m.workspace_id, m.conversation_id, m.direction, m.sender_kind, m.sender_id,
                static_cast<std::int64_t>(m.is_private), m.channel, m.body, m.status, m.error,
                m.external_id, m.kind, json_text(m.media), json_text(m.metadata), m.created_at)
      .run();
  if (once && db.changes() == 0) return std::nullopt;
  id_t id = db.last_insert_rowid();
  bool from_contact = m.sender_kind == "contact";
  bool public_reply = m.sender_kind == "teammate" && !m.is_private;
  // Few indexed columns in the SET list: SQLite rewrites the entries of every index
  // whose columns are assigned, even to the same value. last_message_at is indexed
  // on purpose (schema 15: the inbox's order); status, assignee and team are not assigned.
  db.prepare(
        "UPDATE conversations SET last_message_at = ?3, updated_at = ?3,"
        " unread_count = unread_count + ?4,"
        " preview_id = CASE WHEN ?7 THEN preview_id ELSE ?8 END,"
        " channel = CASE WHEN ?4 THEN ?6 ELSE channel END,"
        " first_response_at = CASE WHEN ?5 AND first_response_at IS NULL THEN ?3"
        "  ELSE first_response_at END"
        " WHERE workspace_id = ?1 AND id = ?2")
      .borrow_text()
      .bind_all(m.workspace_id, m.conversation_id, m.created_at,
                static_cast<std::int64_t>(from_contact), static_cast<std::int64_t>(public_reply),
                m.channel, static_cast<std::int64_t>(m.is_private), id)
      .run();
  // A customer writing again reopens a resolved or snoozed conversation (rare: the
  // WHERE clause usually matches no row, and nothing is written).
  if (from_contact && may_reopen)
    db.prepare(
          "UPDATE conversations SET status = 'open', snoozed_until = NULL"
          " WHERE workspace_id = ?1 AND id = ?2 AND (status = 'resolved' OR status = 'snoozed')")
        .bind_all(m.workspace_id, m.conversation_id)
        .run();
  return id;
}

}  // namespace

id_t insert_message(database& db, const message& m, bool may_reopen) {
  return *add_message(db, m, may_reopen, false);
}

std::optional<id_t> insert_message_once(database& db, const message& m, bool may_reopen) {
  return add_message(db, m, may_reopen, true);
}

std::int64_t merge_threads(database& db, std::int64_t window) {
  auto& state = db.prepare(
      "SELECT (SELECT last_id FROM thread_progress WHERE id = 1), (SELECT max(id) FROM messages)");
  if (!state.step()) return 0;
  std::int64_t last = state.column_int(0);
  std::int64_t newest = state.column_int(1);
  state.reset();
  if (newest - last < window) return 0;
  // Its own savepoint (only when there is something to merge): the caller undoes a
  // failed merge alone with ROLLBACK TO merge, and the batch's jobs still commit.
  db.prepare("SAVEPOINT merge").run();
  // In key order: each conversation's page is visited once, from left to right.
  // OR IGNORE: a failing merge would fail every batch after it.
  db.prepare(
        "INSERT OR IGNORE INTO message_threads(workspace_id, conversation_id, message_id)"
        " SELECT workspace_id, conversation_id, id FROM messages WHERE id > ?1 AND id <= ?2"
        " ORDER BY 1, 2, 3")
      .bind_all(last, newest)
      .run();
  db.prepare("UPDATE thread_progress SET last_id = ?1 WHERE id = 1").bind(1, newest).run();
  db.prepare("RELEASE merge").run();
  return newest - last;
}

std::optional<std::string> canned_body(database& db, id_t workspace_id, const std::string& shortcut) {
  auto& q = db.prepare("SELECT body FROM canned_responses WHERE workspace_id = ?1 AND shortcut = ?2");
  q.bind_all(workspace_id, shortcut);
  if (!q.step()) return std::nullopt;
  return q.column_text(0);
}

std::vector<canned_response> list_canned(database& db, id_t workspace_id) {
  std::vector<canned_response> out;
  auto& q = db.prepare(
      "SELECT id, shortcut, body, created_at FROM canned_responses WHERE workspace_id = ?1 ORDER BY shortcut");
  q.bind(1, workspace_id);
  while (q.step()) out.push_back({q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3)});
  return out;
}

id_t insert_canned(database& db, id_t workspace_id, const std::string& shortcut,
                   const std::string& body, const std::string& now) {
  db.prepare("INSERT INTO canned_responses(workspace_id, shortcut, body, created_at) VALUES (?1, ?2, ?3, ?4)")
      .bind_all(workspace_id, shortcut, body, now)
      .run();
  return db.last_insert_rowid();
}

bool delete_canned(database& db, id_t workspace_id, id_t id) {
  db.prepare("DELETE FROM canned_responses WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, id).run();
  return db.changes() > 0;
}

std::optional<canned_response> update_canned(database& db, id_t workspace_id, id_t id,
                                             const std::optional<std::string>& shortcut,
                                             const std::optional<std::string>& body) {
  db.prepare(
        "UPDATE canned_responses SET shortcut = COALESCE(?3, shortcut), body = COALESCE(?4, body)"
        " WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, id, shortcut, body)
      .run();
  auto& q = db.prepare(
      "SELECT id, shortcut, body, created_at FROM canned_responses WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, id);
  if (!q.step()) return std::nullopt;
  return canned_response{q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3)};
}

std::vector<label> list_labels(database& db, id_t workspace_id) {
  std::vector<label> out;
  auto& q = db.prepare("SELECT id, name, color, created_at FROM labels WHERE workspace_id = ?1 ORDER BY name");
  q.bind(1, workspace_id);
  while (q.step()) out.push_back({q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3)});
  return out;
}

id_t insert_label(database& db, id_t workspace_id, const std::string& name,
                  const std::string& color, const std::string& now) {
  db.prepare("INSERT INTO labels(workspace_id, name, color, created_at) VALUES (?1, ?2, ?3, ?4)")
      .bind_all(workspace_id, name, color, now)
      .run();
  return db.last_insert_rowid();
}

bool delete_label(database& db, id_t workspace_id, id_t id) {
  db.prepare("DELETE FROM labels WHERE workspace_id = ?1 AND id = ?2").bind_all(workspace_id, id).run();
  return db.changes() > 0;
}

reply_context reply_context_of(database& db, id_t workspace_id, const conversation& c) {
  reply_context out;
  if (c.channel == "sms" || c.channel == "chat") {
    out.last_messaging_channel = c.channel;  // the latest customer item is a message
  } else {
    // After a call: the customer's newest text, through the thread table and the
    // unmerged tail (messages has no index by conversation; see thread()).
    auto& q = db.prepare(
        "SELECT channel FROM (SELECT m.id, m.channel FROM message_threads t JOIN messages m ON m.id = t.message_id"
        "  WHERE t.workspace_id = ?1 AND t.conversation_id = ?2 AND m.sender_kind = 'contact'"
        "  AND (m.channel = 'sms' OR m.channel = 'chat')"
        " UNION ALL SELECT m.id, m.channel FROM messages m"
        "  WHERE m.id > (SELECT last_id FROM thread_progress WHERE id = 1) AND m.workspace_id = ?1"
        "  AND m.conversation_id = ?2 AND m.sender_kind = 'contact' AND (m.channel = 'sms' OR m.channel = 'chat'))"
        " ORDER BY id DESC LIMIT 1");
    q.bind_all(workspace_id, c.id);
    if (q.step()) out.last_messaging_channel = q.column_text(0);
    q.reset();
  }
  {
    auto& q = db.prepare(
        "SELECT kind, value FROM contact_identities WHERE workspace_id = ?1 AND contact_id = ?2"
        " AND (kind = 'phone' OR kind = 'visitor') ORDER BY id");
    q.bind_all(workspace_id, c.contact_id);
    while (q.step()) {
      if (q.column_text(0) == "phone")
        out.phones.push_back(q.column_text(1));
      else
        out.visitor = true;
    }
  }
  return out;
}

id_t enqueue_outbox(database& db, id_t workspace_id, const std::string& kind,
                    const nlohmann::json& payload, const std::string& now) {
  // The conversation it came from, when the payload names one: an erased contact's
  // rows go with their conversations (schema 14).
  std::optional<id_t> conversation_id;
  if (payload.is_object())
    if (auto it = payload.find("conversation_id"); it != payload.end() && it->is_number_integer())
      conversation_id = it->get<id_t>();
  db.prepare(
        "INSERT INTO outbox(workspace_id, kind, payload, next_attempt_at, created_at, updated_at,"
        " conversation_id) VALUES (?1, ?2, ?3, ?4, ?4, ?4, ?5)")
      .bind_all(workspace_id, kind, payload.dump(), now, conversation_id)
      .run();
  return db.last_insert_rowid();
}

void set_message_status(database& db, id_t message_id, const std::string& status,
                        const std::optional<std::string>& error, const std::optional<std::string>& external_id) {
  db.prepare("UPDATE messages SET status = ?2, error = COALESCE(?3, error), external_id = COALESCE(?4, external_id)"
             " WHERE id = ?1")
      .bind_all(message_id, status, error, external_id)
      .run();
}

bool requeue_message(database& db, id_t workspace_id, id_t message_id) {
  db.prepare("UPDATE messages SET status = 'queued', error = NULL, external_id = NULL,"
             " metadata = json_set(metadata, '$.retries', COALESCE(json_extract(metadata, '$.retries'), 0) + 1)"
             " WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, message_id)
      .run();
  return db.changes() > 0;
}

void set_call_sid(database& db, id_t message_id, const std::string& sid) {
  db.prepare("UPDATE messages SET status = 'sent', external_id = ?2,"
             " metadata = json_set(metadata, '$.call_sid', ?2) WHERE id = ?1")
      .bind_all(message_id, sid)
      .run();
}

void set_external_id(database& db, id_t workspace_id, id_t message_id, const std::string& external_id) {
  db.prepare("UPDATE messages SET external_id = ?3 WHERE workspace_id = ?1 AND id = ?2")
      .bind_all(workspace_id, message_id, external_id)
      .run();
}

std::optional<sms_ref> find_sms_by_external_id(database& db, const std::string& sid) {
  auto& q = db.prepare("SELECT workspace_id, id, status FROM messages WHERE channel = 'sms' AND external_id = ?1");
  q.bind(1, sid);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  sms_ref r{q.column_int(0), q.column_int(1), q.column_text(2)};
  q.reset();
  return r;
}

std::optional<id_t> number_of(database& db, id_t workspace_id, id_t conversation_id) {
  auto& q = db.prepare("SELECT number_id FROM conversations WHERE workspace_id = ?1 AND id = ?2");
  q.bind_all(workspace_id, conversation_id);
  std::optional<id_t> n;
  if (q.step()) n = q.column_opt_int(0);
  q.reset();
  return n;
}

void set_number(database& db, id_t conversation_id, id_t number_id) {
  db.prepare("UPDATE conversations SET number_id = ?2 WHERE id = ?1").bind_all(conversation_id, number_id).run();
}

}  // namespace switchboard::store::conversations
