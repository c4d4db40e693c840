#pragma once
// The website widget's visitor writing: a new chat or a message in one of theirs.
// Stored like an inbound text (a customer item: mirrored to Teams), then heard by
// the workspace's agents and the visitor's other tabs. Also what a visitor reads
// (their conversations and a thread) and the events their page tracks.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

// Who is writing, as their widget session says.
struct visitor_ref {
  store::id_t workspace_id = 0;
  store::id_t contact_id = 0;  // 0: anonymous and has not written yet (issue 16 item 12)
  std::string visitor_id;
  bool verified = false;
};

// Inside a store job: whether this visitor may read and write the conversation.
// A verified visitor: every conversation of their contact. Otherwise only those
// their visitor id started, whatever merges did (issue 16 item 10).
bool visitor_may_see(store::unit_of_work& uow, const visitor_ref& v, const store::conversation& c);

struct visitor_post {
  store::conversation conversation;
  store::message message;
  bool created = false;       // a new chat
  bool teams_queued = false;  // mirrored to the conversation's Teams thread
  std::optional<std::string> starter;  // the visitor id that started the conversation
};
// conversation_id 0 starts a chat (and, for an anonymous visitor, their contact).
// NOT_FOUND when the visitor may not see the conversation.
// `media_ids`: the visitor's own uploads (POST /api/widget/v1/media) the message carries.
boost::asio::awaitable<result<visitor_post>> post_visitor_message(context& ctx, visitor_ref v,
                                                                  store::id_t conversation_id, std::string text,
                                                                  std::vector<store::id_t> media_ids = {});

// Verified: the contact's conversations; otherwise those this visitor id started (at most 50).
boost::asio::awaitable<result<std::vector<store::conversation>>> visitor_conversations(context& ctx, visitor_ref v);
// The conversation when the visitor may see it, else nullopt.
boost::asio::awaitable<result<std::optional<store::conversation>>> visible_conversation(context& ctx, visitor_ref v,
                                                                                        store::id_t conversation_id);
// The conversation's items after `after` (private notes left out by the store),
// or nullopt when the visitor may not see it.
boost::asio::awaitable<result<std::optional<std::vector<store::message>>>> visitor_thread(
    context& ctx, visitor_ref v, store::id_t conversation_id, std::optional<store::id_t> after, int limit);
// Stores a tracked event (without a contact yet it waits on the visitor id) and,
// after the commit, tells agents (visitor.event).
boost::asio::awaitable<result<void>> track_visitor_event(context& ctx, visitor_ref v, std::string name,
                                                         nlohmann::json props, std::string at);

}  // namespace switchboard::services
