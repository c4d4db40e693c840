// Load client for bench/realtime.sh: "a message posted -> received on every
// connected agent socket". Connects only to 127.0.0.1.
//
//   bench_realtime_client latency port=P email=E password=W sockets=N rate=R seconds=S
//       [daemon_pid=PID] [http_conns=16] [baseline_seconds=2] [drain_ms=10000]
//       [open_concurrency=128]
//   bench_realtime_client idle port=P email=E password=W sockets=N rss_pid=PID
//       [settle_ms=2000] [open_concurrency=128]
//
// latency: logs in, creates a contact and a conversation, POSTs rate × baseline_seconds
// messages with no socket open (the baseline round trip), then opens N /ws/agent
// sockets, waits for each one's "ready", and POSTs rate × seconds messages whose
// body is their sequence number, open loop over C keep-alive connections. Every
// socket must see every message.created; latency is the socket's receive time
// minus the POST's send time. With daemon_pid, also the daemon's CPU.
// idle: warms the daemon up, reads its VmRSS, opens N sockets, reads VmRSS again,
// then checks that each socket answers a ping and receives one broadcast.
//
// Prints human-readable lines and one final "result key=value ..." line for the script.
// Two threads: one io_context for the sockets, one for the HTTP posts, so the
// receive side is not delayed behind request pacing (and vice versa).
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto request_timeout = 10s;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_realtime_client: %s\n", what.c_str());
  std::fflush(stdout);
  std::_Exit(1);  // threads and sockets may still be live; nothing to clean up in a bench client
}

// ---- arguments: key=value pairs after the mode ----

struct args {
  std::string mode;
  std::map<std::string, std::string> kv;

  std::string str(const std::string& k, const char* fallback = nullptr) const {
    auto it = kv.find(k);
    if (it != kv.end()) return it->second;
    if (!fallback) fail("missing argument " + k + "=…");
    return fallback;
  }
  std::int64_t num(const std::string& k, std::int64_t fallback = -1) const {
    auto it = kv.find(k);
    if (it == kv.end()) {
      if (fallback < 0) fail("missing argument " + k + "=…");
      return fallback;
    }
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc{} || end != it->second.data() + it->second.size() || v < 0)
      fail("bad number for " + k + ": " + it->second);
    return v;
  }
};

// ---- statistics ----

double percentile_ms(std::vector<std::uint32_t>& us, double p) {
  if (us.empty()) return 0;
  auto rank = static_cast<std::size_t>(p * static_cast<double>(us.size() - 1) + 0.5);
  std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(rank), us.end());
  return us[rank] / 1000.0;
}

double max_ms(const std::vector<std::uint32_t>& us) {
  return us.empty() ? 0 : *std::max_element(us.begin(), us.end()) / 1000.0;
}

std::int64_t read_rss_kib(std::int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  }
  fail("cannot read VmRSS of pid " + std::to_string(pid));
}

// ---- HTTP: one keep-alive connection, one request at a time ----

struct http_reply {
  boost::system::error_code ec;
  unsigned status = 0;
  std::string body;
};

class http_conn {
 public:
  http_conn(asio::any_io_executor ex, tcp::endpoint ep) : stream_(ex), ep_(ep) {}

  // By value: a coroutine frame keeps references, and callers pass temporaries.
  asio::awaitable<http_reply> call(http::verb method, std::string target, std::string body,
                                   std::string token) {
    http_reply out;
    if (!connected_) {
      stream_.expires_after(request_timeout);
      auto [cec] = co_await stream_.async_connect(ep_, use_tuple);
      if (cec) {
        out.ec = cec;
        co_return out;
      }
      stream_.socket().set_option(tcp::no_delay(true), cec);
      connected_ = true;
    }
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    req.keep_alive(true);
    req.body() = body;
    req.prepare_payload();
    stream_.expires_after(request_timeout);
    auto [wec, wn] = co_await http::async_write(stream_, req, use_tuple);
    http::response<http::string_body> res;
    boost::system::error_code rec;
    if (!wec) {
      auto [e, rn] = co_await http::async_read(stream_, buf_, res, use_tuple);
      rec = e;
    }
    out.ec = wec ? wec : rec;
    if (out.ec || !res.keep_alive()) {
      // Reconnect on the next call rather than reuse a broken stream.
      boost::system::error_code ignored;
      stream_.socket().close(ignored);
      connected_ = false;
      buf_.clear();
    }
    if (!out.ec) {
      out.status = res.result_int();
      out.body = std::move(res.body());
    }
    co_return out;
  }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  tcp::endpoint ep_;
  bool connected_ = false;
};

