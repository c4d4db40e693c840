#pragma once
// Conversation items posted to Teams: one thread per customer conversation in
// the channel linked by its assignee (else its team). Runs inside the write job
// that stores the item, so the post is an outbox row of the same transaction.
#include <string>

#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::teams {

// Queues teams.create_thread (first item) or teams.reply (later ones) for the
// item; false when the conversation has no linked channel (nothing queued).
// A teammate's message written elsewhere (the inbox, a command) only joins a
// thread that exists; customers' items start one.
bool mirror_item(store::unit_of_work& uow, const store::message& item, const std::string& public_url,
                 const std::string& at);

// How a conversation's customer is named in Teams: their name, else their phone.
std::string customer_name(const store::conversation& c);

// Outbox kinds.
inline constexpr const char* create_thread_kind = "teams.create_thread";
inline constexpr const char* reply_kind = "teams.reply";

}  // namespace switchboard::teams
