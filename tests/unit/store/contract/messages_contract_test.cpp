// Contract: messages and thread items, thread pages, insert-if-absent by carrier id.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class messages_contract : public contract_test {
 protected:
  void SetUp() override {
    contract_test::SetUp();
    if (IsSkipped()) return;  // the base skipped: this backend is not available here
    contact_ = add_contact(ws_, "Ada", {"+14155550100"});
    conv_ = add_conversation(ws_, contact_, 0);
  }
  std::vector<std::string> bodies(std::optional<id_t> after, int limit, bool include_private) {
    return read([&](st::unit_of_work& u) {
      std::vector<std::string> out;
      for (auto& m : u.messages().thread(ws_, conv_, after, limit, include_private))
        out.push_back(m.body);
      return out;
    });
  }
  id_t contact_ = 0, conv_ = 0;
};

TEST_P(messages_contract, insert_and_find_round_trip) {
  auto m = text(ws_, conv_, "hello there", 3);
  m.sender_id = contact_;
  m.external_id = "SM1";
  m.metadata = {{"segments", 1}};
  m.media = nlohmann::json::array({"https://example.test/a.png"});
  auto id = write([&](st::unit_of_work& u) { return u.messages().insert(m); });
  auto got = read([&](st::unit_of_work& u) { return u.messages().find(ws_, id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->conversation_id, conv_);
  EXPECT_EQ(got->direction, "inbound");
  EXPECT_EQ(got->sender_kind, "contact");
  EXPECT_EQ(got->sender_name, "Ada");
  EXPECT_EQ(got->channel, "sms");
  EXPECT_EQ(got->body, "hello there");
  EXPECT_EQ(got->status, "received");
  EXPECT_EQ(got->external_id, "SM1");
  EXPECT_EQ(got->metadata, m.metadata);
  EXPECT_EQ(got->media, m.media);
  EXPECT_EQ(got->created_at, t(3));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.messages().find(ws_ + 1, id); }));
}

TEST_P(messages_contract, a_customer_message_counts_as_unread_and_a_reply_as_first_response) {
  write([&](st::unit_of_work& u) {
    u.messages().insert(text(ws_, conv_, "one", 1));
    u.messages().insert(text(ws_, conv_, "two", 2));
  });
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, conv_); });
  EXPECT_EQ(c.unread_count, 2);
  EXPECT_EQ(c.last_message_at, t(2));
  EXPECT_EQ(c.preview, "two");
  EXPECT_FALSE(c.first_response_at);
  write([&](st::unit_of_work& u) {
    auto reply = text(ws_, conv_, "answer", 4, "teammate");
    reply.sender_id = owner_;
    u.messages().insert(reply);
    auto note = text(ws_, conv_, "internal note", 5, "teammate");
    note.is_private = true;
    note.direction = "internal";
    u.messages().insert(note);
  });
  c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, conv_); });
  EXPECT_EQ(c.first_response_at, t(4));
  EXPECT_EQ(c.preview, "answer");  // a private note is no preview
  EXPECT_EQ(c.unread_count, 2);
}

TEST_P(messages_contract, a_customer_message_reopens_a_resolved_conversation_unless_told_not_to) {
  st::conversations::patch p;
  p.status = "resolved";
  write([&](st::unit_of_work& u) { u.conversations().update(ws_, conv_, p, t(1)); });
  write([&](st::unit_of_work& u) {
    u.messages().insert(text(ws_, conv_, "still there?", 2), false);
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, conv_)->status; }),
            "resolved");
  write([&](st::unit_of_work& u) { u.messages().insert(text(ws_, conv_, "hello?", 3)); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, conv_)->status; }),
            "open");
}

TEST_P(messages_contract, insert_once_writes_nothing_the_second_time) {
  auto m = text(ws_, conv_, "hi", 1);
  m.external_id = "SM42";
  auto first = write([&](st::unit_of_work& u) { return u.messages().insert_once(m); });
  ASSERT_TRUE(first);
  auto retry = m;
  retry.body = "hi (retry)";
  retry.created_at = t(9);
  auto second = write([&](st::unit_of_work& u) { return u.messages().insert_once(retry); });
  EXPECT_FALSE(second);
  EXPECT_EQ(bodies(std::nullopt, 10, true), std::vector<std::string>{"hi"});
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, conv_); });
  EXPECT_EQ(c.unread_count, 1);  // the conversation was not touched either
  EXPECT_EQ(c.last_message_at, t(1));
  // Another channel, or a message without a carrier id, is another message.
  auto chat = m;
  chat.channel = "chat";
  auto plain = m;
  plain.external_id.reset();
  write([&](st::unit_of_work& u) {
    EXPECT_TRUE(u.messages().insert_once(chat));
    EXPECT_TRUE(u.messages().insert_once(plain));
    EXPECT_TRUE(u.messages().insert_once(plain));
  });
  EXPECT_EQ(bodies(std::nullopt, 10, true).size(), 4u);
}

