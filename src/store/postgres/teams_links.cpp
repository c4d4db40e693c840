// PostgreSQL: teams_links (repositories.hpp; the SQLite twin is src/store/teams_links.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<teammate> pg_teams_link_repository::teammate_by_user(const std::string& aad_object_id) {
  throw std::logic_error("postgres: teams_links.teammate_by_user is not written yet");
}

std::optional<std::string> pg_teams_link_repository::user_of(id_t workspace_id, id_t teammate_id) {
  throw std::logic_error("postgres: teams_links.user_of is not written yet");
}

void pg_teams_link_repository::set_user(id_t workspace_id, id_t teammate_id, const std::optional<std::string>& aad_object_id, const std::string& now) {
  throw std::logic_error("postgres: teams_links.set_user is not written yet");
}

id_t pg_teams_link_repository::link_channel(const teams::channel_link& l, const std::string& now) {
  throw std::logic_error("postgres: teams_links.link_channel is not written yet");
}

std::optional<teams::channel_link> pg_teams_link_repository::channel_of(id_t workspace_id, const std::string& owner_kind, id_t owner_id) {
  throw std::logic_error("postgres: teams_links.channel_of is not written yet");
}

bool pg_teams_link_repository::any_channel_linked(id_t workspace_id) {
  throw std::logic_error("postgres: teams_links.any_channel_linked is not written yet");
}

std::optional<teams::thread> pg_teams_link_repository::thread_of_conversation(id_t workspace_id, id_t conversation_id) {
  throw std::logic_error("postgres: teams_links.thread_of_conversation is not written yet");
}

std::optional<teams::thread> pg_teams_link_repository::find_thread(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: teams_links.find_thread is not written yet");
}

std::optional<teams::thread> pg_teams_link_repository::thread_by_teams_id(const std::string& thread_id) {
  throw std::logic_error("postgres: teams_links.thread_by_teams_id is not written yet");
}

id_t pg_teams_link_repository::insert_thread(const teams::thread& t, const std::string& now) {
  throw std::logic_error("postgres: teams_links.insert_thread is not written yet");
}

void pg_teams_link_repository::thread_created(id_t id, const std::string& thread_id, const std::string& now) {
  throw std::logic_error("postgres: teams_links.thread_created is not written yet");
}

void pg_teams_link_repository::thread_failed(id_t id, const std::string& now) {
  throw std::logic_error("postgres: teams_links.thread_failed is not written yet");
}

void pg_teams_link_repository::thread_retry(id_t id, const std::string& now) {
  throw std::logic_error("postgres: teams_links.thread_retry is not written yet");
}

std::optional<id_t> pg_teams_link_repository::workspace_for_tenant(const std::string& tenant_id) {
  throw std::logic_error("postgres: teams_links.workspace_for_tenant is not written yet");
}

std::optional<std::string> pg_teams_link_repository::line_of_conversation(id_t workspace_id, id_t conversation_id) {
  throw std::logic_error("postgres: teams_links.line_of_conversation is not written yet");
}

}  // namespace switchboard::store
