// The HTTP core over real sockets on port 0: routing, limits, timeouts, graceful stop.
#include <atomic>
#include <future>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace asio = boost::asio;
namespace sb = switchboard;
using namespace std::chrono_literals;
using sb::http::request;
using sb::http::response;
using nlohmann::json;

namespace {

// Test-only routes: a slow one (for in-flight requests), an echo with a large
// body limit, and one that throws.
// /test/slow handlers that have begun: a connection counted as open may not have
// sent its request yet, and a stop then rightly closes it as idle.
std::atomic<int> slow_started{0};

sb::app::app_options test_routes() {
  sb::app::app_options o{false, {}};
  o.extra_routes = [](sb::http::router& r, sb::app::app& a) {
    r.add("GET", "/test/slow", [&a](request& req) -> asio::awaitable<response> {
      ++slow_started;
      asio::steady_timer t(a.io(), 400ms);
      co_await t.async_wait(asio::use_awaitable);
      co_return response::json(200, {{"slow", true}});
    });
    r.add("POST", "/test/echo", [](request& req) -> asio::awaitable<response> {
      co_return response::json(200, {{"bytes", req.body.size()}, {"id", req.params.size()}});
    }, {.body_limit = 1 << 20});
    r.add("POST", "/test/small", [](request& req) -> asio::awaitable<response> {
      co_return response::json(200, {{"bytes", req.body.size()}});
    });
    r.add("GET", "/test/items/{id}", [](request& req) -> asio::awaitable<response> {
      co_return response::json(200, {{"id", req.params.at("id")}, {"q", req.query_param("q").value_or("")}});
    });
    r.add("GET", "/test/throw", [](request&) -> asio::awaitable<response> {
      throw std::runtime_error("boom");
      co_return response::text(200, "unreachable");
    });
  };
  return o;
}

class server_test : public ::testing::Test {
 protected:
  void start(std::function<void(sb::config&)> tweak = {}) {
    cfg_ = sbtest::test_config(dir_.path());
    if (tweak) tweak(cfg_);
    app_ = std::make_unique<sbtest::running_app>(cfg_, test_routes());
  }
  std::uint16_t port() { return app_->port(); }
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
};

}  // namespace

TEST_F(server_test, healthz_readyz_and_request_ids) {
  start();
  auto r = sbtest::http_request(port(), "GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body), json({{"status", "ok"}}));
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_FALSE(r->header("x-request-id").empty());

  auto mine = sbtest::http_request(port(), "GET", "/healthz", "", "X-Request-Id: abc-123\r\n");
  EXPECT_EQ(mine->header("x-request-id"), "abc-123");
  auto hostile = sbtest::http_request(port(), "GET", "/healthz", "", "X-Request-Id: a b<script>\r\n");
  EXPECT_NE(hostile->header("x-request-id"), "a b<script>");

  auto ready = sbtest::http_request(port(), "GET", "/readyz");
  EXPECT_EQ(ready->status, 200);
}

TEST_F(server_test, routes_parameters_404_and_405) {
  start();
  auto item = sbtest::http_request(port(), "GET", "/test/items/a%2Fb?q=hi%20there");
  ASSERT_TRUE(item);
  EXPECT_EQ(item->status, 200);
  auto j = json::parse(item->body);
  EXPECT_EQ(j["id"], "a/b");
  EXPECT_EQ(j["q"], "hi there");
  auto plus = sbtest::http_request(port(), "GET", "/test/items/7?q=a+b");
  EXPECT_EQ(json::parse(plus->body)["q"], "a b");

  auto missing = sbtest::http_request(port(), "GET", "/nope");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json::parse(missing->body)["error"]["code"], "NOT_FOUND");

  auto wrong = sbtest::http_request(port(), "DELETE", "/healthz");
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(json::parse(wrong->body)["error"]["code"], "METHOD_NOT_ALLOWED");
  EXPECT_EQ(wrong->header("allow"), "GET, HEAD");
}

TEST_F(server_test, keep_alive_serves_several_requests_on_one_connection) {
  start();
  sbtest::raw_conn c(port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
  // Pipelined requests are answered in order.
  ASSERT_TRUE(c.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(c.read_reply()->status, 404);
  EXPECT_EQ(c.read_reply()->status, 200);
}

TEST_F(server_test, body_over_the_declared_limit_is_refused_cleanly) {
  start();
  sbtest::raw_conn c(port());
  std::string body(70 * 1024, 'x');  // default limit is 64 KiB
  c.send("POST /test/small HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n");
  c.send(body);  // the server may already be closing; it drains what we send
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed(3s));
  // The server is still healthy.
  EXPECT_EQ(sbtest::http_request(port(), "GET", "/healthz")->status, 200);
}

TEST_F(server_test, chunked_body_over_the_limit_is_refused) {
  start();
  sbtest::raw_conn c(port());
  c.send("POST /test/small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk(16 * 1024, 'y');
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  for (int i = 0; i < 5; ++i)
    if (!c.send(size + chunk + "\r\n")) break;
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.wait_closed(3s));
}

TEST_F(server_test, per_route_limit_allows_a_larger_body) {
  start();
  std::string body(512 * 1024, 'z');
  auto big = sbtest::http_request(port(), "POST", "/test/echo", body);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 200);
  EXPECT_EQ(json::parse(big->body)["bytes"], body.size());
  auto small = sbtest::http_request(port(), "POST", "/test/small", body);
  EXPECT_EQ(small->status, 413);
}

