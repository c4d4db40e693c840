#pragma once
// What every service needs: the store, the hub its events go to after a commit,
// the clock, and the settings of the carriers, routing and Teams. The API's
// context (api/api.hpp) extends it with what only handlers need (sessions, login
// throttling, the widget's limiters, open sockets).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "switchboard/core/clock.hpp"
#include "switchboard/realtime/hub.hpp"
#include "switchboard/store/store.hpp"
#include "switchboard/teams/settings.hpp"

namespace boost::asio {
class thread_pool;
}
namespace switchboard::media {
class file_store;
}

namespace switchboard::services {

struct answer_bot_runtime;  // services/answer_bot.hpp

// The carriers: webhook signature keys, REST credentials, the sandbox.
struct carrier_settings {
  std::string public_url;  // signatures are computed over public_url + path + query
  std::string twilio_auth_token;
  std::string signalwire_signing_key;
  bool sandbox_enabled = true;
  std::string sandbox_key;  // random per process: the sandbox signs what it injects
  // REST credentials for outbound messages.
  std::string twilio_account_sid, twilio_api_base;
  std::string signalwire_project_id, signalwire_api_token, signalwire_api_base;
  double sms_per_second_per_number = 1;
  // The sandbox's endpoints (issue 16 item 14): requests per minute per teammate,
  // and the data directory's key that `simulate sms` presents instead of a login.
  int sandbox_requests_per_minute = 300;
  std::string sandbox_local_key;
};

// How texts on teammates' lines are routed (routing.* keys).
struct routing_settings {
  std::chrono::seconds sticky_idle{std::chrono::hours(24)};
  bool new_conversation_after_resolved = false;  // else a resolved conversation reopens
};

// Answers to the texting keywords (texting.*); "{business}" becomes the workspace's
// name; an empty opt-out or opt-in answer sends none.
struct texting_settings {
  std::string opt_out_reply = "You are unsubscribed from {business} texts and will get no more. Reply START to resubscribe.";
  std::string opt_in_reply = "You are resubscribed to {business} texts. Reply STOP to unsubscribe.";
  std::string help_reply = "{business}: reply to this text to reach a person. Reply STOP to unsubscribe.";
};

// Attachments (media.*, carriers.twilio.delete_media_after_download).
struct media_settings {
  std::int64_t max_bytes = 5 * 1024 * 1024;  // per attachment, uploads and downloads alike
  // What all widget visitors of a workspace may upload in an hour, and what one
  // visitor may hold unsent: anonymous callers never fill the disk.
  std::int64_t visitor_bytes_per_hour = 256LL * 1024 * 1024;
  std::int64_t visitor_unsent_max = 10;
  bool delete_after_download = false;        // delete the carrier's copy of an inbound MMS once stored
  std::string url_key;                       // signs the expiring URLs carriers fetch outbound MMS from
  std::chrono::seconds url_ttl{std::chrono::hours(24)};
};

// Outbound webhooks (webhooks.*, issue 21).
struct webhook_settings {
  // Endpoints on loopback, private, link-local or metadata addresses are refused
  // unless this is set (webhooks.allow_private_targets; tests set it).
  bool allow_private_targets = false;
  // Shrinks the retry schedule and the 5-day disable (tests); 1 in service.
  double retry_scale = 1.0;
};

struct context {
  store::store& db;
  realtime::hub& hub;
  now_fn now = system_now;
  carrier_settings carriers{};
  routing_settings routing{};
  texting_settings texting{};
  media_settings media{};
  media::file_store* media_files = nullptr;  // data_dir/media; null where a caller stores no files
  teams::settings teams{};  // Teams is off while teams.app_id is empty
  webhook_settings webhooks{};
  std::function<void()> outbox_ready{};  // wakes the outbox dispatcher after a commit
  std::string default_country = "US";  // workspace.default_country: national phone formats
  answer_bot_runtime* answer_bot = nullptr;  // null: no answer bot in this process (tools, some tests)
  // CPU-heavy work (Markdown rendering) goes here, off the io_context; null: done in place (tools, tests).
  boost::asio::thread_pool* cpu_pool = nullptr;
};

// The context's clock as RFC 3339 text, the store's time format.
std::string now_text(const context& ctx);

}  // namespace switchboard::services
