// Contract: the transactional outbox: enqueue, due, claim with a lease, settle.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class outbox_contract : public contract_test {
 protected:
  id_t enqueue(const std::string& kind, int at, nlohmann::json payload = nlohmann::json::object()) {
    return write(
        [&](st::unit_of_work& u) { return u.outbox().enqueue(ws_, kind, payload, t(at)); });
  }
  std::vector<id_t> due_at(int at) {
    return read([&](st::unit_of_work& u) {
      std::vector<id_t> out;
      for (auto& r : u.outbox().due(t(at), 50)) out.push_back(r.id);
      return out;
    });
  }
  std::vector<id_t> claim_at(int at, int lease_until, int limit = 50) {
    return write([&](st::unit_of_work& u) {
      std::vector<id_t> out;
      for (auto& r : u.outbox().claim_due(t(at), t(lease_until), limit)) out.push_back(r.id);
      return out;
    });
  }
};

TEST_P(outbox_contract, enqueued_rows_are_due_oldest_first_from_their_time) {
  auto conv = add_conversation(ws_, add_contact(ws_, "Ada"), 0);
  auto a = enqueue("sms.relay", 5, {{"to", "+14155550100"}, {"body", "hi"}});
  auto b = enqueue("message.send.sms", 3, {{"message_id", 7}, {"conversation_id", conv}});
  EXPECT_TRUE(due_at(2).empty());
  EXPECT_EQ(due_at(4), std::vector<id_t>{b});
  EXPECT_EQ(due_at(5), (std::vector<id_t>{b, a}));
  auto rows = read([&](st::unit_of_work& u) { return u.outbox().due(t(5), 50); });
  EXPECT_EQ(rows[0].workspace_id, ws_);
  EXPECT_EQ(rows[0].kind, "message.send.sms");
  EXPECT_EQ(nlohmann::json::parse(rows[0].payload)["message_id"], 7);
  EXPECT_EQ(rows[0].conversation_id, conv);
  EXPECT_EQ(rows[0].attempts, 0);
  EXPECT_FALSE(rows[1].conversation_id);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.outbox().due(t(5), 1).size(); }), 1u);
}

TEST_P(outbox_contract, kinds_without_a_sender_are_never_due) {
  enqueue("message.send.chat", 1);
  enqueue("message.send.email", 1);
  auto sms = enqueue("message.send.sms", 1);
  EXPECT_EQ(due_at(10), std::vector<id_t>{sms});
}

TEST_P(outbox_contract, a_claimed_row_is_not_due_again_until_its_lease_ends) {
  auto a = enqueue("sms.relay", 1), b = enqueue("sms.relay", 2);
  EXPECT_EQ(claim_at(3, 10), (std::vector<id_t>{a, b}));
  EXPECT_TRUE(claim_at(4, 12).empty());  // both leased
  EXPECT_TRUE(due_at(9).empty());
  // The sender died mid-send: due again when the lease ends.
  EXPECT_EQ(due_at(10), (std::vector<id_t>{a, b}));
  EXPECT_EQ(claim_at(10, 20, 1), std::vector<id_t>{a});
  EXPECT_EQ(claim_at(10, 20), std::vector<id_t>{b});
}

TEST_P(outbox_contract, a_lease_and_a_settle_move_the_next_attempt) {
  auto a = enqueue("sms.relay", 1);
  write([&](st::unit_of_work& u) { u.outbox().lease(a, t(30), t(1)); });
  EXPECT_TRUE(due_at(29).empty());
  // A failed attempt retried later: pending, one attempt counted.
  write([&](st::unit_of_work& u) {
    u.outbox().settle(a, "pending", std::string("503 from carrier"), t(40), t(2));
  });
  EXPECT_TRUE(due_at(39).empty());
  EXPECT_EQ(due_at(40), std::vector<id_t>{a});
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.outbox().attempts(a), 1);
    EXPECT_EQ(u.outbox().due(t(40), 1).at(0).attempts, 1);
  });
  // Rescheduled without counting an attempt (e.g. rate limited).
  write([&](st::unit_of_work& u) {
    u.outbox().settle(a, "pending", std::nullopt, t(41), t(3), false);
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.outbox().attempts(a); }), 1);
  // Done, or failed for good: never due again.
  write([&](st::unit_of_work& u) { u.outbox().settle(a, "done", std::nullopt, t(41), t(4)); });
  EXPECT_TRUE(due_at(100).empty());
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.outbox().attempts(a); }), 2);
}

