#include "switchboard/services/context.hpp"

namespace switchboard::services {

std::string now_text(const context& ctx) { return format_rfc3339(ctx.now()); }

}  // namespace switchboard::services
