#include "switchboard/store/media.hpp"

#include <algorithm>

namespace switchboard::store::media {

namespace {
constexpr const char* columns =
    "id, workspace_id, sha256, content_type, size, name, conversation_id, message_id, teammate_id, visitor_id,"
    " created_at";

media_item read_row(statement& q) {
  media_item m;
  m.id = q.column_int(0);
  m.workspace_id = q.column_int(1);
  m.sha256 = q.column_text(2);
  m.content_type = q.column_text(3);
  m.size = q.column_int(4);
  m.name = q.column_text(5);
  m.conversation_id = q.column_opt_int(6);
  m.message_id = q.column_opt_int(7);
  m.teammate_id = q.column_opt_int(8);
  m.visitor_id = q.column_opt_text(9);
  m.created_at = q.column_text(10);
  return m;
}
}  // namespace

id_t add(database& db, const media_item& m) {
  db.prepare(
        "INSERT INTO media(workspace_id, sha256, content_type, size, name, conversation_id, message_id, teammate_id,"
        " visitor_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
      .bind_all(m.workspace_id, m.sha256, m.content_type, m.size, m.name, m.conversation_id, m.message_id,
                m.teammate_id, m.visitor_id, m.created_at)
      .run();
  return db.last_insert_rowid();
}

std::optional<media_item> find(database& db, id_t workspace_id, id_t id) {
  auto& q = db.prepare(std::string("SELECT ") + columns + " FROM media WHERE id = ?1 AND workspace_id = ?2");
  q.bind_all(id, workspace_id);
  std::optional<media_item> out;
  if (q.step()) out = read_row(q);
  q.reset();
  return out;
}

void attach(database& db, id_t workspace_id, const std::vector<id_t>& ids, id_t conversation_id, id_t message_id) {
  auto& q = db.prepare("UPDATE media SET conversation_id = ?1, message_id = ?2 WHERE id = ?3 AND workspace_id = ?4");
  for (auto id : ids) {
    q.bind_all(conversation_id, message_id, id, workspace_id).run();
    q.reset();  // a stepped statement takes no new bindings until reset
  }
}

std::vector<media_item> of_message(database& db, id_t workspace_id, id_t message_id) {
  auto& q = db.prepare(std::string("SELECT ") + columns +
                       " FROM media WHERE message_id = ?1 AND workspace_id = ?2 ORDER BY id");
  q.bind_all(message_id, workspace_id);
  std::vector<media_item> out;
  while (q.step()) out.push_back(read_row(q));
  q.reset();
  return out;
}

void set_message_media(database& db, id_t workspace_id, id_t message_id, const nlohmann::json& media) {
  auto text = media.dump();
  db.prepare("UPDATE messages SET media = ?1 WHERE id = ?2 AND workspace_id = ?3")
      .bind_all(text, message_id, workspace_id)
      .run();
}

bool file_in_use(database& db, const std::string& sha256) {
  auto& q = db.prepare("SELECT 1 FROM media WHERE sha256 = ?1 LIMIT 1");
  q.bind_all(sha256);
  bool used = q.step();
  q.reset();
  return used;
}

std::vector<std::string> erase_of_contact(database& db, id_t workspace_id, id_t contact_id) {
  std::vector<std::string> files;
  const char* of_contact =
      " FROM media WHERE workspace_id = ?1 AND conversation_id IN"
      " (SELECT id FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2)";
  auto& list = db.prepare(std::string("SELECT DISTINCT sha256") + of_contact);
  list.bind_all(workspace_id, contact_id);
  while (list.step()) files.push_back(list.column_text(0));
  list.reset();
  db.prepare(std::string("DELETE") + of_contact).bind_all(workspace_id, contact_id).run();
  return files;
}

std::vector<std::string> purge_unsent(database& db, const std::string& before, int limit) {
  std::vector<std::string> files;
  std::vector<id_t> ids;
  auto& q = db.prepare("SELECT id, sha256 FROM media WHERE message_id IS NULL AND created_at < ?1 ORDER BY id LIMIT ?2");
  q.bind_all(before, static_cast<std::int64_t>(limit));
  while (q.step()) {
    ids.push_back(q.column_int(0));
    files.push_back(q.column_text(1));
  }
  q.reset();
  auto& del = db.prepare("DELETE FROM media WHERE id = ?1");
  for (auto id : ids) {
    del.bind_all(id).run();
    del.reset();
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::int64_t unsent_of_visitor(database& db, id_t workspace_id, const std::string& visitor_id) {
  auto& q = db.prepare(
      "SELECT COUNT(*) FROM media WHERE workspace_id = ?1 AND visitor_id = ?2 AND message_id IS NULL");
  q.bind_all(workspace_id, visitor_id);
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

std::int64_t visitor_bytes_since(database& db, id_t workspace_id, const std::string& since) {
  auto& q = db.prepare(
      "SELECT COALESCE(SUM(size), 0) FROM media WHERE workspace_id = ?1 AND visitor_id IS NOT NULL"
      " AND created_at >= ?2");
  q.bind_all(workspace_id, since);
  std::int64_t n = q.step() ? q.column_int(0) : 0;
  q.reset();
  return n;
}

}  // namespace switchboard::store::media
