#pragma once
// The rows behind realtime fan-out across instances (issue 19; the table is
// migrations/postgres/0002_realtime_events.sql). The store writes and listens
// (store.hpp: relay_event, listen_events); these hold the SQL.
#include <cstdint>
#include <string>
#include <vector>

namespace switchboard::store {

// An event another instance published to its sockets.
struct remote_event {
  std::int64_t id = 0;
  std::int64_t workspace_id = 0;
  std::string topic;
  std::string event;  // serialized, as sockets get it
  bool ephemeral = false;
};

namespace pg {

class connection;

// The NOTIFY channel; its payload is the event's id.
inline constexpr const char* events_channel = "sb_events";

// Inserts the events (one statement) and notifies their ids in one NOTIFY whose
// payload is "<origin> <id>,<id>,…" (delivered when the transaction commits), so
// an instance skips its own without a query. At most 500 events per call (a
// NOTIFY's payload is under 8000 bytes).
void insert_events(connection& db, const std::string& origin, const std::vector<remote_event>& events);
inline constexpr std::size_t max_events_per_insert = 500;
// Parses a NOTIFY payload of insert_events: its origin and ids (false when malformed).
bool parse_notification(const std::string& payload, std::string& origin, std::vector<std::int64_t>& ids);
// The events of these ids written by other instances than `origin`, in id order.
std::vector<remote_event> events_by_id(connection& db, const std::vector<std::int64_t>& ids,
                                       const std::string& origin);
// Other instances' events after `after` (catching up after a reconnect), at most `limit`.
std::vector<remote_event> events_after(connection& db, std::int64_t after, const std::string& origin,
                                       int limit);
std::int64_t newest_event(connection& db);
// Deletes events older than `seconds`; returns how many.
std::int64_t delete_old_events(connection& db, int seconds);

}  // namespace pg
}  // namespace switchboard::store
