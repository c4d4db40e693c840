// Issue 17, the inbox at scale: each view of the conversation list reads an index
// that delivers rows in (last activity, id) order, so a page never sorts the whole
// workspace in a temporary B-tree.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/store.hpp"

namespace st = switchboard::store;
using filter = st::conversations::list_filter;

namespace {

std::vector<std::string> plan_of(st::store& s, const std::string& sql) {
  auto r = s.read_sync([&](st::database& db) {
    std::vector<std::string> lines;
    auto& q = db.prepare("EXPLAIN QUERY PLAN " + sql);
    while (q.step()) lines.push_back(q.column_text(3));
    q.reset();
    return lines;
  });
  if (!r) throw std::runtime_error(r.err().message);
  return *r;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (auto& l : lines) out += "\n  " + l;
  return out;
}

}  // namespace

TEST(inbox_order, every_view_reads_an_index_in_activity_order) {
  sbtest::temp_dir dir;
  st::store_options o;
  o.path = dir.file("switchboard.db");
  auto s = st::store::open(o);
  ASSERT_TRUE(s) << s.err().message;

  struct view {
    const char* name;
    filter f;
    const char* index;
  };
  std::vector<view> views;
  views.push_back({"all", {}, "conversations_by_activity"});
  filter open;
  open.status = "open";
  views.push_back({"status", open, "conversations_status_by_activity"});
  filter mine;
  mine.assignee = filter::who::me;
  mine.assignee_id = 7;
  views.push_back({"mine", mine, "conversations_assignee_by_activity"});
  filter unassigned;
  unassigned.assignee = filter::who::unassigned;
  views.push_back({"unassigned", unassigned, "conversations_assignee_by_activity"});
  filter team;
  team.team_id = 3;
  views.push_back({"team", team, "conversations_team_by_activity"});
  filter label;
  label.label = "vip";
  views.push_back({"label", label, "conversations_by_activity"});
  filter mine_open = mine;
  mine_open.status = "open";
  views.push_back({"mine, open", mine_open, ""});

  for (auto v : views) {
    for (bool later_page : {false, true}) {
      if (later_page) v.f.before = filter::position{"2026-12-06T10:00:00.000Z", 42};
      auto plan = plan_of(**s, st::conversations::list_sql(v.f));
      auto text = joined(plan);
      SCOPED_TRACE(std::string(v.name) + (later_page ? ", a later page" : ", the first page") + text);
      EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << "the page is sorted, not read in order";
      EXPECT_NE(text.find(std::string("USING INDEX ") + (*v.index ? v.index : "conversations_")), std::string::npos);
      EXPECT_TRUE(text.find("SEARCH c USING INDEX") != std::string::npos ||
                  text.find("SCAN c USING INDEX") != std::string::npos)
          << "conversations are read through an index";
      if (later_page) {
        EXPECT_NE(text.find("<expr><?"), std::string::npos) << "a later page starts at the cursor in the index";
      }
    }
  }
}
