#pragma once
// The Bot Framework's network side, on the io_context: the client-credentials
// token for posting (one fetch shared by every concurrent caller, cached until
// shortly before it expires) and the signing keys for incoming activities
// (OpenID metadata -> jwks_uri, cached, refreshed on an unknown kid at most
// once per key_refresh_min). Both go through http::outbound_client.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "switchboard/core/result.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/teams/jwt.hpp"
#include "switchboard/teams/settings.hpp"

namespace switchboard::teams {

// Lets concurrent callers share one fetch: the first runs it, the others wait.
class single_flight {
 public:
  // True: the caller fetches and calls done() afterwards. False: a fetch that
  // was running has finished; look at its result.
  boost::asio::awaitable<bool> begin();
  void done();

 private:
  std::shared_ptr<boost::asio::steady_timer> running_;
};

class token_source {
 public:
  token_source(http::outbound_client& client, const settings& s) : client_(client), settings_(s) {}
  boost::asio::awaitable<result<std::string>> get();
  // The connector refused the token (401): fetch a new one next time.
  void invalidate() { token_.clear(); }
  std::size_t fetches() const { return fetches_; }

 private:
  boost::asio::awaitable<result<std::string>> fetch();
  http::outbound_client& client_;
  const settings& settings_;
  std::string token_;
  std::chrono::steady_clock::time_point valid_until_{};
  single_flight flight_;
  std::size_t fetches_ = 0;
  std::optional<error> last_error_;
};

class key_source {
 public:
  key_source(http::outbound_client& client, const settings& s) : client_(client), settings_(s) {}
  // The key set (JWKS JSON), fetched when missing or old; with refresh, re-read
  // unless that was done within key_refresh_min.
  boost::asio::awaitable<result<nlohmann::json>> keys(bool refresh = false);
  std::size_t fetches() const { return fetches_; }

 private:
  boost::asio::awaitable<result<nlohmann::json>> fetch();
  http::outbound_client& client_;
  const settings& settings_;
  nlohmann::json keys_;
  std::optional<std::chrono::steady_clock::time_point> fetched_at_, failed_at_;
  single_flight flight_;
  std::size_t fetches_ = 0;
  std::optional<error> last_error_;
};

// Checks an incoming activity's Authorization header: verify_jwt against the
// cached keys, and once more after a refresh when the kid is unknown.
boost::asio::awaitable<jwt_verdict> authenticate_activity(
    key_source& keys, const settings& s, const std::string& authorization,
    const nlohmann::json& activity, std::chrono::system_clock::time_point now);

}  // namespace switchboard::teams
