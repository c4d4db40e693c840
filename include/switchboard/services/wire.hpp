#pragma once
// The JSON shapes of rows as clients see them: in API replies, in the events the
// hub sends to agent sockets, and from the outbox's updates. One definition, so an
// event and a GET of the same row never differ. Also the hub's topic names.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "switchboard/store/models.hpp"

namespace switchboard::services {

// Ids travel as strings (JavaScript numbers lose precision past 2^53).
std::string id_str(store::id_t id);
nlohmann::json opt_id(const std::optional<store::id_t>& id);
nlohmann::json opt_str(const std::optional<std::string>& s);

nlohmann::json to_json(const store::teammate& t);
nlohmann::json to_json(const store::team& t);
nlohmann::json to_json(const store::contact& c);
nlohmann::json to_json(const store::conversation& c);
nlohmann::json to_json(const store::message& m);
nlohmann::json to_json(const store::consent_entry& e);

// Hub topics (under a workspace).
inline constexpr const char* agents_topic = "agents";  // every agent socket of the workspace
// What the sandbox sends to a phone, heard by the simulator (/ws/sandbox).
std::string sandbox_topic(const std::string& phone);

}  // namespace switchboard::services