// Calls and parses a JSON reply; fails the run unless the status is `want`.
asio::awaitable<json> call_json(http_conn& c, http::verb method, std::string target, json body,
                                std::string token, unsigned want) {
  std::string text = body.is_null() ? std::string() : body.dump();
  auto op = c.call(method, target, text, token);
  http_reply r = co_await std::move(op);
  if (r.ec) fail(target + ": " + r.ec.message());
  if (r.status != want)
    fail(target + ": status " + std::to_string(r.status) + " (want " + std::to_string(want) +
         "): " + r.body);
  co_return json::parse(r.body);
}

// ---- the agent sockets (all on the socket thread) ----
//
// A minimal RFC 6455 client instead of Beast's: Beast reads through a fixed
// 1,536-byte buffer and completes one coroutine resumption per message, which
// cost this client most of a core at 200,000 frames/s, on a machine where it
// shares two cores with the daemon. Here a socket that turns readable is
// drained with non-blocking reads into one shared buffer and every complete
// frame in it is handled at once. The server never masks and never fragments
// (one frame per message); a fragmented or masked frame is counted as a protocol error.

struct agent {
  explicit agent(asio::any_io_executor ex) : sock(ex) {}
  tcp::socket sock;
  std::string pending;  // the start of a frame not yet complete
  std::string out;      // frames waiting for the writer
  bool writing = false;
  bool ready = false;
  bool closed = false;
  std::uint32_t received = 0;  // message.created with a sequence number of this run
  std::vector<std::uint8_t> seen;
};

struct run_state {
  tcp::endpoint ep;
  std::string token;
  std::vector<std::unique_ptr<agent>> agents;
  std::size_t opened = 0, open_failed = 0, ready = 0, closed = 0, pongs = 0;
  std::map<std::string, std::size_t> close_reasons;
  std::size_t next_to_open = 0;
  std::vector<char> scratch = std::vector<char>(1 << 20);  // shared: one thread reads

  // Latency mode: written by the HTTP thread before each POST is sent, read here.
  std::int64_t messages = 0;
  std::unique_ptr<std::atomic<std::int64_t>[]> sent_ns;
  std::vector<std::int64_t> last_rx_ns;  // per seq: the slowest socket's receive time
  std::vector<std::uint32_t> latency_us;
  std::uint64_t received = 0, duplicates = 0, unparsed = 0, before_send = 0;

  // Daemon CPU is sampled when the first socket closes: after that the daemon
  // has less to do, and an average over the whole run would hide the saturation.
  std::int64_t daemon_pid = 0;
  bool measuring = false;
  std::int64_t first_close_ns = 0;
  std::int64_t first_close_ticks = 0;
};

std::int64_t io_thread_ticks(std::int64_t pid);

// The hub serializes {"data":{…},"type":…} with sorted keys, and every socket
// gets the same text, so a suffix check and a scan for "body" avoid a full JSON
// parse per delivery.
constexpr std::string_view created_suffix = R"(,"type":"message.created"})";
constexpr std::string_view body_key = R"("body":")";

std::optional<std::int64_t> created_seq(std::string_view text) {
  if (!text.ends_with(created_suffix)) return std::nullopt;
  auto at = text.find(body_key);
  if (at == std::string_view::npos) return std::nullopt;
  auto digits = text.substr(at + body_key.size());
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc{} || end == digits.data() + digits.size() || *end != '"') return -1;
  return v;
}

void on_text(run_state& st, agent& a, std::string_view text, std::int64_t rx) {
  if (auto seq = created_seq(text)) {
    if (*seq < 0 || *seq >= st.messages) {
      ++st.unparsed;  // a message of warm-up or of the baseline: not ours
      return;
    }
    auto i = static_cast<std::size_t>(*seq);
    if (a.seen[i]) {
      ++st.duplicates;
      return;
    }
    a.seen[i] = 1;
    ++a.received;
    ++st.received;
    auto sent = st.sent_ns[i].load(std::memory_order_acquire);
    if (sent == 0) {
      ++st.before_send;  // cannot happen unless clocks disagree; counted, not hidden
      return;
    }
    st.latency_us.push_back(
        static_cast<std::uint32_t>(std::max<std::int64_t>(0, rx - sent) / 1000));
    st.last_rx_ns[i] = std::max(st.last_rx_ns[i], rx);
    return;
  }
  if (!a.ready || text.size() < 64) {
    auto j = json::parse(text, nullptr, false);
    auto type = j.is_object() ? j.value("type", "") : std::string();
    if (type == "ready" && !a.ready) {
      a.ready = true;
      ++st.ready;
    } else if (type == "pong") {
      ++st.pongs;
    }
  }
}

void mark_closed(run_state& st, agent& a, const std::string& why) {
  if (a.closed) return;
  a.closed = true;
  if (st.measuring && st.first_close_ns == 0) {
    st.first_close_ns = now_ns();
    st.first_close_ticks = io_thread_ticks(st.daemon_pid);
  }
  ++st.closed;
  ++st.close_reasons[why];
  boost::system::error_code ignored;
  a.sock.close(ignored);
}

