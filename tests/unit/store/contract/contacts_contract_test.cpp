// Contract: contacts and their identities, merge and erasure.
#include <map>

#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class contacts_contract : public contract_test {};

TEST_P(contacts_contract, insert_and_find_round_trip_with_identities) {
  auto id = write([&](st::unit_of_work& u) {
    st::contact c;
    c.workspace_id = ws_;
    c.name = "Ada";
    c.email = "ada@example.test";
    c.external_id = "user-1";
    c.phones = {"+14155550100", "+14155550101"};
    c.attributes = {{"plan", "pro"}};
    c.created_at = c.updated_at = t(1);
    return u.contacts().insert(c);
  });
  auto c = read([&](st::unit_of_work& u) { return u.contacts().find(ws_, id); });
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "Ada");
  EXPECT_EQ(c->email, "ada@example.test");
  EXPECT_EQ(c->external_id, "user-1");
  EXPECT_EQ(c->phones, (std::vector<std::string>{"+14155550100", "+14155550101"}));
  EXPECT_EQ(c->attributes, (nlohmann::json{{"plan", "pro"}}));
  EXPECT_EQ(c->created_at, t(1));
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "phone", "+14155550101"), id);
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "email", "ada@example.test"), id);
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "external", "user-1"), id);
    EXPECT_FALSE(u.contacts().find_by_identity(ws_, "phone", "+14155550199"));
  });
}

TEST_P(contacts_contract, identities_are_scoped_to_the_workspace_and_taken_once) {
  auto other = store_->add_workspace("Other");
  auto ours = add_contact(ws_, "Ada", {"+14155550100"});
  auto theirs = add_contact(other, "Ada elsewhere", {"+14155550100"});  // fine: another workspace
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "phone", "+14155550100"), ours);
    EXPECT_EQ(u.contacts().find_by_identity(other, "phone", "+14155550100"), theirs);
    EXPECT_FALSE(u.contacts().find(other, ours));
  });
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              st::contact c;
              c.workspace_id = ws_;
              c.phones = {"+14155550100"};
              c.created_at = c.updated_at = t(2);
              u.contacts().insert(c);
            }),
            "CONFLICT");
  // The failed job left nothing behind.
  EXPECT_EQ(read([&](st::unit_of_work& u) {
              return u.contacts().list(ws_, std::nullopt, 10, std::nullopt).size();
            }),
            1u);
}

TEST_P(contacts_contract, list_is_newest_first_with_a_cursor_and_a_search) {
  auto a = add_contact(ws_, "Ada Lovelace", {"+14155550100"});
  auto b = add_contact(ws_, "Bob");
  auto c = add_contact(ws_, "Cyd", {"+14155550177"});
  auto ids = [&](std::optional<id_t> before, int limit, std::optional<std::string> q) {
    return read([&](st::unit_of_work& u) {
      std::vector<id_t> out;
      for (auto& k : u.contacts().list(ws_, before, limit, q)) out.push_back(k.id);
      return out;
    });
  };
  EXPECT_EQ(ids(std::nullopt, 10, std::nullopt), (std::vector<id_t>{c, b, a}));
  EXPECT_EQ(ids(std::nullopt, 2, std::nullopt), (std::vector<id_t>{c, b}));
  EXPECT_EQ(ids(b, 2, std::nullopt), std::vector<id_t>{a});
  EXPECT_EQ(ids(std::nullopt, 10, std::string("love")), std::vector<id_t>{a});
  EXPECT_EQ(ids(std::nullopt, 10, std::string("0177")), std::vector<id_t>{c});
  EXPECT_TRUE(ids(std::nullopt, 10, std::string("%")).empty());  // a wildcard is literal
}