TEST_P(messages_contract, insert_once_is_per_workspace) {
  auto other = store_->add_workspace("Other");
  auto their_conv = add_conversation(other, add_contact(other, "Bob"), 0);
  auto m = text(ws_, conv_, "hi", 1);
  m.external_id = "SM7";
  auto theirs = text(other, their_conv, "hi", 1);
  theirs.external_id = "SM7";
  write([&](st::unit_of_work& u) {
    EXPECT_TRUE(u.messages().insert_once(m));
    EXPECT_TRUE(u.messages().insert_once(theirs));
  });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.messages().find_by_external(ws_, "sms", "SM7")->conversation_id, conv_);
    EXPECT_EQ(u.messages().find_by_external(other, "sms", "SM7")->conversation_id, their_conv);
    EXPECT_FALSE(u.messages().find_by_external(ws_, "chat", "SM7"));
    EXPECT_EQ(u.messages().find_by_external_any("sms", "SM7")->workspace_id, ws_);  // the oldest
    EXPECT_FALSE(u.messages().find_by_external_any("sms", "SM8"));
  });
}

TEST_P(messages_contract, the_thread_pages_in_id_order) {
  write([&](st::unit_of_work& u) {
    for (int i = 1; i <= 5; ++i) u.messages().insert(text(ws_, conv_, "m" + std::to_string(i), i));
  });
  auto all = read(
      [&](st::unit_of_work& u) { return u.messages().thread(ws_, conv_, std::nullopt, 50, true); });
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(bodies(std::nullopt, 2, true), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(bodies(all[1].id, 2, true), (std::vector<std::string>{"m3", "m4"}));
  EXPECT_EQ(bodies(all[3].id, 2, true), std::vector<std::string>{"m5"});
  EXPECT_TRUE(bodies(all[4].id, 2, true).empty());
  EXPECT_TRUE(read([&](st::unit_of_work& u) {
                return u.messages().thread(ws_ + 1, conv_, std::nullopt, 50, true);
              }).empty());
}

TEST_P(messages_contract, private_notes_only_when_asked_for) {
  write([&](st::unit_of_work& u) {
    u.messages().insert(text(ws_, conv_, "public", 1));
    auto note = text(ws_, conv_, "note", 2, "teammate");
    note.is_private = true;
    note.direction = "internal";
    u.messages().insert(note);
  });
  EXPECT_EQ(bodies(std::nullopt, 10, false), std::vector<std::string>{"public"});
  EXPECT_EQ(bodies(std::nullopt, 10, true), (std::vector<std::string>{"public", "note"}));
}

TEST_P(messages_contract, delivery_status_keeps_what_is_not_given) {
  auto id = write([&](st::unit_of_work& u) {
    return u.messages().insert(text(ws_, conv_, "reply", 1, "teammate"));
  });
  write([&](st::unit_of_work& u) {
    u.messages().set_status(id, "sent", std::nullopt, std::string("SM9"));
  });
  write([&](st::unit_of_work& u) {
    u.messages().set_status(id, "failed", std::string("carrier said no"));
  });
  auto m = read([&](st::unit_of_work& u) { return *u.messages().find(ws_, id); });
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.error, "carrier said no");
  EXPECT_EQ(m.external_id, "SM9");
  auto ref = read([&](st::unit_of_work& u) { return u.messages().find_sms_by_external_id("SM9"); });
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->workspace_id, ws_);
  EXPECT_EQ(ref->id, id);
  EXPECT_EQ(ref->status, "failed");
}

// Issue 18: Retry on a failed reply queues the same message again; the old
// send's SID no longer finds it, and metadata.retries counts the resends.
TEST_P(messages_contract, a_failed_reply_is_queued_again_without_its_error_or_old_sid) {
  auto reply = text(ws_, conv_, "reply", 1, "teammate");
  reply.metadata = {{"keep", true}};
  auto id = write([&](st::unit_of_work& u) { return u.messages().insert(reply); });
  write([&](st::unit_of_work& u) { u.messages().set_status(id, "failed", std::string("carrier error 30003"), std::string("SM30003")); });
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.messages().requeue(ws_, id); }));
  auto m = read([&](st::unit_of_work& u) { return *u.messages().find(ws_, id); });
  EXPECT_EQ(m.status, "queued");
  EXPECT_FALSE(m.error);
  EXPECT_FALSE(m.external_id);
  EXPECT_EQ(m.metadata, (nlohmann::json{{"keep", true}, {"retries", 1}}));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.messages().find_sms_by_external_id("SM30003"); }));
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.messages().requeue(ws_, id); }));
  m = read([&](st::unit_of_work& u) { return *u.messages().find(ws_, id); });
  EXPECT_EQ(m.metadata.value("retries", 0), 2);
  // Another workspace's id is not found, and nothing changes.
  auto other = store_->add_workspace("Other");
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.messages().requeue(other, id); }));
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.messages().requeue(ws_, id + 1000); }));
}

