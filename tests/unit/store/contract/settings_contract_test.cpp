// Contract: a workspace's settings changed in the app (the answer bot's, issue 20):
// absent until put, replaced whole by the next put, and never read across
// workspaces.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class settings_contract : public contract_test {};

TEST_P(settings_contract, a_setting_is_absent_until_put_then_replaced_and_scoped_to_its_workspace) {
  auto other = store_->add_workspace("Other");
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.workspaces().setting(ws_, "answer_bot"); }));
  write([&](st::unit_of_work& u) { u.workspaces().put_setting(ws_, "answer_bot", R"({"enabled":true})", t(1)); });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.workspaces().setting(ws_, "answer_bot"); }),
            std::optional<std::string>(R"({"enabled":true})"));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.workspaces().setting(other, "answer_bot"); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.workspaces().setting(ws_, "help_center"); }));

  write([&](st::unit_of_work& u) {
    u.workspaces().put_setting(ws_, "answer_bot", R"({"enabled":false,"threshold":0.7})", t(2));
    u.workspaces().put_setting(other, "answer_bot", R"({"enabled":true})", t(2));
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.workspaces().setting(ws_, "answer_bot"); }),
            std::optional<std::string>(R"({"enabled":false,"threshold":0.7})"));
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.workspaces().setting(other, "answer_bot"); }),
            std::optional<std::string>(R"({"enabled":true})"));

  // Every workspace's value of one name, by workspace.
  write([&](st::unit_of_work& u) { u.workspaces().put_setting(other, "help_center", R"({"slug":"o"})", t(3)); });
  using rows = std::vector<std::pair<id_t, std::string>>;
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.workspaces().settings_named("answer_bot"); }),
            (rows{{ws_, R"({"enabled":false,"threshold":0.7})"}, {other, R"({"enabled":true})"}}));
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.workspaces().settings_named("help_center"); }),
            (rows{{other, R"({"slug":"o"})"}}));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.workspaces().settings_named("none"); }).empty());
}

CONTRACT_SUITE(settings_contract);

}  // namespace
}  // namespace contract
