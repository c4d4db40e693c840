#pragma once
// A text to one of our lines, as a carrier's signed webhook delivered it: a
// customer's message (into their thread, mirrored to Teams, forwarded to the
// line owner's phone, answered after hours), the line owner's own command from
// their phone, or something we cannot deliver (logged, never refused: carriers do
// not retry a 4xx, so it would be lost).
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"

namespace switchboard::services {

struct inbound_text {
  std::string carrier;  // twilio | signalwire | sandbox
  std::string sid;      // the carrier's MessageSid: a retry is recognised by it
  std::string from, to;  // E.164, or an opaque sender ("55555", "ACME")
  std::string body;
  nlohmann::json media = nlohmann::json::array();  // [{url, content_type}]
};

// Stores the text once and answers with the TwiML for the carrier (a retry gets
// the first answer); an error means nothing committed and the carrier should retry.
// After the commit: events to agent sockets, and the outbox woken for what it queued.
boost::asio::awaitable<result<std::string>> receive_text(context& ctx, inbound_text in);

}  // namespace switchboard::services
