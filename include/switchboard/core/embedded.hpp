#pragma once
#include <cstddef>
#include <span>

namespace switchboard {
struct embedded_file {
  const char* name;
  const char* data;
  std::size_t size;
};
namespace embedded::migrations {
std::span<const embedded_file> files();
}
// migrations/postgres/: PostgreSQL's own numbered files (issue 19).
namespace embedded::postgres_migrations {
std::span<const embedded_file> files();
}
// web/ (the simulator, the agent app, the widget): names are paths under web/.
namespace embedded::web {
std::span<const embedded_file> files();
}
// docs/openapi.json: the OpenAPI document served at /api/v1/openapi.json.
namespace embedded::openapi {
std::span<const embedded_file> files();
}
}  // namespace switchboard
