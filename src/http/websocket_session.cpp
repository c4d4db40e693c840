#include "websocket_session.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <cerrno>
#include <cstring>
#include <optional>

namespace switchboard::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto handshake_timeout = std::chrono::seconds(10);

// One gathered write carries at most this much: bounded iovec array, and one
// socket's backlog cannot hold the io thread for long.
constexpr std::size_t max_batch_frames = 64;
constexpr std::size_t max_batch_bytes = 256 * 1024;
// Reads land in one buffer per thread; only a frame split across reads is
// copied into the connection, so an idle socket holds no read buffer.
constexpr std::size_t read_buffer_size = 64 * 1024;
// A queue emptied of more frames than this gives its memory back.
constexpr std::size_t kept_queue_capacity = 8;

namespace {

char* read_buffer() {
  thread_local std::unique_ptr<char[]> buffer;
  if (!buffer) buffer.reset(new char[read_buffer_size]);
  return buffer.get();
}

const std::shared_ptr<const std::string>& empty_payload() {
  static const auto empty = std::make_shared<const std::string>();
  return empty;
}

}  // namespace

// Per io_context (an Asio service, so it lives and dies with the context):
// - the flush list: send() marks a session dirty and one posted handler writes
//   every dirty session, so all the events published in one turn of the io
//   thread (a POST's two events, a group commit's worth of POSTs) leave each
//   socket in one system call;
// - one sweep timer for all sessions instead of timers per socket: write and
//   close-handshake deadlines, idle pings and the idle drop. It runs only while
//   a session is running, so a stopped server's io_context still runs out of work.
class ws_service : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit ws_service(asio::execution_context& ctx) : service(ctx) {}

  // Every session of this context shares its executor; the first one tells.
  void attach(const asio::any_io_executor& ex) {
    if (!executor_) executor_ = ex;
  }

  void add(websocket_session* s) {
    if (shut_) return;
    if (!timer_) timer_.emplace(executor_);
    s->sweep_prev_ = nullptr;
    s->sweep_next_ = head_;
    if (head_) head_->sweep_prev_ = s;
    head_ = s;
    // Fine enough for the shortest timeout in use: a deadline fires at most
    // about an eighth of it late.
    auto shortest =
        std::min(s->idle_timeout_.count() > 0 ? s->idle_timeout_ : std::chrono::hours(1),
                 s->write_timeout_.count() > 0 ? s->write_timeout_ : std::chrono::hours(1));
    auto tick = std::clamp(std::chrono::milliseconds(shortest / 8), std::chrono::milliseconds(5),
                           std::chrono::milliseconds(1000));
    tick_ = std::min(tick_, tick);
    if (!armed_) arm();
  }

  void remove(websocket_session* s) {
    if (s->sweep_prev_)
      s->sweep_prev_->sweep_next_ = s->sweep_next_;
    else if (head_ == s)
      head_ = s->sweep_next_;
    else
      return;  // not on the list
    if (s->sweep_next_) s->sweep_next_->sweep_prev_ = s->sweep_prev_;
    s->sweep_prev_ = s->sweep_next_ = nullptr;
    if (!head_ && timer_) {
      timer_->cancel();
      tick_ = std::chrono::milliseconds(1000);
    }
  }

  void schedule(std::shared_ptr<websocket_session> s) {
    if (shut_) return;
    dirty_.push_back(std::move(s));
    if (posted_) return;
    posted_ = true;
    asio::post(executor_, [this] { flush_all(); });
  }

 private:
  // Runs before the io_context destroys pending handlers (and with them the
  // run() frames that unlink their sessions); the timer goes now, while the
  // timer service it belongs to still exists.
  void shutdown() override {
    shut_ = true;
    timer_.reset();
    dirty_.clear();
    flushing_.clear();
    for (auto* s = head_; s;) {
      auto* next = s->sweep_next_;
      s->sweep_prev_ = s->sweep_next_ = nullptr;
      s = next;
    }
    head_ = nullptr;
  }

  void flush_all() {
    posted_ = false;
    flushing_.swap(dirty_);  // sends made while flushing go to the next round
    for (auto& s : flushing_) {
      s->flush_scheduled_ = false;
      s->flush();
    }
    flushing_.clear();
  }

  void arm() {
    armed_ = true;
    timer_->expires_after(tick_);
    timer_->async_wait([this](boost::system::error_code ec) {
      armed_ = false;
      if (!ec) {
        auto now = std::chrono::steady_clock::now();
        for (auto* s = head_; s;) {
          auto* next = s->sweep_next_;  // a sweep never unlinks, but stay safe
          s->sweep(now);
          s = next;
        }
      }
      if (head_) arm();
    });
  }

  asio::any_io_executor executor_;
  std::optional<asio::steady_timer> timer_;
  std::chrono::milliseconds tick_{1000};
  bool armed_ = false;
  bool posted_ = false;
  bool shut_ = false;
  websocket_session* head_ = nullptr;
  std::vector<std::shared_ptr<websocket_session>> dirty_, flushing_;
};

