// Issue 17 item 3: the inbox search returns the newest matches first, pages with
// a keyset cursor on (newest match, id), and walks the text's matches in that
// order, so a common word stops after about a page.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "switchboard/store/contacts.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/store.hpp"
#include "switchboard/store/workspaces.hpp"

namespace st = switchboard::store;
namespace conv = switchboard::store::conversations;
using filter = conv::list_filter;

namespace {

std::string at(int minute) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "2026-12-01T%02d:%02d:00.000Z", minute / 60, minute % 60);
  return buf;
}

struct fixture {
  sbtest::temp_dir dir;
  std::unique_ptr<st::store> s;
  st::id_t ws = 0;
  std::vector<st::id_t> convs;
  int clock = 0;

  fixture() {
    st::store_options o;
    o.path = dir.file("switchboard.db");
    auto opened = st::store::open(o);
    if (!opened) throw std::runtime_error(opened.err().message);
    s = std::move(*opened);
    auto r = s->write_sync([&](st::database& db) {
      ws = *st::workspaces::create_with_owner(db, "W", "o@example.com", "O", "x", at(0));
    });
    if (!r) throw std::runtime_error(r.err().message);
  }

  st::id_t conversation(const std::string& name, const std::string& phone) {
    st::id_t id = 0;
    auto r = s->write_sync([&, name, phone](st::database& db) {
      st::contact k;
      k.workspace_id = ws;
      k.name = name;
      k.phones = {phone};
      k.created_at = k.updated_at = at(0);
      st::conversation c;
      c.workspace_id = ws;
      c.contact_id = st::contacts::insert(db, k);
      c.channel = "sms";
      c.created_at = at(0);
      id = conv::insert(db, c);
    });
    if (!r) throw std::runtime_error(r.err().message);
    convs.push_back(id);
    return id;
  }

  st::id_t say(st::id_t c, const std::string& body) {
    st::id_t id = 0;
    auto when = at(++clock);
    auto r = s->write_sync([&, c, body, when](st::database& db) {
      st::message m;
      m.workspace_id = ws;
      m.conversation_id = c;
      m.direction = "inbound";
      m.sender_kind = "contact";
      m.channel = "sms";
      m.body = body;
      m.status = "received";
      m.created_at = when;
      id = conv::insert_message(db, m, true);
    });
    if (!r) throw std::runtime_error(r.err().message);
    return id;
  }

  std::vector<st::conversation> page(filter f) {
    auto flushed = s->flush_sync();
    if (!flushed) throw std::runtime_error(flushed.err().message);
    auto r = s->read_sync([&](st::database& db) { return conv::list(db, ws, f); });
    if (!r) throw std::runtime_error(r.err().message);
    return *r;
  }

  // Every page of a search, following the cursor the API would make.
  std::vector<st::id_t> all_pages(const std::string& q, int limit) {
    filter f;
    f.q = q;
    return all_pages(f, limit);
  }
  std::vector<st::id_t> all_pages(filter f, int limit) {
    std::vector<st::id_t> out;
    f.limit = limit;
    for (int guard = 0; guard < 100; ++guard) {
      auto rows = page(f);
      for (auto& c : rows) out.push_back(c.id);
      if (static_cast<int>(rows.size()) < limit) break;
      EXPECT_TRUE(rows.back().list_key.has_value());
      f.before = filter::position{*rows.back().list_key, rows.back().id};
    }
    return out;
  }
};

}  // namespace

