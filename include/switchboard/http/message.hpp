#pragma once
// Requests and responses as handlers see them: plain data, no Beast types, so
// domain handlers compile without Beast headers and are testable without sockets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "switchboard/core/result.hpp"

namespace switchboard::http {

// Names and values live in one buffer (a request's headers are one or two
// allocations, not two per header).
class header_list {
 public:
  void add(std::string_view name, std::string_view value);
  void set(std::string_view name, std::string_view value);  // replaces the first of that name
  // Case-insensitive lookup of the first value.
  std::optional<std::string_view> get(std::string_view name) const;
  std::size_t size() const { return entries_.size(); }
  // (name, value) of every header, in the order added.
  template <class F>
  void each(F&& f) const {
    for (const auto& e : entries_) f(view(e.name), view(e.value));
  }

 private:
  struct span {
    std::uint32_t offset, length;
  };
  struct entry {
    span name, value;
  };
  std::string_view view(span s) const { return std::string_view(text_).substr(s.offset, s.length); }
  span append(std::string_view s);
  const entry* find(std::string_view name) const;  // the first of that name, any case
  std::string text_;
  std::vector<entry> entries_;
};

struct request {
  std::string method;  // upper case, e.g. GET
  std::string target;  // as received: path and query
  std::string path;    // percent-encoded as received; params are decoded
  std::string query;   // raw query (no '?')
  header_list headers;
  std::string body;
  std::unordered_map<std::string, std::string> params;  // from the route template
  // The client's address: the TCP peer, or, when the peer is a trusted proxy
  // (http.trusted_proxies), the address it forwarded (see core/net_address.hpp).
  std::string remote;
  std::string peer;  // the TCP peer itself, always
  std::string request_id;
  std::string route;  // matched route template, for metrics and logs

  // First value of a query parameter, decoded; nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  // Parses the body as JSON; INVALID_INPUT when it is not.
  result<nlohmann::json> json_body() const;
};

struct response {
  int status = 200;
  std::string content_type = "application/json";
  header_list headers;
  std::string body;
  bool close = false;  // close the connection after this response

  static response json(int status, const nlohmann::json& body);
  static response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  // {"error":{"code":...,"message":...}}
  static response error(int status, std::string_view code, std::string_view message);
  static response from(const switchboard::error& e);
};

// The HTTP status for a CONTRACT.md error code (400 for unknown codes).
int status_for_code(std::string_view code);

// Appends the HTTP/1.x wire form of `res` to `out`: status line, headers
// (Content-Type, Content-Length, Connection, X-Request-Id and the response's own),
// blank line, body. Header names or values with CR/LF are dropped, never sent, and so
// are a handler's own framing headers (Content-Length, Transfer-Encoding, Connection):
// the serializer alone frames the message. No body is written for a HEAD request
// (`head`: its Content-Length is the body's, as GET would send it) nor for 1xx, 204 and
// 304; 1xx, 204 and 304 carry no Content-Length.
void serialize_response(const response& res, unsigned version, bool keep_alive,
                        std::string_view request_id, std::string& out, bool head = false);
std::string_view reason_phrase(int status);

// Splits a request target into encoded path and raw query; INVALID_INPUT if malformed.
result<std::pair<std::string, std::string>> split_target(std::string_view target);

}  // namespace switchboard::http
