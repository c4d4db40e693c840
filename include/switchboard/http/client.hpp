#pragma once
// A small blocking HTTP/1.1 client for command-line tools (never for the
// daemon's io_context): plain http:// only.
#include <string>
#include <vector>

#include "switchboard/core/result.hpp"

namespace switchboard::http {

struct client_response {
  int status = 0;
  std::string body;
};

result<client_response> blocking_request(const std::string& method, const std::string& url,
                                          const std::string& body,
                                          const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace switchboard::http