TEST(search_order, newest_match_first_and_every_match_once_across_pages) {
  fixture fx;
  // 23 conversations; each says "refund" once, at a shuffled time, and other
  // things before and after, so last activity and newest match disagree.
  std::map<st::id_t, st::id_t> newest_match;  // conversation -> its newest matching message
  for (int i = 0; i < 23; ++i) fx.conversation("Customer " + std::to_string(i), "+1415555" + std::to_string(1000 + i));
  std::vector<int> order;
  for (int i = 0; i < 23; ++i) order.push_back((i * 7) % 23);
  for (int i : order) fx.say(fx.convs[static_cast<std::size_t>(i)], "hello there");
  for (int i : order) newest_match[fx.convs[static_cast<std::size_t>(i)]] = fx.say(fx.convs[static_cast<std::size_t>(i)], "about my refund please");
  // An older match again in a few (the newest one counts), and later chatter in reverse order.
  for (int i = 0; i < 23; i += 5) fx.say(fx.convs[static_cast<std::size_t>(i)], "still no refund");
  for (int i = 0; i < 23; i += 5) newest_match[fx.convs[static_cast<std::size_t>(i)]] = fx.say(fx.convs[static_cast<std::size_t>(i)], "REFUND now");
  for (int i = 22; i >= 0; --i) fx.say(fx.convs[static_cast<std::size_t>(i)], "thanks");
  // One found through its contact's name only: keyed by its newest message.
  auto by_name = fx.conversation("Refund Department", "+14155559999");
  fx.say(by_name, "hi");
  auto by_name_newest = fx.say(by_name, "anyone?");
  newest_match[by_name] = by_name_newest;
  // A conversation that does not match at all.
  fx.say(fx.conversation("Nobody", "+14155558888"), "nothing to see");

  std::vector<std::pair<st::id_t, st::id_t>> expected;  // (key, conversation)
  for (auto [c, key] : newest_match) expected.emplace_back(key, c);
  std::sort(expected.rbegin(), expected.rend());
  std::vector<st::id_t> want;
  for (auto& e : expected) want.push_back(e.second);

  for (int limit : {1, 4, 7, 25, 100}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    EXPECT_EQ(fx.all_pages("refund", limit), want);
  }
  // The first row's cursor key is the newest match's message id.
  filter f;
  f.q = "refund";
  auto first = fx.page(f);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first.front().list_key, std::to_string(expected.front().first));
}

TEST(search_order, filters_apply_and_a_foreign_cursor_matches_nothing) {
  fixture fx;
  auto a = fx.conversation("Ann", "+14155550001");
  auto b = fx.conversation("Bob", "+14155550002");
  fx.say(a, "parcel lost");
  fx.say(b, "parcel lost too");
  auto r = fx.s->write_sync([&](st::database& db) {
    conv::patch p;
    p.status = "resolved";
    conv::update(db, fx.ws, b, p, at(100));
  });
  ASSERT_TRUE(r);
  filter f;
  f.q = "parcel";
  f.status = "open";
  auto open = fx.page(f);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].id, a);
  f.status.reset();
  EXPECT_EQ(fx.page(f).size(), 2u);
  // The inbox's cursor (a time) is not a search position.
  f.before = filter::position{"2026-12-01T00:05:00.000Z", b};
  EXPECT_TRUE(fx.page(f).empty());
  // A phone typed with separators, and a name's substring, in any case.
  filter phone;
  phone.q = "(415) 555-0002";
  auto by_phone = fx.page(phone);
  ASSERT_EQ(by_phone.size(), 1u);
  EXPECT_EQ(by_phone[0].id, b);
  filter name;
  name.q = "nN";
  auto by_name = fx.page(name);
  ASSERT_EQ(by_name.size(), 1u);
  EXPECT_EQ(by_name[0].id, a);
}

// The walk over the text's matches is delivered newest first by FTS5 itself (no
// sort of all matches), so stepping a page's worth reads a page's worth.
TEST(search_order, the_text_walk_reads_matches_in_order_without_a_sort) {
  fixture fx;
  auto r = fx.s->read_sync([&](st::database& db) {
    std::string plan;
    auto& q = db.prepare("EXPLAIN QUERY PLAN " + conv::search_walk_sql());
    while (q.step()) plan += q.column_text(3) + "\n";
    q.reset();
    return plan;
  });
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(r->find("TEMP B-TREE"), std::string::npos) << *r;
  EXPECT_NE(r->find("VIRTUAL TABLE"), std::string::npos) << *r;
  EXPECT_LT(r->find("VIRTUAL TABLE"), r->find("SEARCH m")) << "FTS5 is the outer loop:\n" << *r;
}

