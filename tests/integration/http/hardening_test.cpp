// Issue 16, items 1-6 (and http.trusted_proxies from item 7): the HTTP server attacked
// through raw TCP sockets on port 0. Each test names the item it covers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <random>

#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "support/test_support.hpp"
#include "switchboard/core/logging.hpp"

namespace asio = boost::asio;
namespace sb = switchboard;
using namespace std::chrono_literals;
using nlohmann::json;
using sb::http::request;
using sb::http::response;

namespace {

std::atomic<int> hidden_hits{0};

sb::app::app_options test_routes() {
  sb::app::app_options o{false, {}};
  o.extra_routes = [](sb::http::router& r, sb::app::app&) {
    r.add("POST", "/test/small", [](request& req) -> asio::awaitable<response> {
      co_return response::json(200, {{"bytes", req.body.size()}});
    });
    r.add("POST", "/test/large", [](request& req) -> asio::awaitable<response> {
      co_return response::json(200, {{"bytes", req.body.size()}});
    }, {.body_limit = 3 << 20});
    // A request smuggled in a body must never reach this.
    r.add("GET", "/test/hidden", [](request&) -> asio::awaitable<response> {
      ++hidden_hits;
      co_return response::json(200, {{"hidden", true}});
    });
    r.add("GET", "/test/remote", [](request& req) -> asio::awaitable<response> {
      co_return response::json(200, {{"remote", req.remote}, {"peer", req.peer}});
    });
    // Handlers that try to frame the message themselves.
    r.add("GET", "/test/framing", [](request&) -> asio::awaitable<response> {
      auto res = response::text(200, "ok");
      res.headers.add("Content-Length", "999");
      res.headers.add("Transfer-Encoding", "chunked");
      res.headers.add("connection", "keep-alive");
      res.headers.add("X-Kept", "yes");
      co_return res;
    });
    r.add("GET", "/test/no-content", [](request&) -> asio::awaitable<response> {
      auto res = response::text(204, "a body a 204 must not carry");
      res.headers.add("Content-Length", "27");
      co_return res;
    });
  };
  return o;
}

// A raw connection that sees the bytes exactly as the server sends them (the shared
// raw_conn reads a body after every head, which a HEAD answer does not have).
class wire {
 public:
  explicit wire(std::uint16_t port, const char* from = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (from) {
      sockaddr_in src{};
      src.sin_family = AF_INET;
      ::inet_pton(AF_INET, from, &src.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
        throw std::runtime_error("bind failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~wire() { ::close(fd_); }
  wire(const wire&) = delete;

  bool send(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      auto n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  struct head {
    int status = 0;
    std::string raw;  // status line and header lines
    // Values of every field with that name (case-insensitive), in order.
    std::vector<std::string> all(std::string name) const {
      std::vector<std::string> out;
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::size_t pos = raw.find("\r\n");
      while (pos != std::string::npos && pos + 2 < raw.size()) {
        auto end = raw.find("\r\n", pos + 2);
        std::string line = raw.substr(pos + 2, end == std::string::npos ? std::string::npos : end - pos - 2);
        auto colon = line.find(':');
        std::string n = line.substr(0, colon);
        for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (colon != std::string::npos && n == name) {
          std::string v = line.substr(colon + 1);
          while (!v.empty() && v.front() == ' ') v.erase(0, 1);
          out.push_back(v);
        }
        pos = end;
      }
      return out;
    }
    std::string header(const std::string& name) const {
      auto v = all(name);
      return v.empty() ? std::string() : v.front();
    }
  };

  // The status line and headers of the next response, nothing after them.
  std::optional<head> read_head(std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(deadline)) return std::nullopt;
    head h;
    h.raw = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    if (h.raw.size() < 12 || h.raw.rfind("HTTP/1.", 0) != 0) return std::nullopt;
    h.status = std::stoi(h.raw.substr(9, 3));
    return h;
  }

  std::optional<std::string> read_exact(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buf_.size() < n)
      if (!fill(deadline)) return std::nullopt;
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
  }

  // A whole Content-Length framed response.
  std::optional<std::pair<head, std::string>> read_reply() {
    auto h = read_head();
    if (!h) return std::nullopt;
    auto length = h->header("content-length");
    auto body = read_exact(length.empty() ? 0 : std::stoul(length));
    if (!body) return std::nullopt;
    return std::make_pair(*h, *body);
  }

  // True when the peer closes within the timeout; what arrived before is in `rest`.
  bool wait_closed(std::chrono::milliseconds timeout, std::string* rest = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool closed = false;
    for (;;) {
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
              .count());
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0) break;
      char tmp[4096];
      auto n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) {
        closed = true;
        break;
      }
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
    if (rest) *rest = buf_;
    return closed;
  }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
            .count());
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return false;
    char tmp[16384];
    auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buf_;
};

class http_hardening : public ::testing::Test {
 protected:
  void start(std::function<void(sb::config&)> tweak = {}) {
    cfg_ = sbtest::test_config(dir_.path());
    if (tweak) tweak(cfg_);
    app_ = std::make_unique<sbtest::running_app>(cfg_, test_routes());
  }
  std::uint16_t port() { return app_->port(); }
  // Bounded wait until the server has registered `n` open connections.
  bool wait_open_connections(std::int64_t n) {
    for (int i = 0; i < 2000; ++i) {
      if (app_->get().stats().open_connections.load() >= n) return true;
      std::this_thread::sleep_for(2ms);
    }
    return false;
  }
  std::string metrics_text() {
    auto m = sbtest::http_request(port(), "GET", "/metrics");
    return m ? m->body : std::string();
  }
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
};

std::size_t count_series(const std::string& metrics, const std::string& name) {
  std::size_t n = 0, pos = 0;
  std::string prefix = "\n" + name + "{";
  while ((pos = metrics.find(prefix, pos)) != std::string::npos) {
    ++n;
    pos += prefix.size();
  }
  return n;
}

}  // namespace

