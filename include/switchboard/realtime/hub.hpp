#pragma once
// Realtime hub: after a write commits, events fan out to the WebSocket
// connections subscribed to (workspace, topic). Topics: "agents" for every
// teammate socket of a workspace; "visitor:<contact id>" for a verified widget
// visitor and "visitor:<visitor id>" for an anonymous one; the sandbox's phone
// simulator listens on a topic per phone number (api::sandbox_topic).
// Lives on the io_context thread; not thread-safe by design.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "switchboard/http/websocket.hpp"

namespace switchboard::realtime {

class hub {
 public:
  using subscription_id = std::uint64_t;

  subscription_id subscribe(std::int64_t workspace_id, std::string topic,
                            std::shared_ptr<http::ws_connection> conn);
  void unsubscribe(subscription_id id);

  // Durable events (a message, a conversation change) are queued on every
  // subscriber and count toward its slow-consumer cap; ephemeral ones (typing,
  // presence) are dropped for a busy socket instead (issue 16 item 9).
  enum class delivery { durable, ephemeral };
  // Serializes {"type":type,"data":data} once and queues it on every subscriber.
  // Returns how many connections it was queued on.
  std::size_t publish(std::int64_t workspace_id, std::string_view topic, std::string_view type,
                      const nlohmann::json& data, delivery how = delivery::durable);
  std::size_t subscribers() const { return subs_.size(); }

  // Several instances on one PostgreSQL (issue 19): every event published here is
  // also handed, serialized, to `relay`, which carries it to the other instances;
  // their events arrive through publish_local(), which relays nothing.
  using relay_fn = std::function<void(std::int64_t workspace_id, std::string_view topic,
                                      const std::string& event, delivery how)>;
  void set_relay(relay_fn relay) { relay_ = std::move(relay); }
  // An event already serialized ({"type","data"}), for this instance's sockets only.
  std::size_t publish_local(std::int64_t workspace_id, std::string_view topic,
                            std::shared_ptr<const std::string> event, delivery how);
  // Lets a publisher skip building an event that nobody would receive (with a
  // relay, another instance may have subscribers: always true).
  bool has_subscribers(std::int64_t workspace_id, std::string_view topic) const;

 private:
  struct sub {
    std::int64_t workspace_id;
    std::string topic;
    std::shared_ptr<http::ws_connection> conn;
  };
  struct target {
    subscription_id id;
    http::ws_connection* conn;  // owned by subs_; null once unsubscribed during a publish
  };
  void compact();
  std::size_t deliver(std::vector<target>& list, const std::shared_ptr<const std::string>& text,
                      delivery how);
  relay_fn relay_;

  subscription_id next_ = 0;
  std::unordered_map<subscription_id, sub> subs_;
  // (workspace, topic) -> its connections: publish walks a flat list, with no
  // per-target lookup or reference count (it runs for every socket of a workspace).
  std::map<std::pair<std::int64_t, std::string>, std::vector<target>, std::less<>> index_;
  // An unsubscribe while a publish is walking the lists (a connection's send
  // reacting synchronously) only marks its entry; the owner is kept until the
  // walk is over.
  int publishing_ = 0;
  std::vector<std::shared_ptr<http::ws_connection>> retired_;
  bool needs_compaction_ = false;
};

std::string event_text(std::string_view type, const nlohmann::json& data);

}  // namespace switchboard::realtime
