// Contract: outbound webhooks' endpoints and delivery log (issue 21). Endpoints
// keep every field, the enabled ones are what events are offered to, and a
// delete takes the endpoint's log with it; deliveries page newest first, filter by
// status, list the failed since a time, go with an erased contact, and settled ones
// are purged by age (pending ones never). Nothing is read across workspaces.

#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

namespace wh = st::webhooks;

class webhooks_contract : public contract_test {
 protected:
  wh::endpoint endpoint(id_t ws, const std::string& url, std::vector<std::string> events, bool enabled = true) {
    wh::endpoint e;
    e.workspace_id = ws;
    e.url = url;
    e.description = "CRM";
    e.events = std::move(events);
    e.secret = "whsec_c2VjcmV0";
    e.enabled = enabled;
    e.created_at = e.updated_at = t(1);
    e.id = write([&](st::unit_of_work& u) { return u.webhooks().insert_endpoint(e); });
    return e;
  }
  wh::delivery delivery(const wh::endpoint& e, const std::string& type, const std::string& status, int minute,
                        std::optional<id_t> contact = std::nullopt) {
    wh::delivery d;
    d.workspace_id = e.workspace_id;
    d.endpoint_id = e.id;
    d.message_id = "msg_" + std::to_string(minute) + type;
    d.event_type = type;
    d.payload = R"({"type":")" + type + R"(","data":{}})";
    d.status = status;
    d.contact_id = contact;
    d.created_at = d.updated_at = t(minute);
    d.next_attempt_at = t(minute);
    d.id = write([&](st::unit_of_work& u) { return u.webhooks().insert_delivery(d); });
    return d;
  }
};

TEST_P(webhooks_contract, endpoints_keep_every_field_and_stay_in_their_workspace) {
  auto other = store_->add_workspace("Other");
  auto a = endpoint(ws_, "https://a.example.com/hook", {"message.created", "contact.created"});
  auto b = endpoint(ws_, "https://b.example.com/hook", {"message.created"}, false);
  auto theirs = endpoint(other, "https://c.example.com/hook", {"message.created"});

  auto found = read([&](st::unit_of_work& u) { return u.webhooks().find_endpoint(ws_, a.id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->url, "https://a.example.com/hook");
  EXPECT_EQ(found->description, "CRM");
  EXPECT_EQ(found->events, (std::vector<std::string>{"message.created", "contact.created"}));
  EXPECT_EQ(found->secret, "whsec_c2VjcmV0");
  EXPECT_TRUE(found->enabled);
  EXPECT_FALSE(found->previous_secret);
  EXPECT_FALSE(found->failing_since);
  EXPECT_EQ(found->created_at, t(1));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.webhooks().find_endpoint(other, a.id); }));

  auto all = read([&](st::unit_of_work& u) { return u.webhooks().endpoints(ws_); });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a.id);
  EXPECT_EQ(all[1].id, b.id);
  auto enabled = read([&](st::unit_of_work& u) { return u.webhooks().enabled_endpoints(ws_); });
  ASSERT_EQ(enabled.size(), 1u);
  EXPECT_EQ(enabled[0].id, a.id);

  // An update changes what it names, in its workspace only.
  auto changed = *found;
  changed.url = "https://a2.example.com/hook";
  changed.events = {"contact.updated"};
  changed.previous_secret = "whsec_b2xk";
  changed.previous_secret_expires_at = t(60);
  changed.secret = "whsec_bmV3";
  changed.enabled = false;
  changed.disabled_reason = "every delivery failed";
  changed.failing_since = t(2);
  changed.updated_at = t(3);
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.webhooks().update_endpoint(changed); }));
  auto again = *read([&](st::unit_of_work& u) { return u.webhooks().find_endpoint(ws_, a.id); });
  EXPECT_EQ(again.url, "https://a2.example.com/hook");
  EXPECT_EQ(again.events, (std::vector<std::string>{"contact.updated"}));
  EXPECT_EQ(again.secret, "whsec_bmV3");
  EXPECT_EQ(again.previous_secret, std::optional<std::string>("whsec_b2xk"));
  EXPECT_EQ(again.previous_secret_expires_at, std::optional<std::string>(t(60)));
  EXPECT_FALSE(again.enabled);
  EXPECT_EQ(again.disabled_reason, std::optional<std::string>("every delivery failed"));
  EXPECT_EQ(again.failing_since, std::optional<std::string>(t(2)));
  EXPECT_EQ(again.updated_at, t(3));
  auto stranger = changed;
  stranger.workspace_id = other;
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.webhooks().update_endpoint(stranger); }));
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.webhooks().delete_endpoint(other, a.id); }));

  // A delete takes its deliveries.
  auto d = delivery(theirs, "message.created", "pending", 5);
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.webhooks().delete_endpoint(other, theirs.id); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.webhooks().find_delivery(other, d.id); }));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.webhooks().endpoints(other); }).empty());
}

