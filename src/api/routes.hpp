#pragma once
#include "switchboard/api/api.hpp"

namespace switchboard::api {
void add_auth_routes(http::router& r, api_context& ctx);
void add_conversation_routes(http::router& r, api_context& ctx);
void add_contact_routes(http::router& r, api_context& ctx);
void add_teammate_routes(http::router& r, api_context& ctx);
void add_agent_socket(http::router& r, api_context& ctx);
}  // namespace switchboard::api
