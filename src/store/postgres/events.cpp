// PostgreSQL: realtime events for the other instances (events.hpp).
#include "switchboard/store/postgres/events.hpp"

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

void insert_event(connection& db, const std::string& origin, std::int64_t workspace_id,
                  const std::string& topic, const std::string& event, bool ephemeral) {
  db.run(
      "WITH e AS (INSERT INTO realtime_events(origin, workspace_id, topic, event, ephemeral)"
      " VALUES ($1, $2, $3, $4, $5) RETURNING id)"
      " SELECT pg_notify('sb_events', id::text) FROM e",
      origin, workspace_id, topic, event, ephemeral);
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
