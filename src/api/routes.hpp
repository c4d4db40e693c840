#pragma once
#include <string>

#include <boost/asio/awaitable.hpp>

#include "switchboard/api/api.hpp"
#include "switchboard/http/message.hpp"

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
// The hub topic (workspace 0) on which the sandbox publishes what it sends to a phone.
std::string sandbox_topic(const std::string& phone);
// Signs a form body with the sandbox key and runs it through the webhook
// handler for `path`, exactly as a carrier's request would be.
boost::asio::awaitable<http::response> deliver_sandbox_webhook(api_context& ctx, std::string path,
                                                               std::string form_body);
}  // namespace switchboard::api