asio::awaitable<void> write_loop(agent& a) {
  while (!a.out.empty() && !a.closed) {
    std::string chunk;
    chunk.swap(a.out);
    auto [ec, n] = co_await asio::async_write(a.sock, asio::buffer(chunk), use_tuple);
    if (ec) break;
  }
  a.writing = false;
}

// Queues one client frame: clients must mask, a fixed key is as good as any here.
void send_frame(agent& a, std::uint8_t opcode, std::string_view payload) {
  if (a.closed) return;
  const std::uint8_t key[4] = {0x12, 0x34, 0x56, 0x78};
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    f.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size() & 0xff));
  }
  f.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    f.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
  a.out += f;
  if (!a.writing) {
    a.writing = true;
    asio::co_spawn(a.sock.get_executor(), write_loop(a), asio::detached);
  }
}

// Handles every complete frame in [data, data + size); returns the bytes used.
std::size_t handle_frames(run_state& st, agent& a, const char* data, std::size_t size,
                          std::int64_t rx) {
  std::size_t used = 0;
  while (!a.closed && size - used >= 2) {
    auto* p = reinterpret_cast<const unsigned char*>(data + used);
    std::size_t avail = size - used;
    bool fin = p[0] & 0x80;
    unsigned opcode = p[0] & 0x0f;
    if (p[1] & 0x80) {
      mark_closed(st, a, "protocol error: masked server frame");
      break;
    }
    std::uint64_t len = p[1] & 0x7f;
    std::size_t header = 2;
    if (len == 126) {
      if (avail < 4) break;
      len = (std::uint64_t{p[2]} << 8) | p[3];
      header = 4;
    } else if (len == 127) {
      if (avail < 10) break;
      len = 0;
      for (int i = 2; i < 10; ++i) len = (len << 8) | p[i];
      header = 10;
    }
    if (len > st.scratch.size() / 2) {
      mark_closed(st, a, "frame larger than the client's buffer");
      break;
    }
    if (avail < header + len) break;
    std::string_view payload(data + used + header, static_cast<std::size_t>(len));
    used += header + static_cast<std::size_t>(len);
    if (opcode == 1 && fin) {
      on_text(st, a, payload, rx);
    } else if (opcode == 8) {
      unsigned code = payload.size() >= 2
                          ? (static_cast<unsigned>(static_cast<unsigned char>(payload[0])) << 8) |
                                static_cast<unsigned char>(payload[1])
                          : 1005;
      std::string reason(payload.size() > 2 ? payload.substr(2) : std::string_view());
      mark_closed(st, a, "close " + std::to_string(code) + (reason.empty() ? "" : " " + reason));
    } else if (opcode == 9) {
      send_frame(a, 0xA, payload);  // the daemon pings a quiet socket at half its idle timeout
    } else if (opcode != 0xA) {
      mark_closed(st, a,
                  "protocol error: opcode " + std::to_string(opcode) + (fin ? "" : " fragmented"));
    }
  }
  return used;
}

// Reads until the socket would block, then waits for it to turn readable:
// draining first also covers bytes that arrived during the handshake.
asio::awaitable<void> read_loop(run_state& st, agent& a) {
  auto& buf = st.scratch;
  auto rx = now_ns();
  for (;;) {
    std::size_t have = a.pending.size();
    std::memcpy(buf.data(), a.pending.data(), have);
    a.pending.clear();
    for (;;) {
      boost::system::error_code rec;
      auto n = a.sock.read_some(asio::buffer(buf.data() + have, buf.size() - have), rec);
      if (rec == asio::error::would_block || rec == asio::error::try_again) break;
      if (rec) {
        mark_closed(st, a,
                    rec == asio::error::eof ? "closed without a close frame" : rec.message());
        co_return;
      }
      have += n;
      auto used = handle_frames(st, a, buf.data(), have, rx);
      if (a.closed) co_return;
      std::memmove(buf.data(), buf.data() + used, have - used);
      have -= used;
    }
    a.pending.assign(buf.data(), have);
    auto [ec] = co_await a.sock.async_wait(tcp::socket::wait_read, use_tuple);
    if (a.closed) co_return;
    if (ec) {
      mark_closed(st, a, ec.message());
      co_return;
    }
    rx = now_ns();
  }
}

