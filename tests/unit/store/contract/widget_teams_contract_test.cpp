// Contract: the website widget's rows and the Microsoft Teams links.
#include <algorithm>

#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class widget_teams_contract : public contract_test {
 protected:
  st::widget::session visitor_session(const std::string& visitor, int expires) {
    st::widget::session s;
    s.workspace_id = ws_;
    s.visitor_id = visitor;
    s.created_at = t(1);
    s.expires_at = t(expires);
    s.name = "Vera";
    s.email = "vera@example.test";
    return s;
  }
};

TEST_P(widget_teams_contract, widget_settings_default_then_round_trip) {
  auto defaults = read([&](st::unit_of_work& u) { return u.widget().get_settings(ws_); });
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->identity_mode, "off");
  EXPECT_TRUE(defaults->allowed_origins.empty());
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.widget().get_settings(ws_ + 100); }));
  auto s = *defaults;
  s.workspace_id = ws_;
  s.allowed_origins = {"https://acme.test", "*.acme.test"};
  s.color = "#111111";
  s.greeting = "Hello!";
  s.identity_mode = "required";
  s.identity_secret = "secret";
  s.previous_secret = "old";
  s.previous_secret_until = t(90);
  write([&](st::unit_of_work& u) { u.widget().save_settings(s, t(2)); });
  auto got = read([&](st::unit_of_work& u) { return *u.widget().get_settings(ws_); });
  EXPECT_EQ(got.allowed_origins, s.allowed_origins);
  EXPECT_EQ(got.color, "#111111");
  EXPECT_EQ(got.greeting, "Hello!");
  EXPECT_EQ(got.identity_mode, "required");
  EXPECT_EQ(got.identity_secret, "secret");
  EXPECT_EQ(got.previous_secret, "old");
  EXPECT_EQ(got.previous_secret_until, t(90));
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.widget().all_allowed_origins(); }),
            s.allowed_origins);
}

TEST_P(widget_teams_contract, a_visitor_session_round_trips_and_is_revoked) {
  auto id = write([&](st::unit_of_work& u) {
    return u.widget().insert_session(visitor_session("v-1", 60), "wst-hash",
                                     std::string("https://acme.test"));
  });
  auto s = read([&](st::unit_of_work& u) { return u.widget().find_session("wst-hash"); });
  ASSERT_TRUE(s);
  EXPECT_EQ(s->id, id);
  EXPECT_EQ(s->workspace_id, ws_);
  EXPECT_EQ(s->contact_id, 0);
  EXPECT_EQ(s->visitor_id, "v-1");
  EXPECT_FALSE(s->verified);
  EXPECT_EQ(s->expires_at, t(60));
  EXPECT_EQ(s->name, "Vera");
  EXPECT_FALSE(s->revoked_at);
  read([&](st::unit_of_work& u) {
    EXPECT_TRUE(u.widget().visitor_known(ws_, "v-1"));
    EXPECT_FALSE(u.widget().visitor_known(ws_, "v-2"));
    auto [name, email] = u.widget().pending_profile(ws_, "v-1");
    EXPECT_EQ(name, "Vera");
    EXPECT_EQ(email, "vera@example.test");
  });
  write([&](st::unit_of_work& u) {
    u.widget().revoke_session(ws_ + 1, id, t(2));  // another workspace's: nothing
    u.widget().revoke_session(ws_, id, t(3));
    u.widget().revoke_session(ws_, id, t(4));  // the first time stays
  });
  EXPECT_EQ(
      read([&](st::unit_of_work& u) { return u.widget().find_session("wst-hash")->revoked_at; }),
      t(3));
  EXPECT_EQ(
      write([&](st::unit_of_work& u) { return u.widget().purge_expired_sessions(t(61), 10); }), 1);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.widget().find_session("wst-hash"); }));
}

