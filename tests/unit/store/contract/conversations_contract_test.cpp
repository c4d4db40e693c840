// Contract: conversations, the inbox's list and its filters, canned responses, labels.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

using filter = st::conversations::list_filter;

class conversations_contract : public contract_test {
 protected:
  std::vector<id_t> list_ids(const filter& f, id_t ws = 0) {
    return read([&](st::unit_of_work& u) {
      std::vector<id_t> ids;
      for (auto& c : u.conversations().list(ws ? ws : ws_, f)) ids.push_back(c.id);
      return ids;
    });
  }
  void patch(id_t id, const st::conversations::patch& p) {
    write([&](st::unit_of_work& u) { u.conversations().update(ws_, id, p, t(100)); });
  }
  id_t say(id_t conversation_id, const std::string& body, int at, bool from_contact = true) {
    return write([&](st::unit_of_work& u) {
      return u.messages().insert(text(ws_, conversation_id, body, at, from_contact ? "contact" : "teammate"));
    });
  }

  // A search: the conversations found, newest match first, each with its key.
  std::vector<std::pair<id_t, std::string>> found(filter f) {
    return read([&](st::unit_of_work& u) {
      std::vector<std::pair<id_t, std::string>> out;
      for (auto& c : u.conversations().list(ws_, f)) out.emplace_back(c.id, c.list_key.value_or("?"));
      return out;
    });
  }
  std::vector<id_t> search(const std::string& q, filter f = {}) {
    f.q = q;
    std::vector<id_t> ids;
    for (auto& [id, key] : found(f)) ids.push_back(id);
    return ids;
  }
  // Every page of a search, following the cursor the API makes of a page's last row.
  std::vector<id_t> all_pages(filter f, int limit) {
    std::vector<id_t> out;
    f.limit = limit;
    for (int guard = 0; guard < 100; ++guard) {
      auto rows = read([&](st::unit_of_work& u) { return u.conversations().list(ws_, f); });
      for (auto& c : rows) out.push_back(c.id);
      if (static_cast<int>(rows.size()) < limit) break;
      EXPECT_TRUE(rows.back().list_key.has_value());
      f.before = filter::position{rows.back().list_key.value_or(""), rows.back().id};
    }
    return out;
  }

  // A backend may index message text after its commit (on a thread of its own, in
  // id order, one snapshot per pass): a marker message written now, in a workspace
  // of its own, is found once everything written before it is searchable.
  void await_search_index() {
    if (!marker_ws_) {
      marker_ws_ = store_->add_workspace("Markers");
      marker_conv_ = add_conversation(marker_ws_, add_contact(marker_ws_, "M"), 0);
    }
    auto word = "zqmarker" + std::to_string(++markers_);
    write([&](st::unit_of_work& u) { u.messages().insert(text(marker_ws_, marker_conv_, word, 1)); });
    filter f;
    f.q = word;
    for (int tries = 0; tries < 1000; ++tries) {
      if (!read([&](st::unit_of_work& u) { return u.conversations().list(marker_ws_, f); }).empty()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the search index did not catch up";
  }
  id_t marker_ws_ = 0, marker_conv_ = 0;
  int markers_ = 0;
};

TEST_P(conversations_contract, insert_and_find_round_trip) {
  auto k = add_contact(ws_, "Ada", {"+14155550100"});
  auto id = write([&](st::unit_of_work& u) {
    st::conversation c;
    c.workspace_id = ws_;
    c.contact_id = k;
    c.status = "pending";
    c.priority = "high";
    c.assignee_id = owner_;
    c.channel = "sms";
    c.subject = "Billing";
    c.labels = {"vip", "billing"};
    c.created_at = t(5);
    return u.conversations().insert(c);
  });
  auto c = read([&](st::unit_of_work& u) { return u.conversations().find(ws_, id); });
  ASSERT_TRUE(c);
  EXPECT_EQ(c->contact_id, k);
  EXPECT_EQ(c->contact_name, "Ada");
  EXPECT_EQ(c->contact_phone, "+14155550100");
  EXPECT_EQ(c->status, "pending");
  EXPECT_EQ(c->priority, "high");
  EXPECT_EQ(c->assignee_id, owner_);
  EXPECT_EQ(c->channel, "sms");
  EXPECT_EQ(c->subject, "Billing");
  EXPECT_EQ(c->labels, (std::vector<std::string>{"billing", "vip"}));  // by name
  EXPECT_EQ(c->created_at, t(5));
  EXPECT_FALSE(c->last_message_at);
  EXPECT_EQ(c->unread_count, 0);
}

TEST_P(conversations_contract, another_workspace_does_not_see_it) {
  auto other = store_->add_workspace("Other");
  auto id = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  auto theirs = add_conversation(other, add_contact(other, "Bob"), 2);
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.conversations().find(other, id));
    EXPECT_FALSE(u.conversations().find(ws_, theirs));
    EXPECT_TRUE(u.conversations().find(other, theirs));
  });
  EXPECT_EQ(list_ids({}), std::vector<id_t>{id});
  EXPECT_EQ(list_ids({}, other), std::vector<id_t>{theirs});
  // An update naming the wrong workspace changes nothing.
  write([&](st::unit_of_work& u) {
    st::conversations::patch p;
    p.status = "resolved";
    p.labels = std::vector<std::string>{"vip"};
    u.conversations().update(other, id, p, t(9));
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, id)->status; }),
            "open");
  // Not even a label row under the other workspace: the conversation's own workspace
  // can still give it that label.
  st::conversations::patch mine;
  mine.labels = std::vector<std::string>{"vip"};
  patch(id, mine);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, id)->labels; }),
            std::vector<std::string>{"vip"});
  st::conversations::list_filter f;
  f.label = "vip";
  EXPECT_EQ(list_ids(f), std::vector<id_t>{id});
  EXPECT_TRUE(list_ids(f, other).empty());
}

