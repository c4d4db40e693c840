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

call_route route_inbound_call(const call_target& t) {
  if (t.team_line) return t.within_hours && !t.team_phones.empty() ? call_route::ring_team : call_route::voicemail;
  if (t.teammate_line && t.physical_number && !t.physical_number->empty() && t.availability == "available" &&
      t.within_hours)
    return call_route::ring_teammate;
  return call_route::voicemail;
}

tw::response ring_teammate(const ring_flow& f) {
  tw::response r;
  tw::dial d{.action = f.step_base + "/dial-complete",
             .method = tw::http_method::post,
             .timeout = 20u,
             .caller_id = f.customer,
             .answer_on_bridge = true};
  for (auto& phone : f.phones)
    d.add(tw::number{.phone_number = phone,
                     .url = f.step_base + "/screen?parent=" + f.call_sid,
                     .method = tw::http_method::post});
  r.add(std::move(d));
  return r;
}

tw::response screen(const std::string& step_base, const std::string& parent_sid, std::string_view business,
                    std::string_view caller) {
  tw::response r;
  std::string text = "Call for " + std::string(business.empty() ? "your line" : business) + " from " +
                     std::string(caller) + ". Press 1 to accept.";
  r.add(tw::gather{.input = tw::gather_input::dtmf,
                   .action = step_base + "/screen-result?parent=" + parent_sid,
                   .method = tw::http_method::post,
                   .timeout = 5u,
                   .num_digits = 1u}
            .add(tw::say{.text = text}));
  // Silence: the teammate's leg ends and the customer goes to voicemail.
  r.add(tw::hangup{});
  return r;
}

tw::response screen_result(std::string_view digits) {
  tw::response r;
  if (digits != "1") r.add(tw::hangup{});  // an empty response bridges the call
  return r;
}

bool dial_connected(std::string_view dial_call_status, bool accepted) {
  return accepted && (dial_call_status == "completed" || dial_call_status == "answered");
}

tw::response outbound_prompt(const std::string& step_base) {
  tw::response r;
  r.add(tw::gather{.input = tw::gather_input::dtmf,
                   .action = step_base + "/outbound-dial",
                   .method = tw::http_method::post,
                   .timeout = 10u,
                   .finish_on_key = "#"}
            .add(tw::say{.text = "Enter the number to call, then press pound. To call back your last caller, press 1 "
                                 "then pound."}));
  r.add(tw::say{.text = "No number entered. Goodbye."});
  r.add(tw::hangup{});
  return r;
}

outbound_choice read_outbound_digits(std::string_view digits) {
  outbound_choice c;
  if (digits == "1") {
    c.what = outbound_choice::kind::last_caller;
    return c;
  }
  std::string d;
  for (char ch : digits)
    if (ch >= '0' && ch <= '9') d += ch;
  if (d.size() != digits.size()) return c;  // * or anything else: not a number
  // A 10-digit North American number, 1 + 10 digits, or an international number after 011 / 00.
  if (d.size() == 10) {
    c.number = "+1" + d;
  } else if (d.size() == 11 && d[0] == '1') {
    c.number = "+" + d;
  } else if (d.rfind("011", 0) == 0 && d.size() > 3 + 6) {
    c.number = "+" + d.substr(3);
  } else if (d.rfind("00", 0) == 0 && d.size() > 2 + 6) {
    c.number = "+" + d.substr(2);
  } else {
    return c;
  }
  if (c.number.size() > 16) return {};
  c.what = outbound_choice::kind::number;
  return c;
}

tw::response dial_out(const std::string& step_base, const std::string& virtual_number, const std::string& destination,
                      std::string_view intro) {
  tw::response r;
  r.add(tw::say{.text = std::string(intro)});
  tw::dial d{.action = step_base + "/outbound-complete", .method = tw::http_method::post, .caller_id = virtual_number};
  d.add(tw::number{.phone_number = destination});
  r.add(std::move(d));
  return r;
}

tw::response say_and_hang_up(std::string_view text) {
  tw::response r;
  r.add(tw::say{.text = std::string(text)});
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

namespace {
std::string clock(int s) {
  if (s < 0) s = 0;
  std::string sec = std::to_string(s % 60);
  return std::to_string(s / 60) + ":" + (sec.size() < 2 ? "0" + sec : sec);
}
}  // namespace

std::string outbound_call_summary(std::string_view status, bool connected, int duration_s) {
  if (!call_status_final(status)) return "Outgoing call";
  return connected ? "Outgoing call, " + clock(duration_s) : "Outgoing call, not answered";
}

std::string call_summary(std::string_view status, bool answered, bool voicemail, int duration_s) {
  if (voicemail) return "Missed call, voicemail left";
  if (!call_status_final(status)) return status == "ringing" ? "Incoming call" : "Call in progress";
  if (answered && status == "completed") return "Call, " + clock(duration_s);
  return "Missed call";
}

}  // namespace switchboard::routing