TEST_P(messages_contract, call_items_grow_with_the_carrier_callbacks) {
  auto call = text(ws_, conv_, "Outgoing call", 1, "teammate");
  call.kind = "call";
  call.channel = "voice";
  auto id = write([&](st::unit_of_work& u) { return u.messages().insert(call); });
  write([&](st::unit_of_work& u) { u.messages().set_call_sid(id, "CA1"); });
  auto m = read([&](st::unit_of_work& u) { return *u.messages().find(ws_, id); });
  EXPECT_EQ(m.status, "sent");
  EXPECT_EQ(m.external_id, "CA1");
  EXPECT_EQ(m.metadata.value("call_sid", ""), "CA1");
  write([&](st::unit_of_work& u) {
    u.messages().update_item(ws_, id, "Outgoing call, 2 min", "delivered", {{"duration", 120}});
    u.messages().set_external_id(ws_, id, "CA2");
  });
  m = read([&](st::unit_of_work& u) { return *u.messages().find(ws_, id); });
  EXPECT_EQ(m.body, "Outgoing call, 2 min");
  EXPECT_EQ(m.status, "delivered");
  EXPECT_EQ(m.metadata, (nlohmann::json{{"duration", 120}}));
  EXPECT_EQ(m.external_id, "CA2");
}

TEST_P(messages_contract, the_reply_context_names_the_customers_last_messaging_channel) {
  auto call = text(ws_, conv_, "Incoming call", 2);
  call.kind = "call";
  call.channel = "voice";
  write([&](st::unit_of_work& u) {
    u.messages().insert(text(ws_, conv_, "text me back", 1));
    u.messages().insert(call);
  });
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, conv_); });
  EXPECT_EQ(c.channel, "voice");  // the customer's newest item
  auto r = read([&](st::unit_of_work& u) { return u.conversations().reply_context_of(ws_, c); });
  EXPECT_EQ(r.last_messaging_channel, "sms");
  EXPECT_EQ(r.phones, std::vector<std::string>{"+14155550100"});
  EXPECT_FALSE(r.visitor);
}

TEST_P(messages_contract, only_a_customer_message_counts_and_moves_the_channel) {
  auto chat = text(ws_, conv_, "from the widget", 1);
  chat.channel = "chat";
  write([&](st::unit_of_work& u) { u.messages().insert(chat); });
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, conv_); });
  EXPECT_EQ(c.channel, "chat");  // the customer's newest item's channel
  EXPECT_EQ(c.unread_count, 1);
  write([&](st::unit_of_work& u) {
    auto reply = text(ws_, conv_, "by sms", 2, "teammate");
    u.messages().insert(reply);
    auto note = text(ws_, conv_, "a note", 3, "teammate");
    note.is_private = true;
    note.direction = "internal";
    u.messages().insert(note);
  });
  c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, conv_); });
  EXPECT_EQ(c.channel, "chat");   // a reply does not move it
  EXPECT_EQ(c.unread_count, 1);   // nor count
  EXPECT_EQ(c.last_message_at, t(3));  // but every item is activity
  EXPECT_EQ(c.updated_at, t(3));
  EXPECT_EQ(c.first_response_at, t(2));
  EXPECT_EQ(c.preview, "by sms");
  // A later reply keeps the first response.
  write([&](st::unit_of_work& u) { u.messages().insert(text(ws_, conv_, "again", 4, "teammate")); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, conv_)->first_response_at; }), t(2));
}

TEST_P(messages_contract, a_customer_message_wakes_a_snoozed_conversation) {
  st::conversations::patch p;
  p.status = "snoozed";
  p.snoozed_until = t(90);
  write([&](st::unit_of_work& u) { u.conversations().update(ws_, conv_, p, t(1)); });
  // A teammate's message does not.
  write([&](st::unit_of_work& u) { u.messages().insert(text(ws_, conv_, "noted", 2, "teammate")); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, conv_)->status; }), "snoozed");
  write([&](st::unit_of_work& u) { u.messages().insert(text(ws_, conv_, "hello?", 3)); });
  auto c = read([&](st::unit_of_work& u) { return *u.conversations().find(ws_, conv_); });
  EXPECT_EQ(c.status, "open");
  EXPECT_FALSE(c.snoozed_until);
}

TEST_P(messages_contract, insert_once_twice_in_one_job_writes_once) {
  auto m = text(ws_, conv_, "hi", 1);
  m.external_id = "SM5";
  auto ids = write([&](st::unit_of_work& u) {
    auto first = u.messages().insert_once(m);
    auto second = u.messages().insert_once(m);
    return std::make_pair(first, second);
  });
  EXPECT_TRUE(ids.first);
  EXPECT_FALSE(ids.second);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.conversations().find(ws_, conv_)->unread_count; }), 1);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.messages().find_by_external(ws_, "sms", "SM5")->id; }),
            *ids.first);
}

}  // namespace

CONTRACT_SUITE(messages_contract);

}  // namespace contract
