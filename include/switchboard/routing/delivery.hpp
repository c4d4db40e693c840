#pragma once
// What a carrier's delivery error means, in words an agent can act on (issue 18):
// the thread shows it under a failed reply, next to the carrier's own text.
// Twilio's codes; SignalWire's LaML API reports the same ones.
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::routing {

// A short explanation of carrier error `code` ("30003"); a generic one for an
// unknown or empty code.
std::string_view explain_delivery_error(std::string_view code);

// The carrier's code in a stored delivery error: "21211: The 'To' number …" (a
// refused send) or "carrier error 30003" (a status callback); "" when there is none.
// Reads errors stored before messages kept their code on its own (schema 18).
std::string_view delivery_error_code(std::string_view error);

// What Retry needs to know about a thread item.
struct resend_facts {
  std::string direction;  // inbound | outbound | internal
  bool is_private = false;
  std::string kind;     // text | call | voicemail | event
  std::string channel;  // sms | chat | …
  std::string status;   // queued | sent | delivered | failed | …
};

// Why this item cannot be sent again (a sentence for the agent, answered 409
// CONFLICT), or nullopt when it can: only a public text reply by SMS that failed.
// The customer's consent is checked after this, by the caller (409 OPTED_OUT).
std::optional<std::string> why_not_resend(const resend_facts& f);

}  // namespace switchboard::routing
