// PostgreSQL: teams (repositories.hpp; the SQLite twin is src/store/teams.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<team> pg_team_repository::find(id_t workspace_id, id_t team_id) {
  throw std::logic_error("postgres: teams.find is not written yet");
}

std::vector<team> pg_team_repository::list(id_t workspace_id) {
  throw std::logic_error("postgres: teams.list is not written yet");
}

id_t pg_team_repository::insert(id_t workspace_id, const std::string& name, bool round_robin, const std::string& now) {
  throw std::logic_error("postgres: teams.insert is not written yet");
}

void pg_team_repository::update(id_t workspace_id, id_t team_id, std::optional<std::string> name, std::optional<bool> round_robin) {
  throw std::logic_error("postgres: teams.update is not written yet");
}

void pg_team_repository::add_member(id_t workspace_id, id_t team_id, id_t teammate_id) {
  throw std::logic_error("postgres: teams.add_member is not written yet");
}

void pg_team_repository::remove_member(id_t workspace_id, id_t team_id, id_t teammate_id) {
  throw std::logic_error("postgres: teams.remove_member is not written yet");
}

std::optional<id_t> pg_team_repository::next_round_robin(id_t workspace_id, id_t team_id, const std::string& now) {
  throw std::logic_error("postgres: teams.next_round_robin is not written yet");
}

}  // namespace switchboard::store