TEST_P(conversations_contract, update_applies_only_the_fields_given) {
  auto id = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  st::conversations::patch p;
  p.status = "resolved";
  p.assignee_id = owner_;
  p.labels = std::vector<std::string>{"later"};
  patch(id, p);
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, id); });
  EXPECT_EQ(c.status, "resolved");
  EXPECT_EQ(c.resolved_at, t(100));
  EXPECT_EQ(c.assignee_id, owner_);
  EXPECT_EQ(c.priority, "normal");
  EXPECT_EQ(c.labels, std::vector<std::string>{"later"});
  st::conversations::patch clear;
  clear.assignee_id = std::optional<id_t>();  // set to none
  clear.status = "open";
  patch(id, clear);
  c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, id); });
  EXPECT_FALSE(c.assignee_id);
  EXPECT_FALSE(c.resolved_at);
  EXPECT_EQ(c.labels, std::vector<std::string>{"later"});  // not in the patch: kept
}

TEST_P(conversations_contract, snoozed_ones_wake_when_their_time_comes) {
  auto k = add_contact(ws_, "Ada");
  auto soon = add_conversation(ws_, k, 1), later = add_conversation(ws_, k, 2);
  st::conversations::patch p;
  p.status = "snoozed";
  p.snoozed_until = t(30);
  patch(soon, p);
  p.snoozed_until = t(90);
  patch(later, p);
  auto woke = write([&](st::unit_of_work& u) { return u.conversations().wake_snoozed(t(45)); });
  ASSERT_EQ(woke.size(), 1u);
  EXPECT_EQ(woke[0], std::make_pair(ws_, soon));
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.conversations().find(ws_, soon)->status, "open");
    EXPECT_FALSE(u.conversations().find(ws_, soon)->snoozed_until);
    EXPECT_EQ(u.conversations().find(ws_, later)->status, "snoozed");
  });
}

TEST_P(conversations_contract, the_inbox_lists_by_last_activity_newest_first) {
  auto k = add_contact(ws_, "Ada");
  auto a = add_conversation(ws_, k, 1), b = add_conversation(ws_, k, 2),
       c = add_conversation(ws_, k, 3);
  EXPECT_EQ(list_ids({}), (std::vector<id_t>{c, b, a}));
  // A message is activity: the oldest conversation comes first.
  write([&](st::unit_of_work& u) { u.messages().insert(text(ws_, a, "hello", 10)); });
  EXPECT_EQ(list_ids({}), (std::vector<id_t>{a, c, b}));
  auto listed = read([&](st::unit_of_work& u) { return u.conversations().list(ws_, {}); });
  EXPECT_EQ(listed[0].last_message_at, t(10));
  EXPECT_EQ(listed[0].preview, "hello");
}

