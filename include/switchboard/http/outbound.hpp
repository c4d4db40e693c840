#pragma once
// Outbound HTTP(S) for carrier REST calls, on the io_context without blocking:
// certificate verification and SNI for https; plain http only to loopback (tests).
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "switchboard/core/result.hpp"

namespace switchboard::http {

struct outbound_request {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15'000};
};

struct outbound_response {
  int status = 0;
  std::string body;
};

class outbound_client {
 public:
  explicit outbound_client(boost::asio::io_context& io);
  ~outbound_client();
  // `req` must outlive the await. Errors: INVALID_INPUT (bad URL, plain http
  // to a non-loopback host), UNAVAILABLE (DNS, connect, TLS, timeout, I/O).
  boost::asio::awaitable<result<outbound_response>> request(const outbound_request& req);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace switchboard::http