// Connect and upgrade, with one deadline over both.
asio::awaitable<bool> open_agent(run_state& st, agent& a) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer deadline(ex, request_timeout);
  bool done = false;
  auto on_deadline = [&a, &done](boost::system::error_code ec) {
    if (ec || done) return;
    boost::system::error_code ignored;
    a.sock.close(ignored);  // fails whatever step is pending
  };
  deadline.async_wait(on_deadline);
  auto finish = [&](bool ok, const char* step, const boost::system::error_code& ec) {
    done = true;
    deadline.cancel();
    if (!ok) std::fprintf(stderr, "%s: %s\n", step, ec.message().c_str());
    return ok;
  };

  auto [cec] = co_await a.sock.async_connect(st.ep, use_tuple);
  if (cec) co_return finish(false, "connect", cec);
  boost::system::error_code ignored;
  a.sock.set_option(tcp::no_delay(true), ignored);
  std::string req =
      "GET /ws/agent?token=" + st.token +
      " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  auto [wec, wn] = co_await asio::async_write(a.sock, asio::buffer(req), use_tuple);
  if (wec) co_return finish(false, "handshake write", wec);
  std::string head;
  std::array<char, 2048> chunk;
  std::size_t end = std::string::npos;
  while (end == std::string::npos) {
    auto [rec, n] = co_await a.sock.async_read_some(asio::buffer(chunk), use_tuple);
    if (rec) co_return finish(false, "handshake read", rec);
    head.append(chunk.data(), n);
    end = head.find("\r\n\r\n");
    if (end == std::string::npos && head.size() > 16384) co_return finish(false, "handshake", {});
  }
  if (head.rfind("HTTP/1.1 101", 0) != 0) {
    std::fprintf(stderr, "handshake refused: %s\n", head.substr(0, head.find("\r\n")).c_str());
    co_return finish(false, "handshake", {});
  }
  a.pending = head.substr(end + 4);  // frames that arrived with the 101
  a.sock.non_blocking(true, ignored);
  co_return finish(true, "", {});
}

// Several openers share one index so at most `concurrency` handshakes are in
// flight: a burst of 10,000 SYNs would overflow the listen backlog.
asio::awaitable<void> opener(run_state& st, std::size_t first, std::size_t end) {
  for (;;) {
    auto i = st.next_to_open++;
    if (i >= end) co_return;
    auto& a = *st.agents[i];
    auto op = open_agent(st, a);
    bool ok = co_await std::move(op);
    if (!ok) {
      ++st.open_failed;
      continue;
    }
    ++st.opened;
    // Frames that came with the 101 (the "ready" event, usually) are handled now.
    auto rx = now_ns();
    auto used = handle_frames(st, a, a.pending.data(), a.pending.size(), rx);
    a.pending.erase(0, used);
    auto ex = a.sock.get_executor();
    asio::co_spawn(ex, read_loop(st, a), asio::detached);
  }
}

template <class Pred>
asio::awaitable<bool> wait_until(Pred pred, std::chrono::milliseconds limit) {
  auto deadline = clock_type::now() + limit;
  asio::steady_timer t(co_await asio::this_coro::executor);
  while (!pred()) {
    if (clock_type::now() >= deadline) co_return false;
    t.expires_after(2ms);
    co_await t.async_wait(use_tuple);
  }
  co_return true;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(use_tuple);
}

