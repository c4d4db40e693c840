#pragma once
// Outbound HTTP(S) for carrier REST calls, on the io_context without blocking:
// certificate verification and SNI for https; plain http only to loopback (tests).
// Connections are kept alive and reused per host (scheme, host, port).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/core/result.hpp"

namespace switchboard::http {

struct outbound_request {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15'000};  // connect + TLS + write + read, per attempt
  std::size_t max_body = 1 << 20;  // a longer answer is PAYLOAD_TOO_LARGE (and not read further)
  // Connect only when every address the host resolves to is public
  // (is_public_address): FORBIDDEN otherwise. The check is on the addresses
  // connected to, so a name that resolves differently later changes nothing.
  bool public_only = false;
};

struct outbound_response {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  // The first value of a header, any case; "" when absent.
  std::string header(std::string_view name) const;
};

struct outbound_options {
  // Idle connections kept per host; more concurrent requests open more
  // connections, and those beyond the cap are closed after their response.
  std::size_t max_idle_per_host = 4;
  // An idle connection older than this is closed instead of reused: shorter
  // than common server idle timeouts (60 s and up), so the server rarely
  // closes one under us.
  std::chrono::milliseconds idle_timeout{30'000};
  // PEM certificates of the CAs trusted instead of the system's (tests run a
  // local CA). Empty: the system's trust store. Verification is never off.
  std::string ca_pem;
};

class outbound_client {
 public:
  explicit outbound_client(boost::asio::io_context& io, outbound_options opts = {});
  explicit outbound_client(const boost::asio::any_io_executor& ex, outbound_options opts = {});
  ~outbound_client();
  outbound_client(const outbound_client&) = delete;
  outbound_client& operator=(const outbound_client&) = delete;

  // `req` must outlive the await. Errors: INVALID_INPUT (bad URL, plain http
  // to a non-loopback host), UNAVAILABLE (DNS, connect, TLS, timeout, I/O),
  // PAYLOAD_TOO_LARGE (the answer's body is over req.max_body).
  // Run it on the executor the client was made with (one thread); the client
  // must outlive its requests.
  boost::asio::awaitable<result<outbound_response>> request(const outbound_request& req);

  // Closes every idle connection now.
  void close_idle();

  struct counters {
    std::uint64_t connections_opened = 0;
    std::uint64_t reused = 0;         // requests sent on a pooled connection
    std::uint64_t stale_dropped = 0;  // pooled connections found closed or expired
    std::uint64_t retried = 0;        // reused connection failed before sending: retried fresh
  };
  counters stats() const;
  std::size_t idle_connections() const;

  struct pool;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace switchboard::http
