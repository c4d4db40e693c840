#include "switchboard/outbox/retry.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace switchboard::outbox {

outcome classify_message_response(int http_status, std::string_view body) {
  outcome o;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (http_status >= 200 && http_status < 300) {
    if (j.is_object() && j.contains("sid") && j["sid"].is_string() && !j["sid"].get<std::string>().empty()) {
      o.what = outcome::kind::delivered;
      o.carrier_sid = j["sid"].get<std::string>();
      auto s = j.value("status", std::string("queued"));
      o.status = s == "sent" || s == "delivered" || s == "failed" ? s
                 : s == "undelivered"                            ? "failed"
                                                                 : "queued";
      return o;
    }
    // Accepted but unreadable: retrying could send twice, so stop here.
    o.what = outcome::kind::failed;
    o.error = "the carrier accepted the message but its answer had no sid";
    return o;
  }
  std::string detail = "HTTP " + std::to_string(http_status);
  if (j.is_object()) {
    auto code = j.contains("code") && j["code"].is_number_integer() ? std::to_string(j["code"].get<int>()) : "";
    auto message = j.value("message", std::string());
    o.error_code = code;
    if (!code.empty() || !message.empty()) detail = (code.empty() ? detail : code) + ": " + message;
  }
  o.error = detail;
  o.what = http_status == 429 || http_status >= 500 ? outcome::kind::retry : outcome::kind::failed;
  return o;
}

std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds base,
                                  std::chrono::milliseconds cap, double jitter01) {
  attempt = std::clamp(attempt, 1, 30);
  double raw = static_cast<double>(base.count()) * std::pow(2.0, attempt - 1);
  double capped = std::min(raw, static_cast<double>(cap.count()));
  double factor = 0.8 + 0.4 * std::clamp(jitter01, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped * factor));
}

}  // namespace switchboard::outbox
