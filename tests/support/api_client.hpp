#pragma once
// The integration tests' client of the daemon's HTTP API: one JSON request with a
// bearer token, logging in, a carrier's signed webhook, a count read from the
// database. Each test file used to carry its own copy of these.
#include <cstdint>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"
#include "switchboard/app/app.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sbtest {

// One answer: status 0 when none came; body is discarded (not null) when the
// answer is not JSON (TwiML, empty), so a test reading a field fails, not throws.
struct api_reply {
  int status = 0;
  nlohmann::json body;
  std::string raw;
  http_reply http;  // the headers

  std::string header(const std::string& lower_name) const { return http.header(lower_name); }
  // The API's error code (body.error.code), or "" when there is none.
  std::string code() const {
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return "";
    return body["error"].value("code", "");
  }
};

inline api_reply to_api_reply(const std::optional<http_reply>& r) {
  api_reply out;
  if (!r) return out;
  out.status = r->status;
  out.raw = r->body;
  out.http = *r;
  out.body = nlohmann::json::parse(r->body, nullptr, false);
  return out;
}

// A JSON request: the token as a bearer (none when empty), the body as JSON with
// its Content-Type (none when null), extra_headers ("Name: value\r\n" lines) as given.
inline api_reply api_call(std::uint16_t port, const std::string& method, const std::string& path,
                          const std::string& token = "", const nlohmann::json& body = nullptr,
                          const std::string& extra_headers = "") {
  std::string headers = extra_headers;
  if (!token.empty()) headers += "Authorization: Bearer " + token + "\r\n";
  std::string b;
  if (!body.is_null()) {
    b = body.dump();
    headers += "Content-Type: application/json\r\n";
  }
  return to_api_reply(http_request(port, method, path, b, headers));
}

// A session token; "" and a test failure naming the answer when login is refused.
inline std::string login(std::uint16_t port, const std::string& email, const std::string& password) {
  auto r = api_call(port, "POST", "/api/v1/auth/login", "", {{"email", email}, {"password", password}});
  if (r.status != 200 || !r.body.is_object() || !r.body["token"].is_string()) {
    ADD_FAILURE() << "login as " << email << " refused: " << r.status << " " << r.raw;
    return "";
  }
  return r.body["token"].get<std::string>();
}

// The bootstrap owner made (as the daemon does at start) and logged in: their token.
inline std::string bootstrap_and_login(running_app& app, const switchboard::bootstrap_config& boot) {
  auto made = switchboard::app::ensure_bootstrap(app.get().db(), boot);
  if (!made) {
    ADD_FAILURE() << "bootstrap: " << made.err().message;
    return "";
  }
  return login(app.port(), boot.admin_email, boot.admin_password);
}

// The first column of the first row of a query, e.g. SELECT COUNT(*); -1 when the read fails.
inline std::int64_t count(switchboard::app::app& a, const std::string& sql) {
  auto n = a.db().read_sync([sql](switchboard::store::database& db) {
    auto& q = db.prepare(sql);
    q.step();
    auto v = q.column_int(0);
    q.reset();
    return v;
  });
  return n ? *n : -1;
}

// name=value&... with the values form-encoded, as carriers post webhooks.
inline std::string form_body(const switchboard::carriers::param_list& params) {
  std::string body;
  for (auto& [k, v] : params) body += (body.empty() ? "" : "&") + k + "=" + switchboard::carriers::form_encode(v);
  return body;
}

// A form webhook signed as Twilio signs it, over public_url + path with `key`
// (SignalWire's LaML webhooks use the same scheme under X-SignalWire-Signature).
inline api_reply post_signed(std::uint16_t port, const std::string& public_url, const std::string& key,
                             const std::string& path, const switchboard::carriers::param_list& params,
                             const std::string& signature_header = "X-Twilio-Signature") {
  auto sig = switchboard::carriers::twilio_signature(key, public_url + path, params);
  return to_api_reply(http_request(port, "POST", path, form_body(params),
                                   "Content-Type: application/x-www-form-urlencoded\r\n" + signature_header + ": " +
                                       sig + "\r\n"));
}

}  // namespace sbtest
