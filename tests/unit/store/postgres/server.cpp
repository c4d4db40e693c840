#include "unit/store/postgres/server.hpp"

#include <cstdlib>

namespace sbtest {

std::optional<std::string> postgres_url() {
  const char* url = std::getenv("SWITCHBOARD_TEST_POSTGRES_URL");
  if (url && *url) return std::string(url);
  return std::nullopt;
}

std::string with_search_path(const std::string& url, const std::string& schema) {
  // libpq's `options`: -c search_path=<schema>,public, URI-encoded.
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema +
         "%2Cpublic";
}

}  // namespace sbtest
