#pragma once
// Private to src/http: the server side of one WebSocket connection. The
// connection coroutine in server.cpp hands its tcp_stream over after the
// upgrade route accepted; Beast's websocket headers stay in websocket_session.cpp.
// Beast answers the upgrade; after that the socket is driven directly with the
// frame codec of http/ws_frame.hpp, so that everything queued for a socket goes
// out in one gathered write (see docs/architecture.md, "WebSockets").
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/core/config.hpp"
#include "switchboard/http/websocket.hpp"
#include "switchboard/http/ws_frame.hpp"

namespace switchboard::http {

class ws_service;  // per io_context: the flush list and the timeout sweep

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
  bool send_ephemeral(std::shared_ptr<const std::string> text) override;
  void close() override;
  void revoke(std::string_view reason) override;
  bool is_open() const override { return phase_ == phase::open; }
  std::size_t queued() const override { return data_frames_; }

  // Server stop: close with 1001 after the queued frames.
  void go_away();
  // Drops the TCP connection now (shutdown deadline, stuck write).
  void abort();

 private:
  friend class ws_service;
  using clock = std::chrono::steady_clock;
  enum class phase : std::uint8_t { handshake, open, closing, closed };

  // One frame on the FIFO: the header is built when queued; the payload of a
  // text frame is the hub's one serialized copy, shared by every socket.
  struct out_frame {
    std::shared_ptr<const std::string> payload;
    std::uint8_t header[ws::max_header_size];
    std::uint8_t header_size;
    ws::opcode op;
    bool ephemeral = false;  // typing/presence: not counted toward the cap
  };

  void enqueue(ws::opcode op, std::shared_ptr<const std::string> payload, bool ephemeral = false);
  void schedule_flush();
  // Writes what is queued, in gathered writes, until the queue is empty or the
  // socket would block (then waits for it to turn writable).
  void flush();
  void wait_writable(bool progressed);
  void frames_written(std::size_t bytes);
  void close_frame_written();
  // Reads until the socket would block; false when the connection is over.
  bool read_input();
  void handle_input(std::span<char> in);
  void send_pong(std::string_view payload);
  // Queues a close frame after the queue (or instead of it, when drop_queued).
  void begin_close(std::uint16_t code, std::string_view reason, bool drop_queued);
  void drop_queue();  // keeps a partly written frame and the close frame
  void release_queue();
  void shutdown_send();
  // Called by the service's sweep: write and close-handshake deadlines, idle pings.
  void sweep(clock::time_point now);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::socket* handshake_socket_ =
      nullptr;  // inside Beast's stream during accept()
  ws_service* service_;
  websocket_session* sweep_prev_ = nullptr;  // the service's list of running sessions
  websocket_session* sweep_next_ = nullptr;
  std::chrono::milliseconds idle_timeout_;
  std::chrono::milliseconds write_timeout_;
  ws_limits limits_;
  std::string remote_;
  std::string request_id_;
  ws_callbacks callbacks_;
  ws::decoder decoder_;

  std::vector<out_frame> out_;  // [out_head_, end) is still to be written
  std::size_t out_head_ = 0;
  std::size_t out_offset_ = 0;      // bytes of out_[out_head_] already written
  std::size_t pong_at_ = SIZE_MAX;  // index of a queued pong not yet started
  std::size_t data_frames_ = 0;     // durable text frames not fully written: the cap counts these
  std::size_t queued_bytes_ = 0;    // and their payload bytes
  std::size_t ephemeral_frames_ = 0;  // ephemeral text frames not fully written
  clock::time_point last_read_{};
  clock::time_point deadline_ = clock::time_point::max();  // write progress, close handshake

  phase phase_ = phase::handshake;
  bool opened_ = false;           // on_open returned: on_close is owed
  bool flush_scheduled_ = false;  // on the service's flush list
  bool write_waiting_ = false;    // waiting for the socket to turn writable
  bool close_queued_ = false;
  bool close_sent_ = false;
  bool close_received_ = false;
  bool input_done_ = false;  // after the peer's close or a protocol error: discard input
  bool pinged_ = false;      // an idle ping went out since the last read
};

}  // namespace switchboard::http