TEST_P(contacts_contract, update_patches_fields_identities_and_attributes) {
  auto id = write([&](st::unit_of_work& u) {
    st::contact c;
    c.workspace_id = ws_;
    c.name = "Ada";
    c.phones = {"+14155550100"};
    c.attributes = {{"plan", "pro"}, {"seats", 3}};
    c.created_at = c.updated_at = t(1);
    return u.contacts().insert(c);
  });
  st::contacts::patch p;
  p.email = std::optional<std::string>("ada@example.test");
  p.phones = std::vector<std::string>{"+14155550102"};
  p.attributes = nlohmann::json{{"seats", nullptr}, {"tier", "gold"}};
  write([&](st::unit_of_work& u) { u.contacts().update(ws_, id, p, t(5)); });
  auto c = read([&](st::unit_of_work& u) { return *u.contacts().find(ws_, id); });
  EXPECT_EQ(c.name, "Ada");
  EXPECT_EQ(c.email, "ada@example.test");
  EXPECT_EQ(c.phones, std::vector<std::string>{"+14155550102"});
  EXPECT_EQ(c.attributes, (nlohmann::json{{"plan", "pro"}, {"tier", "gold"}}));
  EXPECT_EQ(c.updated_at, t(5));
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.contacts().find_by_identity(ws_, "phone", "+14155550100"));
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "email", "ada@example.test"), id);
  });
}

TEST_P(contacts_contract, merge_moves_identities_and_conversations_and_fills_gaps) {
  auto into = write([&](st::unit_of_work& u) {
    st::contact c;
    c.workspace_id = ws_;
    c.name = "Ada";
    c.attributes = {{"plan", "pro"}};
    c.phones = {"+14155550100"};
    c.created_at = c.updated_at = t(1);
    return u.contacts().insert(c);
  });
  auto from = write([&](st::unit_of_work& u) {
    st::contact c;
    c.workspace_id = ws_;
    c.email = "ada@example.test";
    c.attributes = {{"plan", "free"}, {"city", "London"}};
    c.phones = {"+14155550101"};
    c.created_at = c.updated_at = t(2);
    return u.contacts().insert(c);
  });
  auto conv = add_conversation(ws_, from, 3);
  write([&](st::unit_of_work& u) { u.contacts().merge(ws_, into, from, t(4)); });
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.contacts().find(ws_, from));
    auto c = u.contacts().find(ws_, into);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "Ada");
    EXPECT_EQ(c->email, "ada@example.test");
    EXPECT_EQ(c->phones, (std::vector<std::string>{"+14155550100", "+14155550101"}));
    EXPECT_EQ(c->attributes, (nlohmann::json{{"plan", "pro"}, {"city", "London"}}));
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "phone", "+14155550101"), into);
    EXPECT_EQ(u.conversations().find(ws_, conv)->contact_id, into);
  });
}

TEST_P(contacts_contract, erase_removes_the_contact_and_everything_of_theirs) {
  auto ada = add_contact(ws_, "Ada", {"+14155550100"});
  auto bob = add_contact(ws_, "Bob", {"+14155550200"});
  auto conv = add_conversation(ws_, ada, 1), kept = add_conversation(ws_, bob, 2);
  auto m = text(ws_, conv, "my secret", 3);
  m.external_id = "SMada";
  id_t msg = 0, outbox_row = 0;
  write([&](st::unit_of_work& u) {
    msg = u.messages().insert(m);
    u.messages().insert(text(ws_, kept, "bob's", 4));
    outbox_row = u.outbox().enqueue(ws_, "message.send.sms",
                                    {{"message_id", msg}, {"conversation_id", conv}}, t(3));
    u.numbers().record_webhook("sandbox", "SMada", "sms", ws_, "<Response/>", t(3));
    for (auto c : {conv, kept}) {
      st::reports::conversation_state s;
      s.workspace_id = ws_;
      s.conversation_id = c;
      s.opened_at = t(1);
      u.reports().save_state(s);
    }
  });
  store_->list_for_backfill(ws_, conv, t(5));
  store_->list_for_backfill(ws_, kept, t(5));
  write([&](st::unit_of_work& u) { u.contacts().erase(ws_, ada); });
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.contacts().find(ws_, ada));
    EXPECT_FALSE(u.contacts().find_by_identity(ws_, "phone", "+14155550100"));
    EXPECT_FALSE(u.conversations().find(ws_, conv));
    EXPECT_FALSE(u.messages().find(ws_, msg));
    EXPECT_FALSE(u.messages().find_by_external_any("sms", "SMada"));
    EXPECT_FALSE(u.numbers().webhook_response("sandbox", "SMada", "sms"));
    EXPECT_EQ(u.outbox().attempts(outbox_row), 0);
    EXPECT_TRUE(u.outbox().due(t(100), 10).empty());
    // Someone else's are untouched.
    EXPECT_TRUE(u.contacts().find(ws_, bob));
    EXPECT_EQ(u.messages().thread(ws_, kept, std::nullopt, 10, true).size(), 1u);
    // The reporting state and history listing of their conversation go; Bob's stay.
    EXPECT_FALSE(u.reports().state_of(ws_, conv));
    EXPECT_TRUE(u.reports().state_of(ws_, kept));
    auto listed = u.reports().backfill_pending(10);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].conversation_id, kept);
  });
}

