#pragma once
// How an attachment is answered, for teammates, visitors and carriers alike.
// Private to src/api.
#include "common.hpp"
#include "switchboard/services/media.hpp"

namespace switchboard::api {

// The bytes with the allow-listed Content-Type, a Content-Disposition (inline for
// images, audio and video; a download otherwise), nosniff and a sandboxing CSP, so
// a file is never read as HTML or script whatever it holds.
response media_response(services::media_body m);

}  // namespace switchboard::api
