// Contract: business numbers (lines), webhook idempotency, the sandbox carrier's log.
#include <set>

#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class numbers_contract : public contract_test {
 protected:
  st::numbers::number_row line(id_t ws, const std::string& e164,
                               const std::string& carrier = "sandbox") {
    st::numbers::number_row n;
    n.workspace_id = ws;
    n.number = e164;
    n.carrier = carrier;
    n.capabilities = nlohmann::json::array({"sms", "voice"});
    n.status = "active";
    n.created_at = t(0);
    return n;
  }
  id_t add_line(id_t ws, const std::string& e164) {
    return write([&](st::unit_of_work& u) { return u.numbers().insert(line(ws, e164)); });
  }
};

TEST_P(numbers_contract, insert_find_and_list_round_trip) {
  auto n = line(ws_, "+14155550199", "twilio");
  n.carrier_sid = "PN1";
  n.owner_teammate_id = owner_;
  auto id = write([&](st::unit_of_work& u) { return u.numbers().insert(n); });
  auto got = read([&](st::unit_of_work& u) { return u.numbers().find(ws_, id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->number, "+14155550199");
  EXPECT_EQ(got->carrier, "twilio");
  EXPECT_EQ(got->carrier_sid, "PN1");
  EXPECT_EQ(got->capabilities, n.capabilities);
  EXPECT_EQ(got->owner_teammate_id, owner_);
  EXPECT_FALSE(got->owner_team_id);
  EXPECT_EQ(got->status, "active");
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.numbers().find_active("+14155550199")->id, id);
    EXPECT_FALSE(u.numbers().find_active("+14155550198"));
    EXPECT_EQ(u.numbers().list(ws_).size(), 1u);
    EXPECT_FALSE(u.numbers().find(ws_ + 1, id));
  });
}

TEST_P(numbers_contract, an_active_number_is_held_once_and_free_after_release) {
  auto other = store_->add_workspace("Other");
  auto id = add_line(ws_, "+14155550199");
  EXPECT_EQ(
      write_error([&](st::unit_of_work& u) { u.numbers().insert(line(other, "+14155550199")); }),
      "CONFLICT");
  write([&](st::unit_of_work& u) {
    u.numbers().release(other, id);  // not theirs: nothing happens
  });
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.numbers().find_active("+14155550199"); }));
  write([&](st::unit_of_work& u) { u.numbers().release(ws_, id); });
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.numbers().find(ws_, id)->status, "released");
    EXPECT_FALSE(u.numbers().find_active("+14155550199"));
    EXPECT_TRUE(u.numbers().list(ws_).empty());
  });
  auto theirs = add_line(other, "+14155550199");
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.numbers().find_active("+14155550199")->id; }),
            theirs);
}

TEST_P(numbers_contract, owner_and_carrier_sid_change) {
  auto id = add_line(ws_, "+14155550199");
  auto team =
      write([&](st::unit_of_work& u) { return u.teams().insert(ws_, "Support", true, t(0)); });
  write([&](st::unit_of_work& u) {
    u.numbers().set_owner(ws_, id, std::nullopt, team);
    u.numbers().set_carrier_sid(ws_, id, "PN9");
  });
  auto n = read([&](st::unit_of_work& u) { return *u.numbers().find(ws_, id); });
  EXPECT_FALSE(n.owner_teammate_id);
  EXPECT_EQ(n.owner_team_id, team);
  EXPECT_EQ(n.carrier_sid, "PN9");
  auto lines = read([&](st::unit_of_work& u) { return u.numbers().sandbox_lines(ws_); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].number, "+14155550199");
  EXPECT_EQ(lines[0].owner_name, "Support");
}