TEST_P(widget_teams_contract, a_visitors_first_message_gives_it_a_contact_that_adopts_its_rows) {
  write([&](st::unit_of_work& u) {
    u.widget().insert_session(visitor_session("v-1", 60), "wst-hash", std::nullopt);
    u.widget().insert_event(ws_, 0, "v-1", "page.view", {{"path", "/pricing"}}, t(2));
  });
  auto contact = write(
      [&](st::unit_of_work& u) { return u.widget().contact_for_first_message(ws_, "v-1", t(3)); });
  EXPECT_EQ(write([&](st::unit_of_work& u) {
              return u.widget().contact_for_first_message(ws_, "v-1", t(4));
            }),
            contact);  // once
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, contact);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "Vera");
    EXPECT_EQ(c->email, "vera@example.test");
    EXPECT_EQ(u.widget().contact_of_visitor(ws_, "v-1"), contact);
    EXPECT_EQ(u.widget().find_session("wst-hash")->contact_id, contact);
    auto events = u.widget().events_of(ws_, contact, 10);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].name, "page.view");
    EXPECT_EQ(events[0].props["path"], "/pricing");
    EXPECT_FALSE(u.widget().visitor_known(ws_, "v-1"));  // no contact-less session left
  });
  auto conv = add_conversation(ws_, contact, 5);
  write([&](st::unit_of_work& u) { u.widget().record_starter(ws_, conv, "v-1", t(5)); });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.widget().starter_of(ws_, conv), "v-1");
    EXPECT_FALSE(u.widget().starter_of(ws_ + 1, conv));
    EXPECT_EQ(u.widget().conversations_started_by(ws_, "v-1", 10), std::vector<id_t>{conv});
    EXPECT_EQ(u.widget().conversations_of(ws_, contact, 10), std::vector<id_t>{conv});
  });
}

TEST_P(widget_teams_contract, unused_visitors_are_purged_and_used_ones_stay) {
  auto session = [&](const std::string& visitor, id_t contact, int created, int expires) {
    write([&](st::unit_of_work& u) {
      auto s = visitor_session(visitor, expires);
      s.created_at = t(created);
      s.contact_id = contact;
      u.widget().insert_session(s, "hash-" + visitor + "-" + std::to_string(created), std::nullopt);
    });
  };
  auto visitor_contact = [&](const std::string& visitor, int at) {
    return write([&](st::unit_of_work& u) { return u.widget().create_visitor(ws_, visitor, std::nullopt, t(at)); });
  };
  session("v-old", 0, 1, 500);   // never wrote, before the cutoff: goes
  session("v-new", 0, 20, 500);  // after the cutoff: stays
  write([&](st::unit_of_work& u) {
    u.widget().insert_event(ws_, 0, "v-old", "page.view", nlohmann::json::object(), t(1));
    u.widget().insert_event(ws_, 0, "v-new", "page.view", nlohmann::json::object(), t(20));
  });
  auto idle = visitor_contact("v-idle", 1);       // nothing ever used: goes
  auto talked = visitor_contact("v-talked", 1);   // has a conversation
  add_conversation(ws_, talked, 2);
  auto phoned = visitor_contact("v-phoned", 1);   // has an identity besides its visitor ids
  st::contacts::patch p;
  p.phones = std::vector<std::string>{"+14155550100"};
  write([&](st::unit_of_work& u) { u.contacts().update(ws_, phoned, p, t(1)); });
  auto live = visitor_contact("v-live", 1);       // has a live session
  session("v-live", live, 1, 500);
  auto expired = visitor_contact("v-expired", 1);  // its only session expired: goes
  session("v-expired", expired, 1, 5);
  auto recent = visitor_contact("v-recent", 20);  // changed after the cutoff
  auto agents = add_contact(ws_, "Added by an agent");  // not the widget's
  auto counts = write([&](st::unit_of_work& u) { return u.widget().purge_unused_visitors(t(10), t(30), 100); });
  EXPECT_EQ(counts.sessions, 1);
  EXPECT_EQ(counts.events, 1);
  EXPECT_EQ(counts.contacts, 2);
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.widget().visitor_known(ws_, "v-old"));
    EXPECT_TRUE(u.widget().visitor_known(ws_, "v-new"));
    EXPECT_FALSE(u.contacts().find(ws_, idle));
    EXPECT_FALSE(u.contacts().find(ws_, expired));
    EXPECT_FALSE(u.widget().contact_of_visitor(ws_, "v-idle"));
    for (auto id : {talked, phoned, live, recent, agents}) EXPECT_TRUE(u.contacts().find(ws_, id)) << id;
  });
  // At most `limit` rows of each kind a pass.
  for (int i = 0; i < 3; ++i) session("v-batch" + std::to_string(i), 0, 2, 500);
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.widget().purge_unused_visitors(t(10), t(30), 2); }).sessions, 2);
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.widget().purge_unused_visitors(t(10), t(30), 2); }).sessions, 1);
}

