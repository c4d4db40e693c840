// The outbound client's keep-alive pool against a raw loopback server that
// counts connections and can close idle ones or answer "Connection: close".
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "support/test_support.hpp"
#include "switchboard/http/outbound.hpp"

using sbtest::eventually;

namespace asio = boost::asio;
namespace sbh = switchboard::http;
using namespace std::chrono_literals;

namespace {

struct server_options {
  std::chrono::milliseconds close_idle_after{0};  // 0: keep idle connections open
  bool connection_close = false;                  // answer "Connection: close" and close
};

class counting_server {
 public:
  explicit counting_server(server_options o = {}) : opts_(o) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0)
      throw std::runtime_error("listen failed");
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~counting_server() {
    stop_ = true;
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (auto& t : workers_) t.join();
    ::close(listen_fd_);
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_; }
  int requests() const { return requests_; }
  int closed_idle() const { return closed_idle_; }        // closed by this server while idle
  int closed_by_peer() const { return closed_by_peer_; }  // the client closed

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // One connection: Content-Length framed requests, answered in order.
  void serve(int fd) {
    std::string buf;
    auto idle_since = std::chrono::steady_clock::now();
    while (!stop_) {
      auto head_end = buf.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t length = 0;
        auto cl = buf.find("Content-Length: ");
        if (cl != std::string::npos && cl < head_end) length = std::stoul(buf.substr(cl + 16));
        if (buf.size() >= head_end + 4 + length) {
          buf.erase(0, head_end + 4 + length);
          int n = ++requests_;
          std::string body = "answer " + std::to_string(n);
          std::string res = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n" +
                            (opts_.connection_close ? "Connection: close\r\n" : "") + "\r\n" + body;
          ::send(fd, res.data(), res.size(), MSG_NOSIGNAL);
          if (opts_.connection_close) break;
          idle_since = std::chrono::steady_clock::now();
          continue;
        }
      }
      pollfd p{fd, POLLIN, 0};
      int ready = ::poll(&p, 1, 10);
      if (ready == 0) {
        if (opts_.close_idle_after.count() > 0 && buf.empty() &&
            std::chrono::steady_clock::now() - idle_since >= opts_.close_idle_after) {
          ++closed_idle_;
          break;
        }
        continue;
      }
      char tmp[4096];
      auto got = ::recv(fd, tmp, sizeof tmp, 0);
      if (got <= 0) {
        ++closed_by_peer_;
        break;
      }
      buf.append(tmp, static_cast<std::size_t>(got));
    }
    ::close(fd);
  }

  server_options opts_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0}, requests_{0}, closed_idle_{0}, closed_by_peer_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

// Runs `n` requests on the client, `concurrent` at a time, on the io_context
// until they finish: run() returning also shows that pooled idle connections do
// not keep an io_context busy (a graceful stop is not held up by them).
std::vector<switchboard::result<sbh::outbound_response>> run_requests(
    asio::io_context& io, sbh::outbound_client& client, const std::string& url, int n,
    const std::string& method = "GET") {
  std::vector<switchboard::result<sbh::outbound_response>> out(n,
                                                               switchboard::error{"PENDING", ""});
  std::vector<sbh::outbound_request> reqs(n);
  for (int i = 0; i < n; ++i) {
    reqs[i].method = method;
    reqs[i].url = url;
    reqs[i].body = method == "POST" ? "n=" + std::to_string(i) : "";
    reqs[i].timeout = 5s;
    asio::co_spawn(
        io,
        [&client, &reqs, &out, i]() -> asio::awaitable<void> {
          auto r = co_await client.request(reqs[i]);
          out[i] = std::move(r);
        },
        asio::detached);
  }
  io.run();
  io.restart();
  return out;
}

// One request after another.
std::vector<switchboard::result<sbh::outbound_response>> sequential(
    asio::io_context& io, sbh::outbound_client& client, const std::string& url, int n,
    const std::string& method = "GET") {
  std::vector<switchboard::result<sbh::outbound_response>> out;
  for (int i = 0; i < n; ++i) {
    auto one = run_requests(io, client, url, 1, method);
    out.push_back(std::move(one[0]));
  }
  return out;
}

}  // namespace