TEST_P(conversations_contract, the_inbox_pages_with_a_keyset_cursor) {
  auto k = add_contact(ws_, "Ada");
  std::vector<id_t> all;
  for (int i = 0; i < 7; ++i) all.insert(all.begin(), add_conversation(ws_, k, i));
  // Two with the same activity: the higher id first, and neither lost between pages.
  auto tie = add_conversation(ws_, k, 6);
  all.insert(all.begin(), tie);
  std::vector<id_t> seen;
  filter f;
  f.limit = 3;
  for (int page = 0; page < 5; ++page) {
    auto rows = read([&](st::unit_of_work& u) { return u.conversations().list(ws_, f); });
    for (auto& r : rows) seen.push_back(r.id);
    if (rows.size() < 3u) break;
    f.before = filter::position{rows.back().last_message_at.value_or(rows.back().created_at),
                                rows.back().id};
  }
  EXPECT_EQ(seen, all);
}

TEST_P(conversations_contract, the_inbox_filters_by_status_and_contact) {
  auto ada = add_contact(ws_, "Ada"), bob = add_contact(ws_, "Bob");
  auto a = add_conversation(ws_, ada, 1, "open");
  auto b = add_conversation(ws_, bob, 2, "resolved");
  auto c = add_conversation(ws_, ada, 3, "resolved");
  filter f;
  f.status = "resolved";
  EXPECT_EQ(list_ids(f), (std::vector<id_t>{c, b}));
  filter g;
  g.contact_id = ada;
  EXPECT_EQ(list_ids(g), (std::vector<id_t>{c, a}));
  g.status = "open";
  EXPECT_EQ(list_ids(g), std::vector<id_t>{a});
}

TEST_P(conversations_contract, the_inbox_filters_by_assignee) {
  auto k = add_contact(ws_, "Ada");
  auto other = add_teammate(ws_, "ann@acme.test");
  auto mine = add_conversation(ws_, k, 1), theirs = add_conversation(ws_, k, 2),
       nobodys = add_conversation(ws_, k, 3);
  st::conversations::patch p;
  p.assignee_id = owner_;
  patch(mine, p);
  p.assignee_id = other;
  patch(theirs, p);
  filter me;
  me.assignee = filter::who::me;
  me.assignee_id = owner_;
  EXPECT_EQ(list_ids(me), std::vector<id_t>{mine});
  filter teammate;
  teammate.assignee = filter::who::teammate;
  teammate.assignee_id = other;
  EXPECT_EQ(list_ids(teammate), std::vector<id_t>{theirs});
  filter unassigned;
  unassigned.assignee = filter::who::unassigned;
  EXPECT_EQ(list_ids(unassigned), std::vector<id_t>{nobodys});
}

TEST_P(conversations_contract, the_inbox_filters_by_team_and_label) {
  auto k = add_contact(ws_, "Ada");
  auto team =
      write([&](st::unit_of_work& u) { return u.teams().insert(ws_, "Support", true, t(0)); });
  auto a = add_conversation(ws_, k, 1), b = add_conversation(ws_, k, 2),
       c = add_conversation(ws_, k, 3);
  st::conversations::patch p;
  p.team_id = team;
  patch(a, p);
  patch(c, p);
  st::conversations::patch l;
  l.labels = std::vector<std::string>{"vip"};
  patch(b, l);
  patch(c, l);
  filter by_team;
  by_team.team_id = team;
  EXPECT_EQ(list_ids(by_team), (std::vector<id_t>{c, a}));
  filter by_label;
  by_label.label = "vip";
  EXPECT_EQ(list_ids(by_label), (std::vector<id_t>{c, b}));
  by_label.team_id = team;
  EXPECT_EQ(list_ids(by_label), std::vector<id_t>{c});
  by_label.team_id.reset();
  by_label.label = "nobody-uses-this";
  EXPECT_TRUE(list_ids(by_label).empty());
}

TEST_P(conversations_contract, the_inbox_pages_a_filtered_view) {
  auto k = add_contact(ws_, "Ada");
  std::vector<id_t> open;
  for (int i = 0; i < 9; ++i) {
    auto id = add_conversation(ws_, k, i, i % 3 == 0 ? "resolved" : "open");
    if (i % 3 != 0) open.insert(open.begin(), id);
  }
  // A message moves one to the front of its view.
  write([&](st::unit_of_work& u) { u.messages().insert(text(ws_, open.back(), "hi", 30), false); });
  std::rotate(open.begin(), open.end() - 1, open.end());
  std::vector<id_t> seen;
  filter f;
  f.status = "open";
  f.limit = 2;
  for (int page = 0; page < 10; ++page) {
    auto rows = read([&](st::unit_of_work& u) { return u.conversations().list(ws_, f); });
    for (auto& r : rows) {
      EXPECT_EQ(r.status, "open");
      seen.push_back(r.id);
    }
    if (rows.size() < 2u) break;
    f.before = filter::position{rows.back().last_message_at.value_or(rows.back().created_at), rows.back().id};
  }
  EXPECT_EQ(seen, open);
}

