#include "switchboard/http/server.hpp"

#include <charconv>
#include <chrono>
#include <list>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include "switchboard/core/logging.hpp"
#include "switchboard/core/net_address.hpp"
#include "switchboard/core/random.hpp"
#include "websocket_session.hpp"

namespace switchboard::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct connection {
  connection(tcp::socket s, std::string peer, bool peer_is_proxy)
      : stream(std::move(s)), peer(std::move(peer)), peer_is_proxy(peer_is_proxy) {}
  beast::tcp_stream stream;  // moved from once ws is set: use ws then
  std::string peer;          // the TCP peer's address (normalised), the per-address key
  bool peer_is_proxy;        // inside http.trusted_proxies
  bool idle = true;          // waiting for the first byte of a request
  bool shed = false;         // closed to make room at the connection cap
  websocket_session* ws = nullptr;  // set when the connection was handed to a WebSocket
  // Position in impl::fresh while no complete request header has arrived.
  std::optional<std::list<connection*>::iterator> fresh_pos;
};

// A warning that repeats under attack is written at most every 10 s, with a count.
struct throttled_warning {
  clock::time_point last{};
  std::uint64_t suppressed = 0;
  // True when the warning may be written now; `skipped` is how many were not since the last.
  bool ready(std::uint64_t& skipped) {
    auto now = clock::now();
    if (last != clock::time_point{} && now - last < std::chrono::seconds(10)) {
      ++suppressed;
      return false;
    }
    skipped = suppressed;
    last = now;
    suppressed = 0;
    return true;
  }
};

// Metrics labels come from closed sets only: a client's method token must never
// become a new series.
std::string_view method_label(std::string_view m) {
  static constexpr std::string_view known[] = {"GET",     "HEAD",  "POST",    "PUT",
                                               "PATCH",   "DELETE", "OPTIONS"};
  for (auto k : known)
    if (m == k) return k;
  return "other";
}

// The access log copies at most this much of a request line.
constexpr std::size_t log_method_max = 16, log_path_max = 256;
std::string capped(std::string_view s, std::size_t max) {
  if (s.empty()) return "-";
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "...";
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The only Transfer-Encoding accepted is a lone "chunked" (RFC 9112 6.3: when chunked is
// not the final coding the body's length is unknown; other codings are not implemented).
bool transfer_encoding_is_chunked_only(const bhttp::fields& h) {
  std::size_t tokens = 0;
  bool chunked = false;
  for (auto it = h.find(bhttp::field::transfer_encoding);
       it != h.end() && it->name() == bhttp::field::transfer_encoding; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto token = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
      if (token.empty()) continue;
      ++tokens;
      chunked = iequals(token, "chunked");
    }
  }
  return tokens == 1 && chunked;
}

// Parse errors (as opposed to I/O errors) get a 400 answer.
bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& io, const http_config& cfg, const router& routes, metrics& stats)
      : io(io), cfg(cfg), routes(routes), stats(stats), acceptor(io), stop_timer(io),
        rid_prefix(random_hex(4)) {}

  asio::io_context& io;
  http_config cfg;
  const router& routes;
  metrics& stats;
  tcp::acceptor acceptor;
  asio::steady_timer stop_timer;
  std::unordered_set<connection*> connections;
  std::unordered_map<std::string, std::size_t> per_peer;  // open connections by peer address
  std::list<connection*> fresh;  // no complete request header yet, oldest first
  std::size_t shedding = 0;      // shed connections whose coroutines have not ended yet
  throttled_warning warn_per_ip, warn_cap, warn_shed;
  bool stopping = false;
  std::function<void()> on_stopped;
  std::string rid_prefix;
  std::uint64_t rid_counter = 0;

  std::string next_request_id() {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ++rid_counter, 16);
    std::string id;
    id.reserve(rid_prefix.size() + 1 + static_cast<std::size_t>(end - buf));
    id += rid_prefix;
    id += '-';
    id.append(buf, end);
    return id;
  }

  asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
  asio::awaitable<void> session(std::shared_ptr<impl> self, std::unique_ptr<connection> owned);
  // At the connection cap: close the oldest connection that has not sent a request yet.
  bool shed_one();
  void not_fresh(connection& c) {
    if (c.fresh_pos) fresh.erase(*c.fresh_pos);
    c.fresh_pos.reset();
  }
  asio::awaitable<void> lingering_close(beast::tcp_stream& stream);
  asio::awaitable<response> dispatch(request& req, const match_result& m);
  asio::awaitable<ws_accept> dispatch_ws(request& req, const route& r);
  // Request metrics and the access-log line.
  void record(const request& req, int status, std::size_t bytes, clock::time_point started);
  void finish_if_stopped();
};