TEST_P(widget_teams_contract, expired_sessions_are_purged_a_batch_at_a_time) {
  write([&](st::unit_of_work& u) {
    for (int i = 0; i < 3; ++i) u.widget().insert_session(visitor_session("v-" + std::to_string(i), 5), "h" + std::to_string(i), std::nullopt);
    u.widget().insert_session(visitor_session("v-live", 60), "h-live", std::nullopt);
  });
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.widget().purge_expired_sessions(t(10), 2); }), 2);
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.widget().purge_expired_sessions(t(10), 2); }), 1);
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.widget().purge_expired_sessions(t(10), 2); }), 0);
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.widget().find_session("h-live"); }));
}

TEST_P(widget_teams_contract, visitors_contacts_profiles_identities_events_and_starters) {
  auto ann = add_teammate(ws_, "ann@acme.test", "agent", "available");
  add_teammate(ws_, "vic@acme.test", "viewer", "available");
  add_teammate(ws_, "al@acme.test", "agent", "away");
  auto available = read([&](st::unit_of_work& u) { return u.widget().available_teammates(ws_); });
  std::sort(available.begin(), available.end());  // a set: callers ask whether any is online
  EXPECT_EQ(available, (std::vector<id_t>{owner_, ann}));
  // A session of a known contact keeps no profile of its own; the newest given wins.
  auto a = visitor_session("v-1", 60);
  a.name = "Old name";
  a.email = std::nullopt;
  auto b = visitor_session("v-1", 60);
  b.email = std::nullopt;
  write([&](st::unit_of_work& u) {
    u.widget().insert_session(a, "h-a", std::nullopt);
    u.widget().insert_session(b, "h-b", std::nullopt);
    u.widget().insert_session(visitor_session("v-1", 60), "h-c", std::nullopt);
    auto d = visitor_session("v-1", 60);
    d.name = std::nullopt;
    u.widget().insert_session(d, "h-d", std::nullopt);
  });
  read([&](st::unit_of_work& u) {
    auto [name, email] = u.widget().pending_profile(ws_, "v-1");
    EXPECT_EQ(name, "Vera");
    EXPECT_EQ(email, "vera@example.test");
    auto none = u.widget().pending_profile(ws_, "v-unknown");
    EXPECT_FALSE(none.first);
    EXPECT_FALSE(none.second);
  });
  // A visitor without anything said about itself gets a nameless contact.
  auto quiet = write([&](st::unit_of_work& u) { return u.widget().contact_for_first_message(ws_, "v-quiet", t(2)); });
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, quiet);
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->name);
    EXPECT_FALSE(c->email);
    EXPECT_EQ(c->attributes, (nlohmann::json{{"source", "widget"}}));
  });
  // Identities: a taken visitor id is not taken again; the external id is read back.
  auto known = write([&](st::unit_of_work& u) {
    auto id = u.widget().create_visitor(ws_, "v-2", std::string("Kim"), t(3));
    u.widget().add_visitor_identity(ws_, id, "v-3", t(3));
    u.widget().add_visitor_identity(ws_, quiet, "v-3", t(3));  // v-3 is id's: ignored
    return id;
  });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.widget().contact_of_visitor(ws_, "v-2"), known);
    EXPECT_EQ(u.widget().contact_of_visitor(ws_, "v-3"), known);
    EXPECT_FALSE(u.widget().contact_of_visitor(ws_ + 1, "v-2"));
    EXPECT_FALSE(u.widget().external_id_of(ws_, known));
  });
  st::contacts::patch ext;
  ext.external_id = std::optional<std::string>("user-9");
  write([&](st::unit_of_work& u) { u.contacts().update(ws_, known, ext, t(3)); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.widget().external_id_of(ws_, known); }), "user-9");
  // An unverified profile: a name replaces, an email only fills a gap.
  write([&](st::unit_of_work& u) {
    u.widget().set_unverified_profile(ws_, known, std::string("Kim K"), std::string("kim@example.test"), t(4));
    u.widget().set_unverified_profile(ws_, known, std::nullopt, std::string("other@example.test"), t(5));
  });
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, known);
    EXPECT_EQ(c->name, "Kim K");
    EXPECT_EQ(c->email, "kim@example.test");
    EXPECT_EQ(c->updated_at, t(5));
    EXPECT_FALSE(u.contacts().find_by_identity(ws_, "email", "kim@example.test"));  // never an identity
  });
  // Events: newest first, at most `limit`; moved with sessions to a merge's survivor.
  write([&](st::unit_of_work& u) {
    for (int i = 0; i < 3; ++i) u.widget().insert_event(ws_, quiet, "v-quiet", "e" + std::to_string(i), {{"i", i}}, t(10 + i));
    auto s = visitor_session("v-quiet", 60);
    s.contact_id = quiet;
    u.widget().insert_session(s, "h-quiet", std::nullopt);
  });
  auto names = [&](id_t contact, int limit) {
    return read([&](st::unit_of_work& u) {
      std::vector<std::string> out;
      for (auto& e : u.widget().events_of(ws_, contact, limit)) out.push_back(e.name);
      return out;
    });
  };
  EXPECT_EQ(names(quiet, 2), (std::vector<std::string>{"e2", "e1"}));
  auto q = read([&](st::unit_of_work& u) { return u.widget().find_session("h-quiet"); });
  EXPECT_EQ(q->contact_id, quiet);
  EXPECT_FALSE(q->name);  // a contact's session keeps no profile
  write([&](st::unit_of_work& u) { u.widget().move_visitor_rows(ws_ + 1, known, quiet); });  // another workspace: nothing
  EXPECT_EQ(names(quiet, 10).size(), 3u);
  write([&](st::unit_of_work& u) { u.widget().move_visitor_rows(ws_, known, quiet); });
  EXPECT_TRUE(names(quiet, 10).empty());
  EXPECT_EQ(names(known, 10), (std::vector<std::string>{"e2", "e1", "e0"}));
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.widget().find_session("h-quiet")->contact_id; }), known);
  // Starters: the first recorded stays; a visitor's chats newest first, at most `limit`.
  auto c1 = add_conversation(ws_, known, 20), c2 = add_conversation(ws_, known, 21), c3 = add_conversation(ws_, known, 22);
  write([&](st::unit_of_work& u) {
    u.widget().record_starter(ws_, c1, "v-2", t(20));
    u.widget().record_starter(ws_, c1, "v-3", t(20));
    u.widget().record_starter(ws_, c3, "v-2", t(22));
    u.widget().record_starter(ws_, c2, "v-2", t(21));
  });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.widget().starter_of(ws_, c1), "v-2");
    EXPECT_EQ(u.widget().conversations_started_by(ws_, "v-2", 2), (std::vector<id_t>{c3, c2}));
    EXPECT_TRUE(u.widget().conversations_started_by(ws_, "v-3", 10).empty());
    EXPECT_EQ(u.widget().conversations_of(ws_, known, 2), (std::vector<id_t>{c3, c2}));
    EXPECT_TRUE(u.widget().conversations_of(ws_ + 1, known, 10).empty());
  });
}

