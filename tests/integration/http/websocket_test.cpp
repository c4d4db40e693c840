// WebSocket upgrade routes over real sockets on port 0: handshake and reject,
// ordering, limits, the bounded send queue, idle pings and graceful stop.
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using sbtest::eventually;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace sb = switchboard;
using namespace std::chrono_literals;
using nlohmann::json;
using sb::http::request;
using sb::http::response;
using sb::http::ws_accept;
using sb::http::ws_callbacks;
using sb::http::ws_connection;
using tcp = asio::ip::tcp;

namespace {

// What the server side saw; written on the io_context thread, read by the test.
struct probe {
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
  std::atomic<int> messages{0};
  std::atomic<std::size_t> max_queued{0};
  std::atomic<int> accepted_sends{0};
  std::atomic<bool> send_refused{false};
  std::atomic<bool> open_after_close{false};
  std::atomic<bool> send_after_close{false};
  std::atomic<bool> slow_handler_started{false};
  std::atomic<int> ephemeral_dropped{0};
  std::atomic<bool> flood_done{false};
  std::atomic<bool> durable_after_flood{false};

  void note_queued(std::size_t n) {
    auto cur = max_queued.load();
    while (n > cur && !max_queued.compare_exchange_weak(cur, n)) {
    }
  }
};

// on_close records that it ran and what the connection looks like afterwards.
ws_callbacks make_callbacks(std::shared_ptr<probe> p, std::shared_ptr<ws_connection> conn,
                            std::function<void(ws_connection&, std::string_view)> on_message) {
  ++p->opened;
  std::weak_ptr<ws_connection> weak = conn;
  ws_callbacks cb;
  cb.on_message = [p, on_message = std::move(on_message)](ws_connection& c, std::string_view t) {
    ++p->messages;
    if (on_message) on_message(c, t);
  };
  cb.on_close = [p, weak] {
    if (auto c = weak.lock()) {
      if (c->is_open()) p->open_after_close = true;
      if (c->send(std::string("late"))) p->send_after_close = true;
    }
    ++p->closed;
  };
  return cb;
}

// "b" + std::to_string(i) trips a GCC 12 -Wrestrict false positive.
std::string tag(std::string_view prefix, int i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

void echo(ws_connection& c, std::string_view text) {
  if (text == "close") {
    c.close();
  } else if (text.starts_with("burst ")) {
    int n = std::stoi(std::string(text.substr(6)));
    for (int i = 0; i < n; ++i) c.send(tag("b", i));
  } else {
    c.send(std::string(text));
  }
}

// Sends n frames of `size` bytes, yielding between frames so the writer runs.
asio::awaitable<void> flood(std::shared_ptr<ws_connection> c, std::shared_ptr<probe> p, int n,
                            std::size_t size) {
  auto frame = std::make_shared<const std::string>(size, 'f');
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < n; ++i) {
    if (!c->send(frame)) {
      p->send_refused = true;
      break;
    }
    ++p->accepted_sends;
    p->note_queued(c->queued());
    co_await asio::post(ex, asio::use_awaitable);
  }
}

// Issue 16 item 9: n ephemeral frames (typing-like), then one durable frame.
asio::awaitable<void> ephemeral_flood(std::shared_ptr<ws_connection> c, std::shared_ptr<probe> p, int n,
                                      std::size_t size) {
  auto frame = std::make_shared<const std::string>(size, 'e');
  auto ex = co_await asio::this_coro::executor;
  for (int i = 0; i < n; ++i) {
    if (c->send_ephemeral(frame))
      ++p->accepted_sends;
    else
      ++p->ephemeral_dropped;
    p->note_queued(c->queued());
    co_await asio::post(ex, asio::use_awaitable);
  }
  p->durable_after_flood = c->send(std::string("done"));
  p->flood_done = true;
}

sb::app::app_options ws_routes(std::shared_ptr<probe> p) {
  sb::app::app_options o{false, {}};
  o.extra_routes = [p](sb::http::router& r, sb::app::app& a) {
    r.add_websocket("/test/ws/echo", [p](request&) -> asio::awaitable<ws_accept> {
      ws_accept acc;
      acc.on_open = [p](std::shared_ptr<ws_connection> c) { return make_callbacks(p, c, echo); };
      co_return acc;
    });
    // Sees the request like any handler: params, query, request id.
    r.add_websocket("/test/ws/rooms/{room}", [p](request& req) -> asio::awaitable<ws_accept> {
      json hello = {{"room", req.params.at("room")},
                    {"q", req.query_param("q").value_or("")},
                    {"rid", req.request_id},
                    {"route", req.route}};
      ws_accept acc;
      acc.on_open = [p, hello](std::shared_ptr<ws_connection> c) {
        c->send(hello.dump());
        return make_callbacks(p, c, echo);
      };
      co_return acc;
    });
    r.add_websocket("/test/ws/auth", [p](request& req) -> asio::awaitable<ws_accept> {
      ws_accept acc;
      if (req.query_param("token") != "good") {
        acc.reject = response::error(401, "NOT_AUTHENTICATED", "bad token");
        co_return acc;
      }
      acc.on_open = [p](std::shared_ptr<ws_connection> c) { return make_callbacks(p, c, echo); };
      co_return acc;
    });
    r.add_websocket(
        "/test/ws/small",
        [p](request&) -> asio::awaitable<ws_accept> {
          ws_accept acc;
          acc.on_open = [p](std::shared_ptr<ws_connection> c) { return make_callbacks(p, c, echo); };
          co_return acc;
        },
        {.max_message = 1024});
    // Small caps: 8 frames or 256 KiB.
    r.add_websocket(
        "/test/ws/flood/{n}/{size}",
        [p, &a](request& req) -> asio::awaitable<ws_accept> {
          int n = std::stoi(req.params.at("n"));
          std::size_t size = std::stoul(req.params.at("size"));
          ws_accept acc;
          acc.on_open = [p, &a, n, size](std::shared_ptr<ws_connection> c) {
            asio::co_spawn(a.io(), flood(c, p, n, size), asio::detached);
            return make_callbacks(p, c, nullptr);
          };
          co_return acc;
        },
        {.max_message = 1024, .max_queue_messages = 8, .max_queue_bytes = 256 * 1024});
    // The same caps, flooded with ephemeral frames instead.
    r.add_websocket(
        "/test/ws/ephemeral/{n}/{size}",
        [p, &a](request& req) -> asio::awaitable<ws_accept> {
          int n = std::stoi(req.params.at("n"));
          std::size_t size = std::stoul(req.params.at("size"));
          ws_accept acc;
          acc.on_open = [p, &a, n, size](std::shared_ptr<ws_connection> c) {
            asio::co_spawn(a.io(), ephemeral_flood(c, p, n, size), asio::detached);
            return make_callbacks(p, c, nullptr);
          };
          co_return acc;
        },
        {.max_message = 1024, .max_queue_messages = 8, .max_queue_bytes = 256 * 1024});
    // Says something only after a long silence (the idle-ping test).
    r.add_websocket("/test/ws/delayed", [p, &a](request&) -> asio::awaitable<ws_accept> {
      ws_accept acc;
      acc.on_open = [p, &a](std::shared_ptr<ws_connection> c) {
        auto t = std::make_shared<asio::steady_timer>(a.io(), 1500ms);
        t->async_wait([t, c](boost::system::error_code ec) {
          if (!ec) c->send(std::string("late"));
        });
        return make_callbacks(p, c, echo);
      };
      co_return acc;
    });
    // An upgrade handler still running when the server stops.
    r.add_websocket("/test/ws/slow", [p, &a](request&) -> asio::awaitable<ws_accept> {
      p->slow_handler_started = true;
      asio::steady_timer t(a.io(), 400ms);
      co_await t.async_wait(asio::use_awaitable);
      ws_accept acc;
      acc.on_open = [p](std::shared_ptr<ws_connection> c) { return make_callbacks(p, c, echo); };
      co_return acc;
    });
    r.add_websocket("/test/ws/throw", [](request&) -> asio::awaitable<ws_accept> {
      throw std::runtime_error("boom");
      co_return ws_accept{};
    });
  };
  return o;
}

// Shuts a socket down if a blocking call takes longer than its deadline, so a
// misbehaving server fails a test instead of hanging it.
class watchdog {
 public:
  watchdog(int fd, std::chrono::milliseconds timeout)
      : thread_([this, fd, timeout] {
          std::unique_lock lock(m_);
          if (!cv_.wait_for(lock, timeout, [this] { return done_; })) {
            fired_ = true;
            ::shutdown(fd, SHUT_RDWR);
          }
        }) {}
  ~watchdog() {
    {
      std::lock_guard lock(m_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  bool fired() const { return fired_; }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

struct read_result {
  boost::system::error_code ec;
  std::string text;
  bool binary = false;
  bool timed_out = false;
};

// A blocking Beast client on the test thread.
class ws_client {
 public:
  ws_client(std::uint16_t port, const std::string& target, const std::string& request_id = "") {
    ws_.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    if (!request_id.empty())
      ws_.set_option(websocket::stream_base::decorator(
          [request_id](websocket::request_type& req) { req.set("X-Request-Id", request_id); }));
    watchdog w(ws_.next_layer().native_handle(), 5s);
    ws_.handshake(response_, "127.0.0.1", target, handshake_error_);
  }
  bool ok() const { return !handshake_error_; }
  const boost::system::error_code& handshake_error() const { return handshake_error_; }
  const websocket::response_type& response() const { return response_; }

  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
  }
  void send_binary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(asio::buffer(bytes));
  }
  read_result read(std::chrono::milliseconds timeout = 5s) {
    read_result r;
    beast::flat_buffer b;
    {
      watchdog w(ws_.next_layer().native_handle(), timeout);
      ws_.read(b, r.ec);
      r.timed_out = w.fired();
    }
    r.text = beast::buffers_to_string(b.data());
    r.binary = ws_.got_binary();
    return r;
  }
  // Reads until the connection ends; the server's close code, or -1 when
  // the connection ended without a close frame (or timed out). After a
  // protocol violation Beast's server teardown may reset the connection right
  // after the close frame, so the code counts even when the read then failed.
  int read_until_closed(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) return -1;
      auto r = read(left);
      if (r.timed_out) return -1;
      if (r.ec) return ws_.reason().code != websocket::close_code::none ? ws_.reason().code : -1;
    }
  }
  void close() { ws_.close(websocket::close_code::normal); }

