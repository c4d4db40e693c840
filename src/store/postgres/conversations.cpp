// PostgreSQL: conversations (repositories.hpp; the SQLite twin is src/store/conversations.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<conversation> pg_conversation_repository::find(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: conversations.find is not written yet");
}

std::vector<conversation> pg_conversation_repository::list(id_t workspace_id, const conversations::list_filter& f) {
  throw std::logic_error("postgres: conversations.list is not written yet");
}

id_t pg_conversation_repository::insert(const conversation& c) {
  throw std::logic_error("postgres: conversations.insert is not written yet");
}

void pg_conversation_repository::update(id_t workspace_id, id_t id, const conversations::patch& p, const std::string& now) {
  throw std::logic_error("postgres: conversations.update is not written yet");
}

std::vector<std::pair<id_t, id_t>> pg_conversation_repository::wake_snoozed(const std::string& now) {
  throw std::logic_error("postgres: conversations.wake_snoozed is not written yet");
}

std::optional<id_t> pg_conversation_repository::number_of(id_t workspace_id, id_t conversation_id) {
  throw std::logic_error("postgres: conversations.number_of is not written yet");
}

void pg_conversation_repository::set_number(id_t conversation_id, id_t number_id) {
  throw std::logic_error("postgres: conversations.set_number is not written yet");
}

conversations::reply_context pg_conversation_repository::reply_context_of(id_t workspace_id, const conversation& c) {
  throw std::logic_error("postgres: conversations.reply_context_of is not written yet");
}

std::optional<std::string> pg_conversation_repository::canned_body(id_t workspace_id, const std::string& shortcut) {
  throw std::logic_error("postgres: conversations.canned_body is not written yet");
}

std::vector<canned_response> pg_conversation_repository::list_canned(id_t workspace_id) {
  throw std::logic_error("postgres: conversations.list_canned is not written yet");
}

id_t pg_conversation_repository::insert_canned(id_t workspace_id, const std::string& shortcut, const std::string& body, const std::string& now) {
  throw std::logic_error("postgres: conversations.insert_canned is not written yet");
}

bool pg_conversation_repository::delete_canned(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: conversations.delete_canned is not written yet");
}

std::optional<canned_response> pg_conversation_repository::update_canned(id_t workspace_id, id_t id, const std::optional<std::string>& shortcut, const std::optional<std::string>& body) {
  throw std::logic_error("postgres: conversations.update_canned is not written yet");
}

std::vector<label> pg_conversation_repository::list_labels(id_t workspace_id) {
  throw std::logic_error("postgres: conversations.list_labels is not written yet");
}

id_t pg_conversation_repository::insert_label(id_t workspace_id, const std::string& name, const std::string& color, const std::string& now) {
  throw std::logic_error("postgres: conversations.insert_label is not written yet");
}

bool pg_conversation_repository::delete_label(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: conversations.delete_label is not written yet");
}

}  // namespace switchboard::store
