#pragma once
// The inbox's conversations (/api/v1/conversations) besides replies (reply.hpp):
// the list (a search first brings the index up to date), starting one (with an
// optional first message, queued for its channel), reading one with the channel a
// reply would take, changing status, priority, assignment and labels, a thread's
// pages, the export; and the workspace's canned responses and labels. Changes are
// published to agents after their commit. Errors carry the store's codes.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/routing/reply.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

boost::asio::awaitable<result<std::vector<store::conversation>>> list_conversations(
    context& ctx, store::id_t workspace_id, store::conversations::list_filter f);

struct created_conversation {
  store::conversation conversation;
  std::optional<store::message> first;
};
// c as the caller built it (workspace, contact, team, assignee, channel, subject,
// created_at); a team with round robin picks the assignee. INVALID_INPUT for an
// unknown contact, teammate or team, or a viewer as assignee. first_body "" for none.
boost::asio::awaitable<result<created_conversation>> create_conversation(context& ctx, store::principal who,
                                                                         store::conversation c,
                                                                         std::string first_body);

struct conversation_view {
  store::conversation conversation;
  routing::reply_plan reply;  // where a reply goes by default, and what else may carry one
  bool opted_out = false;     // the customer opted out of texts (SMS is not offered)
};
// nullopt when there is no such conversation.
boost::asio::awaitable<result<std::optional<conversation_view>>> conversation_of(context& ctx,
                                                                                 store::id_t workspace_id,
                                                                                 store::id_t conversation_id);
// NOT_FOUND; INVALID_INPUT for an unknown or viewer assignee, or an unknown team.
boost::asio::awaitable<result<store::conversation>> update_conversation(context& ctx, store::id_t workspace_id,
                                                                        store::id_t conversation_id,
                                                                        store::conversations::patch p);
// Items after `after`, private notes included; nullopt when there is no such conversation.
boost::asio::awaitable<result<std::optional<std::vector<store::message>>>> conversation_thread(
    context& ctx, store::id_t workspace_id, store::id_t conversation_id, std::optional<store::id_t> after, int limit);

struct conversation_export {
  store::conversation conversation;
  std::optional<store::contact> contact;
  std::vector<store::message> messages;  // every item, in order
};
boost::asio::awaitable<result<std::optional<conversation_export>>> export_conversation(context& ctx,
                                                                                       store::id_t workspace_id,
                                                                                       store::id_t conversation_id);

boost::asio::awaitable<result<std::vector<store::canned_response>>> list_canned(context& ctx,
                                                                               store::id_t workspace_id);
// CONFLICT on a taken shortcut.
boost::asio::awaitable<result<store::canned_response>> create_canned(context& ctx, store::id_t workspace_id,
                                                                     std::string shortcut, std::string body);
// nullopt keeps a field. NOT_FOUND; CONFLICT on a taken shortcut.
boost::asio::awaitable<result<store::canned_response>> update_canned(context& ctx, store::id_t workspace_id,
                                                                     store::id_t id, std::optional<std::string> shortcut,
                                                                     std::optional<std::string> body);
// NOT_FOUND ("canned response not found") when the workspace has no such row.
boost::asio::awaitable<result<void>> delete_canned(context& ctx, store::id_t workspace_id, store::id_t id);

boost::asio::awaitable<result<std::vector<store::label>>> list_labels(context& ctx, store::id_t workspace_id);
// CONFLICT on a taken name.
boost::asio::awaitable<result<store::label>> create_label(context& ctx, store::id_t workspace_id, std::string name,
                                                          std::string color);
// NOT_FOUND ("label not found") when the workspace has no such row.
boost::asio::awaitable<result<void>> delete_label(context& ctx, store::id_t workspace_id, store::id_t id);

}  // namespace switchboard::services
