#pragma once
#include <string>

#include <boost/asio/awaitable.hpp>

#include "switchboard/api/api.hpp"
#include "switchboard/http/message.hpp"
#include "switchboard/carriers/rest.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/routing/reply.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/store.hpp"

namespace switchboard::api {
void add_auth_routes(http::router& r, api_context& ctx);
void add_conversation_routes(http::router& r, api_context& ctx);
void add_contact_routes(http::router& r, api_context& ctx);
void add_teammate_routes(http::router& r, api_context& ctx);
void add_agent_socket(http::router& r, api_context& ctx);
void add_webhook_routes(http::router& r, api_context& ctx);
void add_number_routes(http::router& r, api_context& ctx);
void add_sandbox_routes(http::router& r, api_context& ctx);
void add_routing_routes(http::router& r, api_context& ctx);
void add_teams_routes(http::router& r, api_context& ctx);
void add_widget_routes(http::router& r, api_context& ctx);
void add_widget_socket(http::router& r, api_context& ctx);
// The hub topic of a verified visitor's widget sockets: public items of their contact's conversations.
std::string visitor_topic(store::id_t contact_id);
// The hub topic of an unverified visitor's sockets (visitor:v_…): only the conversations
// that visitor id started, whatever merges do to their contact (issue 16 item 10).
std::string anonymous_topic(const std::string& visitor_id);
// Publishes a visitor-facing event of a conversation to both: the contact's topic
// and, for a widget chat, the topic of the visitor id that started it.
void publish_to_visitors(api_context& ctx, store::id_t workspace_id, store::id_t contact_id,
                         const std::optional<std::string>& starter, std::string_view type, const nlohmann::json& data,
                         realtime::hub::delivery how = realtime::hub::delivery::durable);
// A message as a visitor sees it (never called for private notes).
nlohmann::json visitor_message_json(const store::message& m);
// Click-to-call inside a write job: a queued call item in the conversation and a
// call.create outbox row that rings the teammate's own phone from the
// conversation's line. Throws job_error (NOT_FOUND, INVALID_INPUT) when it cannot.
store::message queue_click_to_call(store::database& db, store::id_t workspace_id, store::id_t teammate_id,
                                   store::id_t conversation_id, const std::string& at);
// The hub topic (under the sending line's workspace) on which the sandbox publishes what it sends to a phone.
std::string sandbox_topic(const std::string& phone);
// Signs a form body with the sandbox key and runs it through the webhook
// handler for `path`, exactly as a carrier's request would be.
boost::asio::awaitable<http::response> deliver_sandbox_webhook(api_context& ctx, std::string path,
                                                               std::string form_body);

// Number provisioning, shared by /api/v1/numbers and the Teams bot.
struct provision_args {
  std::string carrier;  // sandbox | twilio | signalwire; "" = the configured one (sandbox without accounts)
  std::optional<std::string> number, area_code;  // E.164, or a 3-digit area code
  bool buy = false;  // a given number is bought at the carrier (else the account already owns it)
  std::optional<store::id_t> owner_teammate_id, owner_team_id;
};
struct provisioned {
  store::numbers::number_row row;
  std::optional<carriers::rest::webhooks> hooks;  // set when a carrier was configured
};
// Buys (carrier, by area code or with buy) or records (a number already owned,
// the sandbox's pool) a number. Errors carry API codes; CARRIER_ERROR and
// UNAVAILABLE are the carrier's.
boost::asio::awaitable<result<provisioned>> provision(api_context& ctx, http::outbound_client& client,
                                                      store::id_t workspace_id, const provision_args& a);
// Releases at the carrier (unless keep_at_carrier or unknown there), then here;
// true when the carrier released it.
boost::asio::awaitable<result<bool>> release_number(api_context& ctx, http::outbound_client& client,
                                                    store::id_t workspace_id, store::id_t number_id,
                                                    bool keep_at_carrier);
http::response provisioning_failure(const error& e);

// A reply or private note by a teammate inside a write job: the message row and,
// for a reply, its outbox row (message.send.<channel>). Throws job_error NOT_FOUND.
struct reply_result {
  store::message message;
  store::conversation conversation;
  bool teams_queued = false;  // also posted to the conversation's Teams thread
  std::optional<std::string> widget_starter;  // the visitor id that started a widget chat
};
reply_result queue_reply(store::database& db, const store::principal& who, store::id_t conversation_id,
                         const std::string& text, bool is_private, const std::optional<std::string>& channel,
                         const std::string& at);
// The channel a reply would take (or why none can), inside a read or write job.
routing::reply_plan plan_reply_for(store::database& db, store::id_t workspace_id, const store::conversation& c,
                                   const std::optional<std::string>& chosen = std::nullopt);
// After the commit: events, and the outbox woken for a reply.
void publish_reply(api_context& ctx, const reply_result& r);

// The contact (by phone) and their newest conversation on a business number,
// both created when new. Runs inside a write job.
struct thread_ref {
  store::id_t workspace_id = 0, contact_id = 0, conversation_id = 0;
  bool created = false;
  bool open = false;  // open or pending: a customer's message need not reopen it
};
thread_ref resolve_thread(store::database& db, const store::numbers::number_row& number, const std::string& from,
                          const std::string& channel, const std::string& at, bool new_after_resolved = false);

}  // namespace switchboard::api
