#pragma once
// Routes on method + path template ("/api/v1/conversations/{id}"). Matching is
// pure and happens after the header is read, so each route sets its own body limit.
// A WebSocket route is a GET route whose handler decides on an upgrade.
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "switchboard/http/message.hpp"
#include "switchboard/http/websocket.hpp"

namespace switchboard::http {

using handler = std::function<boost::asio::awaitable<response>(request&)>;

struct route_options {
  std::optional<std::size_t> body_limit;  // default: http.body_limit
};

struct route {
  std::string method;
  std::string path_template;
  std::vector<std::string> segments;  // "{x}" marks a parameter
  handler fn;                         // empty for a WebSocket route
  route_options options;
  bool websocket = false;
  ws_handler ws_fn;  // set for a WebSocket route
  ws_limits ws_opts;
};

struct match_result {
  const route* found = nullptr;  // method and path matched
  bool path_known = false;       // the path matched some route (405 vs 404)
  std::string allow;             // methods for the path, for the Allow header
  std::unordered_map<std::string, std::string> params;

  // The server upgrades (or answers 426) instead of calling found->fn.
  bool is_websocket() const { return found && found->websocket; }
};

class router {
 public:
  // Throws std::invalid_argument for a malformed template or a duplicate (a programming error).
  void add(std::string method, std::string path_template, handler fn, route_options opts = {});
  // A GET route that upgrades to a WebSocket; the same path as a plain GET route is a duplicate.
  void add_websocket(std::string path_template, ws_handler fn, ws_limits limits = {});
  // HEAD matches the GET route of the path when it has no HEAD route of its own.
  match_result match(std::string_view method, std::string_view path) const;
  const std::vector<route>& routes() const { return routes_; }

 private:
  void insert(route r);
  match_result match_method(std::string_view method, std::string_view path) const;
  std::vector<route> routes_;
  // Route indices by segment count and first segment ("{}" when it is a parameter):
  // a request is compared with its own bucket and the parameter bucket only.
  struct bucket_key {
    std::size_t length;
    std::string first;
    bool operator==(const bucket_key&) const = default;
  };
  struct bucket_hash {
    std::size_t operator()(const bucket_key& k) const noexcept {
      return std::hash<std::string>()(k.first) ^ (k.length * 0x9e3779b97f4a7c15ULL);
    }
  };
  std::unordered_map<bucket_key, std::vector<std::size_t>, bucket_hash> buckets_;
};

}  // namespace switchboard::http
