#include "switchboard/http/outbound.hpp"

#include "switchboard/core/net_address.hpp"

#include <cctype>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <cerrno>
#include <map>
#include <mutex>

namespace switchboard::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  boost::system::error_code ec;
  auto a = asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

namespace {

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One kept-alive connection: plain TCP or TLS over TCP.
struct connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<tls_stream> tls;
  steady::time_point idle_since;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*tls); }

  // An idle connection must have nothing to read: pending bytes or EOF mean the
  // server closed it (or, for TLS, sent close_notify), so it cannot carry a request.
  bool peer_quiet() {
    char byte;
    auto n = ::recv(lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  // No TLS close_notify: the response was length-delimited and complete, and
  // waiting for the peer's answer would hold the caller up to no purpose.
  void close() {
    boost::system::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }
};

}  // namespace

// Idle connections by host. They hold no pending operation, so they never keep
// the io_context alive (a graceful stop still ends when the last request does);
// expiry and closure by the server are checked when a request looks for one.
struct outbound_client::pool {
  outbound_options opts;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle;
  counters stats;
  bool shut = false;

  void sweep(steady::time_point now) {
    for (auto it = idle.begin(); it != idle.end();) {
      auto& list = it->second;
      for (auto c = list.begin(); c != list.end();) {
        if (now - (*c)->idle_since >= opts.idle_timeout) {
          (*c)->close();
          c = list.erase(c);
          ++stats.stale_dropped;
        } else {
          ++c;
        }
      }
      it = list.empty() ? idle.erase(it) : std::next(it);
    }
  }

  // The most recently used live connection to `key`, or null.
  std::unique_ptr<connection> take(const std::string& key) {
    sweep(steady::now());
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    auto& list = it->second;
    while (!list.empty()) {
      auto c = std::move(list.back());
      list.pop_back();
      if (c->peer_quiet()) return c;
      c->close();
      ++stats.stale_dropped;
    }
    return nullptr;
  }

  void put(const std::string& key, std::unique_ptr<connection> c) {
    if (shut || opts.max_idle_per_host == 0) {
      c->close();
      return;
    }
    c->lowest().expires_never();
    c->idle_since = steady::now();
    auto& list = idle[key];
    if (list.size() >= opts.max_idle_per_host) {
      list.front()->close();  // the oldest is the likeliest to be closed by the server soon
      list.erase(list.begin());
    }
    list.push_back(std::move(c));
  }

  void close_all() {
    for (auto& [key, list] : idle)
      for (auto& c : list) c->close();
    idle.clear();
  }
};

namespace {

// Closes the pools of an io_context when it shuts down, before its socket
// services go: a client may be owned by something that outlives the
// io_context (e.g. a route table), and its idle sockets must not.
class pool_registry : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;
  explicit pool_registry(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}
  void add(const std::shared_ptr<outbound_client::pool>& p) {
    std::lock_guard lock(mu_);
    std::erase_if(pools_, [](auto& w) { return w.expired(); });
    pools_.push_back(p);
  }

 private:
  void shutdown() override {
    std::lock_guard lock(mu_);
    for (auto& w : pools_)
      if (auto p = w.lock()) {
        p->shut = true;
        p->close_all();
      }
    pools_.clear();
  }
  std::mutex mu_;
  std::vector<std::weak_ptr<outbound_client::pool>> pools_;
};

asio::execution_context::id pool_registry::id;

}  // namespace

struct outbound_client::impl {
  impl(asio::any_io_executor ex, outbound_options opts)
      : ex(std::move(ex)),
        tls(ssl::context::tls_client),
        pool(std::make_shared<outbound_client::pool>()) {
    if (opts.ca_pem.empty())
      tls.set_default_verify_paths();
    else
      tls.add_certificate_authority(asio::buffer(opts.ca_pem));
    tls.set_verify_mode(ssl::verify_peer);
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    pool->opts = opts;
    asio::use_service<pool_registry>(asio::query(this->ex, asio::execution::context)).add(pool);
  }
  asio::any_io_executor ex;
  ssl::context tls;
  // Shared with the io_context's registry, which closes it at shutdown.
  std::shared_ptr<outbound_client::pool> pool;
};

outbound_client::outbound_client(asio::io_context& io, outbound_options opts)
    : outbound_client(asio::any_io_executor(io.get_executor()), opts) {}
outbound_client::outbound_client(const asio::any_io_executor& ex, outbound_options opts)
    : impl_(std::make_unique<impl>(ex, opts)) {}

outbound_client::~outbound_client() {
  impl_->pool->shut = true;
  impl_->pool->close_all();
}

void outbound_client::close_idle() { impl_->pool->close_all(); }
outbound_client::counters outbound_client::stats() const { return impl_->pool->stats; }
std::size_t outbound_client::idle_connections() const {
  std::size_t n = 0;
  for (auto& [key, list] : impl_->pool->idle) n += list.size();
  return n;
}

