#pragma once
// The transactional outbox: rows written with the change that caused them (see
// conversations::enqueue_outbox), leased and settled by the dispatcher. Correctness
// relies on the single writer: due() then lease() in one write job is the claim.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::outbox {

// Pending rows of the kinds that have a sender (SMS, relays, calls, Teams) due at
// `now`, oldest first.
std::vector<due_row> due(database& db, const std::string& now, int limit);

// Settles a row: its status, error and next attempt; `count_attempt` adds one to attempts.
void settle(database& db, id_t id, const std::string& status, const std::optional<std::string>& error,
            const std::string& next_attempt_at, const std::string& now, bool count_attempt = true);

// A row being sent is not due again until `until` (a crash mid-send: due again then).
void lease(database& db, id_t id, const std::string& until, const std::string& now);

int attempts(database& db, id_t id);

// What an SMS reply needs to go out: its text, the conversation's line, and the
// contact's first E.164 phone (a short code or sender id is not one).
std::optional<sms_send_facts> sms_send(database& db, id_t message_id);

// Replies queued for channels with no sender (voice, email): their rows and
// messages fail with `why`. Returns the number of outbox rows failed.
int fail_channels_without_sender(database& db, const std::string& why, const std::string& now);

}  // namespace switchboard::store::outbox