// ---- item 1: metrics labels from a closed set; the access log caps what it copies

TEST_F(http_hardening, item1_random_methods_and_paths_leave_metrics_bounded) {
  start();
  std::mt19937 rng(16);
  // A prefix and n random characters.
  auto token = [&](std::string s, std::size_t n) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % (sizeof alphabet - 1)];
    return s;
  };
  constexpr int requests = 300;
  wire c(port());
  for (int i = 0; i < requests; ++i) {
    // Unknown paths (404) and a known one with an unknown method (405), keep-alive.
    std::string path = i % 2 ? std::string("/healthz") : token("/", 12) + token("/", 8);
    ASSERT_TRUE(c.send(token("X", 10) + " " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->first.status, i % 2 ? 405 : 404);
  }
  auto text = metrics_text();
  auto series = count_series(text, "switchboard_http_requests_total");
  EXPECT_LE(series, 10u) << text.substr(0, 4000);
  // 404s and 405s alike match no route.
  EXPECT_NE(text.find("switchboard_http_requests_total{route=\"unmatched\",method=\"other\",status=\"4xx\"} 300"),
            std::string::npos)
      << text.substr(0, 4000);
  EXPECT_EQ(text.find("method=\"X"), std::string::npos) << "a raw method token became a label";
  // Another batch adds no series at all.
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(c.send(token("Q", 6) + " " + token("/", 20) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c.read_reply());
  }
  EXPECT_EQ(count_series(metrics_text(), "switchboard_http_requests_total"), series + 1)
      << "only the second /metrics request's own series may be new";
}