TEST_P(webhooks_contract, deliveries_page_filter_replay_and_go_with_their_contact_or_their_age) {
  auto other = store_->add_workspace("Other");
  auto e = endpoint(ws_, "https://a.example.com/hook", {"message.created"});
  auto contact = add_contact(ws_, "Ada");
  auto d1 = delivery(e, "message.created", "failed", 10, contact);
  auto d2 = delivery(e, "message.created", "succeeded", 20);
  auto d3 = delivery(e, "contact.created", "failed", 30, contact);
  auto d4 = delivery(e, "message.created", "pending", 40);

  auto found = read([&](st::unit_of_work& u) { return u.webhooks().find_delivery(ws_, d1.id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->message_id, d1.message_id);
  EXPECT_EQ(found->payload, d1.payload);
  EXPECT_EQ(found->contact_id, std::optional<id_t>(contact));
  EXPECT_EQ(found->attempts, 0);
  EXPECT_FALSE(found->response_status);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.webhooks().find_delivery(other, d1.id); }));

  // An attempt's record.
  auto attempt = *found;
  attempt.attempts = 3;
  attempt.response_status = 503;
  attempt.latency_ms = 12;
  attempt.response_excerpt = "busy";
  attempt.last_error = "HTTP 503";
  attempt.last_attempt_at = t(11);
  attempt.next_attempt_at = std::nullopt;
  attempt.updated_at = t(11);
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.webhooks().update_delivery(attempt); }));
  auto stored = *read([&](st::unit_of_work& u) { return u.webhooks().find_delivery(ws_, d1.id); });
  EXPECT_EQ(stored.attempts, 3);
  EXPECT_EQ(stored.response_status, std::optional<std::int64_t>(503));
  EXPECT_EQ(stored.latency_ms, std::optional<std::int64_t>(12));
  EXPECT_EQ(stored.response_excerpt, std::optional<std::string>("busy"));
  EXPECT_EQ(stored.last_error, std::optional<std::string>("HTTP 503"));
  EXPECT_EQ(stored.last_attempt_at, std::optional<std::string>(t(11)));
  EXPECT_FALSE(stored.next_attempt_at);

  // Newest first, a page at a time, by status.
  auto ids = [](const std::vector<wh::delivery>& rows) {
    std::vector<id_t> out;
    for (auto& r : rows) out.push_back(r.id);
    return out;
  };
  wh::delivery_filter f;
  f.limit = 2;
  auto page1 = read([&](st::unit_of_work& u) { return u.webhooks().deliveries(ws_, e.id, f); });
  EXPECT_EQ(ids(page1), (std::vector<id_t>{d4.id, d3.id}));
  f.before = page1.back().id;
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.webhooks().deliveries(ws_, e.id, f); })),
            (std::vector<id_t>{d2.id, d1.id}));
  wh::delivery_filter failed;
  failed.status = "failed";
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.webhooks().deliveries(ws_, e.id, failed); })),
            (std::vector<id_t>{d3.id, d1.id}));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.webhooks().deliveries(other, e.id, {}); }).empty());

  // Failed since a time, oldest first.
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.webhooks().failed_since(ws_, e.id, t(0), 10); }),
            (std::vector<id_t>{d1.id, d3.id}));
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.webhooks().failed_since(ws_, e.id, t(15), 10); }),
            (std::vector<id_t>{d3.id}));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.webhooks().failed_since(other, e.id, t(0), 10); }).empty());

  // An erased contact's deliveries go.
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.webhooks().delete_deliveries_of_contact(other, contact); }), 0);
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.webhooks().delete_deliveries_of_contact(ws_, contact); }), 2);
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.webhooks().deliveries(ws_, e.id, {}); })),
            (std::vector<id_t>{d4.id, d2.id}));

  // Settled ones older than the cut go; pending ones stay.
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.webhooks().purge_deliveries(t(50), 100); }), 1);
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.webhooks().deliveries(ws_, e.id, {}); })),
            (std::vector<id_t>{d4.id}));
}

