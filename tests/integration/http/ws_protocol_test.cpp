// The WebSocket session's own framing over a real socket on port 0, seen byte by
// byte from a raw client: pongs, fragmented and split messages, close codes for
// protocol errors, the close echo, and frames queued together leaving together.
#include <gtest/gtest.h>
#include <netinet/tcp.h>

#include <boost/asio/use_awaitable.hpp>

#include "support/test_support.hpp"

namespace asio = boost::asio;
namespace sb = switchboard;
using namespace std::chrono_literals;
using sb::http::request;
using sb::http::ws_accept;
using sb::http::ws_callbacks;
using sb::http::ws_connection;

namespace {

// Replies "echo:" + text; "burst N" queues N frames at once; "close" closes.
void on_message(ws_connection& c, std::string_view text) {
  if (text.starts_with("burst ")) {
    int n = std::stoi(std::string(text.substr(6)));
    for (int i = 0; i < n; ++i) c.send(std::string("b") + std::to_string(i));
  } else if (text == "close") {
    c.close();
  } else {
    c.send("echo:" + std::string(text));
  }
}

sb::app::app_options routes() {
  sb::app::app_options o{false, {}};
  o.extra_routes = [](sb::http::router& r, sb::app::app&) {
    r.add_websocket("/test/ws/raw",
                    [](request&) -> asio::awaitable<ws_accept> {
                      ws_accept acc;
                      acc.on_open = [](std::shared_ptr<ws_connection>) {
                        ws_callbacks cb;
                        cb.on_message = on_message;
                        return cb;
                      };
                      co_return acc;
                    },
                    {.max_message = 4096});
  };
  return o;
}

struct frame {
  std::uint8_t op = 0;
  bool fin = false;
  std::string payload;
  std::uint16_t close_code() const {
    return payload.size() >= 2
               ? static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1]))
               : 0;
  }
};

// A client that speaks RFC 6455 by hand, so it can also speak it wrongly.
class raw_ws {
 public:
  explicit raw_ws(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("connect failed");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    send_raw(
        "GET /test/ws/raw HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    auto deadline = std::chrono::steady_clock::now() + 5s;
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(deadline)) throw std::runtime_error("no handshake answer");
    status_line_ = buf_.substr(0, buf_.find("\r\n"));
    buf_.erase(0, end + 4);
  }
  ~raw_ws() { ::close(fd_); }
  bool upgraded() const { return status_line_.starts_with("HTTP/1.1 101"); }

  void send_raw(const std::string& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<std::size_t>(n);
    }
  }
  // first = FIN/RSV/opcode byte.
  static std::string encode(std::uint8_t first, std::string_view payload, bool masked = true) {
    const std::uint8_t key[4] = {0xa1, 0x05, 0x7e, 0x42};
    std::string f(1, static_cast<char>(first));
    std::uint8_t m = masked ? 0x80 : 0;
    if (payload.size() < 126) {
      f.push_back(static_cast<char>(m | payload.size()));
    } else {
      f.push_back(static_cast<char>(m | 126));
      f.push_back(static_cast<char>(payload.size() >> 8));
      f.push_back(static_cast<char>(payload.size() & 0xff));
    }
    if (masked) f.append(reinterpret_cast<const char*>(key), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
      f.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
    return f;
  }
  void text(std::string_view s) { send_raw(encode(0x81, s)); }

  // The next server frame; nullopt on end of stream or timeout.
  std::optional<frame> read(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (buf_.size() >= 2) {
        auto* p = reinterpret_cast<const unsigned char*>(buf_.data());
        EXPECT_EQ(p[1] & 0x80, 0) << "server frames are never masked";
        std::size_t len = p[1] & 0x7f, header = 2;
        if (len == 126 && buf_.size() >= 4) {
          len = (std::size_t{p[2]} << 8) | p[3];
          header = 4;
        } else if (len == 127) {
          ADD_FAILURE() << "unexpected 64-bit length";
          return std::nullopt;
        }
        if (!(len == 126 && header == 2) && buf_.size() >= header + len) {
          frame f{static_cast<std::uint8_t>(p[0] & 0x0f), (p[0] & 0x80) != 0,
                  buf_.substr(header, len)};
          buf_.erase(0, header + len);
          return f;
        }
      }
      if (!fill(deadline)) return std::nullopt;
    }
  }
  // Skips frames until the server's close frame; its code, or -1.
  int read_close(std::chrono::milliseconds timeout = 5s) {
    while (auto f = read(timeout))
      if (f->op == 0x8) return f->close_code();
    return -1;
  }
  // True when the server ends the TCP connection within the timeout.
  bool wait_eof(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (fill(deadline)) buf_.clear();
    return eof_;
  }
  // Segments carrying data that this socket received so far (Linux 4.6+), or
  // nullopt. glibc's tcp_info stops before the field; the kernel's layout only
  // ever grows at the end, so the fields after glibc's are spelled out here.
  std::optional<std::uint32_t> data_segments_in() const {
    struct {
      ::tcp_info base;
      std::uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
      std::uint32_t segs_out, segs_in, notsent_bytes, min_rtt, data_segs_in;
    } info{};
    static_assert(sizeof(::tcp_info) == 104);
    socklen_t len = sizeof info;
    if (::getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 || len < sizeof info)
      return std::nullopt;
    return info.data_segs_in;
  }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char tmp[8192];
    auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
  std::string status_line_;
  bool eof_ = false;
};

