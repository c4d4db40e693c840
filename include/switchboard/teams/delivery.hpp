#pragma once
// Pure rules for posting to the Bot Connector: what a request looks like and
// how its answer is read (delivered, worth a retry, or failed for good).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/outbox/retry.hpp"

namespace switchboard::teams {

// 2xx delivered (carrier_sid = the created conversation's or activity's id);
// 401/403 (a token the connector no longer takes), 408, 429 and 5xx retry;
// other 4xx fail with the connector's message.
outbox::outcome classify_connector_response(int http_status, std::string_view body);

// {serviceUrl}/v3/conversations[/{id}/activities[/{replyToId}]], the id escaped.
std::string conversations_url(std::string service_url);
std::string activities_url(std::string service_url, const std::string& conversation_id,
                           const std::string& reply_to_id = "");

}  // namespace switchboard::teams