TEST_P(widget_teams_contract, a_teams_channel_link_round_trips_and_is_replaced) {
  st::teams::channel_link l;
  l.workspace_id = ws_;
  l.owner_kind = "teammate";
  l.owner_id = owner_;
  l.service_url = "https://smba.example.test/";
  l.channel_id = "19:abc";
  l.team_id = "team-1";
  l.tenant_id = "tenant-1";
  l.linked_by = owner_;
  auto id = write([&](st::unit_of_work& u) { return u.teams_links().link_channel(l, t(1)); });
  auto got = read(
      [&](st::unit_of_work& u) { return u.teams_links().channel_of(ws_, "teammate", owner_); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->channel_id, "19:abc");
  EXPECT_EQ(got->service_url, "https://smba.example.test/");
  EXPECT_EQ(got->tenant_id, "tenant-1");
  EXPECT_EQ(got->linked_by, owner_);
  l.channel_id = "19:def";
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.teams_links().link_channel(l, t(2)); }), id);
  auto other = store_->add_workspace("Other");
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.teams_links().channel_of(ws_, "teammate", owner_)->channel_id, "19:def");
    EXPECT_FALSE(u.teams_links().channel_of(ws_, "team", owner_));
    EXPECT_TRUE(u.teams_links().any_channel_linked(ws_));
    EXPECT_FALSE(u.teams_links().any_channel_linked(other));
    EXPECT_EQ(u.teams_links().workspace_for_tenant("tenant-1"), ws_);
  });
}

