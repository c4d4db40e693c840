#pragma once
// The dispatcher's outbound-webhook rows (webhook.deliver, issue 21): leased in the
// pass's write job, then signed and POSTed by one of the dispatcher's webhook
// workers on the io_context (10 s timeout), and the outcome recorded in the
// delivery's log: a 2xx succeeds; anything else is tried again on the Standard
// Webhooks schedule (routing/webhooks.hpp) for 3 days, and an endpoint failing
// for 5 days without a success is disabled with a notice to its admins. Private
// to src/outbox.
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/http/outbound.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::outbox {

struct webhook_send {
  store::id_t outbox_id = 0, workspace_id = 0, delivery_id = 0, endpoint_id = 0;
  int round_attempts = 0;  // this round's (since the delivery was queued or replayed)
  std::string round_started_at;
  std::string url, message_id, body;
  std::vector<std::string> secrets;  // the current one, and the previous within its 24 h
};

// Inside the pass's write job, for a row claim_due_deliveries leased: what to send,
// or nullopt when the row was settled here (its delivery or endpoint gone, the
// endpoint disabled, the delivery no longer pending).
std::optional<webhook_send> webhook_send_of(store::unit_of_work& uow, const store::outbox::due_row& row,
                                              const std::string& at);

boost::asio::awaitable<void> deliver_webhook(services::context& ctx, http::outbound_client& client,
                                             const webhook_send& send);

}  // namespace switchboard::outbox