// Opens agents [first, end) and waits for their "ready"; fails the run on a shortfall.
asio::awaitable<double> open_agents(run_state& st, std::size_t first, std::size_t end,
                                    std::size_t concurrency, std::int64_t messages) {
  auto ex = co_await asio::this_coro::executor;
  auto started = clock_type::now();
  for (auto i = first; i < end; ++i) {
    st.agents.push_back(std::make_unique<agent>(ex));
    st.agents.back()->seen.assign(static_cast<std::size_t>(messages), 0);
  }
  st.next_to_open = first;
  for (std::size_t k = 0; k < concurrency; ++k)
    asio::co_spawn(ex, opener(st, first, end), asio::detached);
  auto target_ready = end;  // agents before `first` are already ready
  auto closed_before = st.closed;
  auto all_ready = [&] {
    return st.ready + st.open_failed >= target_ready || st.closed > closed_before;
  };
  auto limit = std::chrono::milliseconds(30'000 + 10 * (end - first));
  auto op = wait_until(all_ready, limit);
  bool ok = co_await std::move(op);
  double secs = std::chrono::duration<double>(clock_type::now() - started).count();
  if (!ok || st.ready != target_ready || st.closed > closed_before) {
    fail("opened " + std::to_string(st.opened) + ", ready " + std::to_string(st.ready) + " of " +
         std::to_string(target_ready) + " sockets (" + std::to_string(st.open_failed) +
         " failed, " + std::to_string(st.closed) + " closed) within the limit");
  }
  co_return secs;
}

struct session_info {
  std::string token;
  std::string conversation_path;
};

// Login, one contact, one conversation: everything a run posts into.
asio::awaitable<session_info> set_up(http_conn& c, const args& a) {
  session_info s;
  json creds = {{"email", a.str("email")}, {"password", a.str("password")}};
  auto op1 = call_json(c, http::verb::post, "/api/v1/auth/login", creds, "", 200);
  json login = co_await std::move(op1);
  s.token = login.at("token").get<std::string>();
  json contact_body = {{"name", "Bench contact"}};
  auto op2 = call_json(c, http::verb::post, "/api/v1/contacts", contact_body, s.token, 201);
  json contact = co_await std::move(op2);
  json conv_body = {{"contact_id", contact.at("id")}};
  auto op3 = call_json(c, http::verb::post, "/api/v1/conversations", conv_body, s.token, 201);
  json conv = co_await std::move(op3);
  s.conversation_path = "/api/v1/conversations/" + conv.at("id").get<std::string>() + "/messages";
  co_return s;
}

// ---- the posting side (HTTP thread) ----

struct post_state {
  std::int64_t messages = 0;
  double rate = 0;
  std::int64_t start_ns = 0;
  std::int64_t next_seq = 0;
  std::int64_t first_send_ns = 0, last_send_ns = 0;
  std::int64_t max_behind_ns = 0;  // how late a send was against its schedule
  std::vector<std::uint32_t> rtt_us;
  std::uint64_t errors = 0;
  std::string first_error;
};

// sent_ns: where each send time goes (nullptr for the baseline, which no socket sees).
asio::awaitable<void> poster(post_state& ps, std::atomic<std::int64_t>* sent_ns, http_conn& c,
                             const std::string& path, const std::string& token,
                             const std::string& prefix) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  for (;;) {
    auto seq = ps.next_seq++;
    if (seq >= ps.messages) co_return;
    // Open-loop schedule: send i is due at start + i/rate whichever connection is free.
    auto due = ps.start_ns + static_cast<std::int64_t>(static_cast<double>(seq) * 1e9 / ps.rate);
    auto now = now_ns();
    if (now < due) {
      t.expires_after(std::chrono::nanoseconds(due - now));
      co_await t.async_wait(use_tuple);
    }
    std::string body = R"({"body":")" + prefix + std::to_string(seq) + R"("})";
    auto sent = now_ns();
    ps.max_behind_ns = std::max(ps.max_behind_ns, sent - due);
    if (ps.first_send_ns == 0) ps.first_send_ns = sent;
    ps.last_send_ns = std::max(ps.last_send_ns, sent);
    if (sent_ns) sent_ns[seq].store(sent, std::memory_order_release);
    auto op = c.call(http::verb::post, path, body, token);
    http_reply r = co_await std::move(op);
    auto done = now_ns();
    if (r.ec || r.status != 201) {
      if (ps.errors++ == 0)
        ps.first_error = r.ec ? r.ec.message() : std::to_string(r.status) + " " + r.body;
      continue;
    }
    ps.rtt_us.push_back(static_cast<std::uint32_t>((done - sent) / 1000));
  }
}

// utime + stime in clock ticks of the daemon's io_context thread (the main
// thread, tid == pid) and of the whole process; zeros without a pid.
struct cpu_sample {
  std::int64_t io_thread = 0, process = 0;
};

std::int64_t stat_ticks(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  std::int64_t utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  return utime + stime;
}

std::int64_t io_thread_ticks(std::int64_t pid) {
  if (pid <= 0) return 0;
  auto p = std::to_string(pid);
  return stat_ticks("/proc/" + p + "/task/" + p + "/stat");
}

cpu_sample cpu_ticks(std::int64_t pid) {
  if (pid <= 0) return {};
  auto p = std::to_string(pid);
  return {stat_ticks("/proc/" + p + "/task/" + p + "/stat"), stat_ticks("/proc/" + p + "/stat")};
}

// ---- modes ----

struct threads {
  asio::io_context sock_io{1};
  asio::io_context http_io{1};
  std::thread http_thread;
  threads() {
    http_thread = std::thread([this] {
      auto guard = asio::make_work_guard(http_io);
      http_io.run();
    });
  }
};