TEST_P(conversations_contract, a_search_finds_message_text_newest_match_first) {
  auto a = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  auto b = add_conversation(ws_, add_contact(ws_, "Bob"), 2);
  auto c = add_conversation(ws_, add_contact(ws_, "Cy"), 3);
  auto a_match = say(a, "I want a refund", 10);
  auto b_match = say(b, "REFUND please!", 11);
  say(c, "refunds are slow", 12);  // whole words: no prefix
  say(a, "thanks", 13);            // newer activity, but not a match
  await_search_index();
  filter f;
  f.q = "refund";
  // By the newest match, not by activity; the key is the match's message id.
  EXPECT_EQ(found(f), (std::vector<std::pair<id_t, std::string>>{{b, std::to_string(b_match)},
                                                                 {a, std::to_string(a_match)}}));
  EXPECT_EQ(search("Refund"), (std::vector<id_t>{b, a}));  // case does not matter
  // Every word, in one message (not across a conversation's messages).
  EXPECT_EQ(search("want  refund"), std::vector<id_t>{a});
  EXPECT_TRUE(search("refund thanks").empty());
  EXPECT_TRUE(search("refun").empty());
  // Words without letters or digits are left out; alone, they match no message.
  EXPECT_EQ(search("refund --"), (std::vector<id_t>{b, a}));
  EXPECT_TRUE(search("--").empty());
  // The newest match counts: a second one moves the conversation up.
  auto newer = say(a, "refund?", 20);
  await_search_index();
  f.q = "refund";
  EXPECT_EQ(found(f), (std::vector<std::pair<id_t, std::string>>{{a, std::to_string(newer)},
                                                                 {b, std::to_string(b_match)}}));
  // Another workspace's messages are not found.
  auto other = store_->add_workspace("Other");
  auto theirs = add_conversation(other, add_contact(other, "Dee"), 1);
  write([&](st::unit_of_work& u) { u.messages().insert(text(other, theirs, "refund", 30)); });
  await_search_index();
  EXPECT_EQ(search("refund"), (std::vector<id_t>{a, b}));
}

TEST_P(conversations_contract, a_search_reads_words_as_the_text_index_does) {
  auto a = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  auto b = add_conversation(ws_, add_contact(ws_, "Bob"), 2);
  auto c = add_conversation(ws_, add_contact(ws_, "Cy"), 3);
  say(a, "Send it by e-mail to ada@example.com, or see https://help.example.org/refunds", 10);
  say(b, "Caf\xC3\xA9 au lait, order #1234 (3.5 stars)", 11);  // Café
  say(c, "<b>bold</b> and email", 12);
  await_search_index();
  // Punctuation separates words; a word of several is a phrase.
  EXPECT_EQ(search("e-mail"), std::vector<id_t>{a});
  EXPECT_EQ(search("E-MAIL"), std::vector<id_t>{a});
  EXPECT_EQ(search("e.mail"), std::vector<id_t>{a});
  EXPECT_EQ(search("mail"), std::vector<id_t>{a});
  EXPECT_EQ(search("email"), std::vector<id_t>{c});
  EXPECT_TRUE(search("mail-e").empty());
  EXPECT_EQ(search("example"), std::vector<id_t>{a});
  EXPECT_EQ(search("ada@example.com"), std::vector<id_t>{a});
  EXPECT_EQ(search("refunds"), std::vector<id_t>{a});
  EXPECT_EQ(search("1234"), std::vector<id_t>{b});
  EXPECT_EQ(search("3.5"), std::vector<id_t>{b});
  EXPECT_EQ(search("bold"), std::vector<id_t>{c});
  // Diacritics are folded.
  EXPECT_EQ(search("cafe"), std::vector<id_t>{b});
  EXPECT_EQ(search("CAF\xC3\x89"), std::vector<id_t>{b});  // CAFÉ
}

