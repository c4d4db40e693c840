#pragma once
// A teammate's reply or private note: from the inbox (POST
// /api/v1/conversations/{id}/messages), from Teams, or from their phone. The
// channel is decided by routing::plan_reply; a reply no channel can deliver is
// refused (409) rather than queued forever, and a note never leaves.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/routing/reply.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

struct reply_result {
  store::message message;
  store::conversation conversation;
  bool teams_queued = false;  // also posted to the conversation's Teams thread
  std::optional<std::string> widget_starter;  // the visitor id that started a widget chat
};

// The channel a reply would take (or why none can), inside a read or write job.
routing::reply_plan plan_reply_for(store::unit_of_work& uow, store::id_t workspace_id, const store::conversation& c,
                                   const std::optional<std::string>& chosen = std::nullopt);
// "/greet rest" -> the canned response's body + " rest" when the shortcut exists.
std::string expand_canned(store::unit_of_work& uow, store::id_t workspace_id, const std::string& body);
// Inside a write job: the message row and, for a reply, its outbox row
// (message.send.<channel>; a chat reply is delivered by the commit). Throws
// job_error NOT_FOUND, or CONFLICT_STATE when no channel can deliver it.
// `media_ids`: uploads (POST /api/v1/media) the item carries; by SMS they go as MMS.
reply_result queue_reply(store::unit_of_work& uow, const store::principal& who, store::id_t conversation_id,
                         const std::string& text, bool is_private, const std::optional<std::string>& channel,
                         const std::string& at, const std::vector<store::id_t>& media_ids = {});
// Inside a write job: the answer bot's item (sender kind bot) on the channel a
// reply would take, queued like a reply (a chat item is delivered by the commit).
// Throws job_error NOT_FOUND, CONFLICT_STATE (no channel) or OPTED_OUT.
reply_result queue_bot_message(store::unit_of_work& uow, store::id_t workspace_id, store::id_t conversation_id,
                               const std::string& text, const nlohmann::json& metadata, const std::string& at);
// After the commit: events to agents and the visitor's widget, and the outbox woken.
void publish_reply(context& ctx, const reply_result& r);

// The whole use case from the inbox: queue, mirror to the conversation's Teams
// thread, commit, publish. Errors carry the store's codes (NOT_FOUND, CONFLICT_STATE).
boost::asio::awaitable<result<reply_result>> send_reply(context& ctx, store::principal who,
                                                        store::id_t conversation_id, std::string text,
                                                        bool is_private, std::optional<std::string> channel,
                                                        std::vector<store::id_t> media_ids = {});

// Retry on a failed SMS reply (issue 18): the same message goes back to queued
// with a new outbox row, so the failed bubble becomes the one being sent again;
// publishes message.updated. Errors: NOT_FOUND (the conversation, or a message not
// in it), CONFLICT_STATE (not a failed public SMS reply: routing::why_not_resend),
// OPTED_OUT (the customer opted out of texts since).
boost::asio::awaitable<result<store::message>> resend_reply(context& ctx, store::principal who,
                                                           store::id_t conversation_id, store::id_t message_id);

}  // namespace switchboard::services
