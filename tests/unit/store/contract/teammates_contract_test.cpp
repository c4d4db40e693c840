// Contract: teammates, teams of teammates and the round robin.
#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class teammates_contract : public contract_test {
 protected:
  id_t add_team(const std::string& name, std::vector<id_t> members) {
    return write([&](st::unit_of_work& u) {
      auto id = u.teams().insert(ws_, name, true, t(0));
      for (auto m : members) u.teams().add_member(ws_, id, m);
      return id;
    });
  }
  std::vector<id_t> picks(id_t team, int n) {
    std::vector<id_t> out;
    for (int i = 0; i < n; ++i)
      out.push_back(write([&](st::unit_of_work& u) {
        return u.teams().next_round_robin(ws_, team, t(10 + i)).value_or(0);
      }));
    return out;
  }
};

TEST_P(teammates_contract, the_first_workspace_comes_with_its_owner) {
  read([&](st::unit_of_work& u) {
    EXPECT_EQ(u.workspaces().count(), 1);
    EXPECT_EQ(u.workspaces().first(), ws_);
    EXPECT_EQ(u.workspaces().name_of(ws_), "Acme");
    EXPECT_FALSE(u.workspaces().name_of(ws_ + 100));
    EXPECT_TRUE(u.workspaces().answers());
    EXPECT_EQ(u.teammates().count_owners(ws_), 1);
    auto owner = u.teammates().find(ws_, owner_);
    ASSERT_TRUE(owner);
    EXPECT_EQ(owner->email, "owner@acme.test");
    EXPECT_EQ(owner->role, "owner");
  });
  // Only once: a second start finds the workspace there.
  auto again = write([&](st::unit_of_work& u) {
    return u.workspaces().create_with_owner("Again", "x@acme.test", "X", "hash", t(1));
  });
  EXPECT_FALSE(again);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.workspaces().count(); }), 1);
}

TEST_P(teammates_contract, insert_find_and_update) {
  auto id = write([&](st::unit_of_work& u) {
    st::teammate m;
    m.workspace_id = ws_;
    m.email = "ann@acme.test";
    m.name = "Ann";
    m.role = "agent";
    m.physical_number = "+14155550111";
    m.sms_forwarding = "phone";
    m.created_at = t(1);
    m.password_hash = "argon";
    return u.teammates().insert(m);
  });
  auto m = read([&](st::unit_of_work& u) { return u.teammates().find_by_email("ann@acme.test"); });
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, id);
  EXPECT_EQ(m->name, "Ann");
  EXPECT_EQ(m->physical_number, "+14155550111");
  EXPECT_EQ(m->sms_forwarding, "phone");
  EXPECT_EQ(m->availability, "available");
  EXPECT_EQ(m->password_hash, "argon");
  st::teammates::patch p;
  p.availability = "away";
  p.physical_number = std::optional<std::string>();
  write([&](st::unit_of_work& u) { u.teammates().update(ws_, id, p, t(2)); });
  m = read([&](st::unit_of_work& u) { return u.teammates().find(ws_, id); });
  EXPECT_EQ(m->availability, "away");
  EXPECT_FALSE(m->physical_number);
  EXPECT_EQ(m->name, "Ann");
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.teammates().list(ws_).size(); }), 2u);
}

TEST_P(teammates_contract, an_email_is_taken_once_per_workspace) {
  add_teammate(ws_, "ann@acme.test");
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              st::teammate m;
              m.workspace_id = ws_;
              m.email = "ann@acme.test";
              m.name = "Ann again";
              m.role = "agent";
              m.created_at = t(1);
              u.teammates().insert(m);
            }),
            "CONFLICT");
  auto other = store_->add_workspace("Other");
  auto theirs = add_teammate(other, "ann@acme.test");
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.teammates().find(ws_, theirs));
    EXPECT_TRUE(u.teammates().find(other, theirs));
    EXPECT_NE(u.teammates().find_by_email("ann@acme.test")->id, theirs);  // the oldest
  });
}

TEST_P(teammates_contract, teams_round_trip_with_their_members) {
  auto ann = add_teammate(ws_, "ann@acme.test"), bob = add_teammate(ws_, "bob@acme.test");
  auto team = add_team("Support", {bob, ann});
  auto got = read([&](st::unit_of_work& u) { return u.teams().find(ws_, team); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Support");
  EXPECT_TRUE(got->round_robin);
  EXPECT_EQ(got->member_ids, (std::vector<id_t>{ann, bob}));
  write([&](st::unit_of_work& u) {
    u.teams().update(ws_, team, std::string("Sales"), false);
    u.teams().remove_member(ws_, team, ann);
    u.teams().add_member(ws_, team, bob);  // twice: once
  });
  got = read([&](st::unit_of_work& u) { return u.teams().find(ws_, team); });
  EXPECT_EQ(got->name, "Sales");
  EXPECT_FALSE(got->round_robin);
  EXPECT_EQ(got->member_ids, std::vector<id_t>{bob});
  auto other = store_->add_workspace("Other");
  read([&](st::unit_of_work& u) {
    EXPECT_FALSE(u.teams().find(other, team));
    EXPECT_EQ(u.teams().list(ws_).size(), 1u);
    EXPECT_TRUE(u.teams().list(other).empty());
  });
}

TEST_P(teammates_contract, the_round_robin_cycles_through_available_members) {
  auto a = add_teammate(ws_, "a@acme.test"), b = add_teammate(ws_, "b@acme.test"),
       c = add_teammate(ws_, "c@acme.test");
  auto team = add_team("Support", {a, b, c});
  EXPECT_EQ(picks(team, 7), (std::vector<id_t>{a, b, c, a, b, c, a}));
}

TEST_P(teammates_contract, the_round_robin_skips_who_is_away_and_viewers) {
  auto a = add_teammate(ws_, "a@acme.test"),
       away = add_teammate(ws_, "b@acme.test", "agent", "away"),
       viewer = add_teammate(ws_, "v@acme.test", "viewer"), c = add_teammate(ws_, "c@acme.test");
  auto team = add_team("Support", {a, away, viewer, c});
  EXPECT_EQ(picks(team, 4), (std::vector<id_t>{a, c, a, c}));
  // Back from away: they have waited longest, so they are next.
  write([&](st::unit_of_work& u) {
    st::teammates::patch p;
    p.availability = "available";
    u.teammates().update(ws_, away, p, t(50));
  });
  EXPECT_EQ(picks(team, 3), (std::vector<id_t>{away, a, c}));
}

TEST_P(teammates_contract, the_round_robin_of_an_empty_or_foreign_team_picks_nobody) {
  auto away = add_teammate(ws_, "b@acme.test", "agent", "away");
  auto team = add_team("Nobody home", {away});
  EXPECT_EQ(picks(team, 1), std::vector<id_t>{0});
  auto other = store_->add_workspace("Other");
  auto theirs = add_teammate(other, "t@other.test");
  auto their_team = write([&](st::unit_of_work& u) {
    auto id = u.teams().insert(other, "Theirs", true, t(0));
    u.teams().add_member(other, id, theirs);
    return id;
  });
  EXPECT_EQ(picks(their_team, 1), std::vector<id_t>{0});  // not in ws_
}

}  // namespace

CONTRACT_SUITE(teammates_contract);

}  // namespace contract
