#include "switchboard/app/app.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "switchboard/app/system_routes.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/media/files.hpp"
#include "switchboard/web/static_files.hpp"

namespace switchboard::app {

namespace fs = std::filesystem;

struct app::signals {
  explicit signals(boost::asio::io_context& io) : set(io, SIGINT, SIGTERM) {}
  boost::asio::signal_set set;
};

result<std::string> prepare_data_dir(const std::string& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) return error{"INVALID_CONFIG", "data_dir: cannot create " + data_dir + ": " + ec.message()};
  if (!fs::is_directory(data_dir, ec))
    return error{"INVALID_CONFIG", "data_dir: " + data_dir + " is not a directory"};
  return fs::absolute(data_dir, ec).lexically_normal().string();
}

std::string database_path(const std::string& data_dir) {
  return (fs::path(data_dir) / "switchboard.db").string();
}

std::string sandbox_key_path(const std::string& data_dir) {
  return (fs::path(data_dir) / "sandbox.key").string();
}

namespace {

std::optional<std::string> read_key_file(const std::string& path) {
  std::ifstream in(path);
  std::string key;
  if (!in || !std::getline(in, key) || key.size() != 64) return std::nullopt;
  return key;
}

// A random key kept in the data directory (created 0600 on first use).
result<std::string> load_or_create_key_file(const std::string& path) {
  if (auto key = read_key_file(path)) return *key;
  auto key = random_hex(32);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (auto again = read_key_file(path)) return *again;  // another process won the race
    return error{"INVALID_CONFIG", "data_dir: cannot create " + path};
  }
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size());
  ::close(fd);
  if (!ok) return error{"INVALID_CONFIG", "data_dir: cannot write " + path};
  return key;
}

}  // namespace

std::optional<std::string> read_sandbox_key(const std::string& data_dir) {
  return read_key_file(sandbox_key_path(data_dir));
}

store::store_options store_options_for(const config& cfg, const std::string& data_dir) {
  store::store_options so;
  so.path = database_path(data_dir);
  so.max_batch = cfg.store.max_batch;
  so.busy_timeout = cfg.store.busy_timeout;
  so.read_connections = cfg.store.read_connections;
  so.mmap_bytes = cfg.store.mmap_bytes;
  so.backend = cfg.store.backend;
  so.postgres_url = cfg.store.postgres_url;
  if (so.backend == "postgres") so.read_connections = cfg.store.postgres_pool_size;
  return so;
}

app::app(const config& cfg) : cfg_(cfg) {}

app::~app() {
  cpu_.join();
  if (store_) store_->stop();
}