namespace {
void log_exception(std::exception_ptr e, const char* where) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::error("{}: {}", where, x.what());
  }
}
}  // namespace

server::server(asio::io_context& io, const http_config& cfg, const router& routes,
               metrics& stats)
    : impl_(std::make_shared<impl>(io, cfg, routes, stats)) {}

server::~server() = default;

result<void> server::listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->cfg.host, ec);
  std::string where = impl_->cfg.host + ":" + std::to_string(impl_->cfg.port);
  if (ec) return error{"INVALID_CONFIG", "listen: bad address " + where};
  tcp::endpoint ep(address, impl_->cfg.port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return error{"LISTEN_FAILED", "listen: cannot listen on " + where + ": " + ec.message()};
  return {};
}

std::uint16_t server::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void server::start() {
  auto self = impl_;
  asio::co_spawn(impl_->io, impl_->accept_loop(self),
                 [](std::exception_ptr e) { log_exception(e, "http accept loop"); });
}

bool server::stopping() const { return impl_->stopping; }
std::size_t server::open_connections() const { return impl_->connections.size(); }

void server::stop(std::function<void()> done) {
  auto& d = *impl_;
  if (d.stopping) return;
  d.stopping = true;
  d.on_stopped = std::move(done);
  boost::system::error_code ignored;
  d.acceptor.close(ignored);
  // Idle keep-alive connections have no request in flight: close them now.
  // WebSockets never finish by themselves: close them with 1001 after their
  // queued frames (no callback runs synchronously, so iterating is safe).
  for (auto* c : d.connections) {
    if (c->ws)
      c->ws->go_away();
    else if (c->idle)
      c->stream.cancel();
  }
  d.stop_timer.expires_after(d.cfg.shutdown_timeout);
  d.stop_timer.async_wait([self = impl_](boost::system::error_code ec) {
    if (ec) return;
    if (!self->connections.empty())
      spdlog::warn("http: shutdown deadline passed, closing {} connection(s)",
                   self->connections.size());
    for (auto* c : self->connections) {
      if (c->ws)
        c->ws->abort();
      else
        c->stream.socket().close();
    }
  });
  d.finish_if_stopped();
}

void server::impl::finish_if_stopped() {
  if (!stopping || !connections.empty() || !on_stopped) return;
  stop_timer.cancel();
  asio::post(io, std::move(on_stopped));
  on_stopped = nullptr;
}

asio::awaitable<void> server::impl::accept_loop(std::shared_ptr<impl> self) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors and similar: back off instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      asio::steady_timer t(io, std::chrono::milliseconds(50));
      co_await t.async_wait(use_tuple);
      continue;
    }
    std::string peer;
    bool peer_is_proxy = false;
    {
      boost::system::error_code rec;
      auto ep = socket.remote_endpoint(rec);
      if (rec) continue;  // already gone
      auto parsed = parse_ip(ep.address().to_string());
      peer = parsed ? to_string(*parsed) : ep.address().to_string();
      peer_is_proxy = parsed && contains_any(cfg.trusted_proxies, *parsed);
    }
    // Counted by the TCP peer, never by X-Forwarded-For (which the client writes). A trusted
    // proxy carries many clients' connections and is the operator's own: it is not capped.
    if (auto it = per_peer.find(peer);
        !peer_is_proxy && it != per_peer.end() && it->second >= cfg.max_connections_per_ip) {
      ++stats.connections_refused_per_ip;
      if (std::uint64_t skipped; warn_per_ip.ready(skipped))
        spdlog::warn("http: refusing a connection from {}: it has {} open "
                     "(http.max_connections_per_ip); {} similar since the last such message",
                     peer, it->second, skipped);
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    if (connections.size() - shedding >= cfg.max_connections && !shed_one()) {
      ++stats.connections_refused_cap;
      if (std::uint64_t skipped; warn_cap.ready(skipped))
        spdlog::warn("http: connection cap {} reached (http.max_connections) and every connection "
                     "has sent a request: refusing a connection from {}; {} similar since the last "
                     "such message",
                     cfg.max_connections, peer, skipped);
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    // Registered here, not when the coroutine first runs, so the caps count it at once.
    auto conn = std::make_unique<connection>(std::move(socket), std::move(peer), peer_is_proxy);
    connections.insert(conn.get());
    ++per_peer[conn->peer];
    fresh.push_back(conn.get());
    conn->fresh_pos = std::prev(fresh.end());
    ++stats.open_connections;
    asio::co_spawn(io, session(self, std::move(conn)),
                   [](std::exception_ptr e) { log_exception(e, "http session"); });
  }
}