asio::execution_context::id ws_service::id;

websocket_session::websocket_session(beast::tcp_stream&& stream, const http_config& cfg,
                                     const ws_limits& limits, std::string remote,
                                     std::string request_id)
    : socket_(stream.release_socket()),
      service_(&asio::use_service<ws_service>(
          asio::query(socket_.get_executor(), asio::execution::context))),
      idle_timeout_(cfg.idle_timeout),
      write_timeout_(cfg.write_timeout),
      limits_(limits),
      remote_(std::move(remote)),
      request_id_(std::move(request_id)),
      // 0 meant "no limit" to Beast; keep that.
      decoder_(limits.max_message ? limits.max_message : SIZE_MAX) {
  service_->attach(socket_.get_executor());
}

websocket_session::~websocket_session() = default;

asio::awaitable<boost::system::error_code> websocket_session::accept(const upgrade_request& req) {
  // Beast answers the upgrade on the socket, then gives it back.
  websocket::stream<tcp::socket> ws(std::move(socket_));
  websocket::stream_base::timeout timeouts{handshake_timeout, websocket::stream_base::none(),
                                           false};
  ws.set_option(timeouts);
  std::string rid = request_id_;
  auto decorate = [rid](websocket::response_type& res) {
    // Beast adds its own name and version when Server is absent.
    res.set(beast::http::field::server, "switchboard");
    res.set("X-Request-Id", rid);
  };
  ws.set_option(websocket::stream_base::decorator(std::move(decorate)));

  handshake_socket_ = &ws.next_layer();
  auto [ec] = co_await ws.async_accept(req, use_tuple);
  handshake_socket_ = nullptr;
  socket_ = std::move(ws.next_layer());
  if (ec) {
    phase_ = phase::closed;
    boost::system::error_code ignored;
    socket_.close(ignored);
    co_return ec;
  }
  socket_.non_blocking(true, ec);
  if (ec) {
    phase_ = phase::closed;
    boost::system::error_code ignored;
    socket_.close(ignored);
    co_return ec;
  }
  // A stop during the handshake already queued a close: skip on_open.
  phase_ = close_queued_ ? phase::closing : phase::open;
  co_return ec;
}

