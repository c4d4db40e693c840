#include "unit/store/postgres/server.hpp"

#include <cstdlib>

#include "switchboard/store/postgres/connection.hpp"

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

void fresh_schema(switchboard::store::pg::connection& db, const std::string& schema) {
  db.exec("SELECT pg_advisory_lock(42)");
  db.exec("CREATE EXTENSION IF NOT EXISTS citext SCHEMA public; CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
  db.exec("SELECT pg_advisory_unlock(42)");
  db.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
}

}  // namespace sbtest
