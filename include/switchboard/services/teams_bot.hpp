#pragma once
// What the Microsoft Teams bot does once api/teams_routes.cpp has verified an
// activity, read it and parsed the command: who sent it (a linked teammate, in a
// conversation's thread or not), a reply typed in a thread, the card's "Call back",
// and the commands that read or change the store (status, available/away, assign,
// voicemail, sms/call, link). Every answer to the teammate is a teams.reply
// outbox row; a command's answer text is decided here. Events go to agents after
// the commit, and the outbox is woken.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/services/reply.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// The teammate linked to a Teams user, and the conversation thread a Teams thread id is.
struct teams_sender {
  std::optional<store::teammate> teammate;
  std::optional<store::teams::thread> thread;
};
boost::asio::awaitable<result<teams_sender>> teams_sender_of(context& ctx, std::string aad_object_id,
                                                             std::string teams_thread_id);
// The workspace that linked a channel in this tenant, if any.
boost::asio::awaitable<result<std::optional<store::id_t>>> workspace_of_tenant(context& ctx, std::string tenant_id);

// Queues a teams.reply row (`payload` as teams/cards.hpp shapes it) and wakes the outbox.
boost::asio::awaitable<result<void>> queue_teams_answer(context& ctx, store::id_t workspace_id,
                                                        nlohmann::json payload);
// A teammate's reply or note typed in a conversation's thread: queued like the
// inbox's, with a confirmation (`answer` with its activity set) in the same write.
boost::asio::awaitable<result<reply_result>> reply_from_teams(context& ctx, store::principal p,
                                                              store::id_t conversation_id, std::string text,
                                                              bool is_private, nlohmann::json answer);
// The card's "Call back": click-to-call, with its confirmation in the same write.
boost::asio::awaitable<result<void>> call_back_from_teams(context& ctx, store::principal p,
                                                          store::id_t conversation_id, nlohmann::json answer);

// `status`: the teammate's availability, their numbers and whether a channel is linked.
boost::asio::awaitable<result<std::string>> teams_status(context& ctx, store::principal p);
// `available` / `away`: the teammate after the change (agents hear teammate.updated and presence).
boost::asio::awaitable<result<store::teammate>> set_availability(context& ctx, store::principal p,
                                                                 std::string availability);
// "me", an email or a name (whole or first name, when only one teammate has it):
// the teammate's id, or the answer saying why not.
boost::asio::awaitable<result<std::variant<store::id_t, std::string>>> find_teams_member(context& ctx,
                                                                                        store::principal p,
                                                                                        std::string who);
// `assign`: the answer (the number's new owner, or why not).
boost::asio::awaitable<result<std::string>> assign_number_from_teams(context& ctx, store::principal p,
                                                                     std::string who, std::string number);
// The id of the workspace's active number, if it is one.
boost::asio::awaitable<result<std::optional<store::id_t>>> active_number_id(context& ctx, store::id_t workspace_id,
                                                                            std::string number);
// `voicemail`: shows (greeting "") or sets the greeting of a line's owner. `may`
// answers whether the teammate has a permission (the handler's check), asked
// once the owner is known: your own line (me.update), a teammate's
// (teammates.manage) or a team's (teams.manage).
boost::asio::awaitable<result<std::string>> voicemail_from_teams(context& ctx, store::principal p,
                                                                 std::function<bool(std::string_view)> may,
                                                                 std::string number, std::string greeting);
// `sms` / `call`: the customer's thread on the teammate's own line (made if new),
// then a text or a click-to-call. INVALID_INPUT without a line of their own, or
// for one of our lines or a teammate's phone.
boost::asio::awaitable<result<std::string>> sms_or_call_from_teams(context& ctx, store::principal p, bool call,
                                                                   std::string destination, std::string text);
// `link`: the channel (`where`: its service_url, channel, team and tenant ids)
// becomes the teammate's, or the named team's; the answer.
boost::asio::awaitable<result<std::string>> link_teams_channel(context& ctx, store::principal p, std::string team,
                                                               store::teams::channel_link where);

}  // namespace switchboard::services
