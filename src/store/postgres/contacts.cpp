// PostgreSQL: contacts (repositories.hpp; the SQLite twin is src/store/contacts.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<contact> pg_contact_repository::find(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: contacts.find is not written yet");
}

std::optional<id_t> pg_contact_repository::find_by_identity(id_t workspace_id, const std::string& kind, const std::string& value) {
  throw std::logic_error("postgres: contacts.find_by_identity is not written yet");
}

std::vector<contact> pg_contact_repository::list(id_t workspace_id, std::optional<id_t> before, int limit, const std::optional<std::string>& q) {
  throw std::logic_error("postgres: contacts.list is not written yet");
}

id_t pg_contact_repository::insert(const contact& c) {
  throw std::logic_error("postgres: contacts.insert is not written yet");
}

void pg_contact_repository::update(id_t workspace_id, id_t id, const contacts::patch& p, const std::string& now) {
  throw std::logic_error("postgres: contacts.update is not written yet");
}

void pg_contact_repository::merge(id_t workspace_id, id_t into, id_t from, const std::string& now) {
  throw std::logic_error("postgres: contacts.merge is not written yet");
}

void pg_contact_repository::erase(id_t workspace_id, id_t id, const std::vector<std::string>& also_written_as) {
  throw std::logic_error("postgres: contacts.erase is not written yet");
}

}  // namespace switchboard::store
