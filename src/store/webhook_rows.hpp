#pragma once
// What both backends' webhook repositories share (src/store/sqlite/webhooks.cpp,
// src/store/postgres/webhooks.cpp): an endpoint's event types are stored as a JSON
// array of strings, and read back skipping anything that is not one.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace switchboard::store::webhook_rows {

inline std::vector<std::string> events_of(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array())
    for (auto& e : j)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

inline std::string events_text(const std::vector<std::string>& events) { return nlohmann::json(events).dump(); }

constexpr const char* endpoint_columns =
    "id, workspace_id, url, description, events, secret, previous_secret, previous_secret_expires_at, enabled,"
    " disabled_reason, failing_since, created_at, updated_at";

constexpr const char* delivery_columns =
    "id, workspace_id, endpoint_id, message_id, event_type, payload, status, attempts, response_status, latency_ms,"
    " response_excerpt, last_error, contact_id, created_at, updated_at, last_attempt_at, next_attempt_at";

}  // namespace switchboard::store::webhook_rows