 private:
  asio::io_context io_;
  websocket::stream<tcp::socket> ws_{io_};
  websocket::response_type response_;
  boost::system::error_code handshake_error_;
};

const std::string upgrade_headers =
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

class websocket_test : public ::testing::Test {
 protected:
  void start(std::function<void(sb::config&)> tweak = {}) {
    cfg_ = sbtest::test_config(dir_.path());
    if (tweak) tweak(cfg_);
    app_ = std::make_unique<sbtest::running_app>(cfg_, ws_routes(probe_));
  }
  std::uint16_t port() { return app_->port(); }
  std::int64_t open_connections() { return app_->get().stats().open_connections.load(); }
  // on_close ran once, never twice, and left the connection inert.
  void expect_closed_once() {
    EXPECT_TRUE(eventually([&] { return probe_->closed.load() >= 1; })) << "on_close never ran";
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(probe_->closed.load(), probe_->opened.load());
    EXPECT_EQ(probe_->closed.load(), 1);
    EXPECT_FALSE(probe_->open_after_close.load());
    EXPECT_FALSE(probe_->send_after_close.load());
  }
  void expect_serving_http() {
    auto r = sbtest::http_request(port(), "GET", "/healthz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::shared_ptr<probe> probe_ = std::make_shared<probe>();
  std::unique_ptr<sbtest::running_app> app_;
};

}  // namespace

TEST_F(websocket_test, upgrade_succeeds_and_echo_route_echoes) {
  start();
  {
    ws_client c(port(), "/test/ws/echo");
    ASSERT_TRUE(c.ok()) << c.handshake_error().message();
    EXPECT_EQ(c.response().result_int(), 101);
    EXPECT_FALSE(c.response()["X-Request-Id"].empty());
    EXPECT_EQ(c.response()[beast::http::field::server].find("Beast"), std::string::npos);
    c.send("hello");
    auto r = c.read();
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.text, "hello");
    EXPECT_FALSE(r.binary);
    // Counted as an open connection while the socket lives.
    EXPECT_EQ(open_connections(), 1);
    c.close();
  }
  expect_closed_once();
  EXPECT_TRUE(eventually([&] { return open_connections() == 0; }));
  expect_serving_http();
}

TEST_F(websocket_test, handler_sees_params_query_and_request_id) {
  start();
  ws_client c(port(), "/test/ws/rooms/a%20b?q=x%2By", "ws-rid-1");
  ASSERT_TRUE(c.ok()) << c.handshake_error().message();
  EXPECT_EQ(c.response()["X-Request-Id"], "ws-rid-1");
  auto r = c.read();
  ASSERT_FALSE(r.ec);
  auto hello = json::parse(r.text);
  EXPECT_EQ(hello["room"], "a b");
  EXPECT_EQ(hello["q"], "x+y");
  EXPECT_EQ(hello["rid"], "ws-rid-1");
  EXPECT_EQ(hello["route"], "/test/ws/rooms/{room}");
}

TEST_F(websocket_test, raw_handshake_answers_101_with_the_accept_key) {
  start();
  sbtest::raw_conn c(port());
  c.send("GET /test/ws/echo HTTP/1.1\r\nHost: x\r\n" + upgrade_headers + "\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 101);
  // RFC 6455 section 1.3's sample key and answer.
  EXPECT_EQ(r->header("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_FALSE(r->header("x-request-id").empty());
}

TEST_F(websocket_test, reject_returns_the_http_error_without_upgrading) {
  start();
  {
    sbtest::raw_conn c(port());
    c.send("GET /test/ws/auth?token=bad HTTP/1.1\r\nHost: x\r\n" + upgrade_headers + "\r\n");
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "NOT_AUTHENTICATED");
    EXPECT_TRUE(r->header("upgrade").empty());
    EXPECT_TRUE(r->header("sec-websocket-accept").empty());
    // An ordinary response: keep-alive as usual, the connection serves HTTP.
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto again = c.read_reply();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200);
  }
  {
    ws_client c(port(), "/test/ws/auth?token=bad");
    EXPECT_EQ(c.handshake_error(), websocket::error::upgrade_declined);
    EXPECT_EQ(c.response().result_int(), 401);
  }
  {
    ws_client c(port(), "/test/ws/auth?token=good");
    ASSERT_TRUE(c.ok());
    c.send("x");
    EXPECT_EQ(c.read().text, "x");
  }
  EXPECT_EQ(probe_->opened.load(), 1);
  expect_closed_once();
}

TEST_F(websocket_test, plain_get_is_426_and_other_methods_405) {
  start();
  auto r = sbtest::http_request(port(), "GET", "/test/ws/echo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 426);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "INVALID_INPUT");
  EXPECT_EQ(r->header("upgrade"), "websocket");
  auto post = sbtest::http_request(port(), "POST", "/test/ws/echo", "{}");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->header("allow"), "GET, HEAD");
  EXPECT_EQ(probe_->opened.load(), 0);
}

TEST_F(websocket_test, throwing_upgrade_handler_is_a_500) {
  start();
  sbtest::raw_conn c(port());
  c.send("GET /test/ws/throw HTTP/1.1\r\nHost: x\r\n" + upgrade_headers + "\r\n");
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "INTERNAL");
  expect_serving_http();
}

TEST_F(websocket_test, many_messages_arrive_in_order) {
  start();
  ws_client c(port(), "/test/ws/echo");
  ASSERT_TRUE(c.ok());
  constexpr int n = 500;
  for (int i = 0; i < n; ++i) c.send(tag("m", i));
  for (int i = 0; i < n; ++i) {
    auto r = c.read();
    ASSERT_FALSE(r.ec) << i << ": " << r.ec.message();
    ASSERT_EQ(r.text, tag("m", i));
  }
  // Queued in one go on the server (under the default cap of 1024).
  c.send("burst 1000");
  for (int i = 0; i < 1000; ++i) {
    auto r = c.read();
    ASSERT_FALSE(r.ec) << i << ": " << r.ec.message();
    ASSERT_EQ(r.text, tag("b", i));
  }
  EXPECT_EQ(probe_->messages.load(), n + 1);
}

TEST_F(websocket_test, server_close_comes_after_queued_frames) {
  start();
  ws_client c(port(), "/test/ws/echo");
  ASSERT_TRUE(c.ok());
  c.send("burst 3");
  c.send("close");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.read().text, tag("b", i));
  EXPECT_EQ(c.read_until_closed(), websocket::close_code::normal);
  expect_closed_once();
}