namespace {

struct exchanged {
  result<outbound_response> out = error{"UNAVAILABLE", "no answer"};
  bool nothing_sent = false;  // the write failed before a byte of the request left
  bool reusable = false;      // complete response, keep-alive, nothing buffered beyond it
};

template <class Stream>
asio::awaitable<exchanged> round_trip(Stream& stream,
                                      const bhttp::request<bhttp::string_body>& req, std::size_t max_body) {
  exchanged x;
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_tuple);
  if (wec) {
    x.nothing_sent = wn == 0;
    x.out = error{"UNAVAILABLE", "write: " + wec.message()};
    co_return x;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(max_body);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
  if (rec == bhttp::error::body_limit) {
    x.out = error{"PAYLOAD_TOO_LARGE", "the answer is larger than " + std::to_string(max_body) + " bytes"};
    co_return x;
  }
  if (rec) {
    x.out = error{"UNAVAILABLE", "read: " + rec.message()};
    co_return x;
  }
  auto& res = parser.get();
  x.reusable = res.keep_alive() && parser.is_done() && buffer.size() == 0;
  outbound_response out{static_cast<int>(res.result_int()), std::move(res.body()), {}};
  for (auto& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  x.out = std::move(out);
  co_return x;
}

}  // namespace

asio::awaitable<result<outbound_response>> outbound_client::request(const outbound_request& r) {
  auto u = boost::urls::parse_uri(r.url);
  if (!u || (u->scheme() != "https" && u->scheme() != "http") || u->host().empty())
    co_return error{"INVALID_INPUT", "not an http(s) URL: " + r.url};
  bool use_tls = u->scheme() == "https";
  std::string host = u->host();
  if (!use_tls && !is_loopback_host(host))
    co_return error{"INVALID_INPUT", "plain http is allowed to loopback only: " + r.url};
  std::string port = u->has_port() ? std::string(u->port()) : (use_tls ? "443" : "80");
  std::string target = std::string(u->encoded_path());
  if (target.empty()) target = "/";
  if (u->has_query()) target += "?" + std::string(u->encoded_query());

  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r.method), target, 11};
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::user_agent, "switchboard");
  for (auto& [k, v] : r.headers) req.set(k, v);
  req.body() = r.body;
  req.prepare_payload();

  auto& pool = impl_->pool;
  // A guarded request never reuses a connection an unguarded one opened (to an
  // operator's internal host, say): the guard's check runs when a connection opens.
  std::string key = std::string(r.public_only ? "public " : "") + (use_tls ? "https://" : "http://") + host + ":" + port;
  for (int attempt = 0;; ++attempt) {
    auto conn = pool->take(key);
    bool reused = conn != nullptr;
    if (reused) {
      ++pool->stats.reused;
    } else {
      tcp::resolver resolver(impl_->ex);
      auto [dec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
      if (dec) co_return error{"UNAVAILABLE", "resolve " + host + ": " + dec.message()};
      if (r.public_only)
        for (auto& entry : endpoints) {
          auto address = parse_ip(entry.endpoint().address().to_string());
          if (!address || !is_public_address(*address))
            co_return error{"FORBIDDEN", host + " resolves to a private or reserved address (" +
                                             entry.endpoint().address().to_string() + ")"};
        }
      conn = std::make_unique<connection>();
      if (use_tls) {
        conn->tls = std::make_unique<tls_stream>(impl_->ex, impl_->tls);
        // SNI and host-name verification: the certificate must name the host.
        if (!SSL_set_tlsext_host_name(conn->tls->native_handle(), host.c_str()))
          co_return error{"UNAVAILABLE", "TLS: cannot set SNI"};
        conn->tls->set_verify_callback(ssl::host_name_verification(host));
      } else {
        conn->plain = std::make_unique<beast::tcp_stream>(impl_->ex);
      }
      auto& layer = conn->lowest();
      layer.expires_after(r.timeout);
      auto [cec, ep] = co_await layer.async_connect(endpoints, use_tuple);
      if (cec) co_return error{"UNAVAILABLE", "connect " + host + ": " + cec.message()};
      if (use_tls) {
        auto [hec] = co_await conn->tls->async_handshake(ssl::stream_base::client, use_tuple);
        if (hec)
          co_return error{"UNAVAILABLE", "TLS handshake with " + host + ": " + hec.message()};
      }
      ++pool->stats.connections_opened;
    }
    conn->lowest().expires_after(r.timeout);
    exchanged x;
    if (use_tls)
      x = co_await round_trip(*conn->tls, req, r.max_body);
    else
      x = co_await round_trip(*conn->plain, req, r.max_body);
    if (x.out && x.reusable) {
      pool->put(key, std::move(conn));
    } else {
      conn->close();
    }
    // A pooled connection the server had closed: retried once on a fresh one, but
    // only when no byte of the request left, so a POST is never sent twice.
    if (!x.out && reused && x.nothing_sent && attempt == 0) {
      ++pool->stats.retried;
      continue;
    }
    co_return std::move(x.out);
  }
}

}  // namespace switchboard::http

namespace switchboard::http {

std::string outbound_response::header(std::string_view name) const {
  auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
  };
  for (auto& [k, v] : headers)
    if (same(k, name)) return v;
  return "";
}

}  // namespace switchboard::http
