#include "switchboard/routing/inbound.hpp"

#include "switchboard/routing/sms.hpp"

namespace switchboard::routing {

const char* const default_after_hours_reply =
    "Thanks for your message. We are closed right now and will answer when we are back.";

thread_choice choose_thread(const thread_facts& f) {
  if (!f.latest_status) return {};
  // routing.after_resolved = "new": a resolved conversation stays closed and the
  // customer starts a fresh one; otherwise their message reopens it.
  if (f.new_after_resolved && *f.latest_status == "resolved") return {};
  bool open = *f.latest_status == "open" || *f.latest_status == "pending";
  return {true, open};
}

assignment assign_new_conversation(const line_owner& o) {
  assignment a;
  a.assignee_id = o.teammate_id;
  a.team_id = o.team_id;
  a.round_robin = o.team_id.has_value() && o.team_round_robin;
  return a;
}

std::optional<std::string> after_hours_reply(const after_hours_facts& f) {
  if (!f.team_line || !f.sender_textable || !f.hours) return std::nullopt;
  if (!after_hours_reply_due(closed_since(*f.hours, f.now), f.last_reply)) return std::nullopt;
  return f.configured_reply.value_or(default_after_hours_reply);
}

bool forwards_to_phone(std::string_view sms_forwarding, const std::optional<std::string>& physical_number) {
  return sms_forwarding == "phone" && physical_number && !physical_number->empty();
}

std::optional<relay> forward_to_phone(const forward_facts& f) {
  if (!forwards_to_phone(f.sms_forwarding, f.physical_number)) return std::nullopt;
  auto text = f.text;
  if (f.attachments > 0)
    text += (text.empty() ? "" : " ") + std::string("[") + std::to_string(f.attachments) + " attachment(s)]";
  return relay{*f.physical_number, format_forward(f.selector, f.who, text)};
}

int message_status_rank(std::string_view s) {
  if (s == "queued" || s == "accepted" || s == "sending") return 0;
  if (s == "sent") return 1;
  if (s == "failed" || s == "undelivered") return 2;
  if (s == "delivered") return 3;
  if (s == "read") return 4;
  return -1;
}

std::optional<std::string> next_message_status(std::string_view current, std::string_view reported) {
  int rank = message_status_rank(reported);
  if (rank < 0 || message_status_rank(current) >= rank) return std::nullopt;
  if (reported == "undelivered") return std::string("failed");
  if (reported == "accepted" || reported == "sending") return std::string("queued");
  return std::string(reported);
}

}  // namespace switchboard::routing