bool server::impl::shed_one() {
  if (fresh.empty()) return false;
  connection* victim = fresh.front();
  not_fresh(*victim);
  victim->shed = true;
  ++shedding;
  ++stats.connections_shed;
  if (std::uint64_t skipped; warn_shed.ready(skipped))
    spdlog::warn("http: connection cap {} reached (http.max_connections): closing a connection "
                 "from {} that has not sent a request; {} similar since the last such message",
                 cfg.max_connections, victim->peer, skipped);
  boost::system::error_code ignored;
  victim->stream.socket().close(ignored);  // its pending read ends with operation_aborted
  return true;
}

asio::awaitable<response> server::impl::dispatch(request& req, const match_result& m) {
  if (!m.found) {
    if (m.path_known) {
      auto r = response::error(405, "METHOD_NOT_ALLOWED",
                               "method " + req.method + " is not allowed on " + req.path);
      r.headers.add("Allow", m.allow);
      co_return r;
    }
    co_return response::error(404, "NOT_FOUND", "no route for " + req.path);
  }
  try {
    co_return co_await m.found->fn(req);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: handler failed: {}", req.request_id, req.method,
                  req.route, e.what());
  }
  co_return response::error(500, "INTERNAL", "internal error (request " + req.request_id + ")");
}

asio::awaitable<ws_accept> server::impl::dispatch_ws(request& req, const route& r) {
  try {
    co_return co_await r.ws_fn(req);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: websocket handler failed: {}", req.request_id, req.method,
                  req.route, e.what());
  }
  ws_accept out;
  out.reject = response::error(500, "INTERNAL", "internal error (request " + req.request_id + ")");
  co_return out;
}

void server::impl::record(const request& req, int status, std::size_t bytes,
                          clock::time_point started) {
  double seconds = std::chrono::duration<double>(clock::now() - started).count();
  // Route templates only (never a raw path), known methods, status classes: a bounded set.
  std::string_view route_label = req.route.empty() ? std::string_view("unmatched") : req.route;
  stats.observe_request(route_label, method_label(req.method), status, seconds);
  if (auto* log = access_logger()) {
    // The path only: query strings can carry tokens. Method and path are capped. The
    // peer is named when it is a trusted proxy that forwarded for someone else.
    std::string via = req.peer != req.remote && !req.peer.empty() ? " via=" + req.peer : "";
    log->info("{} \"{} {}\" {} {} {:.3f}ms rid={}{}", req.remote.empty() ? "-" : req.remote,
              capped(req.method, log_method_max), capped(req.path, log_path_max), status, bytes,
              seconds * 1000, req.request_id, via);
  }
}

// Half-close, then read and discard what the client still sends for a short
// while, so it receives our response instead of a reset.
asio::awaitable<void> server::impl::lingering_close(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  std::size_t drained = 0;
  char sink[8192];
  stream.expires_after(std::chrono::milliseconds(500));
  while (drained < (1u << 20)) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    if (rec) break;
    drained += n;
  }
}

