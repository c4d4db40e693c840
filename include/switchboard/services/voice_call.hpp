#pragma once
// Every step of a call on one of our lines, as the carrier's signed webhooks
// deliver them: a customer calling (a thread item at once, then ringing the
// owner's phone, the team's phones, or voicemail), the call's progress, the
// screening of a forwarded call, a voicemail and its transcript, click-to-call's
// second leg, and the owner calling out through their line from their own phone.
// Each is one write job, and answers with the TwiML the carrier plays next.
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"

namespace switchboard::services {

struct inbound_call {
  std::string carrier, sid;
  std::string from;  // E.164; a withheld number arrives as "+266696687"
  std::string to;    // E.164
  std::string status = "ringing";
};
// POST /webhooks/{carrier}/voice. A retry answers the same TwiML.
boost::asio::awaitable<result<std::string>> receive_call(context& ctx, inbound_call call);

struct call_progress {
  std::string sid, status;  // status: a known CallStatus (routing::call_status_rank >= 0)
  int duration = 0;         // CallDuration, seconds
};
// POST /webhooks/{carrier}/voice/status: the call item moves forward only; a
// missed call tells the owner's phone and goes to Teams once it is over.
boost::asio::awaitable<result<void>> record_call_progress(context& ctx, call_progress p);

// The later steps: voicemail, transcription, screen, screen-result, dial-complete,
// click-to-call, outbound-dial, outbound-complete.
bool is_call_step(std::string_view step);
struct call_step {
  std::string carrier, step, sid;
  std::string parent;  // ?parent=<CallSid> of the screen steps
  std::string item;    // ?item=<id> of click-to-call
  carriers::param_list params;
};
// The TwiML for the carrier; an error means nothing committed (the carrier retries).
boost::asio::awaitable<result<std::string>> advance_call(context& ctx, call_step s);

}  // namespace switchboard::services
