#pragma once
// Call flows as pure decisions: what a call to a business number hears, and how
// a call's status may move. The webhook handlers (src/api/webhook_routes.cpp)
// store what happened and answer with what these functions return.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "switchboard/carriers/twiml.hpp"

namespace switchboard::routing {

// A call to a line nobody answers live (yet): greeting, then voicemail.
struct voicemail_flow {
  std::string step_base;                // public_url + "/webhooks/<carrier>/voice"
  std::string line_name;                // whose line: the teammate's or team's name
  std::optional<std::string> greeting;  // the owner's own greeting text, if set
};

// <Say>greeting</Say><Record action=…/voicemail transcribeCallback=…/transcription …/>,
// then a goodbye when the caller says nothing (the carrier skips the action then).
carriers::twiml::response voicemail_answer(const voicemail_flow& f);
// The answer after a recording was saved.
carriers::twiml::response voicemail_saved();
// A call to a number that is not (or no longer) one of ours.
carriers::twiml::response not_in_service();
// The greeting used when the owner has none.
std::string default_greeting(std::string_view line_name);

// Who a call to a business number reaches first.
struct call_target {
  bool teammate_line = false;                 // a virtual number owned by a teammate
  std::optional<std::string> physical_number;  // the owner's own phone
  std::string availability = "available";      // available | away | offline
  bool within_hours = true;
  // A shared line: the phones of the team's available members (empty otherwise).
  bool team_line = false;
  std::vector<std::string> team_phones;
};
enum class call_route { ring_teammate, ring_team, voicemail };
call_route route_inbound_call(const call_target& t);

// <Dial answerOnBridge="true" timeout="20" action=…/dial-complete callerId="customer">
//   <Number url=…/screen?parent=CallSid>physical</Number></Dial>
struct ring_flow {
  std::string step_base;
  std::string call_sid;  // the customer's call: the screen steps name it
  std::string customer;  // caller id shown to the teammate
  std::vector<std::string> phones;  // one <Number> each, all ringing at once
};
carriers::twiml::response ring_teammate(const ring_flow& f);
// What the teammate hears on answering: accept with 1, anything else or silence declines.
carriers::twiml::response screen(const std::string& step_base, const std::string& parent_sid,
                                 std::string_view business, std::string_view caller);
carriers::twiml::response screen_result(std::string_view digits);
// After the <Dial>: bridged and accepted means done; anything else goes to voicemail.
bool dial_connected(std::string_view dial_call_status, bool accepted);

// The teammate calls their own virtual number from their phone to call out as
// the business: key in the destination and #, or 1 and # for the last caller.
carriers::twiml::response outbound_prompt(const std::string& step_base);
// What the keyed digits mean: a destination in E.164, the last caller ("1"), or nothing usable.
struct outbound_choice {
  enum class kind { number, last_caller, invalid } what = kind::invalid;
  std::string number;  // E.164, for kind::number
};
outbound_choice read_outbound_digits(std::string_view digits);
// <Say>intro</Say><Dial callerId=virtual action=…/outbound-complete><Number>dest</Number></Dial>
// (intro: "Calling Dana." from the phone, "Connecting you to Dana." for click-to-call).
carriers::twiml::response dial_out(const std::string& step_base, const std::string& virtual_number,
                                   const std::string& destination, std::string_view intro);
carriers::twiml::response say_and_hang_up(std::string_view text);

// Call status order: queued/initiated < ringing < in-progress < final
// (completed, busy, failed, no-answer, canceled); -1 for an unknown status.
// A callback never moves a call backwards.
int call_status_rank(std::string_view status);
bool call_status_final(std::string_view status);

// The thread item's text for a call in `status` (e.g. "Missed call", "Call, 1:05").
std::string call_summary(std::string_view status, bool answered, bool voicemail, int duration_s);
// The same for a call the teammate placed ("Outgoing call, 0:30", "Outgoing call, not answered").
std::string outbound_call_summary(std::string_view status, bool connected, int duration_s);

}  // namespace switchboard::routing
