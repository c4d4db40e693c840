// Issue 17: dependencies point down (docs/architecture.md, "Layers"): handlers →
// services → routing decisions → repositories. This test reads every #include of
// src/ and include/ and fails, naming the file and line, when a layer reaches up
// or sideways: the outbox or a service including the API, a routing decision
// including the store or sockets, the store including a service, Beast outside http/.
// A second test reads the text of the handlers: none names the store's connection
// (database&) or a unit of work, so every store job runs in a service, on the unit of work.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "support/source_tree.hpp"

namespace {

struct rule {
  std::vector<std::string> dirs;       // where the rule applies (prefixes of the relative path)
  std::vector<std::string> forbidden;  // include paths that may not appear (substrings)
  const char* why;
};

const std::vector<rule>& rules() {
  static const std::vector<rule> all = {
      {{"src/outbox/", "include/switchboard/outbox/"},
       {"api/", "../api"},
       "the outbox dispatcher calls services, never the API"},
      {{"src/services/", "include/switchboard/services/"},
       {"switchboard/api/", "../api", "boost/beast", "http/server.hpp", "http/router.hpp"},
       "services know neither handlers nor HTTP"},
      // Services write through the unit of work (store/repositories.hpp), so a second
      // backend serves them unchanged: no SQLite header, no aggregate's free functions.
      {{"src/services/", "include/switchboard/services/", "src/teams/mirror.cpp", "include/switchboard/teams/mirror.hpp",
        "src/outbox/", "include/switchboard/outbox/"},
       {"store/sqlite", "store/conversations.hpp", "store/contacts.hpp", "store/numbers.hpp", "store/routing.hpp",
        "store/teammates.hpp", "store/teams.hpp", "store/widget.hpp", "store/workspaces.hpp", "store/outbox.hpp",
        "store/auth_data.hpp", "sqlite3.h"},
       "services and the outbox use the repository interfaces, never a backend"},
      // Issue 17: handlers parse, authorize, call a service and shape JSON; the
      // store's aggregates (and their free functions over database&) are the services'.
      {{"src/api/", "include/switchboard/api/"},
       {"store/sqlite", "store/conversations.hpp", "store/contacts.hpp", "store/numbers.hpp", "store/routing.hpp",
        "store/teammates.hpp", "store/teams.hpp", "store/widget.hpp", "store/workspaces.hpp", "store/outbox.hpp",
        "store/auth_data.hpp", "store/repositories.hpp", "sqlite3.h"},
       "handlers call services, never the store's aggregates"},
      {{"src/routing/", "include/switchboard/routing/"},
       {"switchboard/store/", "switchboard/services/", "switchboard/api/", "boost/asio", "boost/beast",
        "switchboard/http/"},
       "routing decisions are pure: facts in, plan out"},
      // Issue 20: the help center's pages are rows in, HTML out; only the row types.
      {{"src/helpcenter/", "include/switchboard/helpcenter/"},
       {"store/sqlite", "store/postgres", "store/store.hpp", "store/repositories.hpp",
        "switchboard/services/", "switchboard/api/", "switchboard/http/", "switchboard/app/", "core/clock.hpp",
        "boost/asio", "boost/beast", "sqlite3.h", "libpq"},
       "help center pages are pure: rows in, HTML out"},
      {{"src/store/", "include/switchboard/store/"},
       {"switchboard/services/", "switchboard/api/", "switchboard/routing/", "switchboard/outbox/",
        "boost/beast"},
       "the store knows no layer above it"},
      {{"src/kb/", "include/switchboard/kb/"},
       {"switchboard/store/", "switchboard/services/", "switchboard/api/", "switchboard/http/", "boost/"},
       "the knowledge base's Markdown functions are pure: text in, text out"},
      {{"include/switchboard/kb/"}, {"cmark"}, "libcmark-gfm stays inside src/kb/"},
      {{"src/core/", "include/switchboard/core/"},
       {"switchboard/store/", "switchboard/services/", "switchboard/api/", "switchboard/http/"},
       "core is the bottom"},
  };
  return all;
}

}  // namespace

TEST(layering, no_layer_includes_one_above_it) {
  const std::regex include_line(R"re(^\s*#\s*include\s*[<"]([^>"]+)[>"])re");
  std::string found;
  int checked = 0;
  auto every = [](const std::string&) { return true; };
  sbtest::for_each_source_line({"src", "include/switchboard"}, every, [&](const std::string& rel, int n, const std::string& line) {
    std::smatch m;
    if (!std::regex_search(line, m, include_line)) return;
    auto target = m[1].str();
    for (auto& r : rules()) {
      bool applies = false;
      for (auto& d : r.dirs) applies = applies || rel.rfind(d, 0) == 0;
      if (!applies) continue;
      ++checked;
      for (auto& bad : r.forbidden)
        if (target.find(bad) != std::string::npos) {
          found += "\n  " + rel + ":" + std::to_string(n) + " includes " + target + " (" + r.why + ")";
          break;
        }
    }
  });
  EXPECT_GT(checked, 100) << "the source tree was not found under " << SWITCHBOARD_SOURCE_DIR;
  EXPECT_TRUE(found.empty()) << "a layer reaches up:" << found;
}

// Issue 17: handlers only parse, authorize, call a service and shape JSON. A job
// over the connection (`database&`, the free functions of store/*.hpp) in src/api/
// (or include/switchboard/api/) would bypass the services and the unit of work,
// and a job over the unit of work is a service's: no line there may name either.
TEST(layering, handlers_never_reach_the_database) {
  const std::vector<std::string> forbidden = {"database&", "store::database", "unit_of_work"};
  std::string found;
  auto every = [](const std::string&) { return true; };
  int files = sbtest::for_each_source_line({"src/api", "include/switchboard/api"}, every,
                                           [&](const std::string& rel, int n, const std::string& line) {
    for (auto& bad : forbidden)
      if (line.find(bad) != std::string::npos) {
        found += "\n  " + rel + ":" + std::to_string(n) + " names " + bad +
                 " (handlers call a service, whose store jobs take store::unit_of_work&)";
        break;
      }
  });
  EXPECT_GT(files, 10) << "src/api was not found under " << SWITCHBOARD_SOURCE_DIR;
  EXPECT_TRUE(found.empty()) << "a handler reaches the database:" << found;
}
