// Contract: CSAT surveys (issue 21). A survey keeps every field and is found by its
// token across workspaces; an answer is recorded once; the open sms survey is the
// newest unanswered one for that phone on that line before it expires; a contact's
// answered surveys follow their conversations (a merge) and go with an erasure.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

namespace cs = st::csat;

class csat_contract : public contract_test {
 protected:
  cs::survey survey(id_t ws, id_t conversation, id_t contact, const std::string& channel, const std::string& token,
                    int minute, std::optional<id_t> teammate = std::nullopt, std::optional<id_t> number = std::nullopt,
                    std::optional<std::string> phone = std::nullopt, std::optional<id_t> message = std::nullopt) {
    cs::survey s;
    s.workspace_id = ws;
    s.conversation_id = conversation;
    s.contact_id = contact;
    s.channel = channel;
    s.token = token;
    s.teammate_id = teammate;
    s.number_id = number;
    s.phone = std::move(phone);
    s.message_id = message;
    s.sent_at = t(minute);
    s.expires_at = t(minute + 60);
    s.id = write([&](st::unit_of_work& u) { return u.csat().insert(s); });
    return s;
  }
};

TEST_P(csat_contract, surveys_keep_every_field_and_are_answered_once) {
  auto other = store_->add_workspace("Other");
  auto ada = add_contact(ws_, "Ada", {"+14155550101"});
  auto agent = add_teammate(ws_, "agent@acme.test");
  auto conv = add_conversation(ws_, ada, 1);
  auto s = survey(ws_, conv, ada, "sms", "tok_a", 2, agent, 7, "+14155550101", 42);

  auto found = read([&](st::unit_of_work& u) { return u.csat().find_by_token("tok_a"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, s.id);
  EXPECT_EQ(found->workspace_id, ws_);
  EXPECT_EQ(found->conversation_id, conv);
  EXPECT_EQ(found->contact_id, ada);
  EXPECT_EQ(found->channel, "sms");
  EXPECT_EQ(found->teammate_id, agent);
  EXPECT_EQ(found->number_id, 7);
  EXPECT_EQ(found->phone, "+14155550101");
  EXPECT_EQ(found->message_id, 42);
  EXPECT_EQ(found->status, "sent");
  EXPECT_FALSE(found->rating);
  EXPECT_FALSE(found->comment);
  EXPECT_EQ(found->sent_at, t(2));
  EXPECT_FALSE(found->answered_at);
  EXPECT_EQ(found->expires_at, t(62));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.csat().find_by_token("tok_b"); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.csat().find(other, s.id); }));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.csat().find(ws_, s.id); }));

  // A token is unique.
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              auto dup = s;
              u.csat().insert(dup);
            }),
            "CONFLICT");

  // Answered once, in its own workspace only.
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.csat().answer(other, s.id, 4, std::nullopt, t(3)); }));
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.csat().answer(ws_, s.id, 4, "quick", t(3)); }));
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.csat().answer(ws_, s.id, 1, std::nullopt, t(4)); }));
  auto answered = read([&](st::unit_of_work& u) { return u.csat().find(ws_, s.id); });
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, "answered");
  EXPECT_EQ(answered->rating, 4);
  EXPECT_EQ(answered->comment, "quick");
  EXPECT_EQ(answered->answered_at, t(3));
}

TEST_P(csat_contract, the_open_sms_survey_is_the_newest_unanswered_before_it_expires) {
  auto ada = add_contact(ws_, "Ada", {"+14155550101"});
  auto c1 = add_conversation(ws_, ada, 1);
  auto c2 = add_conversation(ws_, ada, 2);
  auto old = survey(ws_, c1, ada, "sms", "tok_1", 1, std::nullopt, 7, "+14155550101");
  auto newer = survey(ws_, c2, ada, "sms", "tok_2", 5, std::nullopt, 7, "+14155550101");
  survey(ws_, c2, ada, "link", "tok_3", 6);

  auto open = [&](const std::string& phone, id_t line, int minute) {
    return read([&](st::unit_of_work& u) { return u.csat().find_open_sms(ws_, phone, line, t(minute)); });
  };
  ASSERT_TRUE(open("+14155550101", 7, 10));
  EXPECT_EQ(open("+14155550101", 7, 10)->id, newer.id);
  EXPECT_FALSE(open("+14155550101", 8, 10));
  EXPECT_FALSE(open("+14155550199", 7, 10));
  EXPECT_FALSE(open("+14155550101", 7, 65));  // both expired

  write([&](st::unit_of_work& u) { return u.csat().answer(ws_, newer.id, 5, std::nullopt, t(11)); });
  ASSERT_TRUE(open("+14155550101", 7, 12));
  EXPECT_EQ(open("+14155550101", 7, 12)->id, old.id);

  auto latest = read([&](st::unit_of_work& u) { return u.csat().latest_for_conversation(ws_, c2); });
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->token, "tok_3");
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.csat().latest_for_conversation(ws_, 999999); }));
}

TEST_P(csat_contract, a_contacts_answers_follow_their_conversations) {
  auto ada = add_contact(ws_, "Ada");
  auto bob = add_contact(ws_, "Bob");
  auto c1 = add_conversation(ws_, ada, 1);
  auto c2 = add_conversation(ws_, ada, 2);
  auto c3 = add_conversation(ws_, bob, 3);
  auto s1 = survey(ws_, c1, ada, "widget", "tok_1", 1);
  auto s2 = survey(ws_, c2, ada, "link", "tok_2", 2);
  survey(ws_, c2, ada, "link", "tok_unanswered", 3);
  auto s3 = survey(ws_, c3, bob, "widget", "tok_3", 3);
  write([&](st::unit_of_work& u) {
    u.csat().answer(ws_, s1.id, 5, std::nullopt, t(10));
    u.csat().answer(ws_, s2.id, 2, "slow", t(11));
    u.csat().answer(ws_, s3.id, 4, std::nullopt, t(12));
  });

  auto sum = read([&](st::unit_of_work& u) { return u.csat().summary_of_contact(ws_, ada); });
  EXPECT_EQ(sum.count, 2);
  EXPECT_DOUBLE_EQ(sum.average, 3.5);
  auto list = read([&](st::unit_of_work& u) { return u.csat().answered_for_contact(ws_, ada, 5); });
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, s2.id);
  EXPECT_EQ(list[1].id, s1.id);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.csat().answered_for_contact(ws_, ada, 1); }).size(), 1u);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.csat().summary_of_contact(store_->add_workspace("X"), ada); })
                .count,
            0);

  // A merge brings Bob's conversation (and its answer) to Ada.
  write([&](st::unit_of_work& u) { u.contacts().merge(ws_, ada, bob, t(20)); });
  sum = read([&](st::unit_of_work& u) { return u.csat().summary_of_contact(ws_, ada); });
  EXPECT_EQ(sum.count, 3);

  // An erasure takes their surveys with their conversations.
  write([&](st::unit_of_work& u) { u.contacts().erase(ws_, ada, {}); });
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.csat().find_by_token("tok_1"); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.csat().find_by_token("tok_3"); }));
}

CONTRACT_SUITE(csat_contract);

}  // namespace
}  // namespace contract
