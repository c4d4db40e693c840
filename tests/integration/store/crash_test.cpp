// kill -9 while writing: every write acknowledged before the kill is on disk.
#include <set>

#include <gtest/gtest.h>

#include "support/process.hpp"
#include "support/test_support.hpp"
#include "switchboard/store/store.hpp"

namespace st = switchboard::store;

TEST(store_crash, acknowledged_writes_survive_sigkill) {
  sbtest::temp_dir dir;
  auto db_path = dir.file("crash.db");
  std::set<std::string> acked;
  {
    sbtest::child_process child({STORE_CRASH_CHILD, db_path});
    while (acked.size() < 3000) {
      auto line = child.read_line();
      ASSERT_TRUE(line) << "child stopped early: " << child.drain_stderr();
      if (line->rfind("ack ", 0) == 0) acked.insert(line->substr(4));
    }
    child.signal(SIGKILL);
    EXPECT_EQ(child.wait(), 128 + SIGKILL);
    // Lines already printed before the kill are acknowledged too.
    for (auto line = child.read_line(std::chrono::milliseconds(200)); line;
         line = child.read_line(std::chrono::milliseconds(200)))
      if (line->rfind("ack ", 0) == 0 && line->size() > 4) acked.insert(line->substr(4));
  }
  st::store_options o;
  o.path = db_path;
  auto s = st::store::open(o);
  ASSERT_TRUE(s) << s.err().message;
  auto present = (*s)->read_sync([](st::database& db) {
    std::set<std::string> names;
    auto& q = db.prepare("SELECT name FROM workspaces");
    while (q.step()) names.insert(q.column_text(0));
    return names;
  });
  ASSERT_TRUE(present);
  std::size_t missing = 0;
  for (auto& name : acked)
    if (!present->count(name)) ++missing;
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged writes";
  EXPECT_GE(present->size(), acked.size());
}
