#include "switchboard/realtime/hub.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace switchboard::realtime {

std::string event_text(std::string_view type, const nlohmann::json& data) {
  nlohmann::json e = {{"type", type}, {"data", data}};
  return e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

hub::subscription_id hub::subscribe(std::int64_t workspace_id, std::string topic,
                                    std::shared_ptr<http::ws_connection> conn) {
  auto id = ++next_;
  index_[{workspace_id, topic}].push_back({id, conn.get()});
  subs_.emplace(id, sub{workspace_id, std::move(topic), std::move(conn)});
  return id;
}

void hub::unsubscribe(subscription_id id) {
  auto it = subs_.find(id);
  if (it == subs_.end()) return;
  auto idx = index_.find(std::make_pair(it->second.workspace_id, it->second.topic));
  if (idx != index_.end()) {
    auto& list = idx->second;
    auto at = std::find_if(list.begin(), list.end(), [id](const target& t) { return t.id == id; });
    if (at != list.end()) {
      if (publishing_ > 0) {
        at->conn = nullptr;
        needs_compaction_ = true;
      } else {
        list.erase(at);
        if (list.empty()) index_.erase(idx);
      }
    }
  }
  if (publishing_ > 0) retired_.push_back(std::move(it->second.conn));
  subs_.erase(it);
}

void hub::compact() {
  needs_compaction_ = false;
  for (auto it = index_.begin(); it != index_.end();) {
    auto& list = it->second;
    std::erase_if(list, [](const target& t) { return t.conn == nullptr; });
    it = list.empty() ? index_.erase(it) : std::next(it);
  }
}

bool hub::has_subscribers(std::int64_t workspace_id, std::string_view topic) const {
  if (relay_) return true;
  auto idx = index_.find(std::make_pair(workspace_id, std::string(topic)));
  return idx != index_.end() && !idx->second.empty();
}

std::size_t hub::publish(std::int64_t workspace_id, std::string_view topic, std::string_view type,
                         const nlohmann::json& data, delivery how) {
  auto idx = index_.find(std::make_pair(workspace_id, std::string(topic)));
  if (idx == index_.end() && !relay_) return 0;
  auto text = std::make_shared<const std::string>(event_text(type, data));
  if (relay_) relay_(workspace_id, topic, *text, how);
  return idx == index_.end() ? 0 : deliver(idx->second, text, how);
}

std::size_t hub::publish_local(std::int64_t workspace_id, std::string_view topic,
                               std::shared_ptr<const std::string> event, delivery how) {
  auto idx = index_.find(std::make_pair(workspace_id, std::string(topic)));
  return idx == index_.end() ? 0 : deliver(idx->second, event, how);
}

std::size_t hub::deliver(std::vector<target>& list, const std::shared_ptr<const std::string>& text,
                         delivery how) {
  ++publishing_;
  std::size_t n = 0;
  // By index and up to the size at the start: a subscription made meanwhile
  // (which may grow the vector) gets the next event, not this one.
  for (std::size_t i = 0, end = list.size(); i < end; ++i) {
    auto* c = list[i].conn;
    if (!c) continue;
    if (how == delivery::ephemeral ? c->send_ephemeral(text) : c->send(text)) ++n;
  }
  if (--publishing_ == 0) {
    retired_.clear();
    if (needs_compaction_) compact();
  }
  return n;
}

}  // namespace switchboard::realtime