TEST_F(websocket_test, client_close_runs_on_close_once) {
  start();
  {
    ws_client c(port(), "/test/ws/echo");
    ASSERT_TRUE(c.ok());
    c.send("a");
    EXPECT_EQ(c.read().text, "a");
    c.close();
  }
  expect_closed_once();
  EXPECT_TRUE(eventually([&] { return open_connections() == 0; }));
}

TEST_F(websocket_test, abrupt_disconnect_runs_on_close_once) {
  start();
  {
    ws_client c(port(), "/test/ws/echo");
    ASSERT_TRUE(c.ok());
    c.send("a");
    EXPECT_EQ(c.read().text, "a");
  }  // the socket closes without a close frame
  expect_closed_once();
  EXPECT_TRUE(eventually([&] { return open_connections() == 0; }));
  expect_serving_http();
}

TEST_F(websocket_test, message_over_max_message_closes_the_connection) {
  start();
  ws_client c(port(), "/test/ws/small");
  ASSERT_TRUE(c.ok());
  c.send(std::string(1000, 'a'));
  EXPECT_EQ(c.read().text.size(), 1000u);
  c.send(std::string(2000, 'a'));
  EXPECT_EQ(c.read_until_closed(), websocket::close_code::too_big);
  expect_closed_once();
  expect_serving_http();
}