TEST_P(contacts_contract, search_ignores_ascii_case_matches_email_and_identities_and_takes_wildcards_literally) {
  auto other = store_->add_workspace("Other");
  auto ada = write([&](st::unit_of_work& u) {
    st::contact c;
    c.workspace_id = ws_;
    c.name = "Ada Lovelace";
    c.email = "Ada@Example.test";
    c.external_id = "crm-7781";
    c.phones = {"+14155550100"};
    c.created_at = c.updated_at = t(1);
    return u.contacts().insert(c);
  });
  auto underscore = add_contact(ws_, "Bob_Smith");
  auto spaced = add_contact(ws_, "Bob Smith");
  auto cyd = add_contact(ws_, "Cyd", {"+14155550177"});
  add_contact(other, "Ada Elsewhere", {"+14155550100"});
  auto ids = [&](std::optional<id_t> before, int limit, std::string q) {
    return read([&](st::unit_of_work& u) {
      std::vector<id_t> out;
      for (auto& k : u.contacts().list(ws_, before, limit, q)) out.push_back(k.id);
      return out;
    });
  };
  EXPECT_EQ(ids(std::nullopt, 10, "LOVELACE"), std::vector<id_t>{ada});
  EXPECT_EQ(ids(std::nullopt, 10, "ada@EXAMPLE"), std::vector<id_t>{ada});  // the email, any case
  EXPECT_EQ(ids(std::nullopt, 10, "CRM-77"), std::vector<id_t>{ada});       // an identity, any case
  EXPECT_EQ(ids(std::nullopt, 10, "b_s"), std::vector<id_t>{underscore});   // `_` is not a wildcard
  EXPECT_EQ(ids(std::nullopt, 10, "smith"), (std::vector<id_t>{spaced, underscore}));
  EXPECT_TRUE(ids(std::nullopt, 10, "\\").empty());
  EXPECT_TRUE(ids(std::nullopt, 10, "Elsewhere").empty());  // another workspace's
  // Newest first, one row per contact however many of its fields match, with the cursor.
  EXPECT_EQ(ids(std::nullopt, 10, "+1415555"), (std::vector<id_t>{cyd, ada}));
  EXPECT_EQ(ids(std::nullopt, 1, "+1415555"), std::vector<id_t>{cyd});
  EXPECT_EQ(ids(cyd, 10, "+1415555"), std::vector<id_t>{ada});
  EXPECT_EQ(ids(std::nullopt, 10, "M"), (std::vector<id_t>{spaced, underscore, ada}));
  // A listed contact carries its phones and external id.
  auto listed = read([&](st::unit_of_work& u) { return u.contacts().list(ws_, std::nullopt, 10, std::string("ada")); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].phones, std::vector<std::string>{"+14155550100"});
  EXPECT_EQ(listed[0].external_id, "crm-7781");
  EXPECT_EQ(listed[0].email, "Ada@Example.test");
}

