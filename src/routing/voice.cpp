#include "switchboard/routing/voice.hpp"

namespace switchboard::routing {

namespace tw = carriers::twiml;

std::string default_greeting(std::string_view line_name) {
  std::string who = line_name.empty() ? std::string("us") : std::string(line_name);
  return "You've reached " + who +
         ". Please leave a message after the tone, and press the pound key when you are done.";
}

tw::response voicemail_answer(const voicemail_flow& f) {
  tw::response r;
  r.add(tw::say{.text = f.greeting && !f.greeting->empty() ? *f.greeting : default_greeting(f.line_name)});
  r.add(tw::record{.action = f.step_base + "/voicemail",
                   .method = tw::http_method::post,
                   .max_length = 120u,
                   .timeout = 5u,
                   .play_beep = true,
                   .finish_on_key = "#",
                   .transcribe = true,
                   .transcribe_callback = f.step_base + "/transcription"});
  // Reached only when nothing was recorded: the carrier then skips the action.
  r.add(tw::say{.text = "We did not get a message. Goodbye."});
  r.add(tw::hangup{});
  return r;
}

tw::response voicemail_saved() {
  tw::response r;
  r.add(tw::say{.text = "Thank you. Your message has been saved. Goodbye."});
  r.add(tw::hangup{});
  return r;
}

tw::response not_in_service() {
  tw::response r;
  r.add(tw::say{.text = "The number you have called is not in service."});
  r.add(tw::hangup{});
  return r;
}

int call_status_rank(std::string_view s) {
  if (s == "queued" || s == "initiated") return 0;
  if (s == "ringing") return 1;
  if (s == "in-progress" || s == "answered") return 2;
  if (call_status_final(s)) return 3;
  return -1;
}

bool call_status_final(std::string_view s) {
  return s == "completed" || s == "busy" || s == "failed" || s == "no-answer" || s == "canceled";
}

std::string call_summary(std::string_view status, bool answered, bool voicemail, int duration_s) {
  auto clock = [](int s) {
    std::string sec = std::to_string(s % 60);
    return std::to_string(s / 60) + ":" + (sec.size() < 2 ? "0" + sec : sec);
  };
  if (voicemail) return "Missed call, voicemail left";
  if (!call_status_final(status)) return status == "ringing" ? "Incoming call" : "Call in progress";
  if (answered && status == "completed") return "Call, " + clock(duration_s < 0 ? 0 : duration_s);
  return "Missed call";
}

}  // namespace switchboard::routing
