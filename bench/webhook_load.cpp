// Load generator for bench/webhooks.sh: signed inbound-SMS webhooks
// (Twilio form POSTs with X-Twilio-Signature) over C keep-alive connections,
// closed loop: each connection sends its next request as soon as the previous
// answer is complete, for D seconds. Connects only to 127.0.0.1.
//
//   bench_webhook_load port=P seconds=D key=K public_url=U to=+E164
//       [connections=64] [customers=1000] [path=/webhooks/twilio/sms] [acks=FILE]
//
// Every request has a unique MessageSid ("SM" + 32 hex: a per-run random prefix
// and a counter) and the parameters Twilio sends for an inbound SMS; From cycles
// over `customers` numbers, To is the given business number. The signature is
// HMAC-SHA1 over public_url + path + sorted parameters (sb_carriers, the code the
// daemon verifies with). Latency runs from the first byte written to the last
// byte of the answer read. 2xx answers are acknowledgements; with acks=FILE
// their MessageSids are written there, one per line, after the run.
//
// Prints human-readable lines and one final "result key=value ..." line.
// One thread: the client shares a 2-core machine with the server, so it
// builds each request by hand into a reused buffer and parses only the status
// line and Content-Length of each answer.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/carriers/signature.hpp"

namespace {

namespace asio = boost::asio;
namespace carriers = switchboard::carriers;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_webhook_load: %s\n", what.c_str());
  std::fflush(stdout);
  std::_Exit(1);
}

struct args {
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
    if (ec != std::errc{} || end != it->second.data() + it->second.size() || v <= 0)
      fail("bad number for " + k + ": " + it->second);
    return v;
  }
};

double percentile_ms(std::vector<std::uint32_t>& us, double p) {
  if (us.empty()) return 0;
  auto rank = static_cast<std::size_t>(p * static_cast<double>(us.size() - 1) + 0.5);
  std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(rank), us.end());
  return us[rank] / 1000.0;
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

// ---- requests ----

struct generator {
  std::string key, url, path, to, prefix;
  std::int64_t customers = 1000;
  std::uint64_t next = 0;

  // What Twilio posts for an inbound SMS, in its order (the signature sorts them).
  // Values are replaced in place per request; constants are form-encoded once.
  carriers::param_list params;
  std::vector<std::string> encoded;
  std::vector<std::size_t> sid_at;
  std::size_t from_at = 0, body_at = 0;
  std::string body;

  void init() {
    params = {
        {"ToCountry", "US"},
        {"ToState", "DC"},
        {"SmsMessageSid", ""},
        {"NumMedia", "0"},
        {"ToCity", "WASHINGTON"},
        {"FromZip", "94105"},
        {"SmsSid", ""},
        {"FromState", "CA"},
        {"SmsStatus", "received"},
        {"FromCity", "SAN FRANCISCO"},
        {"Body", ""},
        {"FromCountry", "US"},
        {"To", to},
        {"ToZip", "20001"},
        {"NumSegments", "1"},
        {"MessageSid", ""},
        {"AccountSid", "AC0123456789abcdef0123456789abcdef"},
        {"From", ""},
        {"ApiVersion", "2010-04-01"},
    };
    for (std::size_t i = 0; i < params.size(); ++i) {
      encoded.push_back(carriers::form_encode(params[i].second));
      auto& k = params[i].first;
      if (k == "SmsMessageSid" || k == "SmsSid" || k == "MessageSid") sid_at.push_back(i);
      if (k == "From") from_at = i;
      if (k == "Body") body_at = i;
    }
  }

  std::string sid(std::uint64_t n) const {
    char text[27];
    std::snprintf(text, sizeof text, "%024llx", static_cast<unsigned long long>(n));
    return "SM" + prefix + text;
  }

