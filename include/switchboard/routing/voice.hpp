#pragma once
// Call flows as pure decisions: what a call to a business number hears, and how
// a call's status may move. The webhook handlers (src/api/webhook_routes.cpp)
// store what happened and answer with what these functions return.
#include <optional>
#include <string>
#include <string_view>

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

// Call status order: queued/initiated < ringing < in-progress < final
// (completed, busy, failed, no-answer, canceled); -1 for an unknown status.
// A callback never moves a call backwards.
int call_status_rank(std::string_view status);
bool call_status_final(std::string_view status);

// The thread item's text for a call in `status` (e.g. "Missed call", "Call, 1:05").
std::string call_summary(std::string_view status, bool answered, bool voicemail, int duration_s);

}  // namespace switchboard::routing
