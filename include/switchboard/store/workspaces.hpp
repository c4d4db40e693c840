#pragma once
// Workspaces: created once at first start (app/bootstrap), read by operator
// commands and by the call screen (the business's name).
#include <optional>
#include <string>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store::workspaces {

std::int64_t count(database& db);
// The workspace and its owner, unless a workspace exists already (two starts racing
// on one file create one). Returns the new workspace's id, or nullopt.
std::optional<id_t> create_with_owner(database& db, const std::string& name, const std::string& owner_email,
                                      const std::string& owner_name, const std::string& password_hash,
                                      const std::string& now);
// The one an operator command acts on: the first (created at first start).
std::optional<id_t> first(database& db);
std::optional<std::string> name_of(database& db, id_t workspace_id);
// True when the connection answers a trivial query (readiness checks).
bool answers(database& db);

}  // namespace switchboard::store::workspaces