// Many matching contacts (a first name, two letters) are met by walking the view
// newest first; few are read one by one. Both give the order of the newest message,
// page after page, and the view's filters.
TEST(search_order, many_matching_contacts_are_walked_and_few_read_one_by_one_in_the_same_order) {
  fixture fx;
  std::map<st::id_t, st::id_t> newest;  // conversation -> its newest message
  std::vector<st::id_t> nathans;
  for (int i = 0; i < 40; ++i)
    nathans.push_back(fx.conversation("Nathan " + std::string(1, static_cast<char>('A' + i % 26)) + std::to_string(i),
                                      "+1212555" + std::to_string(1000 + i)));
  for (int i = 0; i < 12; ++i) fx.conversation("Other " + std::to_string(i), "+1312555" + std::to_string(1000 + i));
  // Shuffled activity; some conversations say something twice, later.
  for (int i = 0; i < 52; ++i) {
    auto c = fx.convs[static_cast<std::size_t>((i * 17) % 52)];
    newest[c] = fx.say(c, "hello");
  }
  for (int i = 0; i < 52; i += 3) newest[fx.convs[static_cast<std::size_t>(i)]] = fx.say(fx.convs[static_cast<std::size_t>(i)], "again");
  std::vector<std::pair<st::id_t, st::id_t>> order;  // (newest message, conversation) of the Nathans
  for (auto c : nathans) order.emplace_back(newest[c], c);
  std::sort(order.rbegin(), order.rend());
  std::vector<st::id_t> want;
  for (auto& o : order) want.push_back(o.second);

  // 40 candidates against a threshold of 16 for 52 conversations at a page of 5: walked.
  ASSERT_LE(conv::contact_walk_threshold(52, 5), 40u);
  for (int limit : {1, 5, 7, 40, 100}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    EXPECT_EQ(fx.all_pages("nathan", limit), want);
    EXPECT_EQ(fx.all_pages("Na", limit), want);  // under 3 characters: no trigrams, walked too
  }
  // One of them by full name, and by phone: read one by one.
  EXPECT_EQ(fx.all_pages("nathan b1", 5), std::vector<st::id_t>{nathans[1]});
  EXPECT_EQ(fx.all_pages("212-555-1007", 5), std::vector<st::id_t>{nathans[7]});
  // A view's filter applies to the walk.
  auto r = fx.s->write_sync([&](st::database& db) {
    conv::patch p;
    p.status = "resolved";
    for (std::size_t i = 0; i < nathans.size(); i += 2) conv::update(db, fx.ws, nathans[i], p, at(500));
  });
  ASSERT_TRUE(r);
  filter f;
  f.q = "nathan";
  f.status = "open";
  std::vector<st::id_t> want_open;
  for (auto c : want) {
    auto at_index = std::find(nathans.begin(), nathans.end(), c) - nathans.begin();
    if (at_index % 2 == 1) want_open.push_back(c);
  }
  for (int limit : {3, 100}) EXPECT_EQ(fx.all_pages(f, limit), want_open) << "limit " << limit;
}

TEST(search_order, the_walk_threshold_balances_matches_against_the_view) {
  EXPECT_EQ(conv::contact_walk_threshold(0, 25), 16u);  // a small workspace reads its matches
  EXPECT_EQ(conv::contact_walk_threshold(1'000'000, 25), 5000u);
  EXPECT_EQ(conv::contact_walk_threshold(100'000, 25), 1581u);
  EXPECT_LT(conv::contact_walk_threshold(1'000'000, 25), conv::contact_walk_threshold(4'000'000, 25));
}

// The walk reads each view's rows in order through its index (no sort of the view).
TEST(search_order, the_contact_walk_reads_each_view_in_order_without_a_sort) {
  fixture fx;
  std::vector<filter> views(6);
  views[1].status = "open";
  views[2].assignee = filter::who::me;
  views[3].assignee = filter::who::unassigned;
  views[4].team_id = 1;
  views[5].label = "vip";
  for (std::size_t v = 0; v < views.size(); ++v) {
    for (bool from_cursor : {false, true}) {
      auto r = fx.s->read_sync([&](st::database& db) {
        std::string plan;
        auto& q = db.prepare("EXPLAIN QUERY PLAN " + conv::contact_walk_sql(views[v], from_cursor));
        while (q.step()) plan += q.column_text(3) + "\n";
        q.reset();
        return plan;
      });
      ASSERT_TRUE(r) << r.err().message;
      EXPECT_EQ(r->find("TEMP B-TREE"), std::string::npos) << "view " << v << ":\n" << *r;
      EXPECT_EQ(r->find("SCAN c\n"), std::string::npos) << "view " << v << ":\n" << *r;
    }
  }
}