TEST_P(widget_teams_contract, a_teams_user_belongs_to_one_teammate) {
  auto ann = add_teammate(ws_, "ann@acme.test");
  write([&](st::unit_of_work& u) {
    u.teams_links().set_user(ws_, owner_, std::string("aad-1"), t(1));
  });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.teams_links().user_of(ws_, owner_), "aad-1");
    EXPECT_EQ(u.teams_links().teammate_by_user("aad-1")->id, owner_);
    EXPECT_FALSE(u.teams_links().teammate_by_user("aad-2"));
  });
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              u.teams_links().set_user(ws_, ann, std::string("aad-1"), t(2));
            }),
            "CONFLICT");
  write([&](st::unit_of_work& u) { u.teams_links().set_user(ws_, owner_, std::nullopt, t(3)); });
  EXPECT_FALSE(
      read([&](st::unit_of_work& u) { return u.teams_links().teammate_by_user("aad-1"); }));
}

TEST_P(widget_teams_contract, a_conversations_teams_thread_goes_pending_created_failed_retried) {
  auto conv = add_conversation(ws_, add_contact(ws_, "Ada"), 0);
  st::teams::channel_link l;
  l.workspace_id = ws_;
  l.owner_kind = "teammate";
  l.owner_id = owner_;
  l.service_url = "https://smba.example.test/";
  l.channel_id = "19:abc";
  auto link = write([&](st::unit_of_work& u) { return u.teams_links().link_channel(l, t(1)); });
  st::teams::thread th;
  th.workspace_id = ws_;
  th.conversation_id = conv;
  th.channel_link_id = link;
  th.service_url = l.service_url;
  th.channel_id = l.channel_id;
  th.status = "pending";
  auto id = write([&](st::unit_of_work& u) { return u.teams_links().insert_thread(th, t(2)); });
  auto got =
      read([&](st::unit_of_work& u) { return u.teams_links().thread_of_conversation(ws_, conv); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->status, "pending");
  EXPECT_FALSE(got->thread_id);
  write([&](st::unit_of_work& u) { u.teams_links().thread_failed(id, t(3)); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.teams_links().find_thread(ws_, id)->status; }),
            "failed");
  write([&](st::unit_of_work& u) { u.teams_links().thread_retry(id, t(4)); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.teams_links().find_thread(ws_, id)->status; }),
            "pending");
  write(
      [&](st::unit_of_work& u) { u.teams_links().thread_created(id, "19:abc;messageid=1", t(5)); });
  read([&](st::unit_of_work& u) {
    auto by_teams = u.teams_links().thread_by_teams_id("19:abc;messageid=1");
    ASSERT_TRUE(by_teams);
    EXPECT_EQ(by_teams->id, id);
    EXPECT_EQ(by_teams->status, "created");
    EXPECT_EQ(by_teams->conversation_id, conv);
    EXPECT_FALSE(u.teams_links().find_thread(ws_ + 1, id));
  });
}

