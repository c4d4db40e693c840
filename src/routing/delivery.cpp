#include "switchboard/routing/delivery.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace switchboard::routing {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 11> explanations{{
    {"30003", "The recipient's phone is unreachable: switched off, out of coverage or unable to take texts."},
    {"30004", "The recipient's carrier or the recipient blocked this message."},
    {"30005", "The number does not exist or is no longer in service."},
    {"30006", "The number is a landline or its carrier cannot take texts."},
    {"30007", "The carrier filtered the message as spam."},
    {"30008", "The carrier reported an unknown error; trying again may work."},
    {"21610", "The recipient opted out of texts from this number (STOP); they must text START first."},
    {"21211", "The 'To' number is not a valid phone number."},
    {"21408", "Texting this country or region is not enabled for the account."},
    {"21614", "The number is not a mobile number and cannot take texts."},
    {"30034", "The sending number is not registered for 10DLC, so US carriers refuse its texts."},
}};

constexpr std::string_view generic = "The message could not be delivered.";

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view explain_delivery_error(std::string_view code) {
  for (const auto& [c, text] : explanations)
    if (c == code) return text;
  return generic;
}

std::optional<std::string> why_not_resend(const resend_facts& f) {
  if (f.direction != "outbound" || f.is_private || f.kind != "text")
    return "only a reply sent to the customer can be sent again";
  // A chat reply is delivered by its commit; nothing else has a dispatcher.
  if (f.channel != "sms") return "only a text message can be sent again";
  if (f.status != "failed") return "only a failed message can be sent again; this one is " + f.status;
  return std::nullopt;
}

std::string_view delivery_error_code(std::string_view error) {
  constexpr std::string_view prefix = "carrier error ";
  if (error.substr(0, prefix.size()) == prefix) {
    auto rest = error.substr(prefix.size());
    return digits(rest) ? rest : std::string_view{};
  }
  auto colon = error.find(':');
  if (colon == std::string_view::npos) return {};
  auto head = error.substr(0, colon);
  return digits(head) ? head : std::string_view{};
}

}  // namespace switchboard::routing
