#pragma once
// SQL for conversations, their labels and messages, canned responses and labels.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::conversations {

// The list's SQL for these filters (its plan is tested: each view reads an index in order).
std::string list_sql(const list_filter& f);
// A search's walk over the text's matches, newest first (its plan is tested: no sort).
std::string search_walk_sql();
// A search finds the conversations of matching contacts by walking the view newest
// first (contact_walk_sql, its plan tested like list_sql's) when the trigram index
// has at least this many candidates, else by reading the matching contacts' own.
std::size_t contact_walk_threshold(std::int64_t conversations, int limit);
std::string contact_walk_sql(const list_filter& f, bool from_cursor);

std::optional<conversation> find(database& db, id_t workspace_id, id_t id);
// A page of the inbox, newest activity first. With `q`, a search: the matching
// conversations newest match first, keyed by (the id of the conversation's newest
// message matching the text, or of its newest message at all when its contact
// matches; conversation id); each row's list_key is that message id, and `before`
// takes it back (activity_at = the key in decimal). The work is bounded by the page
// for a common word: the text's matches are walked newest first and the walk stops
// once the page is full.
std::vector<conversation> list(database& db, id_t workspace_id, const list_filter& f);
id_t insert(database& db, const conversation& c);

void update(database& db, id_t workspace_id, id_t id, const patch& p, const std::string& now);

// Snoozed conversations whose time has come become open again; returns their ids.
std::vector<std::pair<id_t, id_t>> wake_snoozed(database& db, const std::string& now);

// Messages.
std::optional<message> find_message(database& db, id_t workspace_id, id_t id);
std::vector<message> thread(database& db, id_t workspace_id, id_t conversation_id,
                            std::optional<id_t> after, int limit, bool include_private);
// A thread item by its external id (carrier SID) on a channel.
std::optional<message> find_by_external(database& db, id_t workspace_id, const std::string& channel,
                                        const std::string& external_id);
// The same across workspaces: a carrier callback names a SID before we know the workspace.
std::optional<message> find_by_external_any(database& db, const std::string& channel,
                                            const std::string& external_id);
// Call records and voicemails grow as the carrier's callbacks arrive: new body,
// status and metadata for an existing item.
void update_item(database& db, id_t workspace_id, id_t id, const std::string& body,
                 const std::string& status, const nlohmann::json& metadata);
// A message's delivery status (the outbox's outcome, a carrier's status callback).
// `error` and `external_id` stay as they were when not given.
void set_message_status(database& db, id_t message_id, const std::string& status,
                        const std::optional<std::string>& error = std::nullopt,
                        const std::optional<std::string>& external_id = std::nullopt);
// A failed reply sent again (issue 18): queued, its error and the old send's SID
// cleared (a late callback for that send finds nothing), metadata.retries counted.
// False when the workspace has no such message.
bool requeue_message(database& db, id_t workspace_id, id_t message_id);
// A placed call the carrier accepted: sent, known by its call SID (also in its metadata).
void set_call_sid(database& db, id_t message_id, const std::string& sid);
void set_external_id(database& db, id_t workspace_id, id_t message_id, const std::string& external_id);
// The SMS message a carrier's SID names (any workspace), with its current status.
std::optional<sms_ref> find_sms_by_external_id(database& db, const std::string& sid);
// The line (business number) a conversation came in on.
std::optional<id_t> number_of(database& db, id_t workspace_id, id_t conversation_id);
void set_number(database& db, id_t conversation_id, id_t number_id);
// Inserts and updates the conversation's last_message_at / unread / first response.
// A customer's message reopens a resolved or snoozed conversation; a caller that
// has just read the conversation's status as open or pending passes may_reopen = false.
id_t insert_message(database& db, const message& m, bool may_reopen = true);
// The same, unless the workspace already has a message with m's channel and
// external_id (a carrier's retry): then nothing is written and nullopt comes back.
std::optional<id_t> insert_message_once(database& db, const message& m, bool may_reopen = true);
// Moves messages into message_threads once `window` or more wait above the
// watermark (migrations/0011_thread_table.sql); the store's writer calls it in
// each batch, before COMMIT. Returns how many were merged.
std::int64_t merge_threads(database& db, std::int64_t window);

std::optional<std::string> canned_body(database& db, id_t workspace_id, const std::string& shortcut);
std::vector<canned_response> list_canned(database& db, id_t workspace_id);
id_t insert_canned(database& db, id_t workspace_id, const std::string& shortcut,
                   const std::string& body, const std::string& now);
bool delete_canned(database& db, id_t workspace_id, id_t id);
// Changes the given fields; nullopt keeps one. Returns the row, or nullopt when unknown.
std::optional<canned_response> update_canned(database& db, id_t workspace_id, id_t id,
                                             const std::optional<std::string>& shortcut,
                                             const std::optional<std::string>& body);

std::vector<label> list_labels(database& db, id_t workspace_id);
id_t insert_label(database& db, id_t workspace_id, const std::string& name,
                  const std::string& color, const std::string& now);
bool delete_label(database& db, id_t workspace_id, id_t id);

// What decides a reply's channel (routing/reply.hpp), read in one place.
reply_context reply_context_of(database& db, id_t workspace_id, const conversation& c);

// Transactional outbox: a side effect recorded with the change that causes it.
id_t enqueue_outbox(database& db, id_t workspace_id, const std::string& kind,
                    const nlohmann::json& payload, const std::string& now);

}  // namespace switchboard::store::conversations