TEST_P(outbox_contract, sms_send_facts_name_the_line_and_the_first_e164_phone) {
  auto k = add_contact(ws_, "Ada", {"ACME", "+14155550100"});  // a sender id, then a phone
  auto conv = add_conversation(ws_, k, 0);
  auto line = write([&](st::unit_of_work& u) {
    st::numbers::number_row n;
    n.workspace_id = ws_;
    n.number = "+14155550199";
    n.carrier = "sandbox";
    n.status = "active";
    n.created_at = t(0);
    auto id = u.numbers().insert(n);
    u.conversations().set_number(conv, id);
    return id;
  });
  auto msg = write([&](st::unit_of_work& u) {
    return u.messages().insert(text(ws_, conv, "on my way", 1, "teammate"));
  });
  auto f = read([&](st::unit_of_work& u) { return u.outbox().sms_send(msg); });
  ASSERT_TRUE(f);
  EXPECT_EQ(f->workspace_id, ws_);
  EXPECT_EQ(f->body, "on my way");
  EXPECT_EQ(f->number_id, line);
  EXPECT_EQ(f->phone, "+14155550100");
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.outbox().sms_send(msg + 100); }));
}

TEST_P(outbox_contract, replies_on_channels_without_a_sender_fail) {
  auto conv = add_conversation(ws_, add_contact(ws_, "Ada"), 0);
  id_t msg = 0, row = 0, sms = 0;
  write([&](st::unit_of_work& u) {
    auto m = text(ws_, conv, "by email", 1, "teammate");
    m.channel = "email";
    msg = u.messages().insert(m);
    row = u.outbox().enqueue(ws_, "message.send.email", {{"message_id", msg}}, t(1));
    sms = u.outbox().enqueue(ws_, "message.send.sms", {{"message_id", msg + 1}}, t(1));
  });
  EXPECT_EQ(write([&](st::unit_of_work& u) {
              return u.outbox().fail_channels_without_sender("no sender", t(2));
            }),
            1);
  auto m = read([&](st::unit_of_work& u) { return *u.messages().find(ws_, msg); });
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.error, "no sender");
  EXPECT_EQ(due_at(5), std::vector<id_t>{sms});
  (void)row;
}

TEST_P(outbox_contract, a_claim_takes_only_due_pending_rows_by_their_next_attempt) {
  auto a = enqueue("sms.relay", 1), b = enqueue("teams.reply", 2), c = enqueue("call.create", 3);
  enqueue("message.send.chat", 1);  // no sender
  auto done = enqueue("media.fetch", 1);
  write([&](st::unit_of_work& u) {
    u.outbox().settle(a, "pending", std::string("busy"), t(5), t(2));  // retried later
    u.outbox().settle(done, "done", std::nullopt, t(1), t(2));
  });
  EXPECT_EQ(claim_at(4, 30), (std::vector<id_t>{b, c}));
  auto rows = write([&](st::unit_of_work& u) { return u.outbox().claim_due(t(6), t(30), 10); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, a);
  EXPECT_EQ(rows[0].kind, "sms.relay");
  EXPECT_EQ(rows[0].workspace_id, ws_);
  EXPECT_EQ(rows[0].attempts, 1);
  // Every lease ends at t(30): then all three again, in id order (equal times).
  EXPECT_EQ(claim_at(30, 40), (std::vector<id_t>{a, b, c}));
}

}  // namespace

CONTRACT_SUITE(outbox_contract);

}  // namespace contract
