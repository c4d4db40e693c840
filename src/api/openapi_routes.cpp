// GET /api/v1/openapi.json: the OpenAPI 3.1 document of /api/v1 and the widget
// API (docs/openapi.json, embedded at build time, so nothing is read at run time).
// Public: a description of the API is no secret, and clients fetch it before they
// have a token. tests/integration/api/openapi_test.cpp keeps it in step with the router.
#include <memory>
#include <string>
#include <string_view>

#include "routes.hpp"
#include "switchboard/core/digest.hpp"
#include "switchboard/core/embedded.hpp"

namespace switchboard::api {

namespace {

std::string_view document() {
  for (const auto& f : embedded::openapi::files())
    if (std::string_view(f.name) == "openapi.json") return {f.data, f.size};
  return {};
}

}  // namespace

void add_openapi_routes(http::router& r, api_context&) {
  // The document changes only with the binary: a content ETag, computed once.
  auto etag = std::make_shared<const std::string>("\"" + sha256_hex(document()).substr(0, 24) + "\"");
  r.add("GET", "/api/v1/openapi.json", [etag](http::request& req) -> boost::asio::awaitable<http::response> {
    http::response res;
    res.headers.add("ETag", *etag);
    res.headers.add("Cache-Control", "no-cache");
    res.headers.add("X-Content-Type-Options", "nosniff");
    if (auto inm = req.headers.get("If-None-Match"); inm && *inm == *etag) {
      res.status = 304;
      res.content_type.clear();
      co_return res;
    }
    res.status = 200;
    res.content_type = "application/json";
    res.body = std::string(document());
    co_return res;
  });
}

}  // namespace switchboard::api
