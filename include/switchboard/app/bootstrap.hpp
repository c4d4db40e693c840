#pragma once
#include <optional>
#include <string>

#include "switchboard/core/config.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/store/store.hpp"

namespace switchboard::app {

struct bootstrap_report {
  bool created = false;
  std::string workspace_name;
  std::string admin_email;
  std::string admin_password;  // set only when generated here
};

// On an empty database, creates the first workspace and its owner account
// (hashing the password with Argon2id: call before the io_context runs).
result<bootstrap_report> ensure_bootstrap(store::store& db, const bootstrap_config& cfg);

}  // namespace switchboard::app
