// PostgreSQL: messages (repositories.hpp; the SQLite twin is src/store/messages.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<message> pg_message_repository::find(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: messages.find is not written yet");
}

std::vector<message> pg_message_repository::thread(id_t workspace_id, id_t conversation_id, std::optional<id_t> after, int limit, bool include_private) {
  throw std::logic_error("postgres: messages.thread is not written yet");
}

std::optional<message> pg_message_repository::find_by_external(id_t workspace_id, const std::string& channel, const std::string& external_id) {
  throw std::logic_error("postgres: messages.find_by_external is not written yet");
}

std::optional<message> pg_message_repository::find_by_external_any(const std::string& channel, const std::string& external_id) {
  throw std::logic_error("postgres: messages.find_by_external_any is not written yet");
}

std::optional<conversations::sms_ref> pg_message_repository::find_sms_by_external_id(const std::string& sid) {
  throw std::logic_error("postgres: messages.find_sms_by_external_id is not written yet");
}

id_t pg_message_repository::insert(const message& m, bool may_reopen) {
  throw std::logic_error("postgres: messages.insert is not written yet");
}

std::optional<id_t> pg_message_repository::insert_once(const message& m, bool may_reopen) {
  throw std::logic_error("postgres: messages.insert_once is not written yet");
}

void pg_message_repository::update_item(id_t workspace_id, id_t id, const std::string& body, const std::string& status, const nlohmann::json& metadata) {
  throw std::logic_error("postgres: messages.update_item is not written yet");
}

void pg_message_repository::set_status(id_t message_id, const std::string& status, const std::optional<std::string>& error, const std::optional<std::string>& external_id) {
  throw std::logic_error("postgres: messages.set_status is not written yet");
}

bool pg_message_repository::requeue(id_t workspace_id, id_t message_id) {
  throw std::logic_error("postgres: messages.requeue is not written yet");
}

void pg_message_repository::set_call_sid(id_t message_id, const std::string& sid) {
  throw std::logic_error("postgres: messages.set_call_sid is not written yet");
}

void pg_message_repository::set_external_id(id_t workspace_id, id_t message_id, const std::string& external_id) {
  throw std::logic_error("postgres: messages.set_external_id is not written yet");
}

}  // namespace switchboard::store
