// PostgreSQL: media (repositories.hpp; the SQLite twin is src/store/media.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

id_t pg_media_repository::add(const media_item& m) {
  throw std::logic_error("postgres: media.add is not written yet");
}

std::optional<media_item> pg_media_repository::find(id_t workspace_id, id_t id) {
  throw std::logic_error("postgres: medias.find is not written yet");
}

void pg_media_repository::attach(id_t workspace_id, const std::vector<id_t>& ids, id_t conversation_id, id_t message_id) {
  throw std::logic_error("postgres: medias.attach is not written yet");
}

std::vector<media_item> pg_media_repository::of_message(id_t workspace_id, id_t message_id) {
  throw std::logic_error("postgres: medias.of_message is not written yet");
}

void pg_media_repository::set_message_media(id_t workspace_id, id_t message_id, const nlohmann::json& media) {
  throw std::logic_error("postgres: medias.set_message_media is not written yet");
}

bool pg_media_repository::file_in_use(const std::string& sha256) {
  throw std::logic_error("postgres: medias.file_in_use is not written yet");
}

std::vector<std::string> pg_media_repository::erase_of_contact(id_t workspace_id, id_t contact_id) {
  throw std::logic_error("postgres: medias.erase_of_contact is not written yet");
}

std::vector<std::string> pg_media_repository::purge_unsent(const std::string& before, int limit) {
  throw std::logic_error("postgres: medias.purge_unsent is not written yet");
}

std::int64_t pg_media_repository::unsent_of_visitor(id_t workspace_id, const std::string& visitor_id) {
  throw std::logic_error("postgres: medias.unsent_of_visitor is not written yet");
}

std::int64_t pg_media_repository::visitor_bytes_since(id_t workspace_id, const std::string& since) {
  throw std::logic_error("postgres: medias.visitor_bytes_since is not written yet");
}

}  // namespace switchboard::store
