#pragma once
// Outbound webhooks (issue 21, the Standard Webhooks specification): endpoints an
// admin registers, the events offered to them from inside the write that causes
// them (emit_webhook: a delivery row and its 'webhook.deliver' outbox row commit
// with the change, so an event is never lost), the delivery log, replay, secret
// rotation and a test event. The dispatcher's side — signing, the POST, retries,
// disabling an endpoint that keeps failing — is outbox/webhook_delivery.cpp.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::store {
class unit_of_work;
}

namespace switchboard::services {

inline constexpr const char* webhook_deliver_kind = "webhook.deliver";

// Inside a write job: offers the event to the workspace's enabled endpoints that
// asked for `type`, each getting a delivery (its body {"type", "timestamp",
// "data"} fixed now) and an outbox row. `contact_id`: whose data `data` holds (an
// erasure deletes those deliveries). Returns the deliveries queued.
int emit_webhook(store::unit_of_work& uow, store::id_t ws, std::string_view type, const nlohmann::json& data,
                 const std::string& now, std::optional<store::id_t> contact_id = std::nullopt);

// The events of one write job, for one workspace: the workspace's enabled
// endpoints are read once, on the first question, so a job can skip reading rows
// back for an event nobody asked for.
class webhook_events {
 public:
  webhook_events(store::unit_of_work& uow, store::id_t ws, std::string now) : uow_(uow), ws_(ws), now_(std::move(now)) {}
  // Some enabled endpoint asks for `type`.
  bool wanted(std::string_view type);
  // Queues `type` for each endpoint that asks for it (nothing when none does).
  void emit(std::string_view type, const nlohmann::json& data, std::optional<store::id_t> contact_id = std::nullopt);
  int queued() const { return queued_; }

 private:
  store::unit_of_work& uow_;
  store::id_t ws_;
  std::string now_;
  std::optional<std::vector<store::webhooks::endpoint>> endpoints_;
  int queued_ = 0;
};

// conversation.updated, and conversation.status_changed (with previous_status) or
// conversation.assigned (with previous_assignee_id) when those moved.
// `with_updated` false: the job emitted conversation.updated for it already.
void emit_conversation_change(store::unit_of_work& uow, const store::conversation& before,
                              const store::conversation& after, const std::string& at, bool with_updated = true);

// message.updated, credited to the conversation's contact.
void emit_message_updated(store::unit_of_work& uow, const store::message& m, const std::string& at);

// What a create or PATCH names; absent fields stay as they are.
struct webhook_endpoint_input {
  std::optional<std::string> url, description;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;
};
// Reads a request body: INVALID_INPUT naming the field for anything wrong.
result<webhook_endpoint_input> read_webhook_endpoint_input(const nlohmann::json& body, bool creating);

// The endpoint as the API shows it: never the secret (that only on create and rotate).
nlohmann::json to_json(const store::webhooks::endpoint& e);
nlohmann::json to_json(const store::webhooks::delivery& d, bool with_payload);

boost::asio::awaitable<result<std::vector<store::webhooks::endpoint>>> list_webhook_endpoints(context& ctx,
                                                                                             store::id_t ws);
boost::asio::awaitable<result<store::webhooks::endpoint>> get_webhook_endpoint(context& ctx, store::id_t ws,
                                                                              store::id_t id);
// A new endpoint with a new secret (audited webhook.created). INVALID_INPUT: a URL
// that is not https (http only to loopback with webhooks.allow_private_targets), a
// private or loopback address, unknown event types.
boost::asio::awaitable<result<store::webhooks::endpoint>> create_webhook_endpoint(context& ctx,
                                                                                 store::principal who,
                                                                                 std::string ip,
                                                                                 webhook_endpoint_input in);
// Enabling again clears the failure streak. Audited webhook.updated.
boost::asio::awaitable<result<store::webhooks::endpoint>> update_webhook_endpoint(context& ctx,
                                                                                 store::principal who,
                                                                                 std::string ip, store::id_t id,
                                                                                 webhook_endpoint_input in);
boost::asio::awaitable<result<void>> delete_webhook_endpoint(context& ctx, store::principal who, std::string ip,
                                                            store::id_t id);
// A new secret; the old one keeps signing beside it for 24 hours. Audited webhook.secret_rotated.
boost::asio::awaitable<result<store::webhooks::endpoint>> rotate_webhook_secret(context& ctx, store::principal who,
                                                                               std::string ip, store::id_t id);

struct delivery_page {
  std::vector<store::webhooks::delivery> items;
  bool more = false;
};
boost::asio::awaitable<result<delivery_page>> list_webhook_deliveries(context& ctx, store::id_t ws,
                                                                     store::id_t endpoint_id,
                                                                     store::webhooks::delivery_filter f);
boost::asio::awaitable<result<store::webhooks::delivery>> get_webhook_delivery(context& ctx, store::id_t ws,
                                                                              store::id_t endpoint_id,
                                                                              store::id_t delivery_id);
// Sends one delivery again (the same webhook-id): pending, with a new outbox row.
// CONFLICT_STATE while it is pending or when the endpoint is disabled.
boost::asio::awaitable<result<store::webhooks::delivery>> replay_webhook_delivery(context& ctx, store::id_t ws,
                                                                                 store::id_t endpoint_id,
                                                                                 store::id_t delivery_id);
// Sends again every failed delivery created at or after `since` (at most 1000); returns how many.
boost::asio::awaitable<result<int>> replay_failed_webhooks(context& ctx, store::id_t ws, store::id_t endpoint_id,
                                                          std::string since);
// A webhook.test event to this endpoint only.
boost::asio::awaitable<result<store::webhooks::delivery>> send_test_webhook(context& ctx, store::id_t ws,
                                                                           store::id_t endpoint_id);

}  // namespace switchboard::services