  // Request n's bytes into `out` (reused: its capacity survives across requests).
  void build(std::uint64_t n, std::string& out) {
    auto s = sid(n);
    for (auto i : sid_at) params[i].second = s;  // letters and digits: encoded as is
    for (auto i : sid_at) encoded[i] = s;
    char from[16];
    std::snprintf(from, sizeof from, "+1415555%04lld", static_cast<long long>(n % customers));
    params[from_at].second = from;
    encoded[from_at] = carriers::form_encode(from);
    params[body_at].second = "Hi, this is about my order #" + std::to_string(n) +
                             ": can you tell me when it ships? Thanks!";
    encoded[body_at] = carriers::form_encode(params[body_at].second);
    body.clear();
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (i) body += '&';
      body += params[i].first;
      body += '=';
      body += encoded[i];
    }
    auto signature = carriers::twilio_signature(key, url, params);
    out.clear();
    out += "POST ";
    out += path;
    out +=
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: TwilioProxy/1.1\r\nAccept: */*\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: ";
    out += signature;
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n\r\n";
    out += body;
  }
};

// ---- answers: status line and Content-Length only ----

struct answer {
  unsigned status = 0;
  bool close = false;
  std::size_t length = 0;  // header + body bytes
};

bool iequals_prefix(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// nullopt: the header is not complete yet; status 0: unparseable.
std::optional<answer> parse_head(std::string_view data) {
  auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  answer a;
  auto head = data.substr(0, end + 2);
  if (head.size() < 12 || !head.starts_with("HTTP/1.")) return a;
  std::from_chars(head.data() + 9, head.data() + 12, a.status);
  bool has_length = false;
  std::size_t at = head.find("\r\n") + 2;
  while (at < head.size()) {
    auto eol = head.find("\r\n", at);
    auto line = head.substr(at, eol - at);
    if (iequals_prefix(line, "content-length:")) {
      auto v = line.substr(15);
      v.remove_prefix(std::min(v.find_first_not_of(' '), v.size()));
      std::size_t n = 0;
      if (std::from_chars(v.data(), v.data() + v.size(), n).ec == std::errc{}) {
        a.length = n;
        has_length = true;
      }
    } else if (iequals_prefix(line, "connection:") &&
               line.find("close") != std::string_view::npos) {
      a.close = true;
    }
    at = eol + 2;
  }
  if (!has_length) a.status = 0;  // both servers always send one; anything else is an error here
  a.length += end + 4;
  return a;
}

// ---- the run ----

struct run_state {
  tcp::endpoint ep;
  generator gen;
  clock_type::time_point deadline;
  std::vector<std::uint32_t> latency_us;
  std::vector<std::uint64_t> acked;
  std::uint64_t sent = 0, answered = 0, non_2xx = 0, errors = 0, reconnects = 0;
  std::map<unsigned, std::uint64_t> statuses;
  std::map<std::string, std::uint64_t> error_kinds;
  clock_type::time_point start, last_done;
  std::vector<std::uint64_t> per_second;  // answers by second of the run: shows drift as data grows
  std::size_t running = 0;
};

asio::awaitable<void> connection(run_state& st) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket sock(ex);
  bool connected = false;
  std::string req;
  std::string in;
  std::array<char, 16384> chunk;
  auto note_error = [&](const std::string& what) {
    ++st.errors;
    ++st.error_kinds[what];
    boost::system::error_code ignored;
    sock.close(ignored);
    connected = false;
    in.clear();
  };
  while (clock_type::now() < st.deadline) {
    if (!connected) {
      auto [cec] = co_await sock.async_connect(st.ep, use_tuple);
      if (cec) {
        note_error("connect: " + cec.message());
        asio::steady_timer pause(ex, std::chrono::milliseconds(10));  // no hot loop on a dead port
        co_await pause.async_wait(use_tuple);
        continue;
      }
      boost::system::error_code ignored;
      sock.set_option(tcp::no_delay(true), ignored);
      connected = true;
    }
    auto n = st.gen.next++;
    st.gen.build(n, req);
    auto t0 = clock_type::now();
    ++st.sent;
    auto [wec, wn] = co_await asio::async_write(sock, asio::buffer(req), use_tuple);
    if (wec) {
      note_error("write: " + wec.message());
      continue;
    }
    std::optional<answer> a;
    boost::system::error_code rec;
    while (!(a = parse_head(in)) || (a->status != 0 && in.size() < a->length)) {
      auto [e, got] = co_await sock.async_read_some(asio::buffer(chunk), use_tuple);
      if (e) {
        rec = e;
        break;
      }
      in.append(chunk.data(), got);
    }
    if (rec) {
      note_error("read: " + rec.message());
      continue;
    }
    if (a->status == 0) {
      note_error("unparseable answer");
      continue;
    }
    auto t1 = clock_type::now();
    ++st.answered;
    st.last_done = t1;
    auto second = static_cast<std::size_t>(
        std::chrono::duration_cast<std::chrono::seconds>(t1 - st.start).count());
    if (second >= st.per_second.size()) st.per_second.resize(second + 1);
    ++st.per_second[second];
    st.latency_us.push_back(static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
    ++st.statuses[a->status];
    if (a->status >= 200 && a->status < 300)
      st.acked.push_back(n);
    else
      ++st.non_2xx;
    in.erase(0, a->length);
    if (a->close) {
      ++st.reconnects;
      boost::system::error_code ignored;
      sock.close(ignored);
      connected = false;
      in.clear();
    }
  }
  --st.running;
}

}  // namespace

int main(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    std::string_view kv = argv[i];
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) fail("expected key=value, got " + std::string(kv));
    a.kv[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  auto port = a.num("port");
  auto seconds = a.num("seconds");
  auto conns = a.num("connections", 64);
  if (port > 65535) fail("bad port");

  run_state st;
  st.ep = tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  st.gen.key = a.str("key");
  st.gen.path = a.str("path", "/webhooks/twilio/sms");
  st.gen.url = a.str("public_url") + st.gen.path;
  st.gen.to = a.str("to");
  st.gen.customers = a.num("customers", 1000);
  if (st.gen.customers > 10000) fail("customers: at most 10000 (+1415555xxxx)");
  st.gen.init();
  char prefix[9];
  std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(std::random_device{}()));
  st.gen.prefix = prefix;
  auto acks_path = a.str("acks", "");

  std::string sample;
  st.gen.build(0, sample);
  std::printf("request: %zu bytes (header + form body), e.g. MessageSid %s\n", sample.size(),
              st.gen.sid(0).c_str());

  asio::io_context io{1};
  st.latency_us.reserve(1 << 20);
  st.acked.reserve(1 << 20);
  auto cpu0 = cpu_seconds();
  auto start = clock_type::now();
  st.deadline = start + std::chrono::seconds(seconds);
  st.start = st.last_done = start;
  for (std::int64_t i = 0; i < conns; ++i) {
    ++st.running;
    asio::co_spawn(io, connection(st), asio::detached);
  }
  io.run();  // every connection ends after its last answer past the deadline
  auto cpu = cpu_seconds() - cpu0;
  double elapsed = std::chrono::duration<double>(st.last_done - start).count();
  double wall = std::chrono::duration<double>(clock_type::now() - start).count();

  if (!acks_path.empty()) {
    std::FILE* f = std::fopen(acks_path.c_str(), "w");
    if (!f) fail("cannot write " + acks_path);
    for (auto n : st.acked) std::fprintf(f, "%s\n", st.gen.sid(n).c_str());
    if (std::fclose(f) != 0) fail("cannot write " + acks_path);
  }

  auto p50 = percentile_ms(st.latency_us, 0.50);
  auto p99 = percentile_ms(st.latency_us, 0.99);
  auto max = st.latency_us.empty()
                 ? 0.0
                 : *std::max_element(st.latency_us.begin(), st.latency_us.end()) / 1000.0;
  double rps = elapsed > 0 ? static_cast<double>(st.answered) / elapsed : 0;
  std::printf(
      "%llu answered in %.2f s over %lld connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms, "
      "max %.2f ms\n",
      static_cast<unsigned long long>(st.answered), elapsed, static_cast<long long>(conns), rps,
      p50, p99, max);
  std::printf("  per second:");
  for (auto n : st.per_second) std::printf(" %llu", static_cast<unsigned long long>(n));
  std::printf("\n");
  for (auto& [status, n] : st.statuses)
    std::printf("  status %u: %llu\n", status, static_cast<unsigned long long>(n));
  for (auto& [what, n] : st.error_kinds)
    std::printf("  error: %llu × %s\n", static_cast<unsigned long long>(n), what.c_str());
  std::printf("client CPU: %.0f%% of one core\n", wall > 0 ? 100 * cpu / wall : 0);
  std::printf(
      "result sent=%llu answered=%llu acked=%zu non_2xx=%llu errors=%llu reconnects=%llu "
      "seconds=%.3f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f client_cpu_pct=%.0f\n",
      static_cast<unsigned long long>(st.sent), static_cast<unsigned long long>(st.answered),
      st.acked.size(), static_cast<unsigned long long>(st.non_2xx),
      static_cast<unsigned long long>(st.errors), static_cast<unsigned long long>(st.reconnects),
      elapsed, rps, p50, p99, max, wall > 0 ? 100 * cpu / wall : 0);
  std::fflush(stdout);
  return 0;
}
