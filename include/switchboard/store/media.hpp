#pragma once
// SQL of attachments (schema 18).
#include <optional>
#include <string>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store::media {

id_t add(database& db, const media_item& m);
std::optional<media_item> find(database& db, id_t workspace_id, id_t id);
void attach(database& db, id_t workspace_id, const std::vector<id_t>& ids, id_t conversation_id, id_t message_id);
std::vector<media_item> of_message(database& db, id_t workspace_id, id_t message_id);
void set_message_media(database& db, id_t workspace_id, id_t message_id, const nlohmann::json& media);
bool file_in_use(database& db, const std::string& sha256);
std::vector<std::string> erase_of_contact(database& db, id_t workspace_id, id_t contact_id);
std::vector<std::string> purge_unsent(database& db, const std::string& before, int limit);
std::int64_t unsent_of_visitor(database& db, id_t workspace_id, const std::string& visitor_id);
std::int64_t visitor_bytes_since(database& db, id_t workspace_id, const std::string& since);

}  // namespace switchboard::store::media