// Posts `messages` at `rate` over every connection in `http`; returns when all are answered.
asio::awaitable<post_state> post_phase(threads& th, std::vector<std::unique_ptr<http_conn>>& http,
                                       const session_info& s, std::int64_t messages, double rate,
                                       std::atomic<std::int64_t>* sent_ns, std::string prefix) {
  post_state ps;
  ps.messages = messages;
  ps.rate = rate;
  ps.rtt_us.reserve(static_cast<std::size_t>(messages));
  ps.start_ns = now_ns() + 20'000'000;  // all posters armed before the first is due
  // The last decrement publishes ps (written on the HTTP thread) to this thread.
  std::atomic<std::size_t> pending{http.size()};
  for (auto& c : http) {
    auto p = poster(ps, sent_ns, *c, s.conversation_path, s.token, prefix);
    auto done = [&pending](std::exception_ptr e) {
      if (e) fail("poster failed");
      pending.fetch_sub(1, std::memory_order_acq_rel);
    };
    asio::co_spawn(th.http_io, std::move(p), std::move(done));
  }
  auto posters_done = [&] { return pending.load(std::memory_order_acquire) == 0; };
  auto limit =
      std::chrono::milliseconds(static_cast<std::int64_t>(messages / rate * 3000) + 30'000);
  auto op = wait_until(posters_done, limit);
  if (!co_await std::move(op)) fail("posting did not finish within the limit");
  co_return ps;
}

struct post_summary {
  double achieved = 0, p50 = 0, p99 = 0;
};

post_summary summarize(post_state& ps) {
  post_summary out;
  double span = (ps.last_send_ns - ps.first_send_ns) / 1e9;
  out.achieved = ps.messages > 1 && span > 0 ? static_cast<double>(ps.messages - 1) / span : 0;
  out.p50 = percentile_ms(ps.rtt_us, 0.50);
  out.p99 = percentile_ms(ps.rtt_us, 0.99);
  return out;
}

// GCC 12 reports Asio's coroutine frame new/delete pair in these ramps as mismatched
// (-Wmismatched-new-delete, a false positive: both are Asio's own operators).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<void> latency_mode(const args& a, run_state& st, threads& th) {
  auto sockets = static_cast<std::size_t>(a.num("sockets"));
  auto rate = static_cast<double>(a.num("rate"));
  auto seconds = static_cast<double>(a.num("seconds"));
  auto conns = static_cast<std::size_t>(a.num("http_conns", 16));
  auto drain = std::chrono::milliseconds(a.num("drain_ms", 10'000));
  auto concurrency = static_cast<std::size_t>(a.num("open_concurrency", 128));
  auto baseline_seconds = static_cast<double>(a.num("baseline_seconds", 2));
  auto daemon_pid = a.num("daemon_pid", 0);
  if (sockets == 0 || rate <= 0 || seconds <= 0 || conns == 0)
    fail("sockets, rate, seconds, http_conns must be > 0");

  std::vector<std::unique_ptr<http_conn>> http;
  for (std::size_t i = 0; i < conns; ++i)
    http.push_back(std::make_unique<http_conn>(th.http_io.get_executor(), st.ep));
  auto setup = asio::co_spawn(th.http_io, set_up(*http[0], a), asio::use_awaitable);
  session_info s = co_await std::move(setup);
  st.token = s.token;

  // Baseline: the same POSTs at the same rate with no socket connected, so the
  // delivery figures can be read against what the write path alone costs.
  auto base_messages =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(rate * baseline_seconds));
  auto base_op = post_phase(th, http, s, base_messages, rate, nullptr, "b");
  post_state base = co_await std::move(base_op);
  auto b = summarize(base);
  std::printf(
      "baseline, 0 sockets: posted %lld at %.1f/s, round trip p50 %.2f ms, p99 %.2f ms, %llu "
      "errors\n",
      static_cast<long long>(base_messages), b.achieved, b.p50, b.p99,
      static_cast<unsigned long long>(base.errors));

  st.messages = static_cast<std::int64_t>(rate * seconds);
  auto m = static_cast<std::size_t>(st.messages);
  st.sent_ns = std::make_unique<std::atomic<std::int64_t>[]>(m);
  for (std::size_t i = 0; i < m; ++i) st.sent_ns[i].store(0);
  st.last_rx_ns.assign(m, 0);
  st.latency_us.reserve(m * sockets);

  auto open_op = open_agents(st, 0, sockets, concurrency, st.messages);
  double open_secs = co_await std::move(open_op);
  std::printf("opened %zu sockets in %.2f s, all ready\n", sockets, open_secs);
  // Let the presence event and the handshake backlog drain before timing anything.
  co_await sleep_for(500ms);

  st.daemon_pid = daemon_pid;
  st.measuring = true;
  auto cpu_before = cpu_ticks(daemon_pid);
  auto wall_before = now_ns();
  auto run_op = post_phase(th, http, s, st.messages, rate, st.sent_ns.get(), "");
  post_state ps = co_await std::move(run_op);

  auto expected = static_cast<std::uint64_t>(m) * sockets;
  auto all_in = [&] { return st.received >= expected || st.closed > 0; };
  auto op2 = wait_until(all_in, drain);
  co_await std::move(op2);
  if (st.closed > 0) {
    // A closed socket will not get the rest of its messages: wait for the others only.
    auto rest = [&] {
      std::uint64_t want = 0;
      for (auto& ag : st.agents) want += ag->closed ? ag->received : m;
      return st.received >= want;
    };
    auto op3 = wait_until(rest, drain);
    co_await std::move(op3);
  }
  auto cpu_after = cpu_ticks(daemon_pid);
  double wall = (now_ns() - wall_before) / 1e9;
  double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  double proc_cpu = 100.0 * (cpu_after.process - cpu_before.process) / tick / wall;
  double io_cpu = 100.0 * (cpu_after.io_thread - cpu_before.io_thread) / tick / wall;
  if (st.first_close_ns && st.first_close_ns > wall_before) {
    io_cpu = 100.0 * (st.first_close_ticks - cpu_before.io_thread) / tick /
             ((st.first_close_ns - wall_before) / 1e9);
  }

  auto r = summarize(ps);
  std::vector<std::uint32_t> fanout_us;
  fanout_us.reserve(m);
  for (std::size_t i = 0; i < m; ++i) {
    auto sent = st.sent_ns[i].load();
    if (sent && st.last_rx_ns[i])
      fanout_us.push_back(static_cast<std::uint32_t>((st.last_rx_ns[i] - sent) / 1000));
  }
  std::uint64_t lost = expected - std::min(expected, st.received);
  std::size_t sockets_missing = 0;
  for (auto& ag : st.agents)
    if (ag->received != m) ++sockets_missing;

  auto& lat = st.latency_us;
  double p50 = percentile_ms(lat, 0.50), p99 = percentile_ms(lat, 0.99), mx = max_ms(lat);
  double f50 = percentile_ms(fanout_us, 0.50), f99 = percentile_ms(fanout_us, 0.99);
  std::printf(
      "posted %zu messages at %.1f/s (target %.0f/s, worst lag behind schedule %.1f ms), %llu "
      "errors%s%s\n",
      m, r.achieved, rate, ps.max_behind_ns / 1e6, static_cast<unsigned long long>(ps.errors),
      ps.errors ? ", first: " : "", ps.first_error.c_str());
  std::printf(
      "deliveries %llu of %llu (lost %llu, duplicates %llu, sockets missing some %zu, closed "
      "%zu)\n",
      static_cast<unsigned long long>(st.received), static_cast<unsigned long long>(expected),
      static_cast<unsigned long long>(lost), static_cast<unsigned long long>(st.duplicates),
      sockets_missing, st.closed);
  for (auto& [why, n] : st.close_reasons) std::printf("  closed: %zu × %s\n", n, why.c_str());
  std::printf(
      "delivery latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms; last socket reached: p50 %.2f ms, "
      "p99 %.2f ms\n",
      p50, p99, mx, f50, f99);
  std::printf("POST round trip meanwhile: p50 %.2f ms, p99 %.2f ms\n", r.p50, r.p99);
  if (daemon_pid > 0)
    std::printf(
        "daemon CPU meanwhile: io_context thread %.0f%% of a core%s, whole process %.0f%%\n",
        io_cpu, st.first_close_ns ? " until the first socket closed" : "", proc_cpu);
  std::printf(
      "result mode=latency sockets=%zu rate_target=%.0f rate_achieved=%.1f messages=%zu "
      "expected=%llu "
      "received=%llu lost=%llu duplicates=%llu closed=%zu post_errors=%llu p50_ms=%.3f p99_ms=%.3f "
      "max_ms=%.3f fanout_p50_ms=%.3f fanout_p99_ms=%.3f post_p50_ms=%.3f post_p99_ms=%.3f "
      "base_post_p50_ms=%.3f base_post_p99_ms=%.3f base_rate=%.1f daemon_io_cpu_pct=%.0f "
      "daemon_cpu_pct=%.0f\n",
      sockets, rate, r.achieved, m, static_cast<unsigned long long>(expected),
      static_cast<unsigned long long>(st.received), static_cast<unsigned long long>(lost),
      static_cast<unsigned long long>(st.duplicates), st.closed,
      static_cast<unsigned long long>(ps.errors + base.errors), p50, p99, mx, f50, f99, r.p50,
      r.p99, b.p50, b.p99, b.achieved, io_cpu, proc_cpu);
}

asio::awaitable<void> idle_mode(const args& a, run_state& st, threads& th) {
  auto sockets = static_cast<std::size_t>(a.num("sockets"));
  auto pid = a.num("rss_pid");
  auto settle = std::chrono::milliseconds(a.num("settle_ms", 2000));
  auto concurrency = static_cast<std::size_t>(a.num("open_concurrency", 128));
  constexpr std::size_t warm_sockets = 16;

  auto http = std::make_unique<http_conn>(th.http_io.get_executor(), st.ep);
  auto setup = asio::co_spawn(th.http_io, set_up(*http, a), asio::use_awaitable);
  session_info s = co_await std::move(setup);
  st.token = s.token;
  st.messages = 1;  // one broadcast at the end, sequence 0
  st.sent_ns = std::make_unique<std::atomic<std::int64_t>[]>(1);
  st.sent_ns[0].store(0);
  st.last_rx_ns.assign(1, 0);

  // Warm-up: the socket and broadcast paths run once before the baseline, so
  // first-use allocations are not charged to the 10,000.
  auto warm_op = open_agents(st, 0, warm_sockets, warm_sockets, 1);
  co_await std::move(warm_op);
  std::string warm_body = R"({"body":"warm-up"})";
  auto warm_post = asio::co_spawn(
      th.http_io, http->call(http::verb::post, s.conversation_path, warm_body, s.token),
      asio::use_awaitable);
  http_reply wr = co_await std::move(warm_post);
  if (wr.ec || wr.status != 201) fail("warm-up post failed");
  co_await sleep_for(300ms);
  // A close handshake each (code 1000); the daemon's close frame marks them closed.
  const std::string normal_close("\x03\xe8", 2);
  for (std::size_t i = 0; i < warm_sockets; ++i) send_frame(*st.agents[i], 0x8, normal_close);
  auto warm_closed = [&] { return st.closed >= warm_sockets; };
  auto wc = wait_until(warm_closed, 10s);
  co_await std::move(wc);
  co_await sleep_for(settle);
  auto before_kib = read_rss_kib(pid);
  std::printf("daemon VmRSS with 0 sockets (after warm-up): %.1f MiB\n", before_kib / 1024.0);

  // The warm-up agents stay in the vector (closed); count only the new ones.
  auto base_closed = st.closed, base_opened = st.opened;
  st.close_reasons.clear();
  auto open_op = open_agents(st, warm_sockets, warm_sockets + sockets, concurrency, 1);
  double open_secs = co_await std::move(open_op);
  std::printf("opened %zu sockets in %.2f s, all ready\n", st.opened - base_opened, open_secs);
  co_await sleep_for(settle);
  auto idle_kib = read_rss_kib(pid);
  auto closed_idle = st.closed - base_closed;

  // Still alive? One ping each (answered by the daemon's agent handler) …
  std::string ping = R"({"type":"ping"})";
  for (std::size_t i = warm_sockets; i < st.agents.size(); ++i)
    send_frame(*st.agents[i], 0x1, ping);
  auto pongs_in = [&] { return st.pongs >= sockets || st.closed > base_closed; };
  auto op1 = wait_until(pongs_in, 30s);
  co_await std::move(op1);
  // … and one broadcast reaches every socket.
  std::string body = R"({"body":"0"})";
  st.sent_ns[0].store(now_ns());
  auto post =
      asio::co_spawn(th.http_io, http->call(http::verb::post, s.conversation_path, body, s.token),
                     asio::use_awaitable);
  http_reply r = co_await std::move(post);
  if (r.ec || r.status != 201) fail("broadcast post failed");
  auto all_in = [&] { return st.received >= sockets || st.closed > base_closed; };
  auto op2 = wait_until(all_in, 30s);
  co_await std::move(op2);
  co_await sleep_for(settle);
  auto traffic_kib = read_rss_kib(pid);

  double per_idle = (idle_kib - before_kib) * 1024.0 / static_cast<double>(sockets);
  double per_traffic = (traffic_kib - before_kib) * 1024.0 / static_cast<double>(sockets);
  std::printf("daemon VmRSS with %zu idle sockets: %.1f MiB (+%.0f bytes per socket)\n", sockets,
              idle_kib / 1024.0, per_idle);
  std::printf(
      "after one ping and one broadcast each: %.1f MiB (+%.0f bytes per socket); pongs %zu, "
      "broadcast received %llu\n",
      traffic_kib / 1024.0, per_traffic, st.pongs, static_cast<unsigned long long>(st.received));
  std::printf("sockets closed by the daemon: %zu while idle, %zu in total\n", closed_idle,
              st.closed - base_closed);
  for (auto& [why, n] : st.close_reasons) std::printf("  closed: %zu × %s\n", n, why.c_str());
  std::printf(
      "result mode=idle sockets=%zu rss_before_kib=%lld rss_idle_kib=%lld rss_traffic_kib=%lld "
      "per_socket_idle_bytes=%.0f per_socket_traffic_bytes=%.0f pongs=%zu broadcast_received=%llu "
      "closed=%zu open_seconds=%.2f\n",
      sockets, static_cast<long long>(before_kib), static_cast<long long>(idle_kib),
      static_cast<long long>(traffic_kib), per_idle, per_traffic, st.pongs,
      static_cast<unsigned long long>(st.received), st.closed - base_closed, open_secs);
}
#pragma GCC diagnostic pop

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s latency|idle key=value…\n", argv[0]);
    return 2;
  }
  args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string_view kv = argv[i];
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) fail("expected key=value, got " + std::string(kv));
    a.kv[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  if (a.mode != "latency" && a.mode != "idle") fail("unknown mode " + a.mode);

  threads th;
  run_state st;
  st.ep = tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                        static_cast<unsigned short>(a.num("port")));
  std::exception_ptr error;
  bool finished = false;
  auto body = a.mode == "latency" ? latency_mode(a, st, th) : idle_mode(a, st, th);
  auto done = [&](std::exception_ptr e) {
    error = e;
    finished = true;
    th.sock_io.stop();  // the read loops never end by themselves
  };
  asio::co_spawn(th.sock_io, std::move(body), std::move(done));
  th.sock_io.run();
  std::fflush(stdout);
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }
  if (!finished) fail("stopped before finishing");
  // Sockets close with the process; a graceful close of 10,000 would only add time.
  std::_Exit(0);
}
