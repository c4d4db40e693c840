#include "switchboard/web/static_files.hpp"

#include <array>
#include <memory>

#include <openssl/evp.h>

#include "switchboard/core/embedded.hpp"

namespace switchboard::web {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A strong validator from the content: the assets change only with the binary.
std::string etag_of(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned i = 0; i < 12 && i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out + "\"";
}

// Pages load only their own scripts and styles and talk only to this server.
constexpr std::string_view page_csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

struct asset {
  std::string_view data;
  std::string content_type;
  std::string etag;
  bool html = false;
};

http::response serve(const asset& a, const http::request& req) {
  http::response res;
  res.headers.add("ETag", a.etag);
  res.headers.add("Cache-Control", "no-cache");
  res.headers.add("X-Content-Type-Options", "nosniff");
  if (a.html) {
    res.headers.add("Content-Security-Policy", std::string(page_csp));
    res.headers.add("Referrer-Policy", "same-origin");
  }
  if (auto inm = req.headers.get("If-None-Match"); inm && *inm == a.etag) {
    res.status = 304;
    res.content_type.clear();
    return res;
  }
  res.status = 200;
  res.content_type = a.content_type;
  res.body = std::string(a.data);
  return res;
}

}  // namespace

std::string_view content_type_for(std::string_view name) {
  if (ends_with(name, ".html")) return "text/html; charset=utf-8";
  if (ends_with(name, ".js") || ends_with(name, ".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(name, ".css")) return "text/css; charset=utf-8";
  if (ends_with(name, ".svg")) return "image/svg+xml";
  if (ends_with(name, ".png")) return "image/png";
  if (ends_with(name, ".ico")) return "image/x-icon";
  if (ends_with(name, ".json") || ends_with(name, ".webmanifest")) return "application/json";
  if (ends_with(name, ".wav")) return "audio/wav";
  if (ends_with(name, ".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string_view> find_file(std::string_view name) {
  for (const auto& f : embedded::web::files())
    if (name == f.name) return std::string_view(f.data, f.size);
  return std::nullopt;
}

void add_static_routes(http::router& routes) {
  for (const auto& f : embedded::web::files()) {
    std::string name = f.name;
    auto a = std::make_shared<asset>();
    a->data = std::string_view(f.data, f.size);
    a->content_type = std::string(content_type_for(name));
    a->etag = etag_of(a->data);
    a->html = ends_with(name, ".html");
    auto handler = [a](http::request& req) -> boost::asio::awaitable<http::response> {
      co_return serve(*a, req);
    };
    routes.add("GET", "/" + name, handler);
    if (name == "index.html" || ends_with(name, "/index.html")) {
      auto dir = "/" + name.substr(0, name.size() - std::string_view("index.html").size());
      if (dir != "/") {
        routes.add("GET", dir, handler);
        std::string to = dir;
        auto redirect = [to](http::request&) -> boost::asio::awaitable<http::response> {
          http::response res;
          res.status = 308;
          res.content_type.clear();
          res.headers.add("Location", to);
          co_return res;
        };
        routes.add("GET", dir.substr(0, dir.size() - 1), redirect);
      }
    }
  }
}

}  // namespace switchboard::web
