#pragma once
// Realtime hub: after a write commits, events fan out to the WebSocket
// connections subscribed to (workspace, topic). Topics: "agents" for every
// teammate socket of a workspace; later "visitor:<contact id>" for widget sockets.
// Lives on the io_context thread; not thread-safe by design.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

#include "switchboard/http/websocket.hpp"

namespace switchboard::realtime {

class hub {
 public:
  using subscription_id = std::uint64_t;

  subscription_id subscribe(std::int64_t workspace_id, std::string topic,
                            std::shared_ptr<http::ws_connection> conn);
  void unsubscribe(subscription_id id);

  // Serializes {"type":type,"data":data} once and queues it on every subscriber.
  // Returns how many connections it was queued on.
  std::size_t publish(std::int64_t workspace_id, std::string_view topic, std::string_view type,
                      const nlohmann::json& data);
  std::size_t subscribers() const { return subs_.size(); }

 private:
  struct sub {
    std::int64_t workspace_id;
    std::string topic;
    std::shared_ptr<http::ws_connection> conn;
  };
  subscription_id next_ = 0;
  std::unordered_map<subscription_id, sub> subs_;
  // (workspace, topic) -> subscription ids, for publish without a full scan.
  std::map<std::pair<std::int64_t, std::string>, std::map<subscription_id, http::ws_connection*>,
           std::less<>>
      index_;
};

std::string event_text(std::string_view type, const nlohmann::json& data);

}  // namespace switchboard::realtime
