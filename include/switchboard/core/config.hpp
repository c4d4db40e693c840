#pragma once
// Configuration: defaults < JSON file < SWITCHBOARD_* environment < flags.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "switchboard/core/net_address.hpp"
#include "switchboard/core/result.hpp"

namespace switchboard {

struct log_config {
  std::string level = "info";
  std::string format = "text";
  bool access = true;
};

struct http_config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::size_t max_connections = 10'000;
  // A new connection must send its first byte within this (idle_timeout is for keep-alive).
  std::chrono::milliseconds first_byte_timeout{10'000};
  std::size_t max_connections_per_ip = 256;  // by TCP peer address, never X-Forwarded-For
  std::size_t max_header_fields = 100;
  std::vector<cidr> trusted_proxies;  // peers whose X-Forwarded-For is believed
};

struct store_config {
  std::string data_dir = "./var";
  std::size_t max_batch = 1024;
  std::chrono::milliseconds busy_timeout{5'000};
  std::size_t read_connections = 2;
  std::int64_t mmap_bytes = 4096LL * 1024 * 1024;
  std::string backend = "sqlite";  // or "postgres"
  std::string postgres_url;
  std::size_t postgres_pool_size = 4;
};

struct twilio_config {
  std::string account_sid, auth_token, api_base;
};
struct signalwire_config {
  std::string project_id, api_token, signing_key, api_base;
};
struct teams_config {
  std::string app_id, app_password, tenant_id, openid_metadata_url, token_url;
};
struct bootstrap_config {
  std::string admin_email, admin_password, workspace_name;
};

// The website widget (widget.*).
struct widget_config {
  std::int64_t token_ttl_hours = 24;       // visitor tokens; clamped to 1 h … 7 d
  std::int64_t secret_grace_hours = 24;    // a rotated-out identity secret stays valid this long
  std::int64_t messages_per_minute = 20;   // per visitor: messages and events
  std::int64_t requests_per_minute_per_ip = 300;  // every widget request of one client address
  std::int64_t max_message_chars = 4000;   // longer visitor messages get 400
  std::int64_t anonymous_retention_days = 30;  // never-used visitor identities are purged after this
};

// Login throttling (auth.login_*): see auth/login_limiter.hpp.
struct login_throttle_config {
  std::int64_t max_failures = 5;                // per account and per address within 15 minutes
  std::int64_t address_block_max_seconds = 900;  // an address's wait doubles up to this
  std::int64_t account_delay_max_seconds = 60;   // an account's delay doubles up to this
};

// The answer bot (answer_bot.*, issue 20): defaults every workspace starts from, and
// the OpenAI-compatible chat-completions endpoint it may ask (none: extractive answers).
struct answer_bot_config {
  bool enabled = false;
  double threshold = 0.5;
  std::vector<std::string> channels{"widget"};  // widget, sms
  std::string business_hours = "always";         // always | outside
  std::string handoff_message;
  std::string llm_url, llm_model, llm_api_key;
  std::chrono::milliseconds llm_timeout{10'000};
};

struct config {
  std::string listen;
  std::string public_url;
  log_config log;
  http_config http;
  store_config store;
  std::int64_t auth_session_ttl_hours = 720;  // login sessions expire after this
  login_throttle_config auth_login;
  std::string sandbox_mode = "auto";  // carriers.sandbox.enabled as written: auto | true | false
  bool sandbox_enabled = true;        // resolved: auto = no Twilio or SignalWire configured
  std::int64_t sandbox_requests_per_minute = 300;  // per teammate (or the local key), and per address for recordings
  std::int64_t sms_per_second_per_number = 1;  // outbound pacing per sending number
  std::int64_t routing_sticky_idle_hours = 24;  // a teammate's plain text follows the last conversation this long
  std::string routing_after_resolved = "reopen";  // a customer's text after resolution: reopen | new
  std::string texting_opt_out_reply, texting_opt_in_reply, texting_help_reply;  // texting.*: keyword answers
  std::int64_t media_max_bytes = 5'242'880;  // media.max_bytes: per attachment
  std::int64_t media_visitor_bytes_per_hour = 268'435'456;  // media.visitor_bytes_per_hour: per workspace
  bool twilio_delete_media_after_download = false;  // carriers.twilio.delete_media_after_download
  std::string default_country = "US";  // workspace.default_country: how national phone formats are read
  widget_config widget;
  twilio_config twilio;
  signalwire_config signalwire;
  teams_config teams;
  answer_bot_config answer_bot;
  // Outbound webhooks may target loopback, private and link-local addresses (tests).
  bool webhooks_allow_private_targets = false;
  // metrics.token: when set, GET /metrics wants `Authorization: Bearer <token>`.
  std::string metrics_token;
  bootstrap_config bootstrap;
};

struct config_flags {
  std::optional<std::string> config_file;
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
};

using env_map = std::map<std::string, std::string>;

// Reads the process environment's SWITCHBOARD_* variables.
env_map process_env();

// The public_url that follows `listen` when none is configured: http://HOST:PORT, a
// wildcard host (0.0.0.0, ::) read as this machine's loopback, IPv6 in brackets.
std::string listen_url(const std::string& host, std::uint16_t port);

// The environment variable name for a dotted key: log.level -> SWITCHBOARD_LOG_LEVEL.
std::string env_name(const std::string& key);

// Every documented key with its default, as nested JSON (what the example file holds).
nlohmann::json default_config_json();

// Errors name the key (code INVALID_CONFIG): "log.level: must be one of ...".
result<config> load_config(const config_flags& flags, const env_map& env);

}  // namespace switchboard
