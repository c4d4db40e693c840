#pragma once
// The HTTP server: listener -> one coroutine per connection. Beast stays in
// server.cpp; handlers see http::request / http::response.
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "switchboard/core/config.hpp"
#include "switchboard/core/metrics.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/http/router.hpp"

namespace switchboard::http {

class server {
 public:
  server(boost::asio::io_context& io, const http_config& cfg, const router& routes,
         metrics& stats);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens; the error names the address.
  result<void> listen();
  std::uint16_t port() const;
  // Starts accepting (call on or before running the io_context).
  void start();
  // Graceful stop: stop accepting, close idle keep-alive connections, let
  // in-flight requests finish (their responses carry Connection: close), close
  // WebSockets with 1001 after their queued frames, and force-close whatever is
  // left after shutdown_timeout. `done` runs on the io_context once no
  // connection is left.
  void stop(std::function<void()> done);
  bool stopping() const;
  std::size_t open_connections() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with connection coroutines
};

}  // namespace switchboard::http
