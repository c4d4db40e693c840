// PostgreSQL: teammates (repositories.hpp; the SQLite twin is src/store/teammates.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<teammate> pg_teammate_repository::find(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: teammates.find is not written yet");
}

std::optional<teammate> pg_teammate_repository::find_by_email(const std::string& email) {
  throw std::logic_error("postgres: teammates.find_by_email is not written yet");
}

std::int64_t pg_teammate_repository::count_owners(id_t workspace_id) {
  throw std::logic_error("postgres: teammates.count_owners is not written yet");
}

std::vector<teammate> pg_teammate_repository::list(id_t workspace_id) {
  throw std::logic_error("postgres: teammates.list is not written yet");
}

id_t pg_teammate_repository::insert(const teammate& t) {
  throw std::logic_error("postgres: teammates.insert is not written yet");
}

void pg_teammate_repository::update(id_t workspace_id, id_t id, const teammates::patch& p, const std::string& now) {
  throw std::logic_error("postgres: teammates.update is not written yet");
}

}  // namespace switchboard::store
