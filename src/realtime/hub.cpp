#include "switchboard/realtime/hub.hpp"

#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::realtime {

std::string event_text(std::string_view type, const nlohmann::json& data) {
  nlohmann::json e = {{"type", type}, {"data", data}};
  return e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

hub::subscription_id hub::subscribe(std::int64_t workspace_id, std::string topic,
                                    std::shared_ptr<http::ws_connection> conn) {
  auto id = ++next_;
  index_[{workspace_id, topic}][id] = conn.get();
  subs_.emplace(id, sub{workspace_id, std::move(topic), std::move(conn)});
  return id;
}

void hub::unsubscribe(subscription_id id) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return;
  auto key = std::make_pair(it->second.workspace_id, it->second.topic);
  auto idx = index_.find(key);
  if (idx != index_.end()) {
    idx->second.erase(id);
    if (idx->second.empty()) index_.erase(idx);
  }
  subs_.erase(it);
}

std::size_t hub::publish(std::int64_t workspace_id, std::string_view topic, std::string_view type,
                         const nlohmann::json& data) {
  auto idx = index_.find(std::make_pair(workspace_id, std::string(topic)));
  if (idx == index_.end()) return 0;
  auto text = std::make_shared<const std::string>(event_text(type, data));
  // Copy the targets first: a send may close a slow consumer, which unsubscribes it.
  std::vector<std::shared_ptr<http::ws_connection>> targets;
  targets.reserve(idx->second.size());
  for (auto& [id, raw] : idx->second) {
    auto s = subs_.find(id);
    if (s != subs_.end()) targets.push_back(s->second.conn);
  }
  std::size_t n = 0;
  for (auto& c : targets)
    if (c->is_open() && c->send(text)) ++n;
  return n;
}

}  // namespace switchboard::realtime
