// PostgreSQL: realtime events for the other instances (events.hpp).
#include "switchboard/store/postgres/events.hpp"

#include <cstdlib>

#include "switchboard/store/postgres/connection.hpp"

namespace switchboard::store::pg {

namespace {
std::vector<remote_event> rows(const query_result& r) {
  std::vector<remote_event> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.text(i, 3), r.integer(i, 4) != 0});
  return out;
}
}  // namespace

void insert_events(connection& db, const std::string& origin, const std::vector<remote_event>& events) {
  std::vector<std::int64_t> workspaces, ephemeral;
  std::vector<std::string> topics, texts;
  for (auto& e : events) {
    workspaces.push_back(e.workspace_id);
    topics.push_back(e.topic);
    texts.push_back(e.event);
    ephemeral.push_back(e.ephemeral ? 1 : 0);
  }
  db.run(
      "WITH e AS (INSERT INTO realtime_events(origin, workspace_id, topic, event, ephemeral)"
      " SELECT $1, u.w, u.t, u.ev, u.eph"
      " FROM unnest($2::bigint[], $3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS u(w, t, ev, eph, n)"
      " ORDER BY u.n RETURNING id)"
      " SELECT pg_notify('sb_events', $1 || ' ' || string_agg(id::text, ',' ORDER BY id)) FROM e",
      origin, workspaces, topics, texts, ephemeral);
}

bool parse_notification(const std::string& payload, std::string& origin, std::vector<std::int64_t>& ids) {
  auto space = payload.find(' ');
  if (space == std::string::npos || space == 0) return false;
  origin = payload.substr(0, space);
  ids.clear();
  std::size_t at = space + 1;
  while (at < payload.size()) {
    auto comma = payload.find(',', at);
    auto part = payload.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    char* end = nullptr;
    auto id = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || !end || *end != 0 || id <= 0) return false;
    ids.push_back(id);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return !ids.empty();
}

std::vector<remote_event> events_by_id(connection& db, const std::vector<std::int64_t>& ids,
                                       const std::string& origin) {
  return rows(db.run(
      "SELECT id, workspace_id, topic, event, ephemeral FROM realtime_events"
      " WHERE id = ANY($1::bigint[]) AND origin <> $2 ORDER BY id",
      ids, origin));
}

std::vector<remote_event> events_after(connection& db, std::int64_t after, const std::string& origin,
                                       int limit) {
  return rows(db.run(
      "SELECT id, workspace_id, topic, event, ephemeral FROM realtime_events"
      " WHERE id > $1 AND origin <> $2 ORDER BY id LIMIT $3",
      after, origin, limit));
}

std::int64_t newest_event(connection& db) {
  return db.run("SELECT COALESCE(max(id), 0) FROM realtime_events").integer(0, 0);
}

std::int64_t delete_old_events(connection& db, int seconds) {
  return db.run("DELETE FROM realtime_events WHERE created_at < now() - make_interval(secs => $1)", seconds)
      .affected();
}

}  // namespace switchboard::store::pg
