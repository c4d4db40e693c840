// Performance baseline for bench/http.sh and bench/webhooks.sh: the least a
// Beast server can do to answer GET /healthz (or a webhook POST), so the
// daemon's overhead can be read as a ratio.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <system_error>
#include <utility>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// A real daemon must drop idle keep-alive connections, so the baseline pays
// for the same per-operation timer rather than looking unrealistically cheap.
constexpr auto idle_timeout = std::chrono::seconds(30);

http::response<http::string_body> make_response(const http::request<http::string_body>& req) {
  http::response<http::string_body> res;
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  if (req.method() == http::verb::get && req.target() == "/healthz") {
    res.result(http::status::ok);
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"status":"ok"})";
  } else if (req.method() == http::verb::post && req.target() == "/webhooks/twilio/sms") {
    // bench/webhooks.sh: the body is read in full, then the daemon's empty TwiML
    // answer, with no signature check and no write.
    res.result(http::status::ok);
    res.set(http::field::content_type, "text/xml; charset=utf-8");
    res.body() = R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)";
  } else {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/plain");
    res.body() = "not found\n";
  }
  res.prepare_payload();
  return res;
}

asio::awaitable<void> run_session(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    stream.expires_after(idle_timeout);
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, req, tuple_awaitable);
    if (read_ec) break;

    auto res = make_response(req);
    stream.expires_after(idle_timeout);
    auto [write_ec, write_n] = co_await http::async_write(stream, res, tuple_awaitable);
    if (write_ec || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> run_listener(tcp::acceptor acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // Transient failures such as EMFILE must not take the server down.
      continue;
    }
    asio::co_spawn(acceptor.get_executor(), run_session(beast::tcp_stream(std::move(socket))),
                   asio::detached);
  }
}

bool parse_port(std::string_view text, unsigned short& port) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, port);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = 0;
  if (argc != 2 || !parse_port(argv[1], port)) {
    std::fprintf(stderr, "usage: %s PORT\n", argc > 0 ? argv[0] : "minimal_server");
    return 2;
  }

  try {
    // The hint lets Asio skip internal locking since only one thread runs it.
    asio::io_context ioc{1};

    tcp::acceptor acceptor(ioc);
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);

    if (port == 0) {
      std::printf("port=%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
      std::fflush(stdout);
    }

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&ioc](const beast::error_code&, int) { ioc.stop(); });

    asio::co_spawn(ioc, run_listener(std::move(acceptor)), asio::detached);
    ioc.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "minimal_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
