// Issue 17: every SQL statement lives under src/store/ (and its headers under
// include/switchboard/store/). Anywhere else, a statement, a prepare() or exec()
// on a database, or the SQLite C API fails this test, naming the file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "support/source_tree.hpp"

namespace fs = std::filesystem;

namespace {

// A statement's first words inside a string literal, a database's prepare/exec, the C API.
const std::regex& sql_pattern() {
  static const std::regex sql(
      R"re("[^"\n]*\b(SELECT\s+\S|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w|CREATE\s+(TABLE|INDEX)|BEGIN\s+IMMEDIATE|WITH\s+\w+\s+AS))re"
      R"re(|\b(db|d|database|store_db|reader|writer)\s*(\.|->)\s*(prepare|exec)\s*\()re"
      R"re(|\bsqlite3_\w+\s*\()re");
  return sql;
}

}  // namespace

TEST(sql_placement, no_sql_outside_the_store) {
  std::string found;
  auto outside_the_store = [](const std::string& rel) {
    return rel.rfind("src/store/", 0) != 0 && rel.rfind("include/switchboard/store/", 0) != 0;
  };
  int files = sbtest::for_each_source_line({"src", "include/switchboard"}, outside_the_store,
                                           [&](const std::string& rel, int n, const std::string& line) {
    if (std::regex_search(line, sql_pattern())) found += "\n  " + rel + ":" + std::to_string(n) + ": " + line;
  });
  EXPECT_GT(files, 50) << "the source tree was not found under " << SWITCHBOARD_SOURCE_DIR;
  EXPECT_TRUE(found.empty()) << "SQL outside src/store/ (move it behind a store function):" << found;
}

// The pattern itself: it must see the shapes SQL took outside the store before.
TEST(sql_placement, the_pattern_finds_what_it_is_for) {
  const auto& sql = sql_pattern();
  for (auto bad : {R"(  auto& q = db.prepare("SELECT number_id FROM conversations WHERE id = ?1");)",
                   R"(    db.exec("PRAGMA journal_mode = WAL");)",
                   R"(          " UPDATE outbox SET status = ?2")",
                   R"(  d.prepare(query);)", R"(  sqlite3_wal_checkpoint_v2(h, nullptr, 0, nullptr, nullptr);)"})
    EXPECT_TRUE(std::regex_search(std::string(bad), sql)) << bad;
  for (auto fine : {R"(  auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_tuple);)",
                    R"(  // Select the next teammate)", R"(  co_return response::error(400, "INVALID_INPUT", "select a number");)"})
    EXPECT_FALSE(std::regex_search(std::string(fine), sql)) << fine;
}

// Issue 17 item 2: the repository contract suite goes through repositories.hpp only,
// so that it holds for any backend. Its files other than backend.cpp (which opens
// each backend) include no backend header, name no `database` (the SQLite
// connection) and hold no SQL.
TEST(sql_placement, the_contract_suite_knows_no_backend) {
  const fs::path dir = fs::path(SWITCHBOARD_SOURCE_DIR) / "tests/unit/store/contract";
  const std::regex sql(
      R"re("[^"\n]*\b(SELECT\s+\S|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w|CREATE\s+(TABLE|INDEX)))re");
  const std::regex backend_word(R"re(\bdatabase\b|sqlite|postgres|libpq)re", std::regex::icase);
  const std::regex include(R"re(^\s*#\s*include\s*([<"])([^>"]+)[>"])re");
  std::string found;
  int files = 0, tests = 0;
  for (auto& entry : fs::directory_iterator(dir)) {
    auto name = entry.path().filename().string();
    if (name == "backend.cpp") continue;
    ++files;
    if (name.find("_test.cpp") != std::string::npos) ++tests;
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      bool bad = std::regex_search(line, sql) || std::regex_search(line, backend_word);
      if (std::regex_search(line, m, include)) {
        auto header = m[2].str();
        bool system = m[1] == "<" && header.find("switchboard") == std::string::npos;
        // The knowledge base's pure modules (kb/) know no backend either.
        bad = bad || !(system || header == "switchboard/store/repositories.hpp" ||
                       header == "unit/store/contract/backend.hpp" || header.rfind("switchboard/kb/", 0) == 0);
      }
      if (bad) found += "\n  " + name + ":" + std::to_string(n) + ": " + line;
    }
  }
  EXPECT_GE(tests, 5) << "the contract suite was not found in " << dir;
  EXPECT_EQ(files, tests + 1) << "only backend.hpp beside the tests";
  EXPECT_TRUE(found.empty()) << "the contract suite must know no backend:" << found;
}
