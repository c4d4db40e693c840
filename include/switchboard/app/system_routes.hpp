#pragma once
#include "switchboard/http/router.hpp"

namespace switchboard::app {
class app;
// /healthz, /readyz, /metrics
void add_system_routes(http::router& routes, app& a);
}  // namespace switchboard::app