TEST_P(numbers_contract, a_sender_is_classified_for_the_loop_guard) {
  add_line(ws_, "+14155550199");
  write([&](st::unit_of_work& u) {
    st::teammates::patch p;
    p.physical_number = std::optional<std::string>("+14155550111");
    u.teammates().update(ws_, owner_, p, t(1));
  });
  read([&](st::unit_of_work& u) {
    auto line = u.numbers().classify_sender("+14155550199");
    EXPECT_TRUE(line.our_line);
    EXPECT_FALSE(line.teammate_phone);
    auto phone = u.numbers().classify_sender("+14155550111");
    EXPECT_FALSE(phone.our_line);
    EXPECT_TRUE(phone.teammate_phone);
    EXPECT_TRUE(u.numbers().is_physical_number("+14155550111"));
    EXPECT_FALSE(u.numbers().is_physical_number("+14155550100"));
    auto stranger = u.numbers().classify_sender("+14155550100");
    EXPECT_FALSE(stranger.our_line || stranger.teammate_phone);
  });
}

TEST_P(numbers_contract, a_webhook_is_claimed_once) {
  auto first = write([&](st::unit_of_work& u) {
    return u.numbers().claim_webhook("twilio", "SM1", "sms", ws_, "<Response>one</Response>", t(1));
  });
  EXPECT_FALSE(first);  // ours to handle
  auto retry = write([&](st::unit_of_work& u) {
    return u.numbers().claim_webhook("twilio", "SM1", "sms", ws_, "<Response>two</Response>", t(2));
  });
  EXPECT_EQ(retry, "<Response>one</Response>");  // the first answer, unchanged
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.numbers().webhook_response("twilio", "SM1", "sms"), "<Response>one</Response>");
    EXPECT_FALSE(u.numbers().webhook_response("twilio", "SM1", "status"));
    EXPECT_FALSE(u.numbers().webhook_response("signalwire", "SM1", "sms"));
  });
  // Another step or carrier of the same sid is another webhook.
  write([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.numbers().claim_webhook("twilio", "SM1", "status", ws_, "ok", t(3)));
    EXPECT_FALSE(u.numbers().claim_webhook("signalwire", "SM1", "sms", std::nullopt, "ok", t(3)));
  });
}

TEST_P(numbers_contract, a_recorded_webhook_answers_its_retries) {
  write([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.numbers().webhook_response("twilio", "CA1", "voice"));
    u.numbers().record_webhook("twilio", "CA1", "voice", ws_, "<Dial/>", t(1));
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) {
              return u.numbers().webhook_response("twilio", "CA1", "voice");
            }),
            "<Dial/>");
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              u.numbers().record_webhook("twilio", "CA1", "voice", ws_, "<Hangup/>", t(2));
            }),
            "CONFLICT");
}

TEST_P(numbers_contract, the_sandbox_log_keeps_both_directions_in_order) {
  auto other = store_->add_workspace("Other");
  const std::string phone = "+14155550100", line = "+14155550199", other_line = "+14155550198";
  id_t second = 0;
  write([&](st::unit_of_work& u) {
    u.numbers().record_sandbox_message(ws_, "SM1", line, phone, "to the phone", t(1));
    second = u.numbers().record_sandbox_message(ws_, "SM2", phone, line, "from the phone", t(2));
    u.numbers().record_sandbox_message(ws_, "SM3", other_line, phone, "another line", t(3));
    u.numbers().record_sandbox_message(other, "SM4", line, phone, "another workspace", t(4));
  });
  auto bodies = [&](std::optional<id_t> ws, std::optional<std::string> with,
                    std::optional<id_t> after) {
    return read([&](st::unit_of_work& u) {
      std::vector<std::string> out;
      for (auto& m : u.numbers().sandbox_messages_to(ws, phone, with, after, 10))
        out.push_back(m.body);
      return out;
    });
  };
  EXPECT_EQ(bodies(ws_, std::nullopt, std::nullopt),
            (std::vector<std::string>{"to the phone", "another line"}));
  EXPECT_EQ(bodies(ws_, line, std::nullopt),
            (std::vector<std::string>{"to the phone", "from the phone"}));
  EXPECT_EQ(bodies(ws_, line, second), std::vector<std::string>{});
  EXPECT_EQ(bodies(std::nullopt, line, std::nullopt).size(), 3u);  // every workspace
  write([&](st::unit_of_work& u) { u.numbers().delete_sandbox_message(second); });
  EXPECT_EQ(bodies(ws_, line, std::nullopt), std::vector<std::string>{"to the phone"});
}