TEST_F(http_hardening, item1_access_log_caps_method_and_path) {
  sb::init_logging({"info", "text", true});
  auto ring = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64);
  sb::access_logger()->sinks().clear();
  sb::access_logger()->sinks().push_back(ring);
  struct restore {
    ~restore() { sb::init_logging({"info", "text", false}); }
  } restore_logging;
  start([](sb::config& c) { c.log.access = true; });
  std::string method(300, 'M'), path = "/" + std::string(4000, 'p');
  wire c(port());
  ASSERT_TRUE(c.send(method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.status, 404);
  // The line is written after the response went out: wait for it (bounded).
  std::string line;
  for (int i = 0; i < 1000 && line.empty(); ++i) {
    for (auto& l : ring->last_formatted())
      if (l.find("pppp") != std::string::npos) line = l;
    if (line.empty()) std::this_thread::sleep_for(2ms);
  }
  ASSERT_FALSE(line.empty());
  EXPECT_LT(line.size(), 600u) << line;
  EXPECT_EQ(line.find(std::string(17, 'M')), std::string::npos) << line;
  EXPECT_NE(line.find(std::string(16, 'M') + "..."), std::string::npos) << line;
}

// ---- item 2: idle connections cannot lock other clients out

TEST_F(http_hardening, item2_silent_connections_are_shed_at_the_cap_for_a_new_client) {
  constexpr int cap = 8;
  start([](sb::config& c) { c.http.max_connections = cap; });
  std::vector<std::unique_ptr<wire>> silent;
  for (int i = 0; i < cap; ++i) silent.push_back(std::make_unique<wire>(port()));
  ASSERT_TRUE(wait_open_connections(cap));
  // Every slot is held by a connection that sent nothing: a real client still gets in.
  wire client(port());
  ASSERT_TRUE(client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = client.read_reply();
  ASSERT_TRUE(r) << "a new client was locked out by connections that never sent a byte";
  EXPECT_EQ(r->first.status, 200);
  // The oldest silent connection made room.
  EXPECT_TRUE(silent.front()->wait_closed(5s));
  EXPECT_GE(app_->get().stats().connections_shed.load(), 1u);
}

TEST_F(http_hardening, item2_at_the_cap_with_only_active_connections_new_ones_are_refused) {
  start([](sb::config& c) { c.http.max_connections = 2; });
  wire a(port()), b(port());
  ASSERT_TRUE(a.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(a.read_reply()->first.status, 200);
  ASSERT_EQ(b.read_reply()->first.status, 200);
  wire extra(port());
  EXPECT_TRUE(extra.wait_closed(5s));
  // The keep-alive connections that had sent a request were kept.
  ASSERT_TRUE(a.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(a.read_reply()->first.status, 200);
}

TEST_F(http_hardening, item2_first_byte_timeout_closes_a_silent_new_connection) {
  start([](sb::config& c) {
    c.http.first_byte_timeout = 200ms;
    c.http.idle_timeout = 60s;
  });
  wire silent(port());
  EXPECT_TRUE(silent.wait_closed(5s)) << "a connection that never sent a byte was kept";
  // A keep-alive connection between requests has idle_timeout (60 s), not first_byte_timeout.
  wire kept(port());
  ASSERT_TRUE(kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(kept.read_reply()->first.status, 200);
  EXPECT_FALSE(kept.wait_closed(600ms));
  ASSERT_TRUE(kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(kept.read_reply()->first.status, 200);
}

TEST_F(http_hardening, item2_connections_per_peer_address_are_capped) {
  start([](sb::config& c) { c.http.max_connections_per_ip = 3; });
  std::vector<std::unique_ptr<wire>> mine;
  for (int i = 0; i < 3; ++i) {
    mine.push_back(std::make_unique<wire>(port()));
    ASSERT_TRUE(mine.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_EQ(mine.back()->read_reply()->first.status, 200);
  }
  wire fourth(port());
  EXPECT_TRUE(fourth.wait_closed(5s)) << "a 4th connection from one address was accepted";
  // Another address is not affected (Linux routes all of 127/8 to loopback).
  wire other(port(), "127.0.0.2");
  ASSERT_TRUE(other.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = other.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.status, 200);
  // A closed connection frees its slot.
  mine.pop_back();
  bool served = false;
  for (int i = 0; i < 200 && !served; ++i) {
    wire again(port());
    if (again.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) {
      auto a = again.read_reply();
      served = a && a->first.status == 200;
    }
    if (!served) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(served);
}

// ---- item 3: header limits exactly as documented

namespace {
// A GET whose request line and header (through the blank line) is exactly `size` bytes.
std::string request_of_size(std::size_t size) {
  std::string start = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ";
  std::string end = "\r\n\r\n";
  return start + std::string(size - start.size() - end.size(), 'p') + end;
}
}  // namespace

TEST_F(http_hardening, item3_many_small_header_fields_are_refused) {
  start();
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) req += "X-" + std::to_string(i) + ": v\r\n";
  req += "\r\n";
  wire c(port());
  c.send(req);
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.status, 431);
  EXPECT_EQ(json::parse(r->second)["error"]["code"], "HEADERS_TOO_LARGE");
}

TEST_F(http_hardening, item3_header_byte_limit_is_exact) {
  start();
  for (std::size_t piece : {std::size_t(1) << 20, std::size_t(1000)}) {  // at once, and in pieces
    for (auto [size, expected] : {std::pair{16384u, 200}, std::pair{16385u, 431}}) {
      auto req = request_of_size(size);
      ASSERT_EQ(req.size(), size);
      wire c(port());
      for (std::size_t off = 0; off < req.size(); off += piece) {
        c.send(req.substr(off, piece));
        std::this_thread::sleep_for(piece < req.size() ? 1ms : 0ms);
      }
      auto r = c.read_reply();
      ASSERT_TRUE(r) << size;
      EXPECT_EQ(r->first.status, expected) << size << " bytes sent in pieces of " << piece;
    }
  }
}

TEST_F(http_hardening, item3_header_field_count_is_capped) {
  start([](sb::config& c) { c.http.max_header_fields = 10; });
  auto with_fields = [](int n) {
    std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 1; i < n; ++i) req += "X-" + std::to_string(i) + ": v\r\n";
    return req + "\r\n";
  };
  {
    wire c(port());
    c.send(with_fields(10));
    EXPECT_EQ(c.read_reply()->first.status, 200);
  }
  {
    wire c(port());
    c.send(with_fields(11));
    auto r = c.read_reply();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first.status, 431);
    EXPECT_TRUE(c.wait_closed(5s));
  }
}

// ---- item 4: a Content-Length above Beast's default 1 MiB is judged by the route's limit

TEST_F(http_hardening, item4_content_length_over_1mib_gets_413_not_400) {
  start();
  wire c(port());
  ASSERT_TRUE(c.send("POST /test/small HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n"));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.status, 413);
  EXPECT_EQ(json::parse(r->second)["error"]["code"], "PAYLOAD_TOO_LARGE");
  // A route with a larger limit takes a body over 1 MiB.
  std::string body(2 << 20, 'b');
  auto big = sbtest::http_request(port(), "POST", "/test/large", body);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 200);
  EXPECT_EQ(json::parse(big->body)["bytes"], body.size());
}

// ---- item 5: Transfer-Encoding other than a lone chunked: 400 and close, never a second request

TEST_F(http_hardening, item5_transfer_encoding_without_final_chunked_is_400_and_closes) {
  start();
  hidden_hits = 0;
  std::string hidden = "GET /test/hidden HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::string te : {"Transfer-Encoding: gzip", "Transfer-Encoding: chunked, gzip",
                         "Transfer-Encoding: xchunked", "Transfer-Encoding: gzip, chunked",
                         "Transfer-Encoding: identity", "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip",
                         "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
                         "Transfer-Encoding: chunked\r\nContent-Length: 5"}) {
    wire c(port());
    ASSERT_TRUE(c.send("POST /test/small HTTP/1.1\r\nHost: x\r\n" + te + "\r\n\r\n" + hidden));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << te;
    EXPECT_EQ(r->first.status, 400) << te;
    EXPECT_EQ(r->first.header("connection"), "close") << te;
    std::string rest;
    EXPECT_TRUE(c.wait_closed(5s, &rest)) << te;
    EXPECT_EQ(rest, "") << te << ": the body was answered as a second request";
  }
  EXPECT_EQ(hidden_hits.load(), 0);
}

