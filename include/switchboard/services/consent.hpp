#pragma once
// A contact's texting consent (issue 18): the ledger's entries for their phones,
// and consent an admin obtained elsewhere (a signed form, a call), recorded with a
// note and audited as contact.consent_recorded. Keywords, carrier errors and the
// refusal of texts are in inbound_message, message_status and reply.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// Every entry for the contact's phones, newest first; NOT_FOUND without the contact.
boost::asio::awaitable<result<std::vector<store::consent_entry>>> consent_history(context& ctx, store::id_t workspace_id,
                                                                                  store::id_t contact_id);

struct consent_change {
  std::string state;                     // opted_in | opted_out
  std::optional<std::string> phone;      // one of the contact's phones; none: each of them
  std::optional<store::id_t> number_id;  // one line; none: every line
  std::optional<std::string> note;
};
// Records the change for the phone (or each phone) of the contact, by `who`
// (source agent, or api for an API key); the new entries. NOT_FOUND without the
// contact, INVALID_INPUT for a phone not theirs, an unknown line, or no phone.
boost::asio::awaitable<result<std::vector<store::consent_entry>>> record_consent(context& ctx, store::principal who,
                                                                                 store::id_t contact_id,
                                                                                 consent_change change, std::string ip);

struct resolved_suggestion {
  store::message message;                    // the customer's text, with its resolution in metadata
  std::optional<store::message> event;       // the thread's system item, when an opt-out was recorded
  std::vector<store::consent_entry> entries; // the ledger's new entries
  std::optional<store::conversation> conversation;
};
// An agent confirms ("confirm": records the opt-out the customer asked for, on the
// conversation's line, for each of their phones, with the message that caused it;
// audited) or dismisses ("dismiss") a free-text suggestion on an inbound message
// (routing::plan_suggestion). NOT_FOUND without the conversation or the message in
// it; INVALID_INPUT for no suggestion or an unknown action; CONFLICT when resolved.
// Agents hear message.updated (and message.created for the item).
boost::asio::awaitable<result<resolved_suggestion>> resolve_consent_suggestion(context& ctx, store::principal who,
                                                                              store::id_t conversation_id,
                                                                              store::id_t message_id,
                                                                              std::string action, std::string ip);

}  // namespace switchboard::services
