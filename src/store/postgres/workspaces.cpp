// PostgreSQL: workspaces (repositories.hpp; the SQLite twin is src/store/workspaces.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::int64_t pg_workspace_repository::count() {
  throw std::logic_error("postgres: workspaces.count is not written yet");
}

std::optional<id_t> pg_workspace_repository::create_with_owner(const std::string& name, const std::string& owner_email, const std::string& owner_name, const std::string& password_hash, const std::string& now) {
  throw std::logic_error("postgres: workspaces.create_with_owner is not written yet");
}

std::optional<id_t> pg_workspace_repository::first() {
  throw std::logic_error("postgres: workspaces.first is not written yet");
}

std::optional<std::string> pg_workspace_repository::name_of(id_t workspace_id) {
  throw std::logic_error("postgres: workspaces.name_of is not written yet");
}

bool pg_workspace_repository::answers() {
  throw std::logic_error("postgres: workspaces.answers is not written yet");
}

}  // namespace switchboard::store
