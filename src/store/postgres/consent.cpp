// PostgreSQL: consent (repositories.hpp; the SQLite twin is src/store/consent.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

id_t pg_consent_repository::record(const consent_entry& e) {
  throw std::logic_error("postgres: consent.record is not written yet");
}

bool pg_consent_repository::opted_out(id_t workspace_id, const std::string& phone, std::optional<id_t> number_id) {
  throw std::logic_error("postgres: consents.opted_out is not written yet");
}

std::vector<consent_entry> pg_consent_repository::history(id_t workspace_id, const std::vector<std::string>& phones) {
  throw std::logic_error("postgres: consents.history is not written yet");
}

}  // namespace switchboard::store
