#pragma once
// SQL of the texting consent ledger (schema 17).
#include <optional>
#include <string>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store::consent {

id_t record(database& db, const consent_entry& e);
bool opted_out(database& db, id_t workspace_id, const std::string& phone, std::optional<id_t> number_id);
std::vector<consent_entry> history(database& db, id_t workspace_id, const std::vector<std::string>& phones);

}  // namespace switchboard::store::consent
