// PostgreSQL: media (repositories.hpp; the SQLite twin is src/store/media.cpp).
#include <algorithm>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {

constexpr const char* columns =
    "id, workspace_id, sha256, content_type, size, name, conversation_id, message_id, teammate_id, visitor_id,"
    " created_at";

media_item media_row(const pg::query_result& r, int i) {
  media_item m;
  m.id = r.integer(i, 0);
  m.workspace_id = r.integer(i, 1);
  m.sha256 = r.text(i, 2);
  m.content_type = r.text(i, 3);
  m.size = r.integer(i, 4);
  m.name = r.text(i, 5);
  m.conversation_id = r.opt_integer(i, 6);
  m.message_id = r.opt_integer(i, 7);
  m.teammate_id = r.opt_integer(i, 8);
  m.visitor_id = r.opt_text(i, 9);
  m.created_at = r.text(i, 10);
  return m;
}

// The distinct files named by the first column of r, sorted.
std::vector<std::string> distinct_files(const pg::query_result& r) {
  std::vector<std::string> files;
  for (int i = 0; i < r.rows(); ++i) files.push_back(r.text(i, 0));
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

}  // namespace

id_t pg_media_repository::add(const media_item& m) {
  return db_
      .run(
          "INSERT INTO media(workspace_id, sha256, content_type, size, name, conversation_id, message_id, teammate_id,"
          " visitor_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
          m.workspace_id, m.sha256, m.content_type, m.size, m.name, m.conversation_id, m.message_id, m.teammate_id,
          m.visitor_id, m.created_at)
      .integer(0, 0);
}

std::optional<media_item> pg_media_repository::find(id_t workspace_id, id_t id) {
  auto r = db_.run(std::string("SELECT ") + columns + " FROM media WHERE id = $1 AND workspace_id = $2", id,
                   workspace_id);
  if (r.empty()) return std::nullopt;
  return media_row(r, 0);
}

void pg_media_repository::attach(id_t workspace_id, const std::vector<id_t>& ids, id_t conversation_id,
                                 id_t message_id) {
  if (ids.empty()) return;
  db_.run("UPDATE media SET conversation_id = $1, message_id = $2 WHERE id = ANY($3::bigint[]) AND workspace_id = $4",
          conversation_id, message_id, ids, workspace_id);
}

std::vector<media_item> pg_media_repository::of_message(id_t workspace_id, id_t message_id) {
  auto r = db_.run(std::string("SELECT ") + columns +
                       " FROM media WHERE message_id = $1 AND workspace_id = $2 ORDER BY id",
                   message_id, workspace_id);
  std::vector<media_item> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(media_row(r, i));
  return out;
}

void pg_media_repository::set_message_media(id_t workspace_id, id_t message_id, const nlohmann::json& media) {
  db_.run("UPDATE messages SET media = $1 WHERE id = $2 AND workspace_id = $3", media.dump(), message_id,
          workspace_id);
}

bool pg_media_repository::file_in_use(const std::string& sha256) {
  return !db_.run("SELECT 1 FROM media WHERE sha256 = $1 LIMIT 1", sha256).empty();
}

std::vector<std::string> pg_media_repository::erase_of_contact(id_t workspace_id, id_t contact_id) {
  return distinct_files(db_.run(
      "DELETE FROM media WHERE workspace_id = $1 AND conversation_id IN"
      " (SELECT id FROM conversations WHERE workspace_id = $1 AND contact_id = $2) RETURNING sha256",
      workspace_id, contact_id));
}

std::vector<std::string> pg_media_repository::purge_unsent(const std::string& before, int limit) {
  // Housekeeping beside live requests (and other instances): FOR UPDATE rechecks
  // `message_id IS NULL` on an upload a message took meanwhile, and SKIP LOCKED
  // leaves one being attached now to a later pass.
  return distinct_files(db_.run(
      "DELETE FROM media WHERE id IN (SELECT id FROM media WHERE message_id IS NULL AND created_at < $1"
      " ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING sha256",
      before, limit));
}

std::int64_t pg_media_repository::unsent_of_visitor(id_t workspace_id, const std::string& visitor_id) {
  return db_
      .run("SELECT count(*) FROM media WHERE workspace_id = $1 AND visitor_id = $2 AND message_id IS NULL",
           workspace_id, visitor_id)
      .integer(0, 0);
}

std::int64_t pg_media_repository::visitor_bytes_since(id_t workspace_id, const std::string& since) {
  return db_
      .run("SELECT COALESCE(sum(size), 0)::bigint FROM media WHERE workspace_id = $1 AND visitor_id IS NOT NULL"
           " AND created_at >= $2",
           workspace_id, since)
      .integer(0, 0);
}

}  // namespace switchboard::store
