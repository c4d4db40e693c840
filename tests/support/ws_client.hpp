#pragma once
// A blocking WebSocket test client (Beast, synchronous) with a receive timeout.
#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

namespace sbtest {

class ws_client {
 public:
  // Connects and upgrades; throws on failure (e.g. a 401 from the server).
  // receive_buffer > 0 sets SO_RCVBUF before connecting: a small one makes a
  // client that does not read look like a slow consumer to the server.
  ws_client(std::uint16_t port, const std::string& target, int receive_buffer = 0) : ws_(io_) {
    boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port);
    if (receive_buffer > 0) {
      ws_.next_layer().open(ep.protocol());
      ::setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    ws_.next_layer().connect(ep);
    ws_.handshake("127.0.0.1", target);
    set_timeout(std::chrono::seconds(5));
  }
  ~ws_client() {
    boost::system::error_code ec;
    ws_.next_layer().close(ec);
  }

  void send(const std::string& text) { ws_.write(boost::asio::buffer(text)); }

  // Next text message, or nullopt on timeout / close.
  // (Asio's blocking reads ignore SO_RCVTIMEO and would wait forever, so the
  // read is asynchronous with a deadline. A timeout drops the connection: a
  // cancelled read leaves the WebSocket stream unusable.)
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (timed_out_) return std::nullopt;
    boost::beast::flat_buffer buf;
    boost::system::error_code ec;
    bool done = false;
    ws_.async_read(buf, [&](const boost::system::error_code& e, std::size_t) {
      ec = e;
      done = true;
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      timed_out_ = true;
      boost::system::error_code ignored;
      ws_.next_layer().close(ignored);  // the read completes with an error
      io_.restart();
      io_.run();
      return std::nullopt;
    }
    if (ec) {
      if (ec == boost::beast::websocket::error::closed) close_code_ = ws_.reason().code;
      return std::nullopt;
    }
    return boost::beast::buffers_to_string(buf.data());
  }

  // The close code the server sent, once a read saw its close frame.
  std::optional<std::uint16_t> close_code() const { return close_code_; }

  // Reads until the server's close frame; its code, or nullopt on timeout or
  // another error. Events read meanwhile are appended to `seen` when given.
  std::optional<std::uint16_t> wait_close(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                          std::vector<std::string>* seen = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!close_code_ && std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto m = read(std::max(left, std::chrono::milliseconds(1)));
      if (!m) break;
      if (seen) seen->push_back(*m);
    }
    return close_code_;
  }

  // Reads until an event of `type` arrives (others are skipped); nullopt on timeout.
  std::optional<nlohmann::json> wait_event(const std::string& type,
                                           std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto m = read(std::max(left, std::chrono::milliseconds(1)));
      if (!m) return std::nullopt;
      auto j = nlohmann::json::parse(*m, nullptr, false);
      if (j.is_object() && j.value("type", "") == type) return j;
    }
    return std::nullopt;
  }

 private:
  void set_timeout(std::chrono::milliseconds t) {
    timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
    ::setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  std::optional<std::uint16_t> close_code_;
  bool timed_out_ = false;
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
};

}  // namespace sbtest