TEST_P(conversations_contract, a_search_follows_an_edited_message) {
  auto a = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  auto call = text(ws_, a, "Incoming call", 10);
  call.kind = "call";
  call.channel = "voice";
  auto id = write([&](st::unit_of_work& u) { return u.messages().insert(call); });
  await_search_index();
  EXPECT_EQ(search("incoming"), std::vector<id_t>{a});
  write([&](st::unit_of_work& u) { u.messages().update_item(ws_, id, "Missed call", "delivered", {}); });
  await_search_index();
  EXPECT_TRUE(search("incoming").empty());
  EXPECT_EQ(search("missed"), std::vector<id_t>{a});
}

TEST_P(conversations_contract, a_search_finds_contacts_by_name_email_identity_and_phone_digits) {
  auto ada = add_contact(ws_, "Ada Lovelace", {"+14155550100"});
  auto bob = write([&](st::unit_of_work& u) {
    st::contact k;
    k.workspace_id = ws_;
    k.name = "Bob";
    k.email = "Bob@Example.test";
    k.external_id = "crm-77";
    k.created_at = k.updated_at = t(0);
    return u.contacts().insert(k);
  });
  auto a = add_conversation(ws_, ada, 1);
  auto b = add_conversation(ws_, bob, 2);  // no message: keyed 0, after the others
  auto n = add_conversation(ws_, add_contact(ws_, "Nemo"), 3);
  say(a, "hi lovelace", 10);
  auto n_match = say(n, "lovelace fan club", 11);
  auto a_newest = say(a, "bye", 12);
  await_search_index();
  filter f;
  // Through the contact: keyed by the conversation's newest message, match or not,
  // and listed once although its messages match too.
  f.q = "lovelace";
  EXPECT_EQ(found(f), (std::vector<std::pair<id_t, std::string>>{{a, std::to_string(a_newest)},
                                                                 {n, std::to_string(n_match)}}));
  EXPECT_EQ(search("LOVE"), std::vector<id_t>{a});  // a substring, in any ASCII case
  EXPECT_EQ(search("ovel"), std::vector<id_t>{a});
  EXPECT_EQ(search("da L"), std::vector<id_t>{a});
  f.q = "example.TEST";
  EXPECT_EQ(found(f), (std::vector<std::pair<id_t, std::string>>{{b, "0"}}));
  EXPECT_EQ(search("crm-7"), std::vector<id_t>{b});     // an identity
  EXPECT_EQ(search("b"), std::vector<id_t>{b});         // "Bob", Bob@Example.test
  EXPECT_EQ(search("(415) 555-0100"), std::vector<id_t>{a});
  EXPECT_EQ(search("555.0100"), std::vector<id_t>{a});
  EXPECT_EQ(search("4155550100"), std::vector<id_t>{a});
  EXPECT_TRUE(search("555-0199").empty());
  EXPECT_TRUE(search("100%").empty());  // wildcards are literal
  EXPECT_TRUE(search("B_b").empty());
  // Filters still apply.
  filter resolved_only;
  resolved_only.status = "resolved";
  EXPECT_TRUE(search("lovelace", resolved_only).empty());
}

TEST_P(conversations_contract, a_search_pages_with_a_cursor_on_its_key) {
  // Nine conversations say "parcel" at shuffled times, some twice, with chatter
  // after; two more are found through their contact's name, one without messages.
  std::vector<id_t> convs;
  for (int i = 0; i < 9; ++i) convs.push_back(add_conversation(ws_, add_contact(ws_, "C" + std::to_string(i)), i));
  std::map<id_t, id_t> key;  // conversation -> its expected key
  int minute = 10;
  for (int i = 0; i < 9; ++i) {
    auto c = convs[static_cast<std::size_t>((i * 4) % 9)];
    key[c] = say(c, "where is my parcel", minute++);
  }
  for (int i = 0; i < 9; i += 4) key[convs[static_cast<std::size_t>(i)]] = say(convs[static_cast<std::size_t>(i)], "PARCEL again", minute++);
  for (int i = 8; i >= 0; --i) say(convs[static_cast<std::size_t>(i)], "thanks", minute++, false);
  auto desk = add_conversation(ws_, add_contact(ws_, "Parcel Desk"), 50);
  key[desk] = say(desk, "hello", minute++);
  // Created before the others' activity: a backend may walk the view by activity,
  // taking a newer conversation for a newer key, which one without messages is not.
  key[add_conversation(ws_, add_contact(ws_, "Parcel Office"), 5)] = 0;
  say(add_conversation(ws_, add_contact(ws_, "Nobody"), 52), "nothing here", minute++);
  // A resolved one, for the filtered view.
  st::conversations::patch resolved;
  resolved.status = "resolved";
  patch(convs[4], resolved);
  await_search_index();

  std::vector<std::pair<id_t, id_t>> order;  // (key, id), newest first
  for (auto [c, k] : key) order.emplace_back(k, c);
  std::sort(order.rbegin(), order.rend());
  std::vector<id_t> want, want_open;
  for (auto& [k, c] : order) {
    want.push_back(c);
    if (c != convs[4]) want_open.push_back(c);
  }
  filter f;
  f.q = "parcel";
  for (int limit : {1, 2, 3, 5, 11, 50}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    EXPECT_EQ(all_pages(f, limit), want);
  }
  filter open;
  open.q = "parcel";
  open.status = "open";
  EXPECT_EQ(all_pages(open, 2), want_open);
  // Another list's cursor (a time) finds nothing.
  f.before = filter::position{t(60), convs[0]};
  EXPECT_TRUE(found(f).empty());
}

