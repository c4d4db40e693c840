#pragma once
// WebSocket seam, without Beast types: an upgrade route authenticates the HTTP
// request and either rejects it with an HTTP response or accepts it and says
// what to do with the connection. The server (server.cpp / websocket_session.cpp)
// owns the Beast stream, one read loop, and a write queue flushed once per turn of
// the io thread: durable events count toward a cap (a slow consumer is closed),
// ephemeral ones (typing, presence) are dropped for a busy socket.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "switchboard/http/message.hpp"

namespace switchboard::http {

// A live WebSocket connection. All members are called on the io_context thread.
class ws_connection {
 public:
  virtual ~ws_connection() = default;
  // Queues one text frame. Frames go out in order, one write in flight at a time.
  // When the queue already holds the cap (messages or bytes), the connection is
  // closed as a slow consumer (close code 1008) and this returns false.
  virtual bool send(std::shared_ptr<const std::string> text) = 0;
  bool send(std::string text) { return send(std::make_shared<const std::string>(std::move(text))); }
  // Queues an ephemeral frame (typing, presence): dropped, not queued, when the
  // socket is busy (a write is waiting or frames are already queued), and never
  // counted toward the slow-consumer cap. Returns whether it was queued.
  virtual bool send_ephemeral(std::shared_ptr<const std::string> text) { return send(std::move(text)); }
  // Starts a close handshake after the queued frames are written.
  virtual void close() = 0;
  // The credential behind this socket was revoked (or its scope shrank): closes
  // now with 1008, dropping whatever is still queued, so nothing more is delivered.
  virtual void revoke(std::string_view reason) { (void)reason; close(); }
  virtual bool is_open() const = 0;
  virtual std::size_t queued() const = 0;
};

struct ws_callbacks {
  // One call per complete text message received (binary frames close the connection).
  std::function<void(ws_connection&, std::string_view text)> on_message;
  // Exactly once, when the connection is gone (either side, error, slow consumer, stop).
  std::function<void()> on_close;
};

struct ws_accept {
  // Set to refuse the upgrade with an ordinary HTTP response (e.g. 401 NOT_AUTHENTICATED).
  std::optional<response> reject;
  // Called once the handshake completed; returns the callbacks for this connection.
  std::function<ws_callbacks(std::shared_ptr<ws_connection>)> on_open;
};

// Registered with router::add_websocket(path, fn); runs for GET requests that ask to upgrade.
using ws_handler = std::function<boost::asio::awaitable<ws_accept>(request&)>;

struct ws_limits {
  std::size_t max_message = 64 * 1024;     // incoming message size limit
  std::size_t max_queue_messages = 1024;   // per-connection send queue cap
  std::size_t max_queue_bytes = 4u << 20;  // per-connection send queue cap in bytes
};

}  // namespace switchboard::http
