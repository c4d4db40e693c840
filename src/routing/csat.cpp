#include "switchboard/routing/csat.hpp"

#include <cctype>

namespace switchboard::routing {

nlohmann::json to_json(const csat_settings& s) {
  return {{"widget", s.widget}, {"sms", s.sms}, {"link", s.link}};
}

csat_settings parse_csat_settings(const std::optional<std::string>& stored) {
  csat_settings s;
  if (!stored) return s;
  auto j = nlohmann::json::parse(*stored, nullptr, false);
  if (!j.is_object()) return s;
  std::string bad;
  auto p = patch_csat_settings(s, j, bad);
  return p ? *p : s;
}

std::optional<csat_settings> patch_csat_settings(csat_settings base, const nlohmann::json& body,
                                                 std::string& bad_field) {
  for (auto [name, field] : {std::pair{"widget", &csat_settings::widget}, std::pair{"sms", &csat_settings::sms},
                             std::pair{"link", &csat_settings::link}}) {
    auto it = body.find(name);
    if (it == body.end()) continue;
    if (!it->is_boolean()) {
      bad_field = name;
      return std::nullopt;
    }
    base.*field = it->get<bool>();
  }
  return base;
}

csat_send plan_csat(const csat_facts& f, const csat_settings& s) {
  if (f.was_resolved || !f.now_resolved) return csat_send::none;
  if (f.channel == "chat") return s.widget ? csat_send::widget : csat_send::none;
  if (f.channel == "sms") {
    if (!s.sms || f.opted_out || !f.sms_reachable) return csat_send::none;
    return csat_send::sms;
  }
  return s.link ? csat_send::link : csat_send::none;
}

const char* csat_channel_name(csat_send s) {
  switch (s) {
    case csat_send::widget:
      return "widget";
    case csat_send::sms:
      return "sms";
    case csat_send::link:
      return "link";
    case csat_send::none:
      break;
  }
  return "";
}

std::optional<int> parse_csat_answer(std::string_view text) {
  std::optional<int> digit;
  for (unsigned char ch : text) {
    if (std::isdigit(ch)) {
      if (digit) return std::nullopt;  // "10", "4 5"
      digit = ch - '0';
    } else if (std::isalpha(ch) || ch >= 0x80) {
      return std::nullopt;  // words: a message, not a rating
    }
  }
  if (!digit || *digit < 1 || *digit > 5) return std::nullopt;
  return digit;
}

}  // namespace switchboard::routing