TEST_F(server_test, slow_header_sender_is_disconnected_after_the_read_timeout) {
  start([](sb::config& c) { c.http.read_timeout = 300ms; });
  sbtest::raw_conn c(port());
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(200, 'p') + "\r\n\r\n";
  auto t0 = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  bool cut = false;
  for (; sent < req.size(); ++sent) {
    if (!c.send(std::string(1, req[sent]))) {
      cut = true;
      break;
    }
    if (c.wait_closed(20ms)) {
      cut = true;
      break;
    }
  }
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(cut) << "the server kept the connection open for a header sent byte by byte";
  EXPECT_LT(sent, req.size());
  EXPECT_LT(elapsed, 5s);
}

TEST_F(server_test, idle_keep_alive_connection_is_closed) {
  start([](sb::config& c) { c.http.idle_timeout = 200ms; });
  sbtest::raw_conn c(port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(c.read_reply()->status, 200);
  EXPECT_TRUE(c.wait_closed(3s));
}

TEST_F(server_test, malformed_requests_get_400_and_huge_headers_431) {
  start();
  {
    sbtest::raw_conn c(port());
    c.send("THIS IS NOT HTTP\r\n\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "INVALID_INPUT");
  }
  {
    sbtest::raw_conn c(port());
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  {
    auto r = sbtest::http_request(port(), "POST", "/test/small", "", "Content-Length: nope\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  EXPECT_EQ(sbtest::http_request(port(), "GET", "/healthz")->status, 200);
}

TEST_F(server_test, a_throwing_handler_is_a_500_and_the_server_lives_on) {
  start();
  auto r = sbtest::http_request(port(), "GET", "/test/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "INTERNAL");
  EXPECT_EQ(r->body.find("boom"), std::string::npos) << "internal details must not leak";
  EXPECT_EQ(sbtest::http_request(port(), "GET", "/healthz")->status, 200);
}

TEST_F(server_test, connection_cap_refuses_extra_connections) {
  start([](sb::config& c) { c.http.max_connections = 2; });
  sbtest::raw_conn a(port()), b(port());
  a.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  b.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(a.read_reply()->status, 200);
  ASSERT_EQ(b.read_reply()->status, 200);
  sbtest::raw_conn extra(port());
  EXPECT_TRUE(extra.wait_closed(3s));
}

TEST_F(server_test, metrics_count_requests_by_route) {
  start();
  sbtest::http_request(port(), "GET", "/healthz");
  sbtest::http_request(port(), "GET", "/nope");
  auto m = sbtest::http_request(port(), "GET", "/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("switchboard_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"2xx\"} 1"),
            std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find("route=\"unmatched\",method=\"GET\",status=\"4xx\""), std::string::npos);
  EXPECT_NE(m->body.find("switchboard_http_open_connections"), std::string::npos);
  EXPECT_NE(m->body.find("switchboard_store_batch_size_bucket"), std::string::npos);
  EXPECT_NE(m->body.find("switchboard_store_commit_seconds_bucket"), std::string::npos);
}

TEST_F(server_test, graceful_stop_finishes_in_flight_requests) {
  start();
  constexpr int n = 8;
  slow_started = 0;
  std::vector<std::future<std::optional<sbtest::http_reply>>> inflight;
  for (int i = 0; i < n; ++i)
    inflight.push_back(std::async(std::launch::async, [p = port()] {
      return sbtest::http_request(p, "GET", "/test/slow");
    }));
  // An idle keep-alive connection must not hold the stop up.
  sbtest::raw_conn idle(port());
  idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(idle.read_reply()->status, 200);
  // Wait until the slow requests are being handled (their handlers wait 400 ms).
  for (int i = 0; i < 1000 && slow_started.load() < n; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_EQ(slow_started.load(), n);
  auto t0 = std::chrono::steady_clock::now();
  auto exit_code = std::async(std::launch::async, [this] { return app_->stop(); });
  for (auto& f : inflight) {
    auto r = f.get();
    ASSERT_TRUE(r) << "an in-flight request was dropped";
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("connection"), "close");
  }
  EXPECT_EQ(exit_code.get(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_TRUE(idle.wait_closed(1s));
}
