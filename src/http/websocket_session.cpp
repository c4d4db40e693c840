#include "websocket_session.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

namespace switchboard::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto handshake_timeout = std::chrono::seconds(10);

struct websocket_session::io {
  explicit io(beast::tcp_stream&& stream)
      : ws(std::move(stream)), wake(ws.get_executor()), write_deadline(ws.get_executor()),
        writer_done(ws.get_executor()) {}
  websocket::stream<beast::tcp_stream> ws;
  asio::steady_timer wake;            // the idle writer waits here; cancel() wakes it
  asio::steady_timer write_deadline;  // a write stuck past http.write_timeout drops the connection
  asio::steady_timer writer_done;     // run() waits here for the writer to finish
};

websocket_session::websocket_session(beast::tcp_stream&& stream, const http_config& cfg,
                                     const ws_limits& limits, std::string remote,
                                     std::string request_id)
    : io_(std::make_unique<io>(std::move(stream))), cfg_(cfg), limits_(limits),
      remote_(std::move(remote)), request_id_(std::move(request_id)) {}

websocket_session::~websocket_session() = default;

asio::awaitable<boost::system::error_code> websocket_session::accept(const upgrade_request& req) {
  auto& ws = io_->ws;
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = handshake_timeout;
  // A silent peer is pinged at half the idle timeout and dropped at the full one.
  timeouts.idle_timeout = cfg_.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  // Beast reads 0 as "no limit".
  ws.read_message_max(std::max<std::size_t>(limits_.max_message, 1));
  ws.text(true);
  // One frame per message: a header plus the payload, written without copying.
  ws.auto_fragment(false);
  std::string rid = request_id_;
  auto decorate = [rid](websocket::response_type& res) {
    // Beast adds its own name and version when Server is absent.
    res.set(beast::http::field::server, "switchboard");
    res.set("X-Request-Id", rid);
  };
  ws.set_option(websocket::stream_base::decorator(std::move(decorate)));

  auto [ec] = co_await ws.async_accept(req, use_tuple);
  if (ec) {
    phase_ = phase::closed;
    co_return ec;
  }
  // A stop during the handshake already asked for a close: skip on_open.
  phase_ = close_code_ ? phase::closing : phase::open;
  co_return ec;
}

asio::awaitable<void> websocket_session::run(on_open_fn on_open) {
  auto self = shared_from_this();
  auto& ws = io_->ws;
  if (phase_ == phase::open) {
    try {
      callbacks_ = on_open(self);
      opened_ = true;
    } catch (const std::exception& e) {
      spdlog::error("websocket rid={}: on_open failed: {}", request_id_, e.what());
      begin_close(websocket::close_code::internal_error, "internal error", true);
    }
  }

  writer_running_ = true;
  auto writer = write_loop(self);
  auto writer_finished = [self](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        spdlog::error("websocket rid={}: writer failed: {}", self->request_id_, x.what());
      }
      self->abort();
    }
    self->writer_running_ = false;
    if (self->io_) self->io_->writer_done.cancel();
  };
  asio::co_spawn(ws.get_executor(), std::move(writer), std::move(writer_finished));

  // The read loop decides when the connection is over: Beast ends it on a
  // close handshake (either side), a protocol error, the idle timeout or a
  // socket error, and abort() ends it from outside.
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
    if (ec) {
      spdlog::debug("websocket rid={}: read ended: {} (close code {})", request_id_, ec.message(),
                    static_cast<unsigned>(ws.reason().code));
      break;
    }
    if (!ws.got_text()) {
      begin_close(websocket::close_code::unknown_data, "text frames only", true);
    } else if (phase_ == phase::open && callbacks_.on_message) {
      auto data = buffer.cdata();
      std::string_view text(static_cast<const char*>(data.data()), data.size());
      try {
        callbacks_.on_message(*this, text);
      } catch (const std::exception& e) {
        spdlog::error("websocket rid={}: on_message failed: {}", request_id_, e.what());
        begin_close(websocket::close_code::internal_error, "internal error", true);
      }
    }
    buffer.consume(buffer.size());
  }

  phase_ = phase::closed;
  queue_.clear();
  // Beast has usually torn the socket down already; this also ends a write
  // still in flight, so the writer cannot outlive the connection.
  abort();
  io_->wake.cancel();
  if (writer_running_) {
    io_->writer_done.expires_at(asio::steady_timer::time_point::max());
    co_await io_->writer_done.async_wait(use_tuple);
  }
  inflight_.reset();
  queued_bytes_ = 0;
  // The hub may hold this object for a while: release the socket and buffers now.
  io_.reset();

  auto callbacks = std::move(callbacks_);
  callbacks_ = {};  // the closures may hold references back to this connection
  if (opened_ && callbacks.on_close) {
    try {
      callbacks.on_close();
    } catch (const std::exception& e) {
      spdlog::error("websocket rid={}: on_close failed: {}", request_id_, e.what());
    }
  }
}

