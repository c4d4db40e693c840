// PostgreSQL: numbers (repositories.hpp; the SQLite twin is src/store/numbers.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<numbers::number_row> pg_number_repository::find(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: numbers.find is not written yet");
}

std::optional<numbers::number_row> pg_number_repository::find_active(const std::string& e164) {
  throw std::logic_error("postgres: numbers.find_active is not written yet");
}

std::vector<numbers::number_row> pg_number_repository::list(id_t workspace_id) {
  throw std::logic_error("postgres: numbers.list is not written yet");
}

id_t pg_number_repository::insert(const numbers::number_row& n) {
  throw std::logic_error("postgres: numbers.insert is not written yet");
}

void pg_number_repository::set_owner(id_t workspace_id, id_t id, std::optional<id_t> teammate, std::optional<id_t> team) {
  throw std::logic_error("postgres: numbers.set_owner is not written yet");
}

void pg_number_repository::release(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: numbers.release is not written yet");
}

void pg_number_repository::set_carrier_sid(id_t workspace_id, id_t id, const std::string& sid) {
  throw std::logic_error("postgres: numbers.set_carrier_sid is not written yet");
}

std::vector<std::string> pg_number_repository::sandbox_available(const std::string& area_code, int limit) {
  throw std::logic_error("postgres: numbers.sandbox_available is not written yet");
}

bool pg_number_repository::is_physical_number(const std::string& e164) {
  throw std::logic_error("postgres: numbers.is_physical_number is not written yet");
}

numbers::sender_facts pg_number_repository::classify_sender(const std::string& e164) {
  throw std::logic_error("postgres: numbers.classify_sender is not written yet");
}

std::optional<numbers::conversation_ref> pg_number_repository::latest_conversation(id_t workspace_id, id_t contact_id, id_t number_id) {
  throw std::logic_error("postgres: numbers.latest_conversation is not written yet");
}

std::optional<std::string> pg_number_repository::webhook_response(const std::string& carrier, const std::string& sid, const std::string& step) {
  throw std::logic_error("postgres: numbers.webhook_response is not written yet");
}

void pg_number_repository::record_webhook(const std::string& carrier, const std::string& sid, const std::string& step, std::optional<id_t> workspace_id, const std::string& response, const std::string& now) {
  throw std::logic_error("postgres: numbers.record_webhook is not written yet");
}

std::optional<std::string> pg_number_repository::claim_webhook(const std::string& carrier, const std::string& sid, const std::string& step, std::optional<id_t> workspace_id, const std::string& response, const std::string& now) {
  throw std::logic_error("postgres: numbers.claim_webhook is not written yet");
}

id_t pg_number_repository::record_sandbox_message(id_t workspace_id, const std::string& sid, const std::string& from, const std::string& to, const std::string& body, const std::string& now, std::optional<id_t> conversation_id) {
  throw std::logic_error("postgres: numbers.record_sandbox_message is not written yet");
}

void pg_number_repository::delete_sandbox_message(id_t id) {
  throw std::logic_error("postgres: numbers.delete_sandbox_message is not written yet");
}

std::vector<numbers::sandbox_line> pg_number_repository::sandbox_lines(std::optional<id_t> workspace_id) {
  throw std::logic_error("postgres: numbers.sandbox_lines is not written yet");
}

std::vector<numbers::sandbox_message> pg_number_repository::sandbox_messages_to(std::optional<id_t> workspace_id, const std::string& to, const std::optional<std::string>& line, std::optional<id_t> after, int limit) {
  throw std::logic_error("postgres: numbers.sandbox_messages_to is not written yet");
}

}  // namespace switchboard::store
