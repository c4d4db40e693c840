#include "switchboard/auth/permissions.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace switchboard::auth {
namespace {

// Each role lists what it adds to the role below it.
const std::map<std::string_view, std::vector<std::string_view>>& additions() {
  static const std::map<std::string_view, std::vector<std::string_view>> table = {
      {"viewer",
       {"me.read", "conversations.read", "contacts.read", "teammates.read", "teams.read",
        "labels.read", "canned.read", "events.subscribe", "numbers.read", "articles.read"}},
      {"agent",
       {"me.update", "conversations.create", "conversations.update", "conversations.reply",
        "conversations.note", "contacts.create", "contacts.update", "labels.apply", "canned.use",
        "typing.send", "conversations.export", "contacts.opt_out"}},
      {"admin",
       {"teammates.manage", "teams.manage", "contacts.delete", "contacts.merge", "contacts.export", "contacts.consent",
        "labels.manage", "canned.manage", "api_keys.manage", "audit.read", "numbers.manage",
        "widget.manage", "articles.write", "answer_bot.manage", "webhooks.manage", "csat.manage", "reports.read",
        "reports.manage"}},
      {"owner", {"roles.grant_owner", "workspace.manage"}},
  };
  return table;
}

const std::vector<std::string_view> order = {"viewer", "agent", "admin", "owner"};

}  // namespace

bool valid_role(std::string_view role) { return role_rank(role) > 0; }

int role_rank(std::string_view role) {
  auto it = std::find(order.begin(), order.end(), role);
  return it == order.end() ? 0 : static_cast<int>(it - order.begin()) + 1;
}

bool allows(std::string_view role, std::string_view permission) {
  int rank = role_rank(role);
  for (int i = 0; i < rank; ++i) {
    auto& adds = additions().at(order[static_cast<std::size_t>(i)]);
    if (std::find(adds.begin(), adds.end(), permission) != adds.end()) return true;
  }
  return false;
}

const std::vector<std::string_view>& all_permissions() {
  static const std::vector<std::string_view> all = [] {
    std::vector<std::string_view> out;
    for (auto r : order)
      for (auto p : additions().at(r)) out.push_back(p);
    return out;
  }();
  return all;
}

}  // namespace switchboard::auth
