#pragma once
// Which credential each open WebSocket was authenticated by, so that revoking
// the credential (an API key revoked, a logout, a widget session ended) or
// lowering the teammate's role closes those sockets at once with 1008
// (issue 16 item 8). Lives on the io_context thread; not thread-safe by design.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "switchboard/http/websocket.hpp"

namespace switchboard::realtime {

struct socket_owner {
  std::int64_t workspace_id = 0;
  std::int64_t teammate_id = 0;  // 0 for a visitor
  std::string credential;        // "session:<id>", "api_key:<id>", "widget:<session id>"
};

class socket_registry {
 public:
  using handle = std::uint64_t;
  // Told the teammate's new role when it was raised (a lowered role closes the socket).
  using role_fn = std::function<void(std::string_view role)>;

  // Taken before a socket's credential is looked up: add() then sees a
  // revocation that committed between that lookup and the socket's opening.
  std::uint64_t epoch() const { return epoch_; }

  // Registers an open socket. When its credential or teammate was revoked after
  // `checked_at`, the socket is closed with 1008 instead and 0 is returned.
  handle add(socket_owner who, std::shared_ptr<http::ws_connection> conn, std::uint64_t checked_at,
             role_fn on_role_raised = {});
  void remove(handle h);

  // Close (1008) every socket of this credential / of this teammate (any
  // credential) and remember it for sockets still opening. Returns how many.
  std::size_t revoke_credential(std::int64_t workspace_id, std::string_view credential,
                                std::string_view reason);
  std::size_t revoke_teammate(std::int64_t workspace_id, std::int64_t teammate_id,
                              std::string_view reason);
  // A raised role: the teammate's sockets keep going with the new role.
  void role_raised(std::int64_t workspace_id, std::int64_t teammate_id, std::string_view role);

  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    socket_owner who;
    std::weak_ptr<http::ws_connection> conn;
    role_fn on_role_raised;
  };
  void remember(std::string key);
  bool revoked_since(const std::string& key, std::uint64_t checked_at) const;

  handle next_ = 0;
  std::unordered_map<handle, entry> entries_;
  // Recent revocations (key -> epoch), bounded; floor_ is the newest epoch
  // forgotten: a socket checked before it is closed, to be safe.
  std::uint64_t epoch_ = 0;
  std::uint64_t floor_ = 0;
  std::unordered_map<std::string, std::uint64_t> revoked_;
  std::deque<std::pair<std::string, std::uint64_t>> revoked_order_;
};

}  // namespace switchboard::realtime