TEST_F(websocket_test, binary_frame_closes_with_1003) {
  start();
  ws_client c(port(), "/test/ws/echo");
  ASSERT_TRUE(c.ok());
  c.send_binary(std::string("\x01\x02", 2));
  EXPECT_EQ(c.read_until_closed(), websocket::close_code::unknown_data);
  EXPECT_EQ(probe_->messages.load(), 0);
  expect_closed_once();
}

TEST_F(websocket_test, slow_consumer_is_disconnected_with_a_bounded_queue) {
  // A client that never reads: the kernel buffers fill, the write sticks, the
  // queue reaches its cap, then the stuck write times out.
  start([](sb::config& c) { c.http.write_timeout = 300ms; });
  ws_client c(port(), "/test/ws/flood/100000/32768");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(eventually([&] { return probe_->closed.load() == 1; }, 10s))
      << "the slow consumer was never disconnected; accepted " << probe_->accepted_sends.load();
  EXPECT_TRUE(probe_->send_refused.load());
  EXPECT_LE(probe_->max_queued.load(), 8u);
  EXPECT_GE(probe_->max_queued.load(), 2u);
  EXPECT_LT(probe_->accepted_sends.load(), 100000);
  expect_closed_once();
  EXPECT_TRUE(eventually([&] { return open_connections() == 0; }));
  expect_serving_http();
  // What the kernel had buffered still arrives; then the connection ends.
  int frames = 0;
  for (;;) {
    auto r = c.read(5s);
    ASSERT_FALSE(r.timed_out);
    if (r.ec) break;
    ++frames;
  }
  EXPECT_GT(frames, 0);
  EXPECT_LT(frames, probe_->accepted_sends.load() + 1);
}