class ws_protocol_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    app_ = std::make_unique<sbtest::running_app>(cfg_, routes());
  }
  std::uint16_t port() { return app_->port(); }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
};

}  // namespace

TEST_F(ws_protocol_test, ping_gets_a_pong_with_its_payload) {
  raw_ws c(port());
  ASSERT_TRUE(c.upgraded());
  c.send_raw(raw_ws::encode(0x89, "are you there"));
  auto f = c.read();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->op, 0xA);
  EXPECT_TRUE(f->fin);
  EXPECT_EQ(f->payload, "are you there");
}

TEST_F(ws_protocol_test, pings_read_together_get_one_pong_for_the_latest) {
  raw_ws c(port());
  ASSERT_TRUE(c.upgraded());
  // One write, so one read on the server: the pong not yet sent is replaced (RFC 6455 5.5.3).
  c.send_raw(raw_ws::encode(0x89, "p1") + raw_ws::encode(0x89, "p2") + raw_ws::encode(0x89, "p3"));
  c.text("after");
  auto pong = c.read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->op, 0xA);
  EXPECT_EQ(pong->payload, "p3");
  auto next = c.read();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->payload, "echo:after");
}

TEST_F(ws_protocol_test, fragmented_message_with_a_ping_inside_is_one_message) {
  raw_ws c(port());
  ASSERT_TRUE(c.upgraded());
  c.send_raw(raw_ws::encode(0x01, "frag") + raw_ws::encode(0x89, "p") +
             raw_ws::encode(0x00, "men") + raw_ws::encode(0x80, "ted"));
  auto pong = c.read();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->op, 0xA);
  EXPECT_EQ(pong->payload, "p");
  auto echo = c.read();
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->op, 0x1);
  EXPECT_EQ(echo->payload, "echo:fragmented");
}

TEST_F(ws_protocol_test, a_frame_split_across_reads_is_reassembled) {
  raw_ws c(port());
  ASSERT_TRUE(c.upgraded());
  std::string body(300, 'x');
  body += "end";
  auto wire = raw_ws::encode(0x81, body);
  // Three writes with pauses: the server sees the header and the payload in pieces.
  c.send_raw(wire.substr(0, 3));
  std::this_thread::sleep_for(30ms);
  c.send_raw(wire.substr(3, 100));
  std::this_thread::sleep_for(30ms);
  c.send_raw(wire.substr(103));
  auto f = c.read();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload, "echo:" + body);
}

TEST_F(ws_protocol_test, protocol_errors_close_with_their_codes_then_the_connection_ends) {
  struct bad {
    const char* what;
    std::string wire;
    int code;
  };
  std::vector<bad> cases{
      {"unmasked", raw_ws::encode(0x81, "x", false), 1002},
      {"reserved bit", raw_ws::encode(0xC1, "x"), 1002},
      {"unknown opcode", raw_ws::encode(0x83, "x"), 1002},
      {"continuation first", raw_ws::encode(0x80, "x"), 1002},
      {"invalid UTF-8", raw_ws::encode(0x81, "\xc0\x80"), 1007},
      {"binary", raw_ws::encode(0x82, "\x01"), 1003},
      {"over max_message", raw_ws::encode(0x81, std::string(5000, 'a')), 1009},
  };
  for (auto& b : cases) {
    raw_ws c(port());
    ASSERT_TRUE(c.upgraded()) << b.what;
    c.text("first");
    auto ok = c.read();
    ASSERT_TRUE(ok) << b.what;
    EXPECT_EQ(ok->payload, "echo:first");
    c.send_raw(b.wire);
    c.text("never answered");
    EXPECT_EQ(c.read_close(), b.code) << b.what;
    EXPECT_TRUE(c.wait_eof()) << b.what;
  }
}

TEST_F(ws_protocol_test, client_close_is_echoed_with_its_code) {
  raw_ws c(port());
  ASSERT_TRUE(c.upgraded());
  c.send_raw(raw_ws::encode(0x88, std::string("\x0f\xa1", 2) + "bye"));  // 4001
  auto f = c.read();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->op, 0x8);
  EXPECT_EQ(f->close_code(), 4001);
  EXPECT_TRUE(c.wait_eof());
}

TEST_F(ws_protocol_test, server_close_waits_for_the_peers_close) {
  raw_ws c(port());
  ASSERT_TRUE(c.upgraded());
  c.text("close");
  EXPECT_EQ(c.read_close(), 1000);
  // Not before our close: the server keeps reading for it.
  EXPECT_FALSE(c.wait_eof(200ms));
  c.send_raw(raw_ws::encode(0x88, std::string("\x03\xe8", 2)));
  EXPECT_TRUE(c.wait_eof());
}

TEST_F(ws_protocol_test, frames_queued_together_leave_in_one_write) {
  raw_ws c(port());
  ASSERT_TRUE(c.upgraded());
  c.text("warm");
  ASSERT_TRUE(c.read());
  auto before = c.data_segments_in();
  if (!before) GTEST_SKIP() << "TCP_INFO has no tcpi_data_segs_in here";
  // 50 small frames queued in one on_message: one gathered write, so one
  // segment on loopback, where one write per frame would be 50.
  c.text("burst 50");
  for (int i = 0; i < 50; ++i) {
    auto f = c.read();
    ASSERT_TRUE(f) << i;
    ASSERT_EQ(f->payload, "b" + std::to_string(i));
  }
  EXPECT_LE(*c.data_segments_in() - *before, 2u);
}
