// Contract: contacts and their identities, merge and erasure.
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
  });
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
  });
}

}  // namespace

CONTRACT_SUITE(contacts_contract);

}  // namespace contract
