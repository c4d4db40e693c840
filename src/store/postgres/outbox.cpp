// PostgreSQL: outbox (repositories.hpp; the SQLite twin is src/store/outbox.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

id_t pg_outbox_repository::enqueue(id_t workspace_id, const std::string& kind, const nlohmann::json& payload, const std::string& now) {
  throw std::logic_error("postgres: outbox.enqueue is not written yet");
}

std::vector<outbox::due_row> pg_outbox_repository::due(const std::string& now, int limit) {
  throw std::logic_error("postgres: outboxs.due is not written yet");
}

std::vector<outbox::due_row> pg_outbox_repository::claim_due(const std::string& now, const std::string& lease_until, int limit) {
  throw std::logic_error("postgres: outboxs.claim_due is not written yet");
}

void pg_outbox_repository::lease(id_t id, const std::string& until, const std::string& now) {
  throw std::logic_error("postgres: outboxs.lease is not written yet");
}

void pg_outbox_repository::settle(id_t id, const std::string& status, const std::optional<std::string>& error, const std::string& next_attempt_at, const std::string& now, bool count_attempt) {
  throw std::logic_error("postgres: outboxs.settle is not written yet");
}

int pg_outbox_repository::attempts(id_t id) {
  throw std::logic_error("postgres: outboxs.attempts is not written yet");
}

std::optional<outbox::sms_send_facts> pg_outbox_repository::sms_send(id_t message_id) {
  throw std::logic_error("postgres: outboxs.sms_send is not written yet");
}

int pg_outbox_repository::fail_channels_without_sender(const std::string& why, const std::string& now) {
  throw std::logic_error("postgres: outboxs.fail_channels_without_sender is not written yet");
}

}  // namespace switchboard::store
