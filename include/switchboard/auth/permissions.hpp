#pragma once
// Roles are a permission table: handlers check a permission by name, never a role.
#include <string_view>
#include <vector>

namespace switchboard::auth {

bool valid_role(std::string_view role);
// owner 4 > admin 3 > agent 2 > viewer 1; 0 for an unknown role.
int role_rank(std::string_view role);
bool allows(std::string_view role, std::string_view permission);
// Every permission name, for documentation and tests.
const std::vector<std::string_view>& all_permissions();

}  // namespace switchboard::auth
