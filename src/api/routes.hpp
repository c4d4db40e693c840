#pragma once
#include <string>

#include <boost/asio/awaitable.hpp>

#include "switchboard/api/api.hpp"
#include "switchboard/http/message.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/store.hpp"

namespace switchboard::api {
void add_auth_routes(http::router& r, api_context& ctx);
void add_conversation_routes(http::router& r, api_context& ctx);
void add_contact_routes(http::router& r, api_context& ctx);
void add_teammate_routes(http::router& r, api_context& ctx);
void add_agent_socket(http::router& r, api_context& ctx);
void add_webhook_routes(http::router& r, api_context& ctx);
void add_number_routes(http::router& r, api_context& ctx);
void add_sandbox_routes(http::router& r, api_context& ctx);
void add_routing_routes(http::router& r, api_context& ctx);
// Click-to-call inside a write job: a queued call item in the conversation and a
// call.create outbox row that rings the teammate's own phone from the
// conversation's line. Throws job_error (NOT_FOUND, INVALID_INPUT) when it cannot.
store::message queue_click_to_call(store::database& db, store::id_t workspace_id, store::id_t teammate_id,
                                   store::id_t conversation_id, const std::string& at);
// The hub topic (workspace 0) on which the sandbox publishes what it sends to a phone.
std::string sandbox_topic(const std::string& phone);
// Signs a form body with the sandbox key and runs it through the webhook
// handler for `path`, exactly as a carrier's request would be.
boost::asio::awaitable<http::response> deliver_sandbox_webhook(api_context& ctx, std::string path,
                                                               std::string form_body);
}  // namespace switchboard::api