result<std::unique_ptr<app>> app::create(const config& cfg, app_options opts) {
  auto dir = prepare_data_dir(cfg.store.data_dir);
  if (!dir) return dir.err();
  std::unique_ptr<app> a(new app(cfg));
  auto so = store_options_for(cfg, *dir);
  so.stats = &a->stats_;
  auto st = store::store::open(so);
  if (!st) return st.err();
  a->store_ = std::move(*st);

  if (a->store_->on_postgres()) {
    // Several instances (issue 19): every event this instance's sockets get goes to
    // the others through the database, and theirs come back to ours.
    auto* st = a->store_.get();
    a->hub_.set_relay([st](std::int64_t ws, std::string_view topic, const std::string& event,
                           realtime::hub::delivery how) {
      st->relay_event(ws, std::string(topic), event, how == realtime::hub::delivery::ephemeral);
    });
    st->listen_events([io = &a->io_, hub = &a->hub_](std::vector<store::remote_event> events) {
      boost::asio::post(*io, [hub, events = std::move(events)]() mutable {
        for (auto& e : events)
          hub->publish_local(e.workspace_id, e.topic, std::make_shared<const std::string>(std::move(e.event)),
                             e.ephemeral ? realtime::hub::delivery::ephemeral : realtime::hub::delivery::durable);
      });
    });
  }
  a->api_ = std::unique_ptr<api::api_context>(
      new api::api_context{{*a->store_, a->hub_, opts.now}, a->cpu_, std::chrono::hours(cfg.auth_session_ttl_hours)});
  std::string sandbox_local_key;
  if (cfg.sandbox_enabled) {
    // Whoever can read it may drive the sandbox for every workspace, as `simulate sms` does.
    auto key = load_or_create_key_file(sandbox_key_path(*dir));
    if (!key) return key.err();
    sandbox_local_key = *key;
  }
  a->api_->carriers = {cfg.public_url,         cfg.twilio.auth_token,    cfg.signalwire.signing_key,
                       cfg.sandbox_enabled,    random_hex(32),           cfg.twilio.account_sid,
                       cfg.twilio.api_base,    cfg.signalwire.project_id, cfg.signalwire.api_token,
                       cfg.signalwire.api_base, static_cast<double>(cfg.sms_per_second_per_number),
                       static_cast<int>(cfg.sandbox_requests_per_minute), sandbox_local_key};
  spdlog::info("sandbox carrier: {} (carriers.sandbox.enabled = {})", cfg.sandbox_enabled ? "on" : "off",
               cfg.sandbox_mode);
  a->api_->logins.set_options({static_cast<int>(cfg.auth_login.max_failures), std::chrono::minutes(15),
                               std::chrono::seconds(1),
                               std::chrono::seconds(cfg.auth_login.address_block_max_seconds),
                               std::chrono::seconds(cfg.auth_login.account_delay_max_seconds)});
  a->api_->routing.sticky_idle = std::chrono::hours(cfg.routing_sticky_idle_hours);
  a->api_->routing.new_conversation_after_resolved = cfg.routing_after_resolved == "new";
  a->api_->webhooks = {cfg.webhooks_allow_private_targets, opts.webhook_retry_scale};
  a->api_->texting = {cfg.texting_opt_out_reply, cfg.texting_opt_in_reply, cfg.texting_help_reply};
  a->api_->default_country = cfg.default_country;
  {
    auto files = media::file_store::open((fs::path(*dir) / "media").string());
    if (!files) return files.err();
    a->media_files_ = std::move(*files);
    // Signs the expiring URLs of outbound MMS; kept so they survive a restart.
    auto key = load_or_create_key_file((fs::path(*dir) / "media.key").string());
    if (!key) return key.err();
    a->api_->media.max_bytes = cfg.media_max_bytes;
    a->api_->media.visitor_bytes_per_hour = cfg.media_visitor_bytes_per_hour;
    a->api_->media.delete_after_download = cfg.twilio_delete_media_after_download;
    a->api_->media.url_key = *key;
    a->api_->media_files = a->media_files_.get();
  }
  a->api_->teams = {cfg.teams.app_id, cfg.teams.app_password, cfg.teams.tenant_id, cfg.teams.openid_metadata_url,
                    cfg.teams.token_url};
  a->api_->widget.token_ttl = std::chrono::hours(cfg.widget.token_ttl_hours);
  a->api_->widget.secret_grace = std::chrono::hours(cfg.widget.secret_grace_hours);
  a->api_->widget.max_message_chars = static_cast<std::size_t>(cfg.widget.max_message_chars);
  a->api_->widget.anonymous_retention = std::chrono::hours(24 * cfg.widget.anonymous_retention_days);
  a->api_->widget.per_visitor.set_limit(static_cast<int>(cfg.widget.messages_per_minute));
  a->api_->widget.per_ip.set_limit(static_cast<int>(cfg.widget.requests_per_minute_per_ip));
  {
    // The answer bot (issue 20): answer_bot.* are every workspace's defaults.
    a->answer_bot_ = std::make_unique<services::answer_bot_runtime>();
    auto& bot = *a->answer_bot_;
    auto& c = cfg.answer_bot;
    bot.defaults.enabled = c.enabled;
    bot.defaults.threshold = c.threshold;
    bot.defaults.channels = c.channels;
    bot.defaults.business_hours = c.business_hours;
    bot.defaults.handoff_message = c.handoff_message;
    bot.llm_url = c.llm_url;
    bot.llm_model = c.llm_model;
    bot.llm_api_key = c.llm_api_key;
    bot.llm_timeout = c.llm_timeout;
    a->bot_client_ = std::make_unique<http::outbound_client>(a->io_);
    bot.client = a->bot_client_.get();
    bot.executor = a->io_.get_executor();
    a->api_->answer_bot = a->answer_bot_.get();
  a->api_->cpu_pool = &a->cpu_;
  }
  a->waker_ = std::make_unique<api::snooze_waker>(a->io_, *a->api_, opts.snooze_interval);
  a->outbox_ = std::make_unique<outbox::dispatcher>(a->io_, *a->api_, opts.outbox_poll,
                                                     opts.outbox_retry_base);
  a->api_->outbox_ready = [d = a->outbox_.get()] { d->wake(); };

  add_system_routes(a->routes_, *a);
  api::add_api_routes(a->routes_, *a->api_);
  web::add_static_routes(a->routes_);
  if (opts.extra_routes) opts.extra_routes(a->routes_, *a);

  a->server_ = std::make_unique<http::server>(a->io_, cfg.http, a->routes_, a->stats_);
  if (auto l = a->server_->listen(); !l) return l.err();
  // Port 0 with no public_url: the URL that follows listen names the port actually bound.
  if (cfg.http.port == 0 && cfg.public_url == listen_url(cfg.http.host, 0)) {
    a->cfg_.public_url = listen_url(cfg.http.host, a->port());
    a->api_->carriers.public_url = a->cfg_.public_url;
  }
  if (opts.handle_signals) a->signals_ = std::make_unique<signals>(a->io_);
  return a;
}

void app::begin_stop(const char* why) {
  if (stop_begun_) return;
  stop_begun_ = true;
  spdlog::info("stopping ({}): finishing in-flight requests", why);
  waker_->stop();
  outbox_->stop();
  server_->stop([this] {
    if (signals_) signals_->set.cancel();
  });
}

void app::request_stop() {
  boost::asio::post(io_, [this] { begin_stop("requested"); });
}

int app::run() {
  if (signals_) {
    // The first signal starts a graceful stop; a second one cuts it short.
    std::function<void(boost::system::error_code, int)> on_signal =
        [this, &on_signal](boost::system::error_code ec, int sig) {
          if (ec) return;
          if (stop_begun_) {
            spdlog::warn("second signal {}: stopping now", sig);
            io_.stop();
            return;
          }
          begin_stop(sig == SIGTERM ? "SIGTERM" : "SIGINT");
          signals_->set.async_wait(on_signal);
        };
    signals_->set.async_wait(on_signal);
  }
  server_->start();
  waker_->start();
  outbox_->start();
  spdlog::info("listening on http://{}:{}", cfg_.http.host, port());
  io_.run();
  // Off the event loop now: commit whatever is still queued, then close.
  store_->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace switchboard::app
