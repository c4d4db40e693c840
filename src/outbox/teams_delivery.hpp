#pragma once
// The dispatcher's Teams rows (teams.create_thread, teams.reply): leased in the
// pass's write job, posted to the Bot Connector on the io_context with the
// bot's cached token, and the outcome recorded with the same retry rules as
// carrier sends. Private to src/outbox.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "switchboard/services/context.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/teams/connector.hpp"

namespace switchboard::outbox {

struct teams_send {
  store::id_t outbox_id = 0, workspace_id = 0;
  int attempts = 0;
  std::string kind;
  store::id_t thread_row = 0;  // create_thread: the teams_threads row to complete
  std::string url;
  nlohmann::json body;
};

// Inside the pass's write job. Returns what to post (the row is leased until
// lease_until), or nullopt when the row was settled here: failed, or put off
// because its thread is still being created.
std::optional<teams_send> lease_teams_row(store::unit_of_work& uow, store::id_t outbox_id,
                                          store::id_t workspace_id, const std::string& kind,
                                          const nlohmann::json& payload, int attempts, bool enabled,
                                          const std::string& at, const std::string& lease_until,
                                          const std::string& later);

boost::asio::awaitable<void> deliver_teams(services::context& ctx, http::outbound_client& client,
                                           teams::token_source& tokens, const teams_send& send,
                                           std::chrono::milliseconds retry_base);

}  // namespace switchboard::outbox