TEST_P(webhooks_contract, due_deliveries_are_claimed_apart_and_leased) {
  auto e = endpoint(ws_, "https://a.example.com/hook", {"message.created"});
  auto d = delivery(e, "message.created", "pending", 1);
  auto row = write([&](st::unit_of_work& u) {
    u.outbox().enqueue(ws_, "message.send.sms", nlohmann::json{{"message_id", 1}}, t(1));
    return u.outbox().enqueue(ws_, "webhook.deliver", nlohmann::json{{"delivery_id", d.id}}, t(1));
  });
  // The general claim never returns them (a backlog of webhooks never holds up texts).
  auto general = write([&](st::unit_of_work& u) { return u.outbox().claim_due(t(2), t(3), 50); });
  ASSERT_EQ(general.size(), 1u);
  EXPECT_EQ(general[0].kind, "message.send.sms");
  auto claimed = write([&](st::unit_of_work& u) { return u.webhooks().claim_due_deliveries(t(2), t(12), 10); });
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, row);
  EXPECT_EQ(claimed[0].workspace_id, ws_);
  EXPECT_EQ(nlohmann::json::parse(claimed[0].payload)["delivery_id"], d.id);
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.webhooks().claim_due_deliveries(t(5), t(15), 10); }).empty());
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.webhooks().claim_due_deliveries(t(12), t(20), 10); }).size(), 1u);
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.webhooks().claim_due_deliveries(t(12), t(20), 0); }).empty());

  // Settled long ago: the housekeeping purge takes the row with its delivery.
  write([&](st::unit_of_work& u) {
    u.outbox().settle(row, "done", std::nullopt, t(13), t(13));
    auto settled = *u.webhooks().find_delivery(ws_, d.id);
    settled.status = "succeeded";
    settled.updated_at = t(13);
    u.webhooks().update_delivery(settled);
  });
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.webhooks().purge_deliveries(t(14), 100); }), 1);
  write([&](st::unit_of_work& u) { u.outbox().settle(row, "pending", std::nullopt, t(0), t(0), false); });
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.webhooks().claim_due_deliveries(t(30), t(40), 10); }).empty())
      << "the settled outbox row was purged";
}

TEST_P(webhooks_contract, an_endpoints_streak_starts_clears_and_disables_once) {
  auto e = endpoint(ws_, "https://a.example.com/hook", {"message.created"});
  auto other = store_->add_workspace("Other");
  auto outcome = [&](id_t ws, bool ok, bool may_disable, int minute, int cut) {
    return write([&](st::unit_of_work& u) {
      return u.webhooks().record_endpoint_outcome(ws, e.id, ok, may_disable, t(minute), t(cut), "failing");
    });
  };
  auto got = [&] { return *read([&](st::unit_of_work& u) { return u.webhooks().find_endpoint(ws_, e.id); }); };
  EXPECT_FALSE(outcome(ws_, false, false, 10, 0));
  EXPECT_EQ(got().failing_since, std::optional<std::string>(t(10)));
  EXPECT_FALSE(outcome(ws_, false, false, 20, 0));
  EXPECT_EQ(got().failing_since, std::optional<std::string>(t(10))) << "the first failure stays";
  EXPECT_FALSE(outcome(ws_, true, false, 30, 0));
  EXPECT_FALSE(got().failing_since);
  EXPECT_FALSE(outcome(ws_, false, true, 40, 35)) << "failing only since 40: not before the cut";
  EXPECT_TRUE(got().enabled);
  EXPECT_FALSE(outcome(other, false, true, 50, 45)) << "another workspace's call changes nothing";
  EXPECT_TRUE(outcome(ws_, false, true, 50, 45));
  EXPECT_FALSE(got().enabled);
  EXPECT_EQ(got().disabled_reason, std::optional<std::string>("failing"));
  EXPECT_FALSE(outcome(ws_, false, true, 55, 45)) << "disabled once";
}

TEST_P(webhooks_contract, a_merge_moves_deliveries_to_the_contact_kept) {
  auto e = endpoint(ws_, "https://a.example.com/hook", {"message.created"});
  auto kept = add_contact(ws_, "Ada"), merged = add_contact(ws_, "Ada B.");
  delivery(e, "message.created", "succeeded", 1, merged);
  write([&](st::unit_of_work& u) { u.webhooks().move_contact(ws_, merged, kept); });
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.webhooks().delete_deliveries_of_contact(ws_, merged); }), 0);
  EXPECT_EQ(write([&](st::unit_of_work& u) { return u.webhooks().delete_deliveries_of_contact(ws_, kept); }), 1);
}

CONTRACT_SUITE(webhooks_contract);

}  // namespace
}  // namespace contract
