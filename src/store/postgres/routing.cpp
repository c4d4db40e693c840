// PostgreSQL: routing (repositories.hpp; the SQLite twin is src/store/routing.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

int pg_routing_repository::selector_for(id_t workspace_id, id_t teammate_id, id_t conversation_id, const std::string& now) {
  throw std::logic_error("postgres: routing.selector_for is not written yet");
}

std::optional<id_t> pg_routing_repository::conversation_of(id_t teammate_id, int selector) {
  throw std::logic_error("postgres: routings.conversation_of is not written yet");
}

std::vector<routing::phone_conversation> pg_routing_repository::active_on_number(id_t workspace_id, id_t teammate_id, id_t number_id, int limit) {
  throw std::logic_error("postgres: routings.active_on_number is not written yet");
}

std::optional<routing::sticky> pg_routing_repository::sticky_of(id_t teammate_id) {
  throw std::logic_error("postgres: routings.sticky_of is not written yet");
}

void pg_routing_repository::set_sticky(id_t workspace_id, id_t teammate_id, id_t conversation_id, const std::string& now) {
  throw std::logic_error("postgres: routings.set_sticky is not written yet");
}

routing::line_settings pg_routing_repository::settings_of(id_t workspace_id, const std::string& owner_kind, id_t owner_id) {
  throw std::logic_error("postgres: routings.settings_of is not written yet");
}

void pg_routing_repository::update_settings(id_t workspace_id, const std::string& owner_kind, id_t owner_id, const routing::settings_patch& p, const std::string& now) {
  throw std::logic_error("postgres: routings.update_settings is not written yet");
}

std::optional<std::string> pg_routing_repository::after_hours_replied_at(id_t workspace_id, id_t conversation_id) {
  throw std::logic_error("postgres: routings.after_hours_replied_at is not written yet");
}

void pg_routing_repository::set_after_hours_replied(id_t workspace_id, id_t conversation_id, const std::string& now) {
  throw std::logic_error("postgres: routings.set_after_hours_replied is not written yet");
}

std::vector<std::string> pg_routing_repository::team_phones(id_t workspace_id, id_t team_id) {
  throw std::logic_error("postgres: routings.team_phones is not written yet");
}

std::optional<std::string> pg_routing_repository::last_caller(id_t workspace_id, id_t number_id) {
  throw std::logic_error("postgres: routings.last_caller is not written yet");
}

void pg_routing_repository::record_undeliverable(const routing::undeliverable& u) {
  throw std::logic_error("postgres: routings.record_undeliverable is not written yet");
}

std::vector<routing::undeliverable> pg_routing_repository::list_undeliverable(id_t workspace_id, std::optional<id_t> before, int limit) {
  throw std::logic_error("postgres: routings.list_undeliverable is not written yet");
}

}  // namespace switchboard::store
