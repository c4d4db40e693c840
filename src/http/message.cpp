#include "switchboard/http/message.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/url_view.hpp>
#include <nlohmann/json.hpp>
#include <strings.h>

#include <charconv>

namespace switchboard::http {

header_list::span header_list::append(std::string_view s) {
  if (text_.empty()) text_.reserve(512);
  span out{static_cast<std::uint32_t>(text_.size()), static_cast<std::uint32_t>(s.size())};
  text_ += s;
  return out;
}

void header_list::add(std::string_view name, std::string_view value) {
  if (entries_.empty()) entries_.reserve(16);
  auto n = append(name);
  auto v = append(value);
  entries_.push_back({n, v});
}

const header_list::entry* header_list::find(std::string_view name) const {
  for (const auto& e : entries_) {
    auto n = view(e.name);
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return &e;
  }
  return nullptr;
}

void header_list::set(std::string_view name, std::string_view value) {
  if (auto* e = find(name)) {
    // The old value's bytes stay unused in the buffer.
    entries_[static_cast<std::size_t>(e - entries_.data())].value = append(value);
    return;
  }
  add(name, value);
}

std::optional<std::string_view> header_list::get(std::string_view name) const {
  if (auto* e = find(name)) return view(e->value);
  return std::nullopt;
}

std::optional<std::string> request::query_param(std::string_view name) const {
  if (query.empty()) return std::nullopt;
  if (!boost::urls::parse_query(query)) return std::nullopt;
  // Form-style decoding: '+' is a space, as browsers and carriers send it.
  boost::urls::params_view params(query, boost::urls::encoding_opts(true));
  for (auto p : params) {
    if (p.key == name) return p.has_value ? p.value : std::string();
  }
  return std::nullopt;
}

result<nlohmann::json> request::json_body() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return error{"INVALID_INPUT", "request body is not valid JSON"};
  return j;
}

response response::json(int status, const nlohmann::json& body) {
  response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

response response::text(int status, std::string body, std::string content_type) {
  response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

response response::error(int status, std::string_view code, std::string_view message) {
  return json(status, {{"error", {{"code", code}, {"message", message}}}});
}

response response::from(const switchboard::error& e) {
  return error(status_for_code(e.code), e.code, e.message);
}

int status_for_code(std::string_view code) {
  static const std::unordered_map<std::string_view, int> table = {
      {"NOT_AUTHENTICATED", 401},  {"SESSION_EXPIRED", 401},     {"INVALID_CREDENTIALS", 401},
      {"NOT_AUTHORIZED", 403},     {"PERMISSION_DENIED", 403},   {"NOT_WORKSPACE_MEMBER", 403},
      {"NOT_FOUND", 404},          {"METHOD_NOT_ALLOWED", 405},  {"ALREADY_EXISTS", 409},
      {"CONFLICT", 409},           {"INVALID_INPUT", 400},       {"MISSING_REQUIRED_FIELD", 400},
      {"INVALID_FORMAT", 400},     {"PAYLOAD_TOO_LARGE", 413},   {"HEADERS_TOO_LARGE", 431},
      {"RATE_LIMITED", 429},       {"INTERNAL", 500},            {"UNAVAILABLE", 503},
      {"OPTED_OUT", 409},         {"UNSUPPORTED_MEDIA_TYPE", 415},
  };
  auto it = table.find(code);
  return it == table.end() ? 400 : it->second;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

namespace {
bool header_safe(std::string_view s) {
  return s.find_first_of("\r\n") == std::string_view::npos;
}
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}
// Framing is the serializer's: a handler's copy could contradict it and desynchronise the client.
bool framing_header(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection");
}
void append_uint(std::string& out, std::size_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}
}  // namespace

void serialize_response(const response& res, unsigned version, bool keep_alive,
                        std::string_view request_id, std::string& out, bool head) {
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  int status = res.status >= 100 && res.status <= 999 ? res.status : 500;
  append_uint(out, static_cast<std::size_t>(status));
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  bool bodiless_status = status < 200 || status == 204 || status == 304;
  if (!res.content_type.empty() && header_safe(res.content_type) && status != 204 && status >= 200) {
    out += "Content-Type: ";
    out += res.content_type;
    out += "\r\n";
  }
  // RFC 9110 6.4.1, 8.6: 1xx, 204 and 304 have no body; 304's length would be the GET's.
  if (!bodiless_status) {
    out += "Content-Length: ";
    append_uint(out, res.body.size());
    out += "\r\n";
  }
  if (!keep_alive)
    out += "Connection: close\r\n";
  else if (version == 10)
    out += "Connection: keep-alive\r\n";
  if (!request_id.empty() && header_safe(request_id)) {
    out += "X-Request-Id: ";
    out += request_id;
    out += "\r\n";
  }
  res.headers.each([&](std::string_view name, std::string_view value) {
    if (name.empty() || !header_safe(name) || !header_safe(value) || framing_header(name)) return;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  });
  out += "\r\n";
  if (!head && !bodiless_status) out += res.body;
}

result<std::pair<std::string, std::string>> split_target(std::string_view target) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return error{"INVALID_INPUT", "malformed request target"};
  // Kept encoded: the router decodes each segment, so "%2F" inside an id stays part of it.
  std::string path(u->encoded_path());
  if (path.empty() || path.front() != '/') return error{"INVALID_INPUT", "malformed request target"};
  return std::make_pair(std::move(path), std::string(u->encoded_query()));
}

}  // namespace switchboard::http
