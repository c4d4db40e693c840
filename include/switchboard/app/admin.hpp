#pragma once
// `switchboard admin …` and `switchboard simulate sms …`: operator tools that
// work on the data directory (admin) or a running server (simulate).
#include <optional>
#include <string>

#include "switchboard/core/config.hpp"

namespace switchboard::app {

struct admin_args {
  // create-user, add-number, set-phone, list-users, list-numbers, provision-number, release-number
  std::string command;
  // `owner` is a teammate's email (--owner, or --teammate for provision-number).
  // provision-number takes an empty carrier as "the configured carrier".
  std::string email, name, role = "agent", password, number, carrier = "sandbox", owner, team, phone;
  std::string area_code;
  bool keep_at_carrier = false;  // release-number: only remove it from Switchboard
};

// Prints results to stdout, errors to stderr; returns the exit code.
int run_admin(const config& cfg, const admin_args& args);

struct simulate_args {
  std::string from, to, body, url;
  // A session or API key token (also SB_TOKEN); without one, the data directory's
  // sandbox.key, which the server creates, authenticates the request.
  std::string token;
};
int run_simulate_sms(const config& cfg, const simulate_args& args);

}  // namespace switchboard::app
