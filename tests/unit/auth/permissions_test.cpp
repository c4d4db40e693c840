// The permission table (issue 22): every role x every permission against a table
// written out here, so a permission slipping to a lower role (or vanishing)
// fails by name. docs/api.md "Roles and permissions" is the same table in prose.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "switchboard/auth/permissions.hpp"

namespace auth = switchboard::auth;

namespace {

constexpr bool Y = true, N = false;

struct expected_row {
  const char* permission;
  bool owner, admin, agent, viewer;
};

// clang-format off
const std::vector<expected_row> expected = {
    //  permission               owner admin agent viewer
    {"me.read",                  Y,    Y,    Y,    Y},
    {"conversations.read",       Y,    Y,    Y,    Y},
    {"contacts.read",            Y,    Y,    Y,    Y},
    {"teammates.read",           Y,    Y,    Y,    Y},
    {"teams.read",               Y,    Y,    Y,    Y},
    {"labels.read",              Y,    Y,    Y,    Y},
    {"canned.read",              Y,    Y,    Y,    Y},
    {"events.subscribe",         Y,    Y,    Y,    Y},
    {"numbers.read",             Y,    Y,    Y,    Y},
    {"articles.read",            Y,    Y,    Y,    Y},
    {"me.update",                Y,    Y,    Y,    N},
    {"conversations.create",     Y,    Y,    Y,    N},
    {"conversations.update",     Y,    Y,    Y,    N},
    {"conversations.reply",      Y,    Y,    Y,    N},
    {"conversations.note",       Y,    Y,    Y,    N},
    {"contacts.create",          Y,    Y,    Y,    N},
    {"contacts.update",          Y,    Y,    Y,    N},
    {"labels.apply",             Y,    Y,    Y,    N},
    {"canned.use",               Y,    Y,    Y,    N},
    {"typing.send",              Y,    Y,    Y,    N},
    {"conversations.export",     Y,    Y,    Y,    N},
    {"contacts.opt_out",         Y,    Y,    Y,    N},
    {"teammates.manage",         Y,    Y,    N,    N},
    {"teams.manage",             Y,    Y,    N,    N},
    {"contacts.delete",          Y,    Y,    N,    N},
    {"contacts.merge",           Y,    Y,    N,    N},
    {"contacts.export",          Y,    Y,    N,    N},
    {"contacts.consent",         Y,    Y,    N,    N},
    {"labels.manage",            Y,    Y,    N,    N},
    {"canned.manage",            Y,    Y,    N,    N},
    {"api_keys.manage",          Y,    Y,    N,    N},
    {"audit.read",               Y,    Y,    N,    N},
    {"numbers.manage",           Y,    Y,    N,    N},
    {"widget.manage",            Y,    Y,    N,    N},
    {"articles.write",           Y,    Y,    N,    N},
    {"answer_bot.manage",        Y,    Y,    N,    N},
    {"webhooks.manage",          Y,    Y,    N,    N},
    {"csat.manage",              Y,    Y,    N,    N},
    {"reports.read",             Y,    Y,    N,    N},
    {"reports.manage",           Y,    Y,    N,    N},
    {"roles.grant_owner",        Y,    N,    N,    N},
    {"workspace.manage",         Y,    N,    N,    N},
};
// clang-format on

bool expected_for(const expected_row& r, const std::string& role) {
  if (role == "owner") return r.owner;
  if (role == "admin") return r.admin;
  if (role == "agent") return r.agent;
  return r.viewer;
}

const std::vector<std::string> roles = {"owner", "admin", "agent", "viewer"};

}  // namespace

TEST(permissions, every_role_and_permission_matches_the_written_table) {
  for (auto& row : expected)
    for (auto& role : roles)
      EXPECT_EQ(auth::allows(role, row.permission), expected_for(row, role))
          << role << " x " << row.permission << ": expected " << (expected_for(row, role) ? "allowed" : "denied");
}

TEST(permissions, the_table_names_every_permission_once_and_nothing_else) {
  std::vector<std::string> listed;
  for (auto p : auth::all_permissions()) listed.emplace_back(p);
  std::set<std::string> unique(listed.begin(), listed.end());
  EXPECT_EQ(unique.size(), listed.size()) << "all_permissions() names a permission twice";
  std::set<std::string> written;
  for (auto& row : expected) written.insert(row.permission);
  EXPECT_EQ(written.size(), expected.size()) << "the written table names a permission twice";
  // A new permission needs a row above (and one in docs/api.md); a removed one, its row removed.
  for (auto& p : unique) EXPECT_TRUE(written.count(p)) << p << " is missing from the written table";
  for (auto& p : written) EXPECT_TRUE(unique.count(p)) << p << " is not a permission of the code";
}

TEST(permissions, higher_roles_hold_everything_of_lower_ones) {
  for (auto p : auth::all_permissions())
    for (std::size_t hi = 0; hi < roles.size(); ++hi)
      for (std::size_t lo = hi + 1; lo < roles.size(); ++lo)
        if (auth::allows(roles[lo], p)) {
          EXPECT_TRUE(auth::allows(roles[hi], p)) << roles[hi] << " lacks " << p << " of " << roles[lo];
        }
}

TEST(permissions, unknown_roles_and_permissions_allow_nothing) {
  EXPECT_EQ(auth::role_rank("owner"), 4);
  EXPECT_EQ(auth::role_rank("admin"), 3);
  EXPECT_EQ(auth::role_rank("agent"), 2);
  EXPECT_EQ(auth::role_rank("viewer"), 1);
  for (auto bad : {"", "Owner", "superuser", "owner "}) {
    EXPECT_EQ(auth::role_rank(bad), 0) << bad;
    EXPECT_FALSE(auth::valid_role(bad)) << bad;
    for (auto p : auth::all_permissions()) EXPECT_FALSE(auth::allows(bad, p)) << bad << " x " << p;
  }
  for (auto& role : roles) {
    EXPECT_TRUE(auth::valid_role(role));
    for (auto bad : {"", "audit", "audit.read.all", "AUDIT.READ", "*"}) EXPECT_FALSE(auth::allows(role, bad)) << role << " x " << bad;
  }
}