// Issue 16 item 9: ephemeral frames to a client that does not read are dropped
// (not queued), never count toward the cap, and never close the socket; a
// durable frame afterwards is queued and arrives.
TEST_F(websocket_test, ephemeral_frames_are_dropped_for_a_busy_socket_not_counted) {
  start([](sb::config& c) { c.http.write_timeout = 10s; });
  ws_client c(port(), "/test/ws/ephemeral/20000/32768");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(eventually([&] { return probe_->flood_done.load(); }, 30s));
  EXPECT_EQ(probe_->closed.load(), 0) << "an ephemeral flood closed the socket";
  EXPECT_TRUE(probe_->durable_after_flood.load());
  EXPECT_GT(probe_->ephemeral_dropped.load(), 0);
  EXPECT_LE(probe_->max_queued.load(), 1u);  // only durable frames are counted
  // The client reads now: what was accepted, then the durable frame.
  for (;;) {
    auto r = c.read(5s);
    ASSERT_FALSE(r.ec) << r.ec.message();
    if (r.text == "done") break;
  }
}

TEST_F(websocket_test, byte_cap_applies_before_the_count_cap) {
  start([](sb::config& c) { c.http.write_timeout = 300ms; });
  // 100 KiB frames against a 256 KiB cap: at most 2 queued.
  ws_client c(port(), "/test/ws/flood/100000/102400");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(eventually([&] { return probe_->closed.load() == 1; }, 10s));
  EXPECT_TRUE(probe_->send_refused.load());
  EXPECT_LE(probe_->max_queued.load(), 2u);
  expect_closed_once();
}