asio::awaitable<void> websocket_session::run(on_open_fn on_open) {
  auto self = shared_from_this();
  // Off the service's list however run() ends, even when its frame is destroyed
  // with the io_context.
  struct registration {
    ws_service* service;
    websocket_session* session;
    ~registration() { service->remove(session); }
  } reg{service_, this};
  last_read_ = clock::now();
  service_->add(this);

  if (phase_ == phase::open) {
    try {
      callbacks_ = on_open(self);
      opened_ = true;
    } catch (const std::exception& e) {
      spdlog::error("websocket rid={}: on_open failed: {}", request_id_, e.what());
      begin_close(ws::close_code::internal_error, "internal error", true);
    }
  }
  if (out_head_ < out_.size()) schedule_flush();

  // Reading decides when the connection is over: end of stream (after the close
  // handshake, or the peer went away), a socket error, or abort() (deadlines,
  // idle timeout, write errors, server stop) closing the socket under the wait.
  while (socket_.is_open()) {
    auto [ec] = co_await socket_.async_wait(tcp::socket::wait_read, use_tuple);
    if (ec || !read_input()) break;
  }

  phase_ = phase::closed;
  abort();  // also ends a wait for writability
  service_->remove(this);
  release_queue();
  decoder_.shrink();

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

bool websocket_session::read_input() {
  char* buf = read_buffer();
  // Bounded per wake-up so one chatty peer cannot hold the io thread; the next
  // wait reports the socket readable again at once.
  for (int round = 0; round < 16; ++round) {
    auto n = ::recv(socket_.native_handle(), buf, read_buffer_size, 0);
    if (n > 0) {
      last_read_ = clock::now();
      pinged_ = false;
      handle_input(std::span<char>(buf, static_cast<std::size_t>(n)));
      if (!socket_.is_open()) return false;
      if (static_cast<std::size_t>(n) < read_buffer_size) return true;
      continue;
    }
    if (n == 0) {
      spdlog::debug("websocket rid={}: end of stream", request_id_);
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    spdlog::debug("websocket rid={}: read failed: {}", request_id_, std::strerror(errno));
    return false;
  }
  return true;
}

void websocket_session::handle_input(std::span<char> in) {
  while (!in.empty() && !input_done_) {
    auto e = decoder_.next(in);
    switch (e.what) {
      case ws::event::kind::need_more:
        break;
      case ws::event::kind::text:
        if (phase_ == phase::open && callbacks_.on_message) {
          try {
            callbacks_.on_message(*this, e.data);
          } catch (const std::exception& x) {
            spdlog::error("websocket rid={}: on_message failed: {}", request_id_, x.what());
            begin_close(ws::close_code::internal_error, "internal error", true);
          }
          // Many requests in one read: write their replies before the queue
          // fills up with them.
          if (data_frames_ >= max_batch_frames && !write_waiting_) flush();
        }
        break;
      case ws::event::kind::ping:
        send_pong(e.data);
        break;
      case ws::event::kind::pong:
        break;  // reading anything counts as activity
      case ws::event::kind::close:
        close_received_ = true;
        input_done_ = true;
        if (!close_queued_) {
          // Echo the peer's code; answer a close without one with an empty close.
          begin_close(e.code, "", true);
        } else if (close_sent_) {
          shutdown_send();
        }
        break;
      case ws::event::kind::fail:
        spdlog::debug("websocket rid={}: protocol error: {} (close {})", request_id_, e.data,
                      e.code);
        input_done_ = true;
        begin_close(e.code, e.data, true);
        break;
    }
  }
  decoder_.shrink();
}

void websocket_session::send_pong(std::string_view payload) {
  if (close_queued_) return;
  auto p = std::make_shared<const std::string>(payload);
  // RFC 6455 5.5.3: a pong for only the latest of several pings is enough, so a
  // peer that pings without reading cannot grow the queue.
  bool pong_unsent = pong_at_ != SIZE_MAX && pong_at_ < out_.size() &&
                     (pong_at_ > out_head_ || (pong_at_ == out_head_ && out_offset_ == 0));
  if (pong_unsent) {
    auto& f = out_[pong_at_];
    f.header_size =
        static_cast<std::uint8_t>(ws::encode_header(ws::opcode::pong, p->size(), f.header));
    f.payload = std::move(p);
    return;
  }
  pong_at_ = out_.size();
  enqueue(ws::opcode::pong, std::move(p));
}

void websocket_session::enqueue(ws::opcode op, std::shared_ptr<const std::string> payload,
                                bool ephemeral) {
  out_frame f;
  f.header_size = static_cast<std::uint8_t>(ws::encode_header(op, payload->size(), f.header));
  f.op = op;
  f.ephemeral = ephemeral;
  if (op == ws::opcode::text && ephemeral) {
    ++ephemeral_frames_;
  } else if (op == ws::opcode::text) {
    ++data_frames_;
    queued_bytes_ += payload->size();
  }
  f.payload = std::move(payload);
  out_.push_back(std::move(f));
  schedule_flush();
}

void websocket_session::schedule_flush() {
  if (flush_scheduled_ || write_waiting_ || phase_ == phase::handshake) return;
  flush_scheduled_ = true;
  service_->schedule(shared_from_this());
}

void websocket_session::flush() {
  if (write_waiting_ || phase_ == phase::handshake || phase_ == phase::closed || !socket_.is_open())
    return;
  bool progressed = false;
  while (out_head_ < out_.size()) {
    iovec iov[2 * max_batch_frames];
    std::size_t count = 0, bytes = 0;
    std::size_t skip = out_offset_;
    for (std::size_t i = out_head_;
         i < out_.size() && count < 2 * max_batch_frames && bytes < max_batch_bytes; ++i) {
      auto& f = out_[i];
      if (skip < f.header_size) {
        iov[count++] = {f.header + skip, f.header_size - skip};
        bytes += f.header_size - skip;
        skip = 0;
      } else {
        skip -= f.header_size;
      }
      if (f.payload->size() > skip) {
        iov[count++] = {const_cast<char*>(f.payload->data()) + skip, f.payload->size() - skip};
        bytes += f.payload->size() - skip;
      }
      skip = 0;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    auto n = ::sendmsg(socket_.native_handle(), &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        wait_writable(progressed);
        return;
      }
      // Nothing more can be written: end the connection rather than let
      // send() fill a queue nobody drains.
      spdlog::debug("websocket rid={}: write failed: {}", request_id_, std::strerror(errno));
      if (phase_ == phase::open) phase_ = phase::closing;
      abort();
      return;
    }
    progressed = progressed || n > 0;
    frames_written(static_cast<std::size_t>(n));
    if (static_cast<std::size_t>(n) < bytes) {
      wait_writable(progressed);
      return;
    }
  }
  release_queue();
  if (!close_sent_) deadline_ = clock::time_point::max();
}

void websocket_session::wait_writable(bool progressed) {
  // The deadline bounds how long a write may make no progress.
  if (!close_sent_ && (progressed || deadline_ == clock::time_point::max()))
    deadline_ = clock::now() + write_timeout_;
  write_waiting_ = true;
  auto on_writable = [self = shared_from_this()](boost::system::error_code ec) {
    self->write_waiting_ = false;
    if (!ec) self->flush();
  };
  socket_.async_wait(tcp::socket::wait_write, std::move(on_writable));
}

void websocket_session::frames_written(std::size_t bytes) {
  while (bytes > 0 && out_head_ < out_.size()) {
    auto& f = out_[out_head_];
    std::size_t left = f.header_size + f.payload->size() - out_offset_;
    if (bytes < left) {
      out_offset_ += bytes;
      return;
    }
    bytes -= left;
    out_offset_ = 0;
    if (f.op == ws::opcode::text && f.ephemeral) {
      --ephemeral_frames_;
    } else if (f.op == ws::opcode::text) {
      --data_frames_;
      queued_bytes_ -= f.payload->size();
    }
    bool was_close = f.op == ws::opcode::close;
    f.payload.reset();
    ++out_head_;
    if (was_close) close_frame_written();
  }
}

void websocket_session::close_frame_written() {
  close_sent_ = true;
  // Bounds the rest of the handshake: the peer's close, then its end of stream.
  deadline_ = clock::now() + write_timeout_;
  if (close_received_ || input_done_) shutdown_send();
}

void websocket_session::shutdown_send() {
  // The server closes TCP first (RFC 6455 7.1.1); reading goes on until the
  // peer's end of stream, so unread bytes never turn our close into a reset.
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
}

void websocket_session::release_queue() {
  out_.clear();
  if (out_.capacity() > kept_queue_capacity) std::vector<out_frame>().swap(out_);
  out_head_ = 0;
  out_offset_ = 0;
  pong_at_ = SIZE_MAX;
  if (phase_ == phase::closed) {
    std::vector<out_frame>().swap(out_);
    data_frames_ = 0;
    queued_bytes_ = 0;
    ephemeral_frames_ = 0;
  }
}

void websocket_session::drop_queue() {
  std::size_t kept = 0;
  data_frames_ = 0;
  queued_bytes_ = 0;
  ephemeral_frames_ = 0;
  for (std::size_t i = out_head_; i < out_.size(); ++i) {
    bool started = i == out_head_ && out_offset_ > 0;
    if (!started && out_[i].op != ws::opcode::close) continue;
    if (out_[i].op == ws::opcode::text && out_[i].ephemeral) {
      ++ephemeral_frames_;
    } else if (out_[i].op == ws::opcode::text) {
      ++data_frames_;
      queued_bytes_ += out_[i].payload->size();
    }
    if (kept != i) out_[kept] = std::move(out_[i]);
    ++kept;
  }
  out_.resize(kept);
  out_head_ = 0;
  if (kept == 0) out_offset_ = 0;
  pong_at_ = SIZE_MAX;
}

void websocket_session::begin_close(std::uint16_t code, std::string_view reason, bool drop_queued) {
  if (phase_ == phase::closed) return;
  if (drop_queued) drop_queue();
  if (close_queued_) return;  // the first reason wins
  close_queued_ = true;
  if (phase_ == phase::open) phase_ = phase::closing;
  auto payload = code == ws::close_code::no_status
                     ? empty_payload()
                     : std::make_shared<const std::string>(ws::close_payload(code, reason));
  enqueue(ws::opcode::close, std::move(payload));
}

bool websocket_session::send(std::shared_ptr<const std::string> text) {
  if (phase_ != phase::open || !text) return false;
  if (data_frames_ >= limits_.max_queue_messages ||
      queued_bytes_ + text->size() > limits_.max_queue_bytes) {
    spdlog::warn("websocket {} rid={}: slow consumer ({} messages, {} bytes queued), closing",
                 remote_, request_id_, data_frames_, queued_bytes_);
    // Drop the backlog now: memory stays bounded even if the peer never reads again.
    begin_close(ws::close_code::policy_violation, "slow consumer", true);
    return false;
  }
  enqueue(ws::opcode::text, std::move(text));
  return true;
}

bool websocket_session::send_ephemeral(std::shared_ptr<const std::string> text) {
  if (phase_ != phase::open || !text) return false;
  // Busy: the socket is not taking bytes, or a batch is already queued. Typing
  // and presence are stale by the time such a socket would get them, and
  // queueing them would let one chatty sender push others into the
  // slow-consumer close (issue 16 item 9).
  if (write_waiting_ || data_frames_ + ephemeral_frames_ >= max_batch_frames) return false;
  enqueue(ws::opcode::text, std::move(text), true);
  return true;
}

void websocket_session::close() { begin_close(ws::close_code::normal, "", false); }

void websocket_session::revoke(std::string_view reason) {
  if (phase_ == phase::open)
    spdlog::info("websocket {} rid={}: closing, {}", remote_, request_id_, reason);
  begin_close(ws::close_code::policy_violation, reason, true);
}

void websocket_session::go_away() {
  begin_close(ws::close_code::going_away, "server stopping", false);
}

void websocket_session::abort() {
  boost::system::error_code ignored;
  if (handshake_socket_) handshake_socket_->close(ignored);
  if (socket_.is_open()) socket_.close(ignored);
}

void websocket_session::sweep(clock::time_point now) {
  if (phase_ == phase::handshake || phase_ == phase::closed || !socket_.is_open()) return;
  if (now >= deadline_) {
    if (close_sent_)
      spdlog::debug("websocket {} rid={}: close handshake timed out", remote_, request_id_);
    else
      spdlog::warn("websocket {} rid={}: write stuck for {} ms, dropping the connection", remote_,
                   request_id_, write_timeout_.count());
    abort();
    return;
  }
  if (idle_timeout_.count() <= 0) return;
  // A silent peer is pinged at half the idle timeout and dropped at the full one.
  auto silent = now - last_read_;
  if (silent >= idle_timeout_) {
    spdlog::debug("websocket {} rid={}: idle for {} ms, dropping the connection", remote_,
                  request_id_, idle_timeout_.count());
    abort();
  } else if (silent >= idle_timeout_ / 2 && !pinged_ && !close_queued_) {
    pinged_ = true;
    enqueue(ws::opcode::ping, empty_payload());
  }
}

}  // namespace switchboard::http