TEST(outbound_pool, sequential_requests_to_one_host_use_one_connection) {
  counting_server server;
  asio::io_context io;
  sbh::outbound_client client(io);
  auto get = sequential(io, client, server.url("/a?x=1"), 3);
  auto post = sequential(io, client, server.url("/b"), 3, "POST");
  for (auto* batch : {&get, &post})
    for (auto& r : *batch) {
      ASSERT_TRUE(r) << r.err().message;
      EXPECT_EQ(r->status, 200);
    }
  EXPECT_EQ(post.back()->body, "answer 6");
  EXPECT_EQ(server.requests(), 6);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().reused, 5u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST(outbound_pool, a_server_closing_idle_connections_causes_no_failure) {
  counting_server server({50ms, false});
  asio::io_context io;
  sbh::outbound_client client(io);
  auto first = sequential(io, client, server.url(), 1, "POST");
  ASSERT_TRUE(first[0]) << first[0].err().message;
  ASSERT_TRUE(eventually([&] { return server.closed_idle() == 1; }));
  auto second = sequential(io, client, server.url(), 1, "POST");
  ASSERT_TRUE(second[0]) << second[0].err().message;
  EXPECT_EQ(second[0]->status, 200);
  EXPECT_EQ(server.requests(), 2) << "each POST sent exactly once";
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(client.stats().stale_dropped, 1u);
}

TEST(outbound_pool, connection_close_answers_are_not_pooled) {
  counting_server server({0ms, true});
  asio::io_context io;
  sbh::outbound_client client(io);
  for (auto& r : sequential(io, client, server.url(), 3)) ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(server.connections(), 3);
  EXPECT_EQ(client.idle_connections(), 0u);
  EXPECT_EQ(client.stats().reused, 0u);
}

TEST(outbound_pool, idle_connections_are_closed_after_the_idle_time) {
  counting_server server;
  asio::io_context io;
  sbh::outbound_options opts;
  opts.idle_timeout = 30ms;
  sbh::outbound_client client(io, opts);
  ASSERT_TRUE(sequential(io, client, server.url(), 1)[0]);
  std::this_thread::sleep_for(80ms);
  ASSERT_TRUE(sequential(io, client, server.url(), 1)[0]);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_TRUE(eventually([&] { return server.closed_by_peer() == 1; }))
      << "the expired connection was closed";
  EXPECT_EQ(client.stats().stale_dropped, 1u);
  client.close_idle();
  EXPECT_TRUE(eventually([&] { return server.closed_by_peer() == 2; }));
}

TEST(outbound_pool, idle_connections_are_capped_per_host) {
  counting_server server;
  asio::io_context io;
  sbh::outbound_options opts;
  opts.max_idle_per_host = 2;
  sbh::outbound_client client(io, opts);
  for (auto& r : run_requests(io, client, server.url(), 3)) ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(server.connections(), 3) << "three at once need three connections";
  EXPECT_EQ(client.idle_connections(), 2u);
  for (auto& r : run_requests(io, client, server.url(), 3)) ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(server.connections(), 4) << "two reused, one new";
  EXPECT_EQ(client.idle_connections(), 2u);
  // Another host (port) gets connections of its own.
  counting_server other;
  ASSERT_TRUE(sequential(io, client, other.url(), 1)[0]);
  EXPECT_EQ(other.connections(), 1);
  EXPECT_EQ(client.idle_connections(), 3u);
}

TEST(outbound_pool, a_client_may_outlive_its_io_context) {
  counting_server server;
  std::unique_ptr<sbh::outbound_client> client;
  {
    asio::io_context io;
    client = std::make_unique<sbh::outbound_client>(io);
    ASSERT_TRUE(sequential(io, *client, server.url(), 1)[0]);
    EXPECT_EQ(client->idle_connections(), 1u);
  }  // the io_context's shutdown closes the pooled connection
  EXPECT_EQ(client->idle_connections(), 0u);
  EXPECT_TRUE(eventually([&] { return server.closed_by_peer() == 1; }));
  client.reset();
}

TEST(outbound_pool, public_only_refuses_a_host_that_resolves_to_a_private_address) {
  counting_server server;
  asio::io_context io;
  sbh::outbound_client client(io);
  // "localhost" passes the URL check (plain http to loopback) and resolves to 127.0.0.1.
  auto url = server.url("/a");
  auto at = url.find("127.0.0.1");
  ASSERT_NE(at, std::string::npos) << url;
  url.replace(at, 9, "localhost");
  sbh::outbound_request guarded;
  guarded.method = "GET";
  guarded.url = url;
  guarded.public_only = true;
  std::optional<switchboard::result<sbh::outbound_response>> out;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { out = co_await client.request(guarded); }, asio::detached);
  io.run();
  io.restart();
  ASSERT_TRUE(out.has_value());
  ASSERT_FALSE(*out);
  EXPECT_EQ(out->err().code, "FORBIDDEN");
  EXPECT_EQ(server.requests(), 0);
  EXPECT_EQ(server.connections(), 0);
  // The same request without the guard goes through.
  auto plain = sequential(io, client, url, 1);
  ASSERT_TRUE(plain[0]) << plain[0].err().message;
  EXPECT_EQ(plain[0]->status, 200);
}
