#pragma once
// The PostgreSQL server of the tests (issue 19): scripts/test.sh (through
// scripts/pg.sh) starts a throwaway cluster and names it in
// SWITCHBOARD_TEST_POSTGRES_URL. Without it, PostgreSQL tests skip on a
// developer's machine and fail in CI (require_postgres()).
#include <optional>
#include <string>

namespace switchboard::store::pg {
class connection;
}

namespace sbtest {

std::optional<std::string> postgres_url();
// The URL with `schema` first on every connection's search path (a test's own schema).
std::string with_search_path(const std::string& url, const std::string& schema);
// An empty schema of a test's own (dropped first if a crashed run left it), with the
// extensions the migrations need created once per database in public, under an
// advisory lock: ctest's parallel processes would otherwise race to create them.
void fresh_schema(switchboard::store::pg::connection& db, const std::string& schema);

}  // namespace sbtest

// In a test's SetUp: the server's URL into `url`, else skip (or fail in CI).
#define SBTEST_REQUIRE_POSTGRES(url)                                                          \
  do {                                                                                      \
    auto sbtest_url = ::sbtest::postgres_url();                                             \
    if (!sbtest_url) {                                                                      \
      const char* ci = std::getenv("CI");                                                   \
      if (ci && *ci) FAIL() << "CI runs the PostgreSQL tests: SWITCHBOARD_TEST_POSTGRES_URL is not set"; \
      GTEST_SKIP() << "no SWITCHBOARD_TEST_POSTGRES_URL (scripts/test.sh starts a server)"; \
    }                                                                                       \
    url = *sbtest_url;                                                                      \
  } while (0)