asio::awaitable<void> websocket_session::write_loop(std::shared_ptr<websocket_session> self) {
  auto& ws = io_->ws;
  while (phase_ != phase::closed) {
    if (!queue_.empty()) {
      inflight_ = std::move(queue_.front());
      queue_.pop_front();
      arm_write_deadline();
      auto [ec, n] = co_await ws.async_write(asio::buffer(*inflight_), use_tuple);
      ++write_seq_;  // disarms the deadline handler even if it is already queued
      io_->write_deadline.cancel();
      queued_bytes_ -= inflight_->size();
      inflight_.reset();
      if (ec) {
        // Nothing more can be written: end the connection rather than let
        // send() fill a queue nobody drains.
        if (phase_ == phase::open) phase_ = phase::closing;
        drop_queue();
        abort();
        break;
      }
      continue;
    }
    if (close_code_) {
      // Only after the queue is empty: the close frame never overtakes a
      // message and never runs concurrently with a write.
      websocket::close_reason reason(static_cast<websocket::close_code>(*close_code_),
                                     close_reason_);
      arm_write_deadline();  // bounds the whole close handshake too
      auto [ec] = co_await ws.async_close(reason, use_tuple);
      ++write_seq_;
      io_->write_deadline.cancel();
      if (ec && ec != websocket::error::closed) abort();
      break;
    }
    writer_idle_ = true;
    io_->wake.expires_at(asio::steady_timer::time_point::max());
    co_await io_->wake.async_wait(use_tuple);
    writer_idle_ = false;
  }
}

void websocket_session::arm_write_deadline() {
  auto& t = io_->write_deadline;
  t.expires_after(cfg_.write_timeout);
  std::weak_ptr<websocket_session> weak = weak_from_this();
  auto seq = ++write_seq_;
  t.async_wait([weak, seq](boost::system::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self || self->write_seq_ != seq) return;
    spdlog::warn("websocket {} rid={}: write stuck for {} ms, dropping the connection",
                 self->remote_, self->request_id_, self->cfg_.write_timeout.count());
    self->abort();
  });
}

void websocket_session::drop_queue() {
  queue_.clear();
  queued_bytes_ = inflight_ ? inflight_->size() : 0;
}

void websocket_session::begin_close(std::uint16_t code, std::string_view reason,
                                    bool drop_queued) {
  if (phase_ == phase::closed) return;
  if (drop_queued) drop_queue();
  if (close_code_) return;  // the first reason wins
  close_code_ = code;
  close_reason_ = std::string(reason.substr(0, 120));  // a close frame payload is at most 125 bytes
  if (phase_ == phase::open) phase_ = phase::closing;
  if (io_ && writer_idle_) io_->wake.cancel();
}

bool websocket_session::send(std::shared_ptr<const std::string> text) {
  if (phase_ != phase::open || !text) return false;
  if (queued() >= limits_.max_queue_messages ||
      queued_bytes_ + text->size() > limits_.max_queue_bytes) {
    spdlog::warn("websocket {} rid={}: slow consumer ({} messages, {} bytes queued), closing",
                 remote_, request_id_, queued(), queued_bytes_);
    // Drop the backlog now: memory stays bounded even if the peer never reads again.
    begin_close(websocket::close_code::policy_error, "slow consumer", true);
    return false;
  }
  queued_bytes_ += text->size();
  queue_.push_back(std::move(text));
  if (writer_idle_) io_->wake.cancel();
  return true;
}

void websocket_session::close() { begin_close(websocket::close_code::normal, "", false); }

void websocket_session::go_away() {
  begin_close(websocket::close_code::going_away, "server stopping", false);
}

void websocket_session::abort() {
  if (!io_) return;
  boost::system::error_code ignored;
  beast::get_lowest_layer(io_->ws).socket().close(ignored);
}

}  // namespace switchboard::http