TEST_F(websocket_test, idle_pings_keep_a_live_peer_and_drop_a_dead_one) {
  start([](sb::config& c) { c.http.idle_timeout = 400ms; });
  {
    // Reading (so answering pings) through 1.5 s of silence, well past the idle timeout.
    ws_client live(port(), "/test/ws/delayed");
    ASSERT_TRUE(live.ok());
    auto r = live.read(5s);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.text, "late");
    EXPECT_EQ(probe_->closed.load(), 0);
  }
  EXPECT_TRUE(eventually([&] { return probe_->closed.load() == 1; }));
  {
    // Never reads, so never answers a ping: dropped after about the idle timeout.
    ws_client dead(port(), "/test/ws/echo");
    ASSERT_TRUE(dead.ok());
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(eventually([&] { return probe_->closed.load() == 2; }, 5s));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  }
  EXPECT_EQ(probe_->opened.load(), 2);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(probe_->closed.load(), 2);
}

TEST_F(websocket_test, graceful_stop_closes_websockets_with_1001) {
  start([](sb::config& c) { c.http.shutdown_timeout = 10s; });
  ws_client a(port(), "/test/ws/echo");
  ws_client b(port(), "/test/ws/echo");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  a.send("before");
  EXPECT_EQ(a.read().text, "before");
  // b has an echo it has not read yet: it still comes before the close frame.
  b.send("pending");
  ASSERT_TRUE(eventually([&] { return probe_->messages.load() == 2; }));

  auto t0 = std::chrono::steady_clock::now();
  auto exit_code = std::async(std::launch::async, [this] { return app_->stop(); });
  EXPECT_EQ(a.read_until_closed(3s), websocket::close_code::going_away);
  EXPECT_EQ(b.read().text, "pending");
  EXPECT_EQ(b.read_until_closed(3s), websocket::close_code::going_away);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  ASSERT_EQ(exit_code.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(exit_code.get(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s) << "stop waited for the shutdown deadline";
  EXPECT_EQ(probe_->opened.load(), 2);
  EXPECT_EQ(probe_->closed.load(), 2);
  EXPECT_FALSE(probe_->open_after_close.load());
  EXPECT_FALSE(probe_->send_after_close.load());
}

TEST_F(websocket_test, stop_does_not_wait_for_a_peer_that_never_answers_the_close) {
  // This client never reads, so it never answers the close frame: the write
  // timeout bounds the close handshake, well before the shutdown deadline.
  start([](sb::config& c) {
    c.http.write_timeout = 300ms;
    c.http.shutdown_timeout = 10s;
  });
  ws_client c(port(), "/test/ws/flood/4/32768");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(eventually([&] { return probe_->accepted_sends.load() == 4; }));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(app_->stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(probe_->closed.load(), 1);
}

TEST_F(websocket_test, stop_during_the_upgrade_handler_answers_503_without_upgrading) {
  start();
  sbtest::raw_conn c(port());
  c.send("GET /test/ws/slow HTTP/1.1\r\nHost: x\r\n" + upgrade_headers + "\r\n");
  ASSERT_TRUE(eventually([&] { return probe_->slow_handler_started.load(); }));
  auto t0 = std::chrono::steady_clock::now();
  auto exit_code = std::async(std::launch::async, [this] { return app_->stop(); });
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "UNAVAILABLE");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed(2s));
  EXPECT_EQ(exit_code.get(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(probe_->opened.load(), 0);
}
