// The outbound client verifies the carrier's certificate and host name: a local
// HTTPS server on 127.0.0.1 presents certificates made here at run time (a test
// CA, a self-signed one, one for another name), and the client, trusting only the
// test CA (outbound_options::ca_pem), must refuse all but the right one.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/http/outbound.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
namespace sbh = switchboard::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// --- Keys and certificates, made with the OpenSSL 3 API -------------------------

struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("openssl: ") + what);
}

pkey_ptr ec_key() {
  pkey_ptr k(EVP_EC_gen("P-256"));
  check(k != nullptr, "EVP_EC_gen");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, value);
  check(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// A certificate for `cn` holding `key`, signed by `issuer_key` (issuer null: self-signed).
// A leaf names `dns` in subjectAltName, which is what host-name checks read.
x509_ptr make_cert(const std::string& cn, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                   bool ca, const std::string& dns, long serial) {
  x509_ptr x(X509_new());
  check(x != nullptr, "X509_new");
  check(X509_set_version(x.get(), X509_VERSION_3) == 1, "version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial) == 1, "serial");
  check(X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(x.get()), 24 * 3600) != nullptr, "notAfter");
  check(X509_set_pubkey(x.get(), key) == 1, "pubkey");
  X509_NAME* name = X509_get_subject_name(x.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                   0) == 1,
        "CN");
  X509* signer = issuer ? issuer : x.get();
  check(X509_set_issuer_name(x.get(), X509_get_subject_name(signer)) == 1, "issuer");
  add_ext(x.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(x.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(x.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(x.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_ext(x.get(), signer, NID_ext_key_usage, "serverAuth");
    add_ext(x.get(), signer, NID_subject_alt_name, ("DNS:" + dns).c_str());
  }
  if (issuer) add_ext(x.get(), signer, NID_authority_key_identifier, "keyid:always");
  check(X509_sign(x.get(), issuer ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return x;
}

template <class Write>
std::string pem(Write write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  check(bio && write(bio.get()) == 1, "PEM write");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}
std::string cert_pem(X509* x) {
  return pem([x](BIO* b) { return PEM_write_bio_X509(b, x); });
}
std::string key_pem(EVP_PKEY* k) {
  return pem([k](BIO* b) {
    return PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

struct identity {
  std::string cert, key;  // PEM
};

// The test's PKI: a CA, and server identities it signed or that sign themselves.
struct test_pki {
  pkey_ptr ca_key = ec_key();
  x509_ptr ca = make_cert("Switchboard Test CA", ca_key.get(), nullptr, nullptr, true, "", 1);
  std::string ca_pem = cert_pem(ca.get());
  long serial = 100;

  identity signed_for(const std::string& host) {
    auto k = ec_key();
    auto x = make_cert(host, k.get(), ca.get(), ca_key.get(), false, host, ++serial);
    return {cert_pem(x.get()), key_pem(k.get())};
  }
  identity self_signed_for(const std::string& host) {
    auto k = ec_key();
    auto x = make_cert(host, k.get(), nullptr, nullptr, false, host, ++serial);
    return {cert_pem(x.get()), key_pem(k.get())};
  }
};

// --- An HTTPS server on 127.0.0.1, port 0, on its own thread --------------------

class tls_server {
 public:
  explicit tls_server(const identity& id) : ctx_(ssl::context::tls_server) {
    ctx_.use_certificate_chain(asio::buffer(id.cert));
    ctx_.use_private_key(asio::buffer(id.key), ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~tls_server() {
    io_.stop();
    thread_.join();
  }
  std::string url(const std::string& host, const std::string& path = "/") const {
    return "https://" + host + ":" + std::to_string(port_) + path;
  }
  int handshakes() const { return handshakes_; }
  int requests() const { return requests_; }
  std::string server_name() const {
    std::lock_guard lock(mu_);
    return server_name_;
  }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(use_tuple);
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(sock)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket sock) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(sock), ctx_);
    beast::get_lowest_layer(stream).expires_after(10s);
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (hec) co_return;  // the client refused us (or gave up)
    ++handshakes_;
    {
      const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
      std::lock_guard lock(mu_);
      server_name_ = sni ? sni : "";
    }
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    auto [rec, rn] = co_await bhttp::async_read(stream, buffer, req, use_tuple);
    if (rec) co_return;
    ++requests_;
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.body() = "hello over tls: " + std::string(req.target());
    res.keep_alive(false);
    res.prepare_payload();
    co_await bhttp::async_write(stream, res, use_tuple);
  }

  asio::io_context io_;
  ssl::context ctx_;
  tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<int> handshakes_{0}, requests_{0};
  mutable std::mutex mu_;
  std::string server_name_;
};

// One GET through a fresh client, on an io_context of the test's.
switchboard::result<sbh::outbound_response> get(const std::string& url,
                                                const std::string& ca_pem) {
  asio::io_context io;
  sbh::outbound_options opts;
  opts.ca_pem = ca_pem;
  sbh::outbound_client client(io, opts);
  sbh::outbound_request req;
  req.method = "GET";
  req.url = url;
  req.timeout = 10s;
  switchboard::result<sbh::outbound_response> out = switchboard::error{"PENDING", "not run"};
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> { out = co_await client.request(req); },
      asio::detached);
  io.run();
  return out;
}

// A refusal names the TLS handshake and the verification that failed it.
void expect_refused(const switchboard::result<sbh::outbound_response>& r) {
  ASSERT_FALSE(r) << "accepted, status " << r->status << ": " << r->body;
  EXPECT_EQ(r.err().code, "UNAVAILABLE");
  EXPECT_NE(r.err().message.find("TLS handshake with localhost"), std::string::npos)
      << r.err().message;
  EXPECT_NE(r.err().message.find("certificate verify failed"), std::string::npos)
      << r.err().message;
}

}  // namespace

// (a) A self-signed certificate, even for the right name, is not trusted.
TEST(outbound_tls, a_self_signed_certificate_is_refused) {
  test_pki pki;
  tls_server server(pki.self_signed_for("localhost"));
  expect_refused(get(server.url("localhost"), pki.ca_pem));
  // Nor by the system's trust store.
  expect_refused(get(server.url("localhost"), ""));
  EXPECT_EQ(server.requests(), 0) << "the request reached a server the client must not trust";
}

// (b) A certificate the trusted CA signed, but for another host: the name is checked.
TEST(outbound_tls, a_trusted_certificate_for_another_host_is_refused) {
  test_pki pki;
  tls_server server(pki.signed_for("carrier.example"));
  expect_refused(get(server.url("localhost"), pki.ca_pem));
  EXPECT_EQ(server.requests(), 0) << "the request reached a server the client must not trust";
}

// (c) The right name, signed by the CA the client was given: accepted, and the
// client named the host in SNI (a server with several certificates picks by it).
TEST(outbound_tls, a_certificate_for_the_host_from_the_trusted_ca_is_accepted) {
  test_pki pki;
  tls_server server(pki.signed_for("localhost"));
  auto r = get(server.url("localhost", "/2010-04-01/Accounts"), pki.ca_pem);
  ASSERT_TRUE(r) << r.err().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello over tls: /2010-04-01/Accounts");
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(server.server_name(), "localhost");

  // The test CA is trusted only when given: the default is the system's store.
  expect_refused(get(server.url("localhost"), ""));
  EXPECT_EQ(server.requests(), 1);
}
