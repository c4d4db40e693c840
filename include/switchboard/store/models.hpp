#pragma once
// Rows as the store returns them. Ids are integers here and strings in the API.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::store {

using id_t = std::int64_t;

struct teammate {
  id_t id = 0;
  id_t workspace_id = 0;
  std::string email, name, role;
  std::optional<std::string> physical_number;
  std::string availability = "available";
  std::string sms_forwarding = "off";
  std::string created_at;
  std::string password_hash;  // never leaves the server
};

struct team {
  id_t id = 0;
  id_t workspace_id = 0;
  std::string name;
  bool round_robin = true;
  std::vector<id_t> member_ids;
  std::string created_at;
};

struct contact {
  id_t id = 0;
  id_t workspace_id = 0;
  std::optional<std::string> name, email, external_id;
  std::vector<std::string> phones;
  nlohmann::json attributes = nlohmann::json::object();
  std::string created_at, updated_at;
};

struct conversation {
  id_t id = 0;
  id_t workspace_id = 0;
  id_t contact_id = 0;
  std::optional<std::string> contact_name, contact_phone;
  std::optional<std::string> preview;  // the newest public message, cut to 140 characters
  std::string status = "open";
  std::optional<id_t> assignee_id, team_id;
  std::string priority = "normal";
  std::vector<std::string> labels;
  std::optional<std::string> snoozed_until, first_response_at, resolved_at, last_message_at, subject;
  std::int64_t unread_count = 0;
  std::string channel = "chat";
  std::string created_at, updated_at;
  // The row's position in a list ordered by something other than last activity (a
  // search: its newest match's message id); the cursor carries it. Not in the API's JSON.
  std::optional<std::string> list_key;
};

struct message {
  id_t id = 0;
  id_t workspace_id = 0;
  id_t conversation_id = 0;
  std::string direction;    // inbound | outbound | internal
  std::string sender_kind;  // contact | teammate | bot | system
  std::optional<id_t> sender_id;
  std::string sender_name;
  bool is_private = false;
  std::string channel;
  std::string body;
  std::string status;
  std::optional<std::string> error, external_id;
  std::string kind = "text";
  nlohmann::json media = nlohmann::json::array();
  nlohmann::json metadata = nlohmann::json::object();
  std::string created_at;
};

struct canned_response {
  id_t id = 0;
  std::string shortcut, body, created_at;
};

struct label {
  id_t id = 0;
  std::string name, color, created_at;
};

// Who is calling: resolved from a session token or an API key.
struct principal {
  id_t workspace_id = 0;
  id_t teammate_id = 0;
  std::string role;
  std::string name;
  bool via_api_key = false;
  // The credential: a session's or an API key's row id (sockets close when it is revoked).
  id_t credential_id = 0;
  // API keys only: "read" (GET only) or "write"; whether the key may manage keys.
  std::string key_scope = "write";
  bool key_manage = false;
};

}  // namespace switchboard::store
