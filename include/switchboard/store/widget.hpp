#pragma once
// SQL for the website widget: per-workspace settings, visitor sessions (token
// hashes), tracked events, and finding or creating the visitor's contact.
// Functions run inside store jobs.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/store/models.hpp"
#include "switchboard/store/sqlite.hpp"

namespace switchboard::store::widget {

struct settings {
  id_t workspace_id = 0;
  std::vector<std::string> allowed_origins;
  std::string color = "#2563eb";
  std::string greeting = "Hi! How can we help?";
  std::string reply_time = "We usually reply within a few minutes.";
  std::string office_hours;
  std::string identity_mode = "off";
  std::string identity_secret, previous_secret;
  std::optional<std::string> previous_secret_until;
};
// The workspace's settings (defaults when never saved); nullopt for an unknown workspace.
std::optional<settings> get_settings(database& db, id_t workspace_id);
void save_settings(database& db, const settings& s, const std::string& now);
// Allow-lists of every workspace, for a preflight that names none.
std::vector<std::string> all_allowed_origins(database& db);
// Whether any teammate of the workspace is marked available (ids of them).
std::vector<id_t> available_teammates(database& db, id_t workspace_id);

struct session {
  id_t id = 0, workspace_id = 0, contact_id = 0;
  std::string visitor_id;
  bool verified = false;
  std::string created_at, expires_at;
  std::optional<std::string> revoked_at;
};
id_t insert_session(database& db, const session& s, const std::string& token_hash,
                    const std::optional<std::string>& origin);
std::optional<session> find_session(database& db, const std::string& token_hash);
void revoke_session(database& db, id_t workspace_id, id_t id, const std::string& now);
// Housekeeping across workspaces: deletes up to `limit` sessions that expired before
// `now` (a refresh issues a new session, so they pile up); returns how many.
int purge_expired_sessions(database& db, const std::string& now, int limit);

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

void insert_event(database& db, id_t workspace_id, id_t contact_id, const std::string& name,
                  const nlohmann::json& props, const std::string& now);
struct event_row {
  id_t id = 0;
  std::string name;
  nlohmann::json props;
  std::string created_at;
};
std::vector<event_row> events_of(database& db, id_t workspace_id, id_t contact_id, int limit);

// The visitor's conversations, newest first.
std::vector<id_t> conversations_of(database& db, id_t workspace_id, id_t contact_id, int limit);

}  // namespace switchboard::store::widget
