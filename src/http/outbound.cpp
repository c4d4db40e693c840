#include "switchboard/http/outbound.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace switchboard::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  boost::system::error_code ec;
  auto a = asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

struct outbound_client::impl {
  explicit impl(asio::io_context& io) : io(io), tls(ssl::context::tls_client) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(ssl::verify_peer);
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  }
  asio::io_context& io;
  ssl::context tls;
};

outbound_client::outbound_client(asio::io_context& io) : impl_(std::make_unique<impl>(io)) {}
outbound_client::~outbound_client() = default;

namespace {

template <class Stream>
asio::awaitable<result<outbound_response>> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req,
                                                    beast::tcp_stream& tcp_layer,
                                                    std::chrono::milliseconds timeout) {
  tcp_layer.expires_after(timeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_tuple);
  if (wec) co_return error{"UNAVAILABLE", "write: " + wec.message()};
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1 << 20);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
  if (rec) co_return error{"UNAVAILABLE", "read: " + rec.message()};
  auto& res = parser.get();
  co_return outbound_response{static_cast<int>(res.result_int()), std::move(res.body())};
}

}  // namespace

asio::awaitable<result<outbound_response>> outbound_client::request(const outbound_request& r) {
  auto u = boost::urls::parse_uri(r.url);
  if (!u || (u->scheme() != "https" && u->scheme() != "http") || u->host().empty())
    co_return error{"INVALID_INPUT", "not an http(s) URL: " + r.url};
  bool tls = u->scheme() == "https";
  std::string host = u->host();
  if (!tls && !is_loopback_host(host))
    co_return error{"INVALID_INPUT", "plain http is allowed to loopback only: " + r.url};
  std::string port = u->has_port() ? std::string(u->port()) : (tls ? "443" : "80");
  std::string target = std::string(u->encoded_path());
  if (target.empty()) target = "/";
  if (u->has_query()) target += "?" + std::string(u->encoded_query());

  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r.method), target, 11};
  req.set(bhttp::field::host, host);
  req.set(bhttp::field::user_agent, "switchboard");
  for (auto& [k, v] : r.headers) req.set(k, v);
  req.body() = r.body;
  req.prepare_payload();

  tcp::resolver resolver(impl_->io);
  auto [dec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
  if (dec) co_return error{"UNAVAILABLE", "resolve " + host + ": " + dec.message()};

  if (!tls) {
    beast::tcp_stream stream(impl_->io);
    stream.expires_after(r.timeout);
    auto [cec, ep] = co_await stream.async_connect(endpoints, use_tuple);
    if (cec) co_return error{"UNAVAILABLE", "connect " + host + ": " + cec.message()};
    auto out = co_await exchange(stream, req, stream, r.timeout);
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return out;
  }

  beast::ssl_stream<beast::tcp_stream> stream(impl_->io, impl_->tls);
  // SNI and host-name verification: the certificate must name the host.
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
    co_return error{"UNAVAILABLE", "TLS: cannot set SNI"};
  stream.set_verify_callback(ssl::host_name_verification(host));
  auto& layer = beast::get_lowest_layer(stream);
  layer.expires_after(r.timeout);
  auto [cec, ep] = co_await layer.async_connect(endpoints, use_tuple);
  if (cec) co_return error{"UNAVAILABLE", "connect " + host + ": " + cec.message()};
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
  if (hec) co_return error{"UNAVAILABLE", "TLS handshake with " + host + ": " + hec.message()};
  auto out = co_await exchange(stream, req, layer, r.timeout);
  // A bounded TLS shutdown: peers often never answer close_notify.
  layer.expires_after(std::chrono::seconds(2));
  auto [sec] = co_await stream.async_shutdown(use_tuple);
  (void)sec;
  co_return out;
}

}  // namespace switchboard::http