asio::awaitable<void> server::impl::session(std::shared_ptr<impl> self,
                                            std::unique_ptr<connection> owned) {
  connection& conn = *owned;
  auto& stream = conn.stream;
  struct unregister {
    impl* d;
    connection* c;
    ~unregister() {
      d->not_fresh(*c);
      if (c->shed) --d->shedding;
      d->connections.erase(c);
      if (auto it = d->per_peer.find(c->peer); it != d->per_peer.end() && --it->second == 0)
        d->per_peer.erase(it);
      --d->stats.open_connections;
      d->finish_if_stopped();
    }
  } guard{this, &conn};

  const std::string& peer = conn.peer;
  beast::flat_buffer buffer;
  std::string wire;  // reused for every response on this connection
  bool linger = false;
  bool first_request = true;

  for (;;) {
    if (buffer.size() == 0) {
      // Waiting for a request: a new connection has http.first_byte_timeout to start one,
      // a keep-alive connection http.idle_timeout.
      conn.idle = true;
      if (stopping) break;
      stream.expires_after(first_request ? cfg.first_byte_timeout : cfg.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_tuple);
      conn.idle = false;
      if (ec) break;
      buffer.commit(n);
    }
    conn.idle = false;
    first_request = false;
    auto started = clock::now();

    bhttp::request_parser<bhttp::empty_body> head;
    // The route's body limit applies once the header is read (Beast's default, 1 MiB,
    // would fail a larger Content-Length as a parse error first).
    head.body_limit(boost::none);
    // Beast applies header_limit to each put() call's bytes, not to the whole header:
    // pass what is left of it on every call, and check the total at the end.
    std::size_t header_used = 0;
    boost::system::error_code hec;
    auto put_header = [&] {
      std::size_t left = cfg.header_limit - std::min(header_used, cfg.header_limit);
      if (left == 0) {
        hec = bhttp::error::header_limit;
        return;
      }
      head.header_limit(static_cast<std::uint32_t>(left));
      auto used = head.put(buffer.data(), hec);
      buffer.consume(used);
      header_used += used;
    };
    // Usually the whole header came with the first read: parse it in place.
    put_header();
    // From the first byte on, the whole request must arrive within read_timeout.
    bool read_deadline_armed = false;
    while (hec == bhttp::error::need_more) {
      if (!read_deadline_armed) {
        stream.expires_after(cfg.read_timeout);
        read_deadline_armed = true;
      }
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_tuple);
      if (ec) {
        hec = ec;
        break;
      }
      buffer.commit(n);
      put_header();
    }
    if (!hec && header_used > cfg.header_limit) hec = bhttp::error::header_limit;
    if (!hec) not_fresh(conn);  // a complete request header: no longer sheddable

    request req;
    req.peer = peer;
    req.remote = peer;
    response res;
    bool must_close = false;
    unsigned version = 11;
    bool client_keep_alive = false;

    if (hec == bhttp::error::header_limit) {
      req.request_id = next_request_id();
      res = response::error(431, "HEADERS_TOO_LARGE", "request headers exceed the limit");
      must_close = linger = true;
    } else if (hec == bhttp::error::body_limit) {
      req.request_id = next_request_id();
      res = response::error(413, "PAYLOAD_TOO_LARGE", "request body exceeds the limit");
      must_close = linger = true;
    } else if (is_parse_error(hec)) {
      req.request_id = next_request_id();
      res = response::error(400, "INVALID_INPUT", "malformed HTTP request");
      must_close = linger = true;
    } else if (hec) {
      break;  // timeout, reset, cancelled, shed: nothing sensible to answer
    } else {
      auto& h = head.get();
      version = h.version();
      client_keep_alive = h.keep_alive();
      req.method = std::string(h.method_string());
      req.target = std::string(h.target());
      std::size_t fields = 0;
      for (auto& f : h) {
        req.headers.add(f.name_string(), f.value());
        ++fields;
      }
      auto incoming = req.headers.get("X-Request-Id");
      req.request_id = incoming && valid_request_id(*incoming) ? std::string(*incoming)
                                                               : next_request_id();
      if (conn.peer_is_proxy) {  // X-Forwarded-For is read only from a trusted proxy
        // Every X-Forwarded-For line, in order, wherever it stands: a proxy that adds its
        // own line after the client's headers must be the one read (right-most first).
        std::vector<std::string_view> forwarded;
        for (auto& f : h)
          if (iequals(f.name_string(), "X-Forwarded-For")) forwarded.push_back(f.value());
        req.remote = client_address(peer, forwarded, cfg.trusted_proxies);
      }
      auto split = split_target(req.target);
      auto hosts = h.count(bhttp::field::host);
      bool has_transfer_encoding = h.count(bhttp::field::transfer_encoding) > 0;
      if (fields > cfg.max_header_fields) {
        res = response::error(431, "HEADERS_TOO_LARGE",
                              "more than " + std::to_string(cfg.max_header_fields) +
                                  " request header fields");
        must_close = linger = true;
      } else if (hosts > 1 || (hosts == 0 && version >= 11)) {
        // RFC 9112 3.2: an HTTP/1.1 request has exactly one Host.
        res = response::error(400, "INVALID_INPUT", "a request needs exactly one Host header");
        must_close = linger = true;
      } else if (has_transfer_encoding &&
                 (version < 11 || h.count(bhttp::field::content_length) > 0 ||
                  !transfer_encoding_is_chunked_only(h))) {
        // Anything but a lone "chunked" (or any Transfer-Encoding in HTTP/1.0) leaves the
        // body's length unknown: its bytes must never be read as the next request.
        res = response::error(400, "INVALID_INPUT",
                              "unsupported Transfer-Encoding (only chunked, in HTTP/1.1)");
        must_close = linger = true;
      } else if (!split) {
        res = response::error(400, "INVALID_INPUT", split.err().message);
        must_close = linger = true;
      } else {
        req.path = std::move(split->first);
        req.query = std::move(split->second);
        auto m = routes.match(req.method, req.path);
        std::size_t limit = cfg.body_limit;
        if (m.found && m.found->options.body_limit) limit = *m.found->options.body_limit;
        bhttp::request_parser<bhttp::string_body> parser(std::move(head));
        parser.body_limit(limit);
        auto length = parser.content_length();
        if (length && *length > limit) {
          // Refuse before reading a byte of the body.
          res = response::error(413, "PAYLOAD_TOO_LARGE",
                                "request body exceeds " + std::to_string(limit) + " bytes");
          must_close = linger = true;
        } else {
          if (!parser.is_done()) {
            if (bhttp::token_list(parser.get()[bhttp::field::expect]).exists("100-continue")) {
              bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
              stream.expires_after(cfg.write_timeout);
              auto [cec, cn] = co_await bhttp::async_write(stream, cont, use_tuple);
              if (cec) break;
              stream.expires_after(cfg.read_timeout);
              read_deadline_armed = true;
            }
            // Usually the body came with the header too: parse what is buffered in
            // place, and read from the socket only for the rest.
            boost::system::error_code bec;
            while (!parser.is_done() && buffer.size() > 0) {
              auto used = parser.put(buffer.data(), bec);
              buffer.consume(used);
              if (bec || used == 0) break;
            }
            if (bec == bhttp::error::need_more) bec = {};
            if (!bec && !parser.is_done()) {
              if (!read_deadline_armed) stream.expires_after(cfg.read_timeout);
              auto [rec, bn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
              bec = rec;
            }
            if (bec == bhttp::error::body_limit) {
              res = response::error(413, "PAYLOAD_TOO_LARGE",
                                    "request body exceeds " + std::to_string(limit) + " bytes");
              must_close = linger = true;
            } else if (is_parse_error(bec)) {
              res = response::error(400, "INVALID_INPUT", "malformed HTTP request body");
              must_close = linger = true;
            } else if (bec) {
              break;
            }
          }
          if (!must_close) {
            req.body = std::move(parser.get().body());
            req.route = m.found ? m.found->path_template : std::string();
            req.params = std::move(m.params);
            if (!m.is_websocket()) {
              res = co_await dispatch(req, m);
            } else if (!beast::websocket::is_upgrade(parser.get())) {
              res = response::error(426, "INVALID_INPUT", "WebSocket upgrade required");
              res.headers.add("Upgrade", "websocket");
            } else {
              ws_accept acc = co_await dispatch_ws(req, *m.found);
              if (acc.reject) {
                res = std::move(*acc.reject);
              } else if (stopping) {
                res = response::error(503, "UNAVAILABLE", "server is stopping");
              } else if (!acc.on_open) {
                spdlog::error("request {} {}: websocket handler neither rejected nor set on_open",
                              req.request_id, req.route);
                res = response::error(500, "INTERNAL",
                                      "internal error (request " + req.request_id + ")");
              } else {
                // Hand the connection over. The WebSocket keeps its own timeouts.
                // Bytes already buffered after the request would be frames sent
                // before our 101, which RFC 6455 forbids; they are dropped.
                stream.expires_never();
                auto ws = std::make_shared<websocket_session>(
                    std::move(stream), cfg, m.found->ws_opts, req.remote, req.request_id);
                // From here on `stream` is moved from: stop() and the deadline use conn.ws.
                // conn stays registered (and counted) until this coroutine ends.
                conn.ws = ws.get();
                auto upgrade = parser.release();
                buffer = beast::flat_buffer();  // not needed any more; a socket can live for hours
                std::string().swap(wire);
                auto accept_op = ws->accept(upgrade);
                boost::system::error_code aec = co_await std::move(accept_op);
                record(req, aec ? 400 : 101, 0, started);
                if (!aec) {
                  auto run_op = ws->run(std::move(acc.on_open));
                  co_await std::move(run_op);
                }
                co_return;
              }
            }
          }
        }
      }
    }

    bool keep_alive = client_keep_alive && !must_close && !res.close && !stopping;
    // Serialized by hand into one buffer: one write, no Beast serializer. A HEAD
    // request gets the GET response's headers and no body.
    wire.clear();
    serialize_response(res, version, keep_alive, req.request_id, wire, req.method == "HEAD");
    stream.expires_after(cfg.write_timeout);
    auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(wire), use_tuple);

    record(req, res.status, wn, started);
    if (wec || !keep_alive) break;
  }

  if (linger) {
    co_await lingering_close(stream);
  } else {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
  boost::system::error_code ec;
  stream.socket().close(ec);
}

}  // namespace switchboard::http
