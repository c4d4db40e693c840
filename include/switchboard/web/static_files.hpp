#pragma once
// The web pages shipped inside the binary (web/, embedded at build time):
// GET /<dir>/ serves <dir>/index.html and GET /<dir> redirects there.
#include <optional>
#include <string>
#include <string_view>

#include "switchboard/http/router.hpp"

namespace switchboard::web {

// Content-Type for a file name, by extension (application/octet-stream otherwise).
std::string_view content_type_for(std::string_view name);

// The embedded file at `name` (e.g. "simulator/index.html"), if any.
std::optional<std::string_view> find_file(std::string_view name);

// One GET route per embedded file, with an ETag, `Cache-Control: no-cache` (a
// revalidation is a cheap 304) and, for HTML, a Content-Security-Policy that
// allows only the server's own scripts, styles and connections.
void add_static_routes(http::router& routes);

}  // namespace switchboard::web
