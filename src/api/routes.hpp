#pragma once
#include <string>

#include <boost/asio/awaitable.hpp>

#include "switchboard/api/api.hpp"
#include "switchboard/http/message.hpp"
#include "switchboard/carriers/rest.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/routing/reply.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/store.hpp"
#include "switchboard/services/click_to_call.hpp"
#include "switchboard/services/provisioning.hpp"
#include "switchboard/services/reply.hpp"
#include "switchboard/services/visitors.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/wire.hpp"

namespace switchboard::api {
void add_auth_routes(http::router& r, api_context& ctx);
void add_conversation_routes(http::router& r, api_context& ctx);
void add_article_routes(http::router& r, api_context& ctx);
void add_help_routes(http::router& r, api_context& ctx);
void add_answer_bot_routes(http::router& r, api_context& ctx);
void add_csat_routes(http::router& r, api_context& ctx);
void add_report_routes(http::router& r, api_context& ctx);
void add_webhook_endpoint_routes(http::router& r, api_context& ctx);
void add_contact_routes(http::router& r, api_context& ctx);
void add_teammate_routes(http::router& r, api_context& ctx);
void add_agent_socket(http::router& r, api_context& ctx);
void add_webhook_routes(http::router& r, api_context& ctx);
void add_number_routes(http::router& r, api_context& ctx);
void add_sandbox_routes(http::router& r, api_context& ctx);
void add_routing_routes(http::router& r, api_context& ctx);
void add_teams_routes(http::router& r, api_context& ctx);
void add_widget_routes(http::router& r, api_context& ctx);
void add_widget_socket(http::router& r, api_context& ctx);
void add_media_routes(http::router& r, api_context& ctx);
// GET /api/v1/openapi.json (docs/openapi.json, embedded).
void add_openapi_routes(http::router& r, api_context& ctx);
// Shared with the services: the widget visitors' topics and message shape.
using services::anonymous_topic;
using services::publish_to_visitors;
using services::visitor_message_json;
using services::visitor_topic;
// Shared with the services: click-to-call inside a write job, the customer's
// thread on a line, and the simulator's hub topic.
using services::queue_click_to_call;
using services::resolve_thread;
using services::sandbox_topic;
using services::thread_ref;
// Signs a form body with the sandbox key and runs it through the webhook
// handler for `path`, exactly as a carrier's request would be.
boost::asio::awaitable<http::response> deliver_sandbox_webhook(api_context& ctx, std::string path,
                                                               std::string form_body);

// Number provisioning (services/provisioning.hpp), shared by /api/v1/numbers and the Teams bot.
using services::provision;
using services::provision_args;
using services::provisioned;
using services::release_number;
// A provisioning error as the API answers it: the carrier's CARRIER_ERROR (502)
// and UNAVAILABLE (503), or the error's own status.
http::response provisioning_failure(const error& e);

// Replies (services/reply.hpp), shared by the inbox, Teams and the widget.
using services::plan_reply_for;
using services::publish_reply;
using services::queue_reply;
using services::reply_result;

}  // namespace switchboard::api
