// PostgreSQL: teammates (repositories.hpp; the SQLite twin is src/store/teammates.cpp).
#include "switchboard/store/postgres/rows.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

namespace {
constexpr const char* teammate_select =
    "SELECT id, workspace_id, email, name, role, physical_number, availability, sms_forwarding,"
    " created_at, COALESCE(password_hash, '') FROM teammates";
}  // namespace

teammate pg::teammate_row(const query_result& r, int i) {
  teammate t;
  t.id = r.integer(i, 0);
  t.workspace_id = r.integer(i, 1);
  t.email = r.text(i, 2);
  t.name = r.text(i, 3);
  t.role = r.text(i, 4);
  t.physical_number = r.opt_text(i, 5);
  t.availability = r.text(i, 6);
  t.sms_forwarding = r.text(i, 7);
  t.created_at = r.text(i, 8);
  t.password_hash = r.text(i, 9);
  return t;
}

std::optional<teammate> pg_teammate_repository::find(id_t workspace_id, id_t id) {
  auto r = db_.run(std::string(teammate_select) + " WHERE workspace_id = $1 AND id = $2", workspace_id, id);
  if (r.empty()) return std::nullopt;
  return pg::teammate_row(r, 0);
}

std::optional<teammate> pg_teammate_repository::find_by_email(const std::string& email) {
  auto r = db_.run(std::string(teammate_select) + " WHERE email = $1 ORDER BY id LIMIT 1", email);
  if (r.empty()) return std::nullopt;
  return pg::teammate_row(r, 0);
}

std::int64_t pg_teammate_repository::count_owners(id_t workspace_id) {
  return db_.run("SELECT count(*) FROM teammates WHERE workspace_id = $1 AND role = 'owner'", workspace_id)
      .integer(0, 0);
}

std::vector<teammate> pg_teammate_repository::list(id_t workspace_id) {
  auto r = db_.run(std::string(teammate_select) + " WHERE workspace_id = $1 ORDER BY id", workspace_id);
  std::vector<teammate> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(pg::teammate_row(r, i));
  return out;
}

id_t pg_teammate_repository::insert(const teammate& t) {
  return db_
      .run(
          "INSERT INTO teammates(workspace_id, email, name, role, password_hash, physical_number,"
          " availability, sms_forwarding, created_at, updated_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
          t.workspace_id, t.email, t.name, t.role,
          t.password_hash.empty() ? std::optional<std::string>() : t.password_hash, t.physical_number,
          t.availability, t.sms_forwarding, t.created_at)
      .integer(0, 0);
}

void pg_teammate_repository::update(id_t workspace_id, id_t id, const teammates::patch& p,
                                    const std::string& now) {
  db_.run(
      "UPDATE teammates SET name = COALESCE($3, name), role = COALESCE($4, role),"
      " availability = COALESCE($5, availability), sms_forwarding = COALESCE($6, sms_forwarding),"
      " physical_number = CASE WHEN $7::int = 1 THEN $8 ELSE physical_number END, updated_at = $9"
      " WHERE workspace_id = $1 AND id = $2",
      workspace_id, id, p.name, p.role, p.availability, p.sms_forwarding,
      p.physical_number.has_value(), p.physical_number ? *p.physical_number : std::optional<std::string>(),
      now);
}

}  // namespace switchboard::store
