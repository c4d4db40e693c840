#pragma once
// SQL for the website widget: per-workspace settings, visitor sessions (token
// hashes), tracked events, and finding or creating the visitor's contact.
// Functions run inside store jobs.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

// Parameter and row types (list_filter, patch, …) are in models.hpp, where the
// repository interfaces (repositories.hpp) can use them without SQLite.
namespace switchboard::store::widget {

// The workspace's settings (defaults when never saved); nullopt for an unknown workspace.
std::optional<settings> get_settings(database& db, id_t workspace_id);
void save_settings(database& db, const settings& s, const std::string& now);
// Allow-lists of every workspace, for a preflight that names none.
std::vector<std::string> all_allowed_origins(database& db);
// Whether any teammate of the workspace is marked available (ids of them).
std::vector<id_t> available_teammates(database& db, id_t workspace_id);

id_t insert_session(database& db, const session& s, const std::string& token_hash,
                    const std::optional<std::string>& origin);
std::optional<session> find_session(database& db, const std::string& token_hash);
void revoke_session(database& db, id_t workspace_id, id_t id, const std::string& now);
// Housekeeping across workspaces: deletes up to `limit` sessions that expired before
// `now` (a refresh issues a new session, so they pile up); returns how many.
int purge_expired_sessions(database& db, const std::string& now, int limit);

// Housekeeping (issue 16 item 12): removes, up to `limit` rows of each kind,
// visitors that never wrote: sessions without a contact created before `cutoff`,
// their events, and contacts the widget created that have no conversation, no
// identity but visitor ids, no live session and no change since `cutoff`.
purge_counts purge_unused_visitors(database& db, const std::string& cutoff, const std::string& now, int limit);

// Whether a visitor id without a contact has a session in the workspace.
bool visitor_known(database& db, id_t workspace_id, const std::string& visitor_id);
// The newest name and email given on the sessions of a visitor without a contact.
std::pair<std::optional<std::string>, std::optional<std::string>> pending_profile(database& db, id_t workspace_id,
                                                                                  const std::string& visitor_id);
// The visitor's contact-less sessions and events now belong to `contact_id`.
void adopt_visitor_rows(database& db, id_t workspace_id, const std::string& visitor_id, id_t contact_id);
// The contact of a visitor that writes for the first time: created with what it
// gave on its sessions, which (with its events) then point at it.
id_t contact_for_first_message(database& db, id_t workspace_id, const std::string& visitor_id, const std::string& now);

// Who started a widget chat (issue 16 item 10): an unverified session sees only
// the conversations its visitor id started, whatever merges do to contact_id.
void record_starter(database& db, id_t workspace_id, id_t conversation_id, const std::string& visitor_id,
                    const std::string& now);
std::optional<std::string> starter_of(database& db, id_t workspace_id, id_t conversation_id);
// The conversations a visitor id started, newest first.
std::vector<id_t> conversations_started_by(database& db, id_t workspace_id, const std::string& visitor_id, int limit);

// The contact a visitor id names (identity kind 'visitor').
std::optional<id_t> contact_of_visitor(database& db, id_t workspace_id, const std::string& visitor_id);
// Whether the contact carries a verified external id.
std::optional<std::string> external_id_of(database& db, id_t workspace_id, id_t contact_id);
// A new contact with a visitor identity.
id_t create_visitor(database& db, id_t workspace_id, const std::string& visitor_id,
                    const std::optional<std::string>& name, const std::string& now);
void add_visitor_identity(database& db, id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                          const std::string& now);
// Sets name/email shown to agents without creating identities (unverified claims
// never become identities, so they never merge contacts).
void set_unverified_profile(database& db, id_t workspace_id, id_t contact_id,
                            const std::optional<std::string>& name, const std::optional<std::string>& email,
                            const std::string& now);
// Moves sessions and events before contacts::merge deletes `from`.
void move_visitor_rows(database& db, id_t workspace_id, id_t into, id_t from);

// contact_id 0: a visitor without a contact yet (the event follows it to its contact).
void insert_event(database& db, id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                  const std::string& name, const nlohmann::json& props, const std::string& now);
std::vector<event_row> events_of(database& db, id_t workspace_id, id_t contact_id, int limit);

// The visitor's conversations, newest first.
std::vector<id_t> conversations_of(database& db, id_t workspace_id, id_t contact_id, int limit);

}  // namespace switchboard::store::widget
