// Issue 17: every SQL statement lives under src/store/ (and its headers under
// include/switchboard/store/). Anywhere else, a statement, a prepare() or exec()
// on a database, or the SQLite C API fails this test, naming the file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace fs = std::filesystem;

TEST(sql_placement, no_sql_outside_the_store) {
  const fs::path root = SWITCHBOARD_SOURCE_DIR;
  // A statement's first words inside a string literal, a database's prepare/exec, the C API.
  const std::regex sql(
      R"re("[^"\n]*\b(SELECT\s+\S|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w|CREATE\s+(TABLE|INDEX)|BEGIN\s+IMMEDIATE|WITH\s+\w+\s+AS))re"
      R"re(|\b(db|d|database|store_db|reader|writer)\s*(\.|->)\s*(prepare|exec)\s*\()re"
      R"re(|\bsqlite3_\w+\s*\()re");
  std::string found;
  int files = 0;
  for (auto top : {"src", "include/switchboard"}) {
    for (auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (!entry.is_regular_file()) continue;
      auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      auto rel = fs::relative(entry.path(), root).generic_string();
      if (rel.rfind("src/store/", 0) == 0 || rel.rfind("include/switchboard/store/", 0) == 0) continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n)
        if (std::regex_search(line, sql)) found += "\n  " + rel + ":" + std::to_string(n) + ": " + line;
    }
  }
  EXPECT_GT(files, 50) << "the source tree was not found under " << root;
  EXPECT_TRUE(found.empty()) << "SQL outside src/store/ (move it behind a store function):" << found;
}

// The pattern itself: it must see the shapes SQL took outside the store before.
TEST(sql_placement, the_pattern_finds_what_it_is_for) {
  const std::regex sql(
      R"re("[^"\n]*\b(SELECT\s+\S|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w|CREATE\s+(TABLE|INDEX)|BEGIN\s+IMMEDIATE|WITH\s+\w+\s+AS))re"
      R"re(|\b(db|d|database|store_db|reader|writer)\s*(\.|->)\s*(prepare|exec)\s*\()re"
      R"re(|\bsqlite3_\w+\s*\()re");
  for (auto bad : {R"(  auto& q = db.prepare("SELECT number_id FROM conversations WHERE id = ?1");)",
                   R"(    db.exec("PRAGMA journal_mode = WAL");)",
                   R"(          " UPDATE outbox SET status = ?2")",
                   R"(  d.prepare(query);)", R"(  sqlite3_wal_checkpoint_v2(h, nullptr, 0, nullptr, nullptr);)"})
    EXPECT_TRUE(std::regex_search(std::string(bad), sql)) << bad;
  for (auto fine : {R"(  auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_tuple);)",
                    R"(  // Select the next teammate)", R"(  co_return response::error(400, "INVALID_INPUT", "select a number");)"})
    EXPECT_FALSE(std::regex_search(std::string(fine), sql)) << fine;
}
