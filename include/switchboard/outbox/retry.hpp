#pragma once
// Pure delivery decisions for the outbox: how to read a carrier's REST answer
// and when to try again.
#include <chrono>
#include <string>
#include <string_view>

namespace switchboard::outbox {

struct outcome {
  enum class kind { delivered, retry, failed } what = kind::retry;
  std::string carrier_sid;  // delivered
  std::string status;       // delivered: the carrier's status, mapped to ours (queued/sent/…)
  std::string error;        // retry/failed: "21211: The 'To' number …" or the HTTP status
  std::string error_code;   // retry/failed: the carrier's code ("21610"), or ""
};

// Twilio and SignalWire's LaML API answer alike: 2xx with {"sid","status"};
// 429 and 5xx are worth retrying; other 4xx fail at once with the carrier's code.
outcome classify_message_response(int http_status, std::string_view body);

// Exponential backoff: base * 2^(attempt-1), capped, times a jitter factor in [0.8, 1.2]
// taken from `jitter01` in [0, 1).
std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds base,
                                  std::chrono::milliseconds cap, double jitter01);

constexpr int max_attempts = 8;

}  // namespace switchboard::outbox
