#include "switchboard/routing/webhooks.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "switchboard/core/digest.hpp"
#include "switchboard/core/encoding.hpp"

namespace switchboard::routing {

namespace {
constexpr std::string_view secret_prefix = "whsec_";
}

const std::vector<std::string>& webhook_event_types() {
  static const std::vector<std::string> types = {
      "conversation.created", "conversation.updated", "conversation.status_changed", "conversation.assigned",
      "message.created",      "message.updated",      "contact.created",             "contact.updated",
      "contact.merged",       "contact.erased",       "csat.submitted",              "call.completed",
      "voicemail.created"};
  return types;
}

bool is_webhook_event_type(std::string_view type) {
  auto& all = webhook_event_types();
  return std::find(all.begin(), all.end(), type) != all.end();
}

std::string format_webhook_secret(std::string_view key_bytes) {
  return std::string(secret_prefix) + base64(key_bytes);
}

std::optional<std::string> webhook_secret_key(std::string_view secret) {
  if (secret.substr(0, secret_prefix.size()) != secret_prefix) return std::nullopt;
  // Standard base64: read through the base64url decoder with the alphabet swapped.
  std::string text(secret.substr(secret_prefix.size()));
  for (auto& c : text) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
    else if (c == '-' || c == '_') return std::nullopt;
  }
  auto key = base64url_decode(text);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string webhook_signature(std::string_view secret, std::string_view message_id, std::int64_t timestamp,
                              std::string_view body) {
  auto key = webhook_secret_key(secret).value_or(std::string());
  std::string signed_content;
  signed_content.reserve(message_id.size() + body.size() + 24);
  signed_content.append(message_id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  return "v1," + base64(hmac_sha256(key, signed_content));
}

std::string webhook_signature_header(const std::vector<std::string>& secrets, std::string_view message_id,
                                     std::int64_t timestamp, std::string_view body) {
  std::string out;
  for (auto& s : secrets) {
    if (!out.empty()) out += ' ';
    out += webhook_signature(s, message_id, timestamp, body);
  }
  return out;
}

std::optional<std::chrono::milliseconds> webhook_retry_delay(int attempts, std::chrono::milliseconds since_first,
                                                             double jitter01, double scale) {
  using namespace std::chrono;
  static constexpr std::array<seconds, 6> schedule = {seconds(5),  minutes(5), minutes(30),
                                                      hours(2),    hours(5),   hours(10)};
  if (attempts < 1) attempts = 1;
  auto base = attempts <= static_cast<int>(schedule.size()) ? schedule[static_cast<std::size_t>(attempts - 1)]
                                                            : schedule.back();
  double jitter = 0.8 + 0.4 * std::clamp(jitter01, 0.0, 1.0);
  auto delay = milliseconds(static_cast<std::int64_t>(std::llround(
      static_cast<double>(duration_cast<milliseconds>(base).count()) * jitter * scale)));
  auto window = milliseconds(static_cast<std::int64_t>(
      std::llround(static_cast<double>(duration_cast<milliseconds>(hours(72)).count()) * scale)));
  if (since_first + delay > window) return std::nullopt;
  return delay;
}

std::chrono::milliseconds webhook_disable_after(double scale) {
  using namespace std::chrono;
  return milliseconds(static_cast<std::int64_t>(
      std::llround(static_cast<double>(duration_cast<milliseconds>(hours(24 * 5)).count()) * scale)));
}

std::string webhook_response_excerpt(std::string_view body, std::size_t max) {
  if (body.size() <= max) return valid_utf8(body) ? std::string(body) : std::string();
  std::size_t cut = max;
  // Back off continuation bytes so a character is never split.
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  std::string out(body.substr(0, cut));
  return valid_utf8(out) ? out : std::string();
}

}  // namespace switchboard::routing