TEST_F(http_hardening, item5_http10_with_transfer_encoding_is_400_and_closes) {
  start();
  hidden_hits = 0;
  wire c(port());
  ASSERT_TRUE(c.send("POST /test/small HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                     "GET /test/hidden HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.status, 400);
  std::string rest;
  EXPECT_TRUE(c.wait_closed(5s, &rest));
  EXPECT_EQ(rest, "");
  EXPECT_EQ(hidden_hits.load(), 0);
}

TEST_F(http_hardening, item5_a_valid_chunked_body_still_works_with_keep_alive) {
  start();
  wire c(port());
  ASSERT_TRUE(c.send("POST /test/small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                     "5\r\nhello\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.status, 200);
  EXPECT_EQ(json::parse(r->second)["bytes"], 5);
  auto next = c.read_reply();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->first.status, 200);
}

// ---- item 6: HEAD, bodiless statuses, Host, handler-supplied framing headers

TEST_F(http_hardening, item6_head_is_served_for_get_routes_without_a_body) {
  start();
  for (std::string path : {"/healthz", "/metrics", "/app/", "/simulator/", "/widget.js"}) {
    wire c(port());
    ASSERT_TRUE(c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto get = c.read_reply();
    ASSERT_TRUE(get) << path;
    ASSERT_EQ(get->first.status, 200) << path;
    // HEAD then GET on the same keep-alive connection: the client stays in step.
    ASSERT_TRUE(c.send("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto head = c.read_head();
    ASSERT_TRUE(head) << path;
    EXPECT_EQ(head->status, 200) << path;
    EXPECT_EQ(head->header("content-type"), get->first.header("content-type")) << path;
    if (path != "/metrics") {  // /metrics grows between the two requests
      EXPECT_EQ(head->header("content-length"), std::to_string(get->second.size())) << path;
    }
    EXPECT_EQ(head->header("etag"), get->first.header("etag")) << path;
    auto after = c.read_reply();
    ASSERT_TRUE(after) << path << ": a body followed the HEAD answer";
    EXPECT_EQ(after->first.status, 200) << path;
    EXPECT_EQ(json::parse(after->second), json({{"status", "ok"}})) << path;
  }
  // Unknown paths and wrong methods answer HEAD without a body too.
  wire c(port());
  ASSERT_TRUE(c.send("HEAD /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /test/small HTTP/1.1\r\nHost: x\r\n\r\n"
                     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto missing = c.read_head();
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto wrong = c.read_head();
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("allow"), "POST");
  auto after = c.read_reply();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->first.status, 200);
  // GET routes list HEAD as allowed.
  auto del = sbtest::http_request(port(), "DELETE", "/healthz");
  EXPECT_EQ(del->header("allow"), "GET, HEAD");
}

TEST_F(http_hardening, item6_no_body_or_length_on_204_and_304) {
  start();
  wire c(port());
  ASSERT_TRUE(c.send("GET /test/no-content HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto none = c.read_head();
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 204);
  EXPECT_TRUE(none->all("content-length").empty()) << none->raw;
  auto after = c.read_reply();
  ASSERT_TRUE(after) << "the 204 carried a body";
  EXPECT_EQ(after->first.status, 200);

  // Revalidating a static file: 304 without a body.
  ASSERT_TRUE(c.send("GET /app/ HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto page = c.read_reply();
  ASSERT_TRUE(page);
  auto etag = page->first.header("etag");
  ASSERT_FALSE(etag.empty());
  ASSERT_TRUE(c.send("GET /app/ HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag +
                     "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto not_modified = c.read_head();
  ASSERT_TRUE(not_modified);
  EXPECT_EQ(not_modified->status, 304);
  EXPECT_TRUE(not_modified->all("content-length").empty()) << not_modified->raw;
  auto last = c.read_reply();
  ASSERT_TRUE(last) << "the 304 carried a body";
  EXPECT_EQ(last->first.status, 200);
}

TEST_F(http_hardening, item6_handler_framing_headers_are_dropped) {
  start();
  wire c(port());
  ASSERT_TRUE(c.send("GET /test/framing HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.read_head();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->all("content-length"), std::vector<std::string>{"2"}) << r->raw;
  EXPECT_TRUE(r->all("transfer-encoding").empty()) << r->raw;
  EXPECT_TRUE(r->all("connection").empty()) << r->raw;
  EXPECT_EQ(r->header("x-kept"), "yes");
  EXPECT_EQ(c.read_exact(2), "ok");
  auto after = c.read_reply();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->first.status, 200);
}

TEST_F(http_hardening, item6_http11_needs_exactly_one_host) {
  start();
  for (std::string req : {"GET /healthz HTTP/1.1\r\n\r\n",
                          "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                          "GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"}) {
    wire c(port());
    ASSERT_TRUE(c.send(req));
    auto r = c.read_reply();
    ASSERT_TRUE(r) << req;
    EXPECT_EQ(r->first.status, 400) << req;
    EXPECT_TRUE(c.wait_closed(5s)) << req;
  }
  // HTTP/1.0 has no Host requirement.
  wire old(port());
  ASSERT_TRUE(old.send("GET /healthz HTTP/1.0\r\n\r\n"));
  auto r = old.read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first.status, 200);
}

// ---- http.trusted_proxies (item 7's server part): request.remote is the client address

TEST_F(http_hardening, trusted_proxy_forwarded_for_sets_the_client_address) {
  start([](sb::config& c) {
    c.http.trusted_proxies = {*sb::parse_cidr("127.0.0.0/8"), *sb::parse_cidr("::1")};
    c.http.max_connections_per_ip = 1;  // a trusted proxy is not capped
  });
  wire held(port());
  ASSERT_TRUE(held.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(held.read_reply()->first.status, 200);
  auto remote = [&](const std::string& headers) {
    auto r = sbtest::http_request(port(), "GET", "/test/remote", "", headers);
    return r ? json::parse(r->body) : json();
  };
  auto direct = remote("");
  EXPECT_EQ(direct["remote"], "127.0.0.1");
  EXPECT_EQ(direct["peer"], "127.0.0.1");
  auto one = remote("X-Forwarded-For: 203.0.113.9\r\n");
  EXPECT_EQ(one["remote"], "203.0.113.9");
  EXPECT_EQ(one["peer"], "127.0.0.1");
  // The right-most address that is not a trusted proxy; what is left of it is the client's claim.
  EXPECT_EQ(remote("X-Forwarded-For: 1.1.1.1, 203.0.113.9, 127.0.0.7\r\n")["remote"], "203.0.113.9");
  EXPECT_EQ(remote("X-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2001:db8::5, 127.0.0.3\r\n")["remote"],
            "2001:db8::5");
  EXPECT_EQ(remote("X-Forwarded-For: not-an-address\r\n")["remote"], "127.0.0.1");
  // A proxy that appends its own line after the client's other headers (HAProxy's
  // forwardfor): that line is read, not just the client's first one.
  EXPECT_EQ(remote("X-Forwarded-For: 6.6.6.6\r\nX-Other: 1\r\nX-Forwarded-For: 203.0.113.50\r\n")["remote"],
            "203.0.113.50");
}

TEST_F(http_hardening, forwarded_for_is_ignored_from_an_untrusted_peer_and_never_counts_for_the_cap) {
  start([](sb::config& c) {
    c.http.trusted_proxies = {*sb::parse_cidr("10.0.0.0/8")};
    c.http.max_connections_per_ip = 2;
  });
  auto r = sbtest::http_request(port(), "GET", "/test/remote", "", "X-Forwarded-For: 203.0.113.9\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["remote"], "127.0.0.1");
  // Two open connections from 127.0.0.1 claiming different clients: the third is refused.
  std::vector<std::unique_ptr<wire>> open;
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<wire>(port()));
    ASSERT_TRUE(open.back()->send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100." +
                                  std::to_string(i) + "\r\n\r\n"));
    ASSERT_EQ(open.back()->read_reply()->first.status, 200);
  }
  wire third(port());
  EXPECT_TRUE(third.wait_closed(5s));
}