TEST_P(numbers_contract, the_sandbox_offers_only_numbers_no_one_holds) {
  add_line(ws_, "+14155550107");
  write([&](st::unit_of_work& u) {
    st::teammates::patch p;
    p.physical_number = std::optional<std::string>("+14155550142");
    u.teammates().update(ws_, owner_, p, t(1));
  });
  auto offered =
      read([&](st::unit_of_work& u) { return u.numbers().sandbox_available("415", 100); });
  EXPECT_EQ(offered.size(), 98u);  // 555-0100 … 555-0199 but the line and the phone
  std::set<std::string> distinct(offered.begin(), offered.end());
  EXPECT_EQ(distinct.size(), offered.size());
  EXPECT_FALSE(distinct.count("+14155550107"));
  EXPECT_FALSE(distinct.count("+14155550142"));
  for (auto& n : offered) EXPECT_EQ(n.rfind("+141555501", 0), 0u) << n;
  EXPECT_EQ(
      read([&](st::unit_of_work& u) { return u.numbers().sandbox_available("415", 3); }).size(),
      3u);
  auto pool = read([&](st::unit_of_work& u) { return u.numbers().sandbox_available("", 5); });
  EXPECT_EQ(pool.size(), 5u);
  for (auto& n : pool) {
    EXPECT_EQ(n.rfind("+1555", 0), 0u) << n;
    EXPECT_EQ(n.size(), 12u) << n;
  }
}

TEST_P(numbers_contract, the_latest_conversation_of_a_contact_on_a_line) {
  auto k = add_contact(ws_, "Ada", {"+14155550100"});
  auto other_contact = add_contact(ws_, "Bob", {"+14155550101"});
  auto line_id = add_line(ws_, "+14155550199"), other_line = add_line(ws_, "+14155550198");
  auto a = add_conversation(ws_, k, 1), b = add_conversation(ws_, k, 2, "resolved"),
       c = add_conversation(ws_, k, 3);
  write([&](st::unit_of_work& u) {
    u.conversations().set_number(a, line_id);
    u.conversations().set_number(b, line_id);
    u.conversations().set_number(c, other_line);
  });
  write([&](st::unit_of_work& u) {  // the write path's own question (it locks the contact)
    auto latest = u.numbers().latest_conversation(ws_, k, line_id);
    ASSERT_TRUE(latest);
    EXPECT_EQ(latest->id, b);  // the newest, resolved or not
    EXPECT_EQ(latest->status, "resolved");
    EXPECT_EQ(u.numbers().latest_conversation(ws_, k, other_line)->id, c);
    EXPECT_FALSE(u.numbers().latest_conversation(ws_, other_contact, line_id));
    EXPECT_FALSE(u.numbers().latest_conversation(ws_ + 1, k, line_id));
  });
}

TEST_P(numbers_contract, sandbox_lines_are_the_active_sandbox_ones_with_their_owners_name) {
  auto other = store_->add_workspace("Other");
  auto owned = add_line(ws_, "+14155550199");
  add_line(ws_, "+14155550198");  // nobody's
  auto released = add_line(ws_, "+14155550196");
  write([&](st::unit_of_work& u) {
    u.numbers().set_owner(ws_, owned, owner_, std::nullopt);
    u.numbers().insert(line(ws_, "+14155550197", "twilio"));
    u.numbers().release(ws_, released);
  });
  add_line(other, "+14155550195");
  auto lines = read([&](st::unit_of_work& u) { return u.numbers().sandbox_lines(ws_); });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, "+14155550199");
  EXPECT_EQ(lines[0].owner_name, "Olive Owner");
  EXPECT_EQ(lines[1].number, "+14155550198");
  EXPECT_FALSE(lines[1].owner_name);
  auto all = read([&](st::unit_of_work& u) { return u.numbers().sandbox_lines(std::nullopt); });
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].number, "+14155550195");
}

}  // namespace

CONTRACT_SUITE(numbers_contract);

}  // namespace contract