TEST_P(contacts_contract, update_clears_fields_replaces_the_external_id_merges_nested_attributes_and_a_taken_email_conflicts) {
  auto ada = write([&](st::unit_of_work& u) {
    st::contact c;
    c.workspace_id = ws_;
    c.name = "Ada";
    c.email = "ada@example.test";
    c.external_id = "x-1";
    c.attributes = {{"prefs", {{"lang", "en"}, {"tz", "UTC"}}}, {"plan", "pro"}};
    c.created_at = c.updated_at = t(1);
    return u.contacts().insert(c);
  });
  auto bob = add_contact(ws_, "Bob");
  st::contacts::patch p;
  p.name = std::optional<std::string>();  // cleared
  p.external_id = std::optional<std::string>("x-2");
  p.attributes = nlohmann::json{{"prefs", {{"tz", nullptr}, {"theme", "dark"}}}};
  write([&](st::unit_of_work& u) { u.contacts().update(ws_, ada, p, t(2)); });
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, ada);
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->name);
    EXPECT_EQ(c->email, "ada@example.test");  // not in the patch: kept
    EXPECT_EQ(c->external_id, "x-2");
    EXPECT_EQ(c->attributes, (nlohmann::json{{"prefs", {{"lang", "en"}, {"theme", "dark"}}}, {"plan", "pro"}}));
    EXPECT_EQ(c->updated_at, t(2));
    EXPECT_FALSE(u.contacts().find_by_identity(ws_, "external", "x-1"));
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "external", "x-2"), ada);
  });
  st::contacts::patch clear;
  clear.external_id = std::optional<std::string>();
  clear.email = std::optional<std::string>();
  write([&](st::unit_of_work& u) { u.contacts().update(ws_, ada, clear, t(3)); });
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, ada);
    EXPECT_FALSE(c->external_id);
    EXPECT_FALSE(c->email);
    EXPECT_FALSE(u.contacts().find_by_identity(ws_, "email", "ada@example.test"));
  });
  // Bob takes an email Ada has again: CONFLICT, and Bob is as he was.
  st::contacts::patch again;
  again.email = std::optional<std::string>("ada@example.test");
  write([&](st::unit_of_work& u) { u.contacts().update(ws_, ada, again, t(4)); });
  st::contacts::patch taken;
  taken.email = std::optional<std::string>("ada@example.test");
  taken.name = std::optional<std::string>("Bobby");
  EXPECT_EQ(write_error([&](st::unit_of_work& u) { u.contacts().update(ws_, bob, taken, t(5)); }), "CONFLICT");
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, bob);
    EXPECT_EQ(c->name, "Bob");
    EXPECT_FALSE(c->email);
    EXPECT_EQ(c->updated_at, t(0));
  });
}

