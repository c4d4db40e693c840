// Contract: the texting consent ledger (issue 18): the newest applicable entry is
// the state, a line's entry and a workspace-wide one both apply, and each
// workspace sees its own.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class consent_contract : public contract_test {
 protected:
  id_t line(id_t ws, const std::string& e164) {
    st::numbers::number_row n;
    n.workspace_id = ws;
    n.number = e164;
    n.carrier = "sandbox";
    n.capabilities = nlohmann::json::array({"sms"});
    n.status = "active";
    n.created_at = t(0);
    return write([&](st::unit_of_work& u) { return u.numbers().insert(n); });
  }
  void enter(id_t ws, const std::string& phone, std::optional<id_t> number, const std::string& state,
             const std::string& source, int minute) {
    st::consent_entry e;
    e.workspace_id = ws;
    e.phone = phone;
    e.number_id = number;
    e.state = state;
    e.source = source;
    e.note = source == "agent" ? std::optional<std::string>("signed form") : std::nullopt;
    e.created_at = t(minute);
    write([&](st::unit_of_work& u) { return u.consent().record(e); });
  }
  bool out(id_t ws, const std::string& phone, std::optional<id_t> number) {
    return read([&](st::unit_of_work& u) { return u.consent().opted_out(ws, phone, number); });
  }
};

TEST_P(consent_contract, the_newest_entry_on_the_line_or_every_line_decides) {
  auto a = line(ws_, "+14155550100"), b = line(ws_, "+14155550101");
  const std::string dana = "+14155550177";
  EXPECT_FALSE(out(ws_, dana, a));  // no entry: texts allowed
  enter(ws_, dana, a, "opted_out", "keyword", 1);
  EXPECT_TRUE(out(ws_, dana, a));
  EXPECT_FALSE(out(ws_, dana, b));        // another line is not covered by a line's STOP
  EXPECT_TRUE(out(ws_, dana, std::nullopt));  // no line yet: any line's entry counts
  EXPECT_FALSE(out(ws_, "+14155550178", a));
  enter(ws_, dana, std::nullopt, "opted_in", "agent", 2);  // consent obtained elsewhere, every line
  EXPECT_FALSE(out(ws_, dana, a));
  EXPECT_FALSE(out(ws_, dana, b));
  enter(ws_, dana, std::nullopt, "opted_out", "carrier", 3);
  EXPECT_TRUE(out(ws_, dana, b));
  enter(ws_, dana, b, "opted_in", "keyword", 4);
  EXPECT_FALSE(out(ws_, dana, b));
  EXPECT_TRUE(out(ws_, dana, a));  // still out there: the workspace-wide opt-out is newer than a's entries
}

TEST_P(consent_contract, history_is_newest_first_and_scoped_to_the_workspace) {
  auto other = store_->add_workspace("Other");
  auto a = line(ws_, "+14155550100");
  enter(ws_, "+14155550177", a, "opted_out", "keyword", 1);
  enter(ws_, "+14155550177", std::nullopt, "opted_in", "agent", 2);
  enter(ws_, "+14155550188", a, "opted_out", "keyword", 3);
  enter(other, "+14155550177", std::nullopt, "opted_out", "api", 4);
  auto h = read([&](st::unit_of_work& u) { return u.consent().history(ws_, {"+14155550177", "+14155550188"}); });
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].phone, "+14155550188");
  EXPECT_EQ(h[1].state, "opted_in");
  EXPECT_EQ(h[1].source, "agent");
  EXPECT_EQ(h[1].note, "signed form");
  EXPECT_FALSE(h[1].number_id);
  EXPECT_EQ(h[2].number_id, a);
  EXPECT_EQ(h[2].created_at, t(1));
  EXPECT_TRUE(out(ws_, "+14155550188", std::nullopt));
  EXPECT_TRUE(out(other, "+14155550177", a));
  EXPECT_FALSE(out(ws_ + 100, "+14155550177", a));
}

TEST_P(consent_contract, history_of_no_phones_is_empty_and_each_entry_carries_its_message_and_teammate) {
  auto a = line(ws_, "+14155550100");
  auto conv = add_conversation(ws_, add_contact(ws_, "Dana", {"+14155550177"}), 1);
  auto mid = write([&](st::unit_of_work& u) { return u.messages().insert(text(ws_, conv, "STOP", 2)); });
  st::consent_entry e;
  e.workspace_id = ws_;
  e.phone = "+14155550177";
  e.number_id = a;
  e.state = "opted_out";
  e.source = "keyword";
  e.message_id = mid;
  e.teammate_id = owner_;
  e.created_at = t(2);
  auto id = write([&](st::unit_of_work& u) { return u.consent().record(e); });
  read([&](st::unit_of_work& u) {
    EXPECT_TRUE(u.consent().history(ws_, {}).empty());
    auto h = u.consent().history(ws_, {"+14155550177"});
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].id, id);
    EXPECT_EQ(h[0].workspace_id, ws_);
    EXPECT_EQ(h[0].message_id, mid);
    EXPECT_EQ(h[0].teammate_id, owner_);
    EXPECT_FALSE(h[0].note);
    EXPECT_EQ(h[0].state, "opted_out");
    EXPECT_EQ(h[0].source, "keyword");
  });
}

}  // namespace

CONTRACT_SUITE(consent_contract);

}  // namespace contract
