// Contract: teammates' sessions, API keys and the audit log.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class auth_contract : public contract_test {};

TEST_P(auth_contract, a_session_is_found_by_its_token_hash_until_deleted) {
  write([&](st::unit_of_work& u) { u.auth().insert_session(ws_, owner_, "hash-a", t(1), t(60)); });
  auto found = read([&](st::unit_of_work& u) { return u.auth().find_token("hash-a"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->who.workspace_id, ws_);
  EXPECT_EQ(found->who.teammate_id, owner_);
  EXPECT_EQ(found->who.role, "owner");
  EXPECT_EQ(found->who.name, "Olive Owner");
  EXPECT_FALSE(found->who.via_api_key);
  EXPECT_NE(found->who.credential_id, 0);
  EXPECT_EQ(found->expires_at, t(60));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.auth().find_token("hash-b"); }));
  auto deleted = write([&](st::unit_of_work& u) { return u.auth().delete_session("hash-a"); });
  EXPECT_EQ(deleted, found->who.credential_id);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.auth().find_token("hash-a"); }));
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.auth().delete_session("hash-a"); }));
}

TEST_P(auth_contract, signing_a_teammate_out_everywhere_deletes_only_theirs) {
  auto ann = add_teammate(ws_, "ann@acme.test");
  write([&](st::unit_of_work& u) {
    u.auth().insert_session(ws_, owner_, "owner-1", t(1), t(60));
    u.auth().insert_session(ws_, owner_, "owner-2", t(1), t(60));
    u.auth().insert_session(ws_, ann, "ann-1", t(1), t(60));
  });
  write([&](st::unit_of_work& u) { u.auth().delete_sessions_of(ws_, owner_); });
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.auth().find_token("owner-1"));
    EXPECT_FALSE(u.auth().find_token("owner-2"));
    EXPECT_EQ(u.auth().find_token("ann-1")->who.teammate_id, ann);
  });
}

TEST_P(auth_contract, api_keys_round_trip_and_stop_working_when_revoked) {
  auto id = write([&](st::unit_of_work& u) {
    return u.auth().insert_api_key(ws_, owner_, "CI", "key-hash", t(1), "read", true);
  });
  auto key = read([&](st::unit_of_work& u) { return u.auth().find_api_key(ws_, id); });
  ASSERT_TRUE(key);
  EXPECT_EQ(key->name, "CI");
  EXPECT_EQ(key->teammate_id, owner_);
  EXPECT_EQ(key->scope, "read");
  EXPECT_TRUE(key->manage_keys);
  EXPECT_FALSE(key->revoked_at);
  auto who = read([&](st::unit_of_work& u) { return u.auth().find_token("key-hash"); });
  ASSERT_TRUE(who);
  EXPECT_TRUE(who->who.via_api_key);
  EXPECT_EQ(who->who.credential_id, id);
  EXPECT_EQ(who->who.key_scope, "read");
  EXPECT_TRUE(who->who.key_manage);
  EXPECT_FALSE(who->expires_at);
  auto other = store_->add_workspace("Other");
  write([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.auth().revoke_api_key(other, id, t(2)));
    EXPECT_TRUE(u.auth().revoke_api_key(ws_, id, t(3)));
    EXPECT_FALSE(u.auth().revoke_api_key(ws_, id, t(4)));  // once
  });
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.auth().find_token("key-hash"));
    EXPECT_EQ(u.auth().find_api_key(ws_, id)->revoked_at, t(3));
    EXPECT_EQ(u.auth().list_api_keys(ws_).size(), 1u);  // still listed, as revoked
    EXPECT_TRUE(u.auth().list_api_keys(other).empty());
    EXPECT_FALSE(u.auth().find_api_key(other, id));
  });
}

TEST_P(auth_contract, the_audit_log_lists_newest_first_with_a_cursor) {
  write([&](st::unit_of_work& u) {
    u.auth().audit(ws_, owner_, "teammate.create", "teammate", 7, {{"email", "a@acme.test"}},
                   "10.0.0.1", t(1));
    u.auth().audit(ws_, std::nullopt, "number.release", "number", std::nullopt,
                   nlohmann::json::object(), "", t(2));
    u.auth().audit(ws_, owner_, "key.revoke", "api_key", 3, nlohmann::json::object(), "10.0.0.1",
                   t(3));
  });
  auto all = read([&](st::unit_of_work& u) { return u.auth().list_audit(ws_, std::nullopt, 10); });
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["action"], "key.revoke");
  EXPECT_EQ(all[2]["action"], "teammate.create");
  EXPECT_EQ(all[2]["actor_id"], std::to_string(owner_));
  EXPECT_EQ(all[2]["target_id"], "7");
  EXPECT_EQ(all[2]["details"]["email"], "a@acme.test");
  EXPECT_TRUE(all[1]["actor_id"].is_null());
  auto before = std::stoll(all[1]["id"].get<std::string>());
  auto page = read([&](st::unit_of_work& u) { return u.auth().list_audit(ws_, before, 10); });
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0]["action"], "teammate.create");
  EXPECT_TRUE(read([&](st::unit_of_work& u) {
                return u.auth().list_audit(ws_ + 1, std::nullopt, 10);
              }).empty());
}

TEST_P(auth_contract, the_audit_log_keeps_absent_targets_null_and_pages_by_the_limit) {
  write([&](st::unit_of_work& u) {
    for (int i = 0; i < 5; ++i)
      u.auth().audit(ws_, owner_, "login", "", std::nullopt, {{"n", i}}, "10.0.0.1", t(i));
  });
  auto page = read([&](st::unit_of_work& u) { return u.auth().list_audit(ws_, std::nullopt, 2); });
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]["details"]["n"], 4);
  EXPECT_EQ(page[1]["details"]["n"], 3);
  EXPECT_TRUE(page[0]["target_id"].is_null());
  EXPECT_EQ(page[0]["target_kind"], "");
  EXPECT_EQ(page[0]["ip"], "10.0.0.1");
  EXPECT_EQ(page[0]["created_at"], t(4));
  auto next = read([&](st::unit_of_work& u) {
    return u.auth().list_audit(ws_, std::stoll(page[1]["id"].get<std::string>()), 10);
  });
  ASSERT_EQ(next.size(), 3u);
  EXPECT_EQ(next[2]["details"]["n"], 0);
}

}  // namespace

CONTRACT_SUITE(auth_contract);

}  // namespace contract
