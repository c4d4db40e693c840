#pragma once
// Byte encodings in one place: base64 (Basic auth, carrier signatures), base64url
// (JWTs), and UTF-8 checks (WebSocket text frames, message lengths in characters).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard {

// Standard base64 with padding (RFC 4648 §4).
std::string base64(std::string_view bytes);
// base64url without padding (RFC 4648 §5, as JWTs use it).
std::string base64url_encode(std::string_view bytes);
// base64url; trailing padding tolerated, anything else outside the alphabet refused.
std::optional<std::string> base64url_decode(std::string_view text);

// Well-formed UTF-8 (Unicode table 3-7: no overlongs, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);
// Code points in well-formed UTF-8 (continuation bytes are not counted).
std::size_t utf8_length(std::string_view s);

}  // namespace switchboard