TEST_P(conversations_contract, labels_are_the_same_in_any_case) {
  auto k = add_contact(ws_, "Ada");
  auto id = write([&](st::unit_of_work& u) {
    st::conversation c;
    c.workspace_id = ws_;
    c.contact_id = k;
    c.labels = {"vip", "VIP", "billing"};
    c.created_at = t(1);
    return u.conversations().insert(c);
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, id)->labels; }),
            (std::vector<std::string>{"billing", "vip"}));
  filter f;
  f.label = "Vip";
  EXPECT_EQ(list_ids(f), std::vector<id_t>{id});
  st::conversations::patch p;
  p.labels = std::vector<std::string>{"Later", "later"};
  patch(id, p);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, id)->labels; }),
            std::vector<std::string>{"Later"});
  EXPECT_TRUE(list_ids(f).empty());
}

TEST_P(conversations_contract, a_snoozed_conversation_wakes_once) {
  auto k = add_contact(ws_, "Ada");
  auto first = add_conversation(ws_, k, 1), second = add_conversation(ws_, k, 2);
  st::conversations::patch p;
  p.status = "snoozed";
  p.snoozed_until = t(40);
  patch(second, p);
  p.snoozed_until = t(30);
  patch(first, p);
  auto woke = write([&](st::unit_of_work& u) { return u.conversations().wake_snoozed(t(45)); });
  EXPECT_EQ(woke, (std::vector<std::pair<id_t, id_t>>{{ws_, first}, {ws_, second}}));  // the earliest first
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.conversations().wake_snoozed(t(50)); }).empty());
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, first)->updated_at; }), t(45));
  // Another status clears a snooze; resolving stamps resolved_at once.
  p.snoozed_until = t(90);
  patch(first, p);
  st::conversations::patch resolve;
  resolve.status = "resolved";
  patch(first, resolve);
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, first); });
  EXPECT_FALSE(c.snoozed_until);
  EXPECT_EQ(c.resolved_at, t(100));
  write([&](st::unit_of_work& u) { u.conversations().update(ws_, first, resolve, t(200)); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, first)->resolved_at; }), t(100));
}

TEST_P(conversations_contract, a_short_search_pages_as_a_long_one) {
  // "jo": too short for trigrams, in many contacts' names (a backend may walk the
  // newest messages instead of reading every match). Each conversation has several
  // messages, so a page's cursor falls between a conversation's messages.
  std::vector<id_t> convs;
  for (int i = 0; i < 8; ++i)
    convs.push_back(add_conversation(ws_, add_contact(ws_, i % 2 ? "Jo " + std::to_string(i) : "Al " + std::to_string(i)), i));
  auto quiet = add_conversation(ws_, add_contact(ws_, "Jojo"), 9);  // no messages: keyed 0
  std::map<id_t, id_t> key;
  key[quiet] = 0;
  int minute = 10;
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 8; ++i) {
      auto j = static_cast<std::size_t>((i * 3 + round) % 8);
      bool match = j == 2 && round == 1;  // a text match, in an "Al" conversation
      auto id = say(convs[j], match ? "ask jo" : "hello", minute++);
      if (match || j % 2 == 1) key[convs[j]] = id;  // a "Jo": its newest message
    }
  st::conversations::patch resolved;
  resolved.status = "resolved";
  patch(convs[3], resolved);
  await_search_index();

  std::vector<std::pair<id_t, id_t>> order;
  for (auto [c, k] : key) order.emplace_back(k, c);
  std::sort(order.rbegin(), order.rend());
  std::vector<id_t> want, want_open;
  for (auto& [k, c] : order) {
    want.push_back(c);
    if (c != convs[3]) want_open.push_back(c);
  }
  filter f;
  f.q = "jo";
  for (int limit : {1, 2, 3, 50}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    EXPECT_EQ(all_pages(f, limit), want);
  }
  f.status = "open";
  EXPECT_EQ(all_pages(f, 2), want_open);
  f.status.reset();
  f.limit = 2;
  auto first = found(f);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].second, std::to_string(order[0].first));
}