TEST_P(widget_teams_contract, a_teams_tenant_finds_its_workspace_else_the_first) {
  auto other = store_->add_workspace("Other");
  auto link = [&](id_t ws, id_t owner, const std::string& tenant) {
    st::teams::channel_link l;
    l.workspace_id = ws;
    l.owner_kind = "team";
    l.owner_id = owner;
    l.service_url = "https://smba.example.test/";
    l.channel_id = "19:" + std::to_string(owner);
    l.tenant_id = tenant;
    return write([&](st::unit_of_work& u) { return u.teams_links().link_channel(l, t(1)); });
  };
  auto first = link(other, 1, "tenant-2");
  auto second = link(other, 2, "");
  EXPECT_NE(first, second);
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.teams_links().workspace_for_tenant("tenant-2"), other);
    EXPECT_EQ(u.teams_links().workspace_for_tenant("tenant-9"), ws_);  // unknown: the first
    EXPECT_EQ(u.teams_links().workspace_for_tenant(""), ws_);          // an empty tenant names none
    auto l = u.teams_links().channel_of(other, "team", 2);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->id, second);
    EXPECT_EQ(l->tenant_id, "");
    EXPECT_EQ(l->team_id, "");
    EXPECT_FALSE(l->linked_by);
  });
}

TEST_P(widget_teams_contract, a_teams_user_names_the_whole_teammate_and_a_conversation_its_line) {
  auto ann = add_teammate(ws_, "ann@acme.test");
  write([&](st::unit_of_work& u) {
    u.teams_links().set_user(ws_, ann, std::string("aad-ann"), t(1));
  });
  write([&](st::unit_of_work& u) {
    u.teams_links().set_user(ws_, ann, std::string("aad-ann-2"), t(2));  // replaced
  });
  read([&](st::unit_of_work& u) {
    auto who = u.teams_links().teammate_by_user("aad-ann-2");
    ASSERT_TRUE(who);
    EXPECT_EQ(who->id, ann);
    EXPECT_EQ(who->workspace_id, ws_);
    EXPECT_EQ(who->email, "ann@acme.test");
    EXPECT_EQ(who->role, "agent");
    EXPECT_FALSE(u.teams_links().teammate_by_user("aad-ann"));
    EXPECT_FALSE(u.teams_links().user_of(ws_, owner_));
    EXPECT_FALSE(u.teams_links().user_of(ws_ + 1, ann));
    EXPECT_FALSE(u.teams_links().thread_by_teams_id("19:none;messageid=1"));
  });
  auto k = add_contact(ws_, "Ada", {"+14155550100"});
  auto on_line = add_conversation(ws_, k, 1), chat = add_conversation(ws_, k, 2);
  write([&](st::unit_of_work& u) {
    st::numbers::number_row n;
    n.workspace_id = ws_;
    n.number = "+14155550199";
    n.carrier = "sandbox";
    n.status = "active";
    n.created_at = t(0);
    u.conversations().set_number(on_line, u.numbers().insert(n));
  });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.teams_links().line_of_conversation(ws_, on_line), "+14155550199");
    EXPECT_FALSE(u.teams_links().line_of_conversation(ws_, chat));
    EXPECT_FALSE(u.teams_links().line_of_conversation(ws_ + 1, on_line));
  });
}

}  // namespace

CONTRACT_SUITE(widget_teams_contract);

}  // namespace contract
