#include "switchboard/http/server.hpp"

#include <charconv>
#include <chrono>
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
  beast::tcp_stream* stream;  // moved from once ws is set: use ws then
  bool idle = true;           // waiting for the first byte of a request
  websocket_session* ws = nullptr;  // set when the connection was handed to a WebSocket
};

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
  asio::awaitable<void> session(std::shared_ptr<impl> self, tcp::socket socket);
  asio::awaitable<void> lingering_close(beast::tcp_stream& stream);
  asio::awaitable<response> dispatch(request& req, const match_result& m);
  asio::awaitable<ws_accept> dispatch_ws(request& req, const route& r);
  // Request metrics and the access-log line.
  void record(const request& req, const std::string& remote, int status, std::size_t bytes,
              clock::time_point started);
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
      c->stream->cancel();
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
        c->stream->socket().close();
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
    if (connections.size() >= cfg.max_connections) {
      spdlog::warn("http: connection cap {} reached, refusing a connection", cfg.max_connections);
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(io, session(self, std::move(socket)),
                   [](std::exception_ptr e) { log_exception(e, "http session"); });
  }
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

void server::impl::record(const request& req, const std::string& remote, int status,
                          std::size_t bytes, clock::time_point started) {
  double seconds = std::chrono::duration<double>(clock::now() - started).count();
  std::string_view route_label = req.route.empty() ? std::string_view("unmatched") : req.route;
  stats.observe_request(route_label, req.method.empty() ? std::string_view("-") : req.method,
                        status, seconds);
  if (auto* log = access_logger()) {
    // The path only: query strings can carry tokens.
    log->info("{} \"{} {}\" {} {} {:.3f}ms rid={}", remote.empty() ? "-" : remote,
              req.method.empty() ? "-" : req.method, req.path.empty() ? "-" : req.path, status,
              bytes, seconds * 1000, req.request_id);
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

asio::awaitable<void> server::impl::session(std::shared_ptr<impl> self, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  connection conn{&stream};
  connections.insert(&conn);
  ++stats.open_connections;
  struct unregister {
    impl* d;
    connection* c;
    ~unregister() {
      d->connections.erase(c);
      --d->stats.open_connections;
      d->finish_if_stopped();
    }
  } guard{this, &conn};

  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  beast::flat_buffer buffer;
  std::string wire;  // reused for every response on this connection
  bool linger = false;

  for (;;) {
    if (buffer.size() == 0) {
      // Waiting for a request: the keep-alive idle timeout applies.
      conn.idle = true;
      if (stopping) break;
      stream.expires_after(cfg.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_tuple);
      conn.idle = false;
      if (ec) break;
      buffer.commit(n);
    }
    conn.idle = false;
    auto started = clock::now();

    bhttp::request_parser<bhttp::empty_body> head;
    head.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
    // Usually the whole header came with the first read: parse it in place and
    // skip a timer re-arm and an async round trip.
    boost::system::error_code hec;
    buffer.consume(head.put(buffer.data(), hec));
    // From the first byte on, the whole request must arrive within read_timeout.
    bool read_deadline_armed = false;
    if (hec == bhttp::error::need_more) {
      stream.expires_after(cfg.read_timeout);
      read_deadline_armed = true;
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, head, use_tuple);
      hec = ec;
    }

    request req;
    req.remote = remote;
    response res;
    bool must_close = false;
    unsigned version = 11;
    bool client_keep_alive = false;

    if (hec == bhttp::error::header_limit) {
      req.request_id = next_request_id();
      res = response::error(431, "HEADERS_TOO_LARGE", "request headers exceed the limit");
      must_close = linger = true;
    } else if (is_parse_error(hec)) {
      req.request_id = next_request_id();
      res = response::error(400, "INVALID_INPUT", "malformed HTTP request");
      must_close = linger = true;
    } else if (hec) {
      break;  // timeout, reset, cancelled: nothing sensible to answer
    } else {
      auto& h = head.get();
      version = h.version();
      client_keep_alive = h.keep_alive();
      req.method = std::string(h.method_string());
      req.target = std::string(h.target());
      for (auto& f : h) req.headers.add(f.name_string(), f.value());
      auto incoming = req.headers.get("X-Request-Id");
      req.request_id = incoming && valid_request_id(*incoming) ? std::string(*incoming)
                                                               : next_request_id();
      auto split = split_target(req.target);
      if (!split) {
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
                    std::move(stream), cfg, m.found->ws_opts, remote, req.request_id);
                // From here on `stream` is moved from: stop() and the deadline use conn.ws.
                // conn stays registered (and counted) until this coroutine ends.
                conn.ws = ws.get();
                auto upgrade = parser.release();
                buffer = beast::flat_buffer();  // not needed any more; a socket can live for hours
                std::string().swap(wire);
                auto accept_op = ws->accept(upgrade);
                boost::system::error_code aec = co_await std::move(accept_op);
                record(req, remote, aec ? 400 : 101, 0, started);
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
    // Serialized by hand into one buffer: one write, no Beast serializer.
    wire.clear();
    serialize_response(res, version, keep_alive, req.request_id, wire);
    stream.expires_after(cfg.write_timeout);
    auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(wire), use_tuple);

    record(req, remote, res.status, wn, started);
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
