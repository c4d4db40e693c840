#include "switchboard/realtime/sockets.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace switchboard::realtime {
namespace {

constexpr std::size_t remembered_revocations = 4096;

std::string credential_key(std::int64_t ws, std::string_view credential) {
  return std::to_string(ws) + "/" + std::string(credential);
}
std::string teammate_key(std::int64_t ws, std::int64_t teammate) {
  return std::to_string(ws) + "/teammate:" + std::to_string(teammate);
}

}  // namespace

socket_registry::handle socket_registry::add(socket_owner who, std::shared_ptr<http::ws_connection> conn,
                                             std::uint64_t checked_at, role_fn on_role_raised) {
  bool late = checked_at < floor_ || revoked_since(credential_key(who.workspace_id, who.credential), checked_at) ||
              (who.teammate_id != 0 && revoked_since(teammate_key(who.workspace_id, who.teammate_id), checked_at));
  if (late) {
    conn->revoke("credential revoked");
    return 0;
  }
  auto h = ++next_;
  entries_.emplace(h, entry{std::move(who), conn, std::move(on_role_raised)});
  return h;
}

void socket_registry::remove(handle h) { entries_.erase(h); }

bool socket_registry::revoked_since(const std::string& key, std::uint64_t checked_at) const {
  auto it = revoked_.find(key);
  return it != revoked_.end() && it->second > checked_at;
}

void socket_registry::remember(std::string key) {
  revoked_[key] = epoch_;
  revoked_order_.emplace_back(std::move(key), epoch_);
  while (revoked_order_.size() > remembered_revocations) {
    auto& [k, e] = revoked_order_.front();
    auto it = revoked_.find(k);
    if (it != revoked_.end() && it->second == e) revoked_.erase(it);
    floor_ = std::max(floor_, e);
    revoked_order_.pop_front();
  }
}

std::size_t socket_registry::revoke_credential(std::int64_t workspace_id, std::string_view credential,
                                               std::string_view reason) {
  ++epoch_;
  remember(credential_key(workspace_id, credential));
  // Collected first: a revoke may run on_close (and so remove()) synchronously.
  std::vector<std::shared_ptr<http::ws_connection>> hit;
  for (auto& [h, e] : entries_)
    if (e.who.workspace_id == workspace_id && e.who.credential == credential)
      if (auto c = e.conn.lock()) hit.push_back(std::move(c));
  for (auto& c : hit) c->revoke(reason);
  if (!hit.empty())
    spdlog::info("closed {} socket(s) of workspace {} {}: {}", hit.size(), workspace_id, credential, reason);
  return hit.size();
}

std::size_t socket_registry::revoke_teammate(std::int64_t workspace_id, std::int64_t teammate_id,
                                             std::string_view reason) {
  ++epoch_;
  remember(teammate_key(workspace_id, teammate_id));
  std::vector<std::shared_ptr<http::ws_connection>> hit;
  for (auto& [h, e] : entries_)
    if (e.who.workspace_id == workspace_id && e.who.teammate_id == teammate_id)
      if (auto c = e.conn.lock()) hit.push_back(std::move(c));
  for (auto& c : hit) c->revoke(reason);
  if (!hit.empty())
    spdlog::info("closed {} socket(s) of teammate {} in workspace {}: {}", hit.size(), teammate_id,
                 workspace_id, reason);
  return hit.size();
}

void socket_registry::role_raised(std::int64_t workspace_id, std::int64_t teammate_id, std::string_view role) {
  std::vector<role_fn> fns;
  for (auto& [h, e] : entries_)
    if (e.who.workspace_id == workspace_id && e.who.teammate_id == teammate_id && e.on_role_raised)
      fns.push_back(e.on_role_raised);
  for (auto& f : fns) f(role);
}

}  // namespace switchboard::realtime
