#pragma once
// CSAT surveys (issue 21). When a conversation becomes resolved, one survey by its
// channel (routing/csat.hpp decides): in the widget a thread item the widget shows
// as an inline 1-5 rating, over SMS the text "How did we do? Reply 1–5" (a bare
// 1..5 reply within 24 hours is the answer, not a new message), elsewhere a link
// /survey/{token}. The rating is credited to the assignee when it was sent. Each
// answer emits the `csat.submitted` webhook in the write that records it.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/routing/csat.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/services/widget_chat.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

inline constexpr const char* csat_setting_name = "csat";

// What a resolution sent (inside its write job): the survey and, for the widget
// and SMS, its thread item.
struct csat_sent {
  store::csat::survey survey;
  std::optional<store::message> item;
};
// Inside a write job, after a conversation changed from `before` to `after`.
std::optional<csat_sent> send_csat_survey(store::unit_of_work& uow, const store::conversation& before,
                                          const store::conversation& after, const std::string& at);
// After the commit: the item to the agents and, a widget item, to the visitor; the
// outbox woken for a text.
void publish_csat_sent(context& ctx, const csat_sent& s, const store::conversation& c,
                       const std::optional<std::string>& widget_starter);

// An answer recorded (inside a write job): the survey answered, its conversation.
struct csat_answered {
  store::csat::survey survey;
  store::conversation conversation;
  std::optional<store::message> item;  // the widget's thread item, updated
  std::optional<std::string> widget_starter;
};
// CONFLICT_STATE when the survey was already answered or has expired.
csat_answered record_csat_answer(store::unit_of_work& uow, const store::csat::survey& s, int rating,
                                 const std::optional<std::string>& comment, const std::string& at);
void publish_csat_answered(context& ctx, const csat_answered& a);

// The survey's JSON on a conversation (null when none); `public_url` makes its link.
nlohmann::json csat_json(const std::optional<store::csat::survey>& s, const std::string& public_url);
// The webhook's data.
nlohmann::json csat_event_json(const store::csat::survey& s);

// The settings (GET/PATCH /api/v1/csat/settings, csat.manage).
boost::asio::awaitable<result<routing::csat_settings>> csat_settings_of(context& ctx, store::id_t ws);
boost::asio::awaitable<result<routing::csat_settings>> update_csat_settings(context& ctx, store::principal who,
                                                                            std::string ip, nlohmann::json body);

// The newest survey of a conversation (nullopt: none, or no such conversation).
boost::asio::awaitable<result<std::optional<store::csat::survey>>> conversation_csat(context& ctx, store::id_t ws,
                                                                                     store::id_t conversation_id);
// A contact's answered surveys: the count, the mean and the newest five.
struct contact_csat {
  store::csat::summary summary;
  std::vector<store::csat::survey> latest;
};
boost::asio::awaitable<result<contact_csat>> csat_of_contact(context& ctx, store::id_t ws, store::id_t contact_id);

// A visitor's rating in the widget: the conversation's newest unanswered widget
// survey. NOT_FOUND when the visitor may not see the conversation or it has none.
boost::asio::awaitable<result<csat_answered>> answer_widget_csat(context& ctx, visitor_ref v,
                                                                 store::id_t conversation_id, int rating,
                                                                 std::optional<std::string> comment);

// The public page /survey/{token}: the survey (nullopt: unknown token), and its answer.
boost::asio::awaitable<result<std::optional<store::csat::survey>>> survey_by_token(context& ctx, std::string token);
boost::asio::awaitable<result<csat_answered>> answer_survey_by_token(context& ctx, std::string token, int rating,
                                                                     std::optional<std::string> comment);

}  // namespace switchboard::services
