#pragma once
// Private to src/http: the server side of one WebSocket connection. The
// connection coroutine in server.cpp hands its tcp_stream over after the
// upgrade route accepted; Beast's websocket headers stay in websocket_session.cpp.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "switchboard/core/config.hpp"
#include "switchboard/http/websocket.hpp"

namespace switchboard::http {

// Lifecycle: accept() once, then run() once if the handshake succeeded. run()
// returns when the connection is gone, after calling on_close. The object may
// outlive run() (the hub holds it); then it is inert: send() returns false.
class websocket_session final : public ws_connection,
                                public std::enable_shared_from_this<websocket_session> {
 public:
  using on_open_fn = std::function<ws_callbacks(std::shared_ptr<ws_connection>)>;
  using upgrade_request = boost::beast::http::request<boost::beast::http::string_body>;

  websocket_session(boost::beast::tcp_stream&& stream, const http_config& cfg,
                    const ws_limits& limits, std::string remote, std::string request_id);
  ~websocket_session() override;

  // Answers the upgrade (101, or Beast's 400 for a bad handshake).
  boost::asio::awaitable<boost::system::error_code> accept(const upgrade_request& req);
  // Calls on_open, then reads until the connection ends; calls on_close last.
  boost::asio::awaitable<void> run(on_open_fn on_open);

  using ws_connection::send;
  bool send(std::shared_ptr<const std::string> text) override;
  void close() override;
  bool is_open() const override { return phase_ == phase::open; }
  std::size_t queued() const override { return queue_.size() + (inflight_ ? 1 : 0); }

  // Server stop: close with 1001 after the queued frames.
  void go_away();
  // Drops the TCP connection now (shutdown deadline, stuck write).
  void abort();

 private:
  enum class phase { handshake, open, closing, closed };
  struct io;  // the Beast stream and timers, freed when run() ends

  boost::asio::awaitable<void> write_loop(std::shared_ptr<websocket_session> self);
  // Requests a close frame after the queue (or instead of it, when drop_queued).
  void begin_close(std::uint16_t code, std::string_view reason, bool drop_queued);
  void drop_queue();  // keeps only the frame in flight
  void arm_write_deadline();

  std::unique_ptr<io> io_;
  http_config cfg_;
  ws_limits limits_;
  std::string remote_;
  std::string request_id_;
  phase phase_ = phase::handshake;
  ws_callbacks callbacks_;
  bool opened_ = false;  // on_open returned: on_close is owed

  std::deque<std::shared_ptr<const std::string>> queue_;
  std::shared_ptr<const std::string> inflight_;  // the frame being written, counted in the cap
  std::size_t queued_bytes_ = 0;                 // queue_ + inflight_
  std::optional<std::uint16_t> close_code_;      // a close frame is owed
  std::string close_reason_;
  bool writer_running_ = false;
  bool writer_idle_ = false;     // waiting for work: send() must wake it
  std::uint64_t write_seq_ = 0;  // tells a stale write-deadline expiry from a live one
};

}  // namespace switchboard::http