TEST_P(contacts_contract, merge_keeps_the_survivors_external_id_else_takes_the_others_and_merges_nested_attributes) {
  auto make = [&](std::optional<std::string> name, std::optional<std::string> email, std::optional<std::string> ext,
                  nlohmann::json attributes) {
    return write([&](st::unit_of_work& u) {
      st::contact c;
      c.workspace_id = ws_;
      c.name = name;
      c.email = email;
      c.external_id = ext;
      c.attributes = attributes;
      c.created_at = c.updated_at = t(1);
      return u.contacts().insert(c);
    });
  };
  auto into = make("Ada", std::nullopt, "ext-into", {{"prefs", {{"lang", "en"}}}, {"plan", "pro"}});
  auto from = make("Ada B", "ada@example.test", "ext-from", {{"prefs", {{"tz", "UTC"}}}, {"plan", "free"}});
  write([&](st::unit_of_work& u) { u.contacts().merge(ws_, into, from, t(2)); });
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, into);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->name, "Ada");                 // into's wins
    EXPECT_EQ(c->email, "ada@example.test");   // a gap filled
    EXPECT_EQ(c->external_id, "ext-into");
    EXPECT_EQ(c->attributes, (nlohmann::json{{"prefs", {{"lang", "en"}, {"tz", "UTC"}}}, {"plan", "pro"}}));
    EXPECT_EQ(c->updated_at, t(2));
    EXPECT_FALSE(u.contacts().find_by_identity(ws_, "external", "ext-from"));  // went with `from`
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "email", "ada@example.test"), into);
  });
  auto bare = make(std::nullopt, std::nullopt, std::nullopt, nlohmann::json::object());
  auto known = make("Kim", std::nullopt, "ext-kim", {{"vip", true}});
  write([&](st::unit_of_work& u) { u.contacts().merge(ws_, bare, known, t(3)); });
  read([&](st::unit_of_work& u) {
    auto c = u.contacts().find(ws_, bare);
    EXPECT_EQ(c->name, "Kim");
    EXPECT_EQ(c->external_id, "ext-kim");
    EXPECT_EQ(c->attributes, (nlohmann::json{{"vip", true}}));
    EXPECT_EQ(u.contacts().find_by_identity(ws_, "external", "ext-kim"), bare);
    EXPECT_FALSE(u.contacts().find(ws_, known));
  });
}

