#pragma once
// Wires config, store, HTTP server and routes; owns the one io_context.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "switchboard/core/config.hpp"
#include "switchboard/core/metrics.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/http/router.hpp"
#include "switchboard/http/server.hpp"
#include "switchboard/api/api.hpp"
#include "switchboard/outbox/dispatcher.hpp"
#include "switchboard/realtime/hub.hpp"
#include "switchboard/core/clock.hpp"
#include <boost/asio/thread_pool.hpp>
#include "switchboard/store/store.hpp"
#include "switchboard/media/files.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/services/answer_bot.hpp"

namespace switchboard::app {

class app;

struct app_options {
  bool handle_signals = true;  // SIGTERM/SIGINT start a graceful stop
  // Extra routes, e.g. for tests; called after the built-in routes are added.
  std::function<void(http::router&, app&)> extra_routes;
  // The clock the API uses (session expiry, snooze); tests move it.
  now_fn now = system_now;
  std::chrono::milliseconds snooze_interval{1000};
  std::chrono::milliseconds outbox_poll{1000};
  std::chrono::milliseconds outbox_retry_base{2000};  // first retry delay; doubles per attempt
  double webhook_retry_scale = 1.0;  // shrinks outbound webhooks' retry schedule and 5-day disable (tests)
};

// Creates the data directory if needed; the error names data_dir.
result<std::string> prepare_data_dir(const std::string& data_dir);
std::string database_path(const std::string& data_dir);
// The store's options from the configuration (store.*): SQLite's file in the data
// directory, or PostgreSQL's URL and pool.
store::store_options store_options_for(const config& cfg, const std::string& data_dir);
// <data_dir>/sandbox.key: lets `simulate sms` use the sandbox without a login.
std::string sandbox_key_path(const std::string& data_dir);
std::optional<std::string> read_sandbox_key(const std::string& data_dir);

class app {
 public:
  static result<std::unique_ptr<app>> create(const config& cfg, app_options opts = {});
  ~app();

  // Runs the io_context on the calling thread until a graceful stop completes;
  // then drains the store. Returns the process exit code.
  int run();
  // Thread-safe: begins a graceful stop (as SIGTERM does).
  void request_stop();

  std::uint16_t port() const { return server_->port(); }
  store::store& db() { return *store_; }
  boost::asio::io_context& io() { return io_; }
  metrics& stats() { return stats_; }
  const config& cfg() const { return cfg_; }
  bool stopping() const { return server_->stopping(); }
  realtime::hub& hub() { return hub_; }
  api::api_context& api() { return *api_; }
  services::answer_bot_runtime& answer_bot() { return *answer_bot_; }

 private:
  app(const config& cfg);
  void begin_stop(const char* why);

  config cfg_;
  metrics stats_;
  http::router routes_;
  std::unique_ptr<store::store> store_;
  boost::asio::io_context io_{1};
  realtime::hub hub_;
  boost::asio::thread_pool cpu_{1};  // Argon2id, off the io_context
  std::unique_ptr<media::file_store> media_files_;  // data_dir/media
  std::unique_ptr<api::api_context> api_;
  std::unique_ptr<api::snooze_waker> waker_;
  std::unique_ptr<outbox::dispatcher> outbox_;
  std::unique_ptr<http::outbound_client> bot_client_;  // the answer bot's language model
  std::unique_ptr<services::answer_bot_runtime> answer_bot_;
  std::unique_ptr<http::server> server_;
  struct signals;
  std::unique_ptr<signals> signals_;
  bool stop_begun_ = false;
};

}  // namespace switchboard::app
