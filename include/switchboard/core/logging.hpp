#pragma once
#include <memory>

#include <spdlog/logger.h>

#include "switchboard/core/config.hpp"

namespace switchboard {
// Sets the default logger (stderr) and the "access" logger (stdout), text or JSON lines.
void init_logging(const log_config& cfg);
// The access logger, or nullptr when access logging is off.
spdlog::logger* access_logger();
}  // namespace switchboard