TEST_P(contacts_contract, erase_finds_their_data_in_logs_payloads_visits_audit_and_consent_and_leaves_others) {
  auto ada = write([&](st::unit_of_work& u) {
    st::contact c;
    c.workspace_id = ws_;
    c.name = "Ada King";
    c.email = "ada@example.test";
    c.external_id = "u1";  // too short to be looked for in free text
    c.phones = {"+14155550100"};
    c.created_at = c.updated_at = t(0);
    return u.contacts().insert(c);
  });
  auto bob = add_contact(ws_, "Bob", {"+14155550200"});
  auto conv = add_conversation(ws_, ada, 1), bobs = add_conversation(ws_, bob, 2);
  auto m = text(ws_, conv, "hello", 3);
  m.external_id = "SMada1";
  id_t o_bob = 0;
  write([&](st::unit_of_work& u) {
    auto msg = u.messages().insert(m);
    // Outbox rows without a conversation: one naming their message, a text about
    // them to a teammate's phone (their phone as displayed), and Bob's.
    u.outbox().enqueue(ws_, "sms.relay", {{"message_id", msg}}, t(3));
    u.outbox().enqueue(ws_, "sms.relay", {{"to", "+14155550999"}, {"body", "+1 415-555-0100: hello"}}, t(3));
    o_bob = u.outbox().enqueue(ws_, "sms.relay", {{"conversation_id", bobs}, {"body", "ask u1"}}, t(3));
    // The sandbox's log: from their phone, their message's SID, naming their email; Bob's.
    u.numbers().record_sandbox_message(ws_, "SB1", "+14155550100", "+14155550300", "hi", t(3));
    u.numbers().record_sandbox_message(ws_, "SMada1", "+14155550300", "+14155550400", "x", t(3));
    u.numbers().record_sandbox_message(ws_, "SB3", "+14155550300", "+14155550400", "to ada@example.test", t(3));
    u.numbers().record_sandbox_message(ws_, "SB4", "+14155550300", "+14155550400", "bob's", t(3));
    st::routing::undeliverable ev;
    ev.carrier = "sandbox";
    ev.kind = "sms";
    ev.reason = "no owner";
    ev.created_at = t(3);
    ev.sid = "SU1";
    ev.from = "+14155550100";
    ev.to = "+14155550300";
    u.routing().record_undeliverable(ev);  // of no workspace: theirs all the same
    ev.sid = "SU2";
    ev.from = "+14155550200";
    ev.workspace_id = ws_;
    u.routing().record_undeliverable(ev);
    u.numbers().record_webhook("sandbox", "CA1", "voice", std::nullopt, "<Dial>+14155550100</Dial>", t(3));
    u.numbers().record_webhook("sandbox", "CA2", "voice", ws_, "<Dial>+14155550200</Dial>", t(3));
    // Widget visits without a contact: of the visitor that started their chat, of a
    // visitor id of theirs; and Bob's.
    u.widget().record_starter(ws_, conv, "v-ada", t(3));
    u.widget().add_visitor_identity(ws_, ada, "v-ada2", t(3));
    for (auto v : {"v-ada", "v-ada2", "v-bob"}) {
      st::widget::session s;
      s.workspace_id = ws_;
      s.visitor_id = v;
      s.created_at = t(3);
      s.expires_at = t(90);
      u.widget().insert_session(s, std::string("hash-") + v, std::nullopt);
      u.widget().insert_event(ws_, 0, v, "page.view", {{"path", "/"}}, t(3));
    }
    u.auth().audit(ws_, owner_, "contact.updated", "contact", ada, {{"name", "Ada King"}}, "127.0.0.1", t(3));
    u.auth().audit(ws_, owner_, "contact.merged", "contact", bob, {{"merged_from", std::to_string(ada)}}, "127.0.0.1", t(3));
    u.auth().audit(ws_, owner_, "contact.renamed", "contact", bob, {{"name", "Bob"}}, "127.0.0.1", t(3));
    for (auto phone : {"+14155550100", "+14155550200"}) {
      st::consent_entry e;
      e.workspace_id = ws_;
      e.phone = phone;
      e.state = "opted_out";
      e.source = "keyword";
      e.created_at = t(3);
      u.consent().record(e);
    }
  });
  write([&](st::unit_of_work& u) { u.contacts().erase(ws_, ada, {"+1 415-555-0100"}); });
  read([&](st::unit_of_work& u) {
    auto due = u.outbox().due(t(100), 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].id, o_bob);
    auto sids = [&](const std::string& to) {
      std::vector<std::string> out;
      for (auto& s : u.numbers().sandbox_messages_to(ws_, to, std::nullopt, std::nullopt, 10)) out.push_back(s.sid);
      return out;
    };
    EXPECT_TRUE(sids("+14155550300").empty());
    EXPECT_EQ(sids("+14155550400"), std::vector<std::string>{"SB4"});
    auto und = u.routing().list_undeliverable(ws_, std::nullopt, 10);
    ASSERT_EQ(und.size(), 1u);
    EXPECT_EQ(und[0].from, "+14155550200");
    EXPECT_FALSE(u.numbers().webhook_response("sandbox", "CA1", "voice"));
    EXPECT_TRUE(u.numbers().webhook_response("sandbox", "CA2", "voice"));
    EXPECT_FALSE(u.widget().visitor_known(ws_, "v-ada"));
    EXPECT_FALSE(u.widget().visitor_known(ws_, "v-ada2"));
    EXPECT_TRUE(u.widget().visitor_known(ws_, "v-bob"));
    std::map<std::string, nlohmann::json> details;
    for (auto& a : u.auth().list_audit(ws_, std::nullopt, 10)) details[a["action"]] = a["details"];
    EXPECT_EQ(details["contact.updated"], nlohmann::json::object());
    EXPECT_EQ(details["contact.merged"], nlohmann::json::object());
    EXPECT_EQ(details["contact.renamed"], (nlohmann::json{{"name", "Bob"}}));
    auto h = u.consent().history(ws_, {"+14155550100", "+14155550200"});
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].phone, "+14155550200");
  });
  // Their visitors' events went too: a new contact of the same visitor adopts none.
  write([&](st::unit_of_work& u) {
    EXPECT_TRUE(u.widget().events_of(ws_, u.widget().contact_for_first_message(ws_, "v-ada", t(4)), 10).empty());
    EXPECT_EQ(u.widget().events_of(ws_, u.widget().contact_for_first_message(ws_, "v-bob", t(4)), 10).size(), 1u);
  });
}

}  // namespace

CONTRACT_SUITE(contacts_contract);

}  // namespace contract
