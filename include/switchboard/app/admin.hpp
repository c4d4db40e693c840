#pragma once
// `switchboard admin …` and `switchboard simulate sms …`: operator tools that
// work on the data directory (admin) or a running server (simulate).
#include <optional>
#include <string>

#include "switchboard/core/config.hpp"

namespace switchboard::app {

struct admin_args {
  std::string command;  // create-user, add-number, set-phone, list-users, list-numbers
  std::string email, name, role = "agent", password, number, carrier = "sandbox", owner, team, phone;
};

// Prints results to stdout, errors to stderr; returns the exit code.
int run_admin(const config& cfg, const admin_args& args);

struct simulate_args {
  std::string from, to, body, url;
};
int run_simulate_sms(const config& cfg, const simulate_args& args);

}  // namespace switchboard::app