TEST_P(conversations_contract, a_conversation_keeps_its_line) {
  auto id = add_conversation(ws_, add_contact(ws_, "Ada"), 1);
  auto line = write([&](st::unit_of_work& u) {
    st::numbers::number_row n;
    n.workspace_id = ws_;
    n.number = "+14155550199";
    n.carrier = "sandbox";
    n.status = "active";
    n.created_at = t(0);
    return u.numbers().insert(n);
  });
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.conversations().number_of(ws_, id); }));
  write([&](st::unit_of_work& u) { u.conversations().set_number(id, line); });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.conversations().number_of(ws_, id), line);
    EXPECT_EQ(u.teams_links().line_of_conversation(ws_, id), "+14155550199");
  });
}

TEST_P(conversations_contract, canned_responses_round_trip) {
  auto other = store_->add_workspace("Other");
  auto id = write([&](st::unit_of_work& u) {
    u.conversations().insert_canned(ws_, "thanks", "Thank you!", t(1));
    return u.conversations().insert_canned(ws_, "hello", "Hello there", t(2));
  });
  read([&](st::unit_of_work& u) {
    auto all = u.conversations().list_canned(ws_);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].shortcut, "hello");  // by shortcut
    EXPECT_EQ(all[0].id, id);
    EXPECT_EQ(all[1].body, "Thank you!");
    EXPECT_EQ(u.conversations().canned_body(ws_, "thanks"), "Thank you!");
    EXPECT_FALSE(u.conversations().canned_body(other, "thanks"));
    EXPECT_TRUE(u.conversations().list_canned(other).empty());
  });
  auto changed = write([&](st::unit_of_work& u) {
    return u.conversations().update_canned(ws_, id, std::nullopt, std::string("Hi!"));
  });
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->shortcut, "hello");
  EXPECT_EQ(changed->body, "Hi!");
  write([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.conversations().update_canned(other, id, std::string("x"), std::nullopt));
    EXPECT_FALSE(u.conversations().delete_canned(other, id));
    EXPECT_TRUE(u.conversations().delete_canned(ws_, id));
    EXPECT_FALSE(u.conversations().delete_canned(ws_, id));
  });
  EXPECT_FALSE(
      read([&](st::unit_of_work& u) { return u.conversations().canned_body(ws_, "hello"); }));
}

TEST_P(conversations_contract, a_taken_shortcut_is_a_conflict) {
  write([&](st::unit_of_work& u) { u.conversations().insert_canned(ws_, "hi", "Hi", t(1)); });
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              u.conversations().insert_canned(ws_, "hi", "Hello", t(2));
            }),
            "CONFLICT");
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().canned_body(ws_, "hi"); }),
            "Hi");
}

TEST_P(conversations_contract, labels_round_trip) {
  auto other = store_->add_workspace("Other");
  auto vip = write([&](st::unit_of_work& u) {
    u.conversations().insert_label(ws_, "urgent", "#ff0000", t(1));
    return u.conversations().insert_label(ws_, "vip", "#00ff00", t(2));
  });
  read([&](st::unit_of_work& u) {
    auto all = u.conversations().list_labels(ws_);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "urgent");
    EXPECT_EQ(all[1].id, vip);
    EXPECT_EQ(all[1].color, "#00ff00");
    EXPECT_TRUE(u.conversations().list_labels(other).empty());
  });
  write([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.conversations().delete_label(other, vip));
    EXPECT_TRUE(u.conversations().delete_label(ws_, vip));
  });
  auto left = read([&](st::unit_of_work& u) { return u.conversations().list_labels(ws_); });
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "urgent");
}

}  // namespace

CONTRACT_SUITE(conversations_contract);

}  // namespace contract
