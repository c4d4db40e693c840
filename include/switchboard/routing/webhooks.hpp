#pragma once
// Outbound webhooks (issue 21), the pure part: which event types exist, the
// Standard Webhooks signature (standardwebhooks.com: `v1,` + base64 of
// HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>"), the key being the
// base64 after `whsec_`), when a failed delivery is tried again, and when an
// endpoint that keeps failing is turned off.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::routing {

// Every event type an endpoint may ask for, in the order the API lists them.
const std::vector<std::string>& webhook_event_types();
bool is_webhook_event_type(std::string_view type);
// Sent by "Send test event" to one endpoint, whatever its event types.
inline constexpr std::string_view webhook_test_event = "webhook.test";

// whsec_ + base64 of the key's bytes (24 random bytes make a 32-character base64).
std::string format_webhook_secret(std::string_view key_bytes);
// The key's bytes of a whsec_ secret; nullopt when it is not one.
std::optional<std::string> webhook_secret_key(std::string_view secret);

// `v1,<base64>` for one secret.
std::string webhook_signature(std::string_view secret, std::string_view message_id, std::int64_t timestamp,
                              std::string_view body);
// The webhook-signature header: one `v1,…` per secret, space-separated (a rotation
// sends the new and the old).
std::string webhook_signature_header(const std::vector<std::string>& secrets, std::string_view message_id,
                                     std::int64_t timestamp, std::string_view body);

// When to try again after `attempts` failed attempts of a delivery first tried
// `since_first` ago: about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h,
// each times a jitter in [0.8, 1.2] from `jitter01` in [0, 1); nullopt once the
// next attempt would come more than 3 days after the first (the delivery fails).
// `scale` shrinks the whole schedule (tests); 1 in service.
std::optional<std::chrono::milliseconds> webhook_retry_delay(int attempts, std::chrono::milliseconds since_first,
                                                             double jitter01, double scale = 1.0);
// An endpoint failing without a success for this long is disabled.
std::chrono::milliseconds webhook_disable_after(double scale = 1.0);
inline bool webhook_succeeded(int http_status) { return http_status >= 200 && http_status < 300; }

// The start of a receiver's answer kept in the log: at most `max` bytes, cut
// before a partial UTF-8 sequence.
std::string webhook_response_excerpt(std::string_view body, std::size_t max = 512);

}  // namespace switchboard::routing
