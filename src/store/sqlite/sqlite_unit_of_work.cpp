// The SQLite repositories: each method delegates to the aggregate's free function.
#include "switchboard/store/sqlite_unit_of_work.hpp"

#include "switchboard/store/auth_data.hpp"
#include "switchboard/store/consent.hpp"
#include "switchboard/store/media.hpp"
#include "switchboard/store/contacts.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/outbox.hpp"
#include "switchboard/store/routing.hpp"
#include "switchboard/store/teammates.hpp"
#include "switchboard/store/teams.hpp"
#include "switchboard/store/widget.hpp"
#include "switchboard/store/workspaces.hpp"

namespace switchboard::store {

std::optional<conversation> sqlite_conversation_repository::find(id_t workspace_id, id_t id) {
  return conversations::find(db_, workspace_id, id);
}
std::vector<conversation> sqlite_conversation_repository::list(
    id_t workspace_id, const conversations::list_filter& f) {
  return conversations::list(db_, workspace_id, f);
}
id_t sqlite_conversation_repository::insert(const conversation& c) {
  return conversations::insert(db_, c);
}
void sqlite_conversation_repository::update(id_t workspace_id, id_t id,
                                            const conversations::patch& p, const std::string& now) {
  return conversations::update(db_, workspace_id, id, p, now);
}
std::vector<std::pair<id_t, id_t>> sqlite_conversation_repository::wake_snoozed(
    const std::string& now) {
  return conversations::wake_snoozed(db_, now);
}
std::optional<id_t> sqlite_conversation_repository::number_of(id_t workspace_id,
                                                              id_t conversation_id) {
  return conversations::number_of(db_, workspace_id, conversation_id);
}
void sqlite_conversation_repository::set_number(id_t conversation_id, id_t number_id) {
  return conversations::set_number(db_, conversation_id, number_id);
}
conversations::reply_context sqlite_conversation_repository::reply_context_of(
    id_t workspace_id, const conversation& c) {
  return conversations::reply_context_of(db_, workspace_id, c);
}
std::optional<std::string> sqlite_conversation_repository::canned_body(
    id_t workspace_id, const std::string& shortcut) {
  return conversations::canned_body(db_, workspace_id, shortcut);
}
std::vector<canned_response> sqlite_conversation_repository::list_canned(id_t workspace_id) {
  return conversations::list_canned(db_, workspace_id);
}
id_t sqlite_conversation_repository::insert_canned(id_t workspace_id, const std::string& shortcut,
                                                   const std::string& body,
                                                   const std::string& now) {
  return conversations::insert_canned(db_, workspace_id, shortcut, body, now);
}
bool sqlite_conversation_repository::delete_canned(id_t workspace_id, id_t id) {
  return conversations::delete_canned(db_, workspace_id, id);
}
std::optional<canned_response> sqlite_conversation_repository::update_canned(
    id_t workspace_id, id_t id, const std::optional<std::string>& shortcut,
    const std::optional<std::string>& body) {
  return conversations::update_canned(db_, workspace_id, id, shortcut, body);
}
std::vector<label> sqlite_conversation_repository::list_labels(id_t workspace_id) {
  return conversations::list_labels(db_, workspace_id);
}
id_t sqlite_conversation_repository::insert_label(id_t workspace_id, const std::string& name,
                                                  const std::string& color,
                                                  const std::string& now) {
  return conversations::insert_label(db_, workspace_id, name, color, now);
}
bool sqlite_conversation_repository::delete_label(id_t workspace_id, id_t id) {
  return conversations::delete_label(db_, workspace_id, id);
}

std::optional<message> sqlite_message_repository::find(id_t workspace_id, id_t id) {
  return conversations::find_message(db_, workspace_id, id);
}
std::vector<message> sqlite_message_repository::thread(id_t workspace_id, id_t conversation_id,
                                                       std::optional<id_t> after, int limit,
                                                       bool include_private) {
  return conversations::thread(db_, workspace_id, conversation_id, after, limit, include_private);
}
std::optional<message> sqlite_message_repository::find_by_external(id_t workspace_id,
                                                                   const std::string& channel,
                                                                   const std::string& external_id) {
  return conversations::find_by_external(db_, workspace_id, channel, external_id);
}
std::optional<message> sqlite_message_repository::find_by_external_any(
    const std::string& channel, const std::string& external_id) {
  return conversations::find_by_external_any(db_, channel, external_id);
}
std::optional<conversations::sms_ref> sqlite_message_repository::find_sms_by_external_id(
    const std::string& sid) {
  return conversations::find_sms_by_external_id(db_, sid);
}
id_t sqlite_message_repository::insert(const message& m, bool may_reopen) {
  return conversations::insert_message(db_, m, may_reopen);
}
std::optional<id_t> sqlite_message_repository::insert_once(const message& m, bool may_reopen) {
  return conversations::insert_message_once(db_, m, may_reopen);
}
void sqlite_message_repository::update_item(id_t workspace_id, id_t id, const std::string& body,
                                            const std::string& status,
                                            const nlohmann::json& metadata) {
  return conversations::update_item(db_, workspace_id, id, body, status, metadata);
}
void sqlite_message_repository::set_status(id_t message_id, const std::string& status,
                                           const std::optional<std::string>& error,
                                           const std::optional<std::string>& external_id) {
  return conversations::set_message_status(db_, message_id, status, error, external_id);
}
bool sqlite_message_repository::requeue(id_t workspace_id, id_t message_id) {
  return conversations::requeue_message(db_, workspace_id, message_id);
}
void sqlite_message_repository::set_call_sid(id_t message_id, const std::string& sid) {
  return conversations::set_call_sid(db_, message_id, sid);
}
void sqlite_message_repository::set_external_id(id_t workspace_id, id_t message_id,
                                                const std::string& external_id) {
  return conversations::set_external_id(db_, workspace_id, message_id, external_id);
}

std::optional<contact> sqlite_contact_repository::find(id_t workspace_id, id_t id) {
  return contacts::find(db_, workspace_id, id);
}
std::optional<id_t> sqlite_contact_repository::find_by_identity(id_t workspace_id,
                                                                const std::string& kind,
                                                                const std::string& value) {
  return contacts::find_by_identity(db_, workspace_id, kind, value);
}
std::vector<contact> sqlite_contact_repository::list(id_t workspace_id, std::optional<id_t> before,
                                                     int limit,
                                                     const std::optional<std::string>& q) {
  return contacts::list(db_, workspace_id, before, limit, q);
}
id_t sqlite_contact_repository::insert(const contact& c) { return contacts::insert(db_, c); }
void sqlite_contact_repository::update(id_t workspace_id, id_t id, const contacts::patch& p,
                                       const std::string& now) {
  return contacts::update(db_, workspace_id, id, p, now);
}
void sqlite_contact_repository::merge(id_t workspace_id, id_t into, id_t from,
                                      const std::string& now) {
  return contacts::merge(db_, workspace_id, into, from, now);
}
void sqlite_contact_repository::erase(id_t workspace_id, id_t id,
                                      const std::vector<std::string>& also_written_as) {
  return contacts::erase(db_, workspace_id, id, also_written_as);
}

std::optional<teammate> sqlite_teammate_repository::find(id_t workspace_id, id_t id) {
  return teammates::find(db_, workspace_id, id);
}
std::optional<teammate> sqlite_teammate_repository::find_by_email(const std::string& email) {
  return teammates::find_by_email(db_, email);
}
std::int64_t sqlite_teammate_repository::count_owners(id_t workspace_id) {
  return teammates::count_owners(db_, workspace_id);
}
std::vector<teammate> sqlite_teammate_repository::list(id_t workspace_id) {
  return teammates::list(db_, workspace_id);
}
id_t sqlite_teammate_repository::insert(const teammate& t) { return teammates::insert(db_, t); }
void sqlite_teammate_repository::update(id_t workspace_id, id_t id, const teammates::patch& p,
                                        const std::string& now) {
  return teammates::update(db_, workspace_id, id, p, now);
}

std::optional<team> sqlite_team_repository::find(id_t workspace_id, id_t team_id) {
  return teammates::find_team(db_, workspace_id, team_id);
}
std::vector<team> sqlite_team_repository::list(id_t workspace_id) {
  return teammates::list_teams(db_, workspace_id);
}
id_t sqlite_team_repository::insert(id_t workspace_id, const std::string& name, bool round_robin,
                                    const std::string& now) {
  return teammates::insert_team(db_, workspace_id, name, round_robin, now);
}
void sqlite_team_repository::update(id_t workspace_id, id_t team_id,
                                    std::optional<std::string> name,
                                    std::optional<bool> round_robin) {
  return teammates::update_team(db_, workspace_id, team_id, name, round_robin);
}
void sqlite_team_repository::add_member(id_t workspace_id, id_t team_id, id_t teammate_id) {
  return teammates::add_member(db_, workspace_id, team_id, teammate_id);
}
void sqlite_team_repository::remove_member(id_t workspace_id, id_t team_id, id_t teammate_id) {
  return teammates::remove_member(db_, workspace_id, team_id, teammate_id);
}
std::optional<id_t> sqlite_team_repository::next_round_robin(id_t workspace_id, id_t team_id,
                                                             const std::string& now) {
  return teammates::next_round_robin(db_, workspace_id, team_id, now);
}

std::optional<numbers::number_row> sqlite_number_repository::find(id_t workspace_id, id_t id) {
  return numbers::find(db_, workspace_id, id);
}
std::optional<numbers::number_row> sqlite_number_repository::find_active(const std::string& e164) {
  return numbers::find_active(db_, e164);
}
std::vector<numbers::number_row> sqlite_number_repository::list(id_t workspace_id) {
  return numbers::list(db_, workspace_id);
}
id_t sqlite_number_repository::insert(const numbers::number_row& n) {
  return numbers::insert(db_, n);
}
void sqlite_number_repository::set_owner(id_t workspace_id, id_t id, std::optional<id_t> teammate,
                                         std::optional<id_t> team) {
  return numbers::set_owner(db_, workspace_id, id, teammate, team);
}
void sqlite_number_repository::release(id_t workspace_id, id_t id) {
  return numbers::release(db_, workspace_id, id);
}
void sqlite_number_repository::set_carrier_sid(id_t workspace_id, id_t id, const std::string& sid) {
  return numbers::set_carrier_sid(db_, workspace_id, id, sid);
}
std::vector<std::string> sqlite_number_repository::sandbox_available(const std::string& area_code,
                                                                     int limit) {
  return numbers::sandbox_available(db_, area_code, limit);
}
bool sqlite_number_repository::is_physical_number(const std::string& e164) {
  return numbers::is_physical_number(db_, e164);
}
numbers::sender_facts sqlite_number_repository::classify_sender(const std::string& e164) {
  return numbers::classify_sender(db_, e164);
}
std::optional<numbers::conversation_ref> sqlite_number_repository::latest_conversation(
    id_t workspace_id, id_t contact_id, id_t number_id) {
  return numbers::latest_conversation(db_, workspace_id, contact_id, number_id);
}
std::optional<std::string> sqlite_number_repository::webhook_response(const std::string& carrier,
                                                                      const std::string& sid,
                                                                      const std::string& step) {
  return numbers::webhook_response(db_, carrier, sid, step);
}
void sqlite_number_repository::record_webhook(const std::string& carrier, const std::string& sid,
                                              const std::string& step,
                                              std::optional<id_t> workspace_id,
                                              const std::string& response, const std::string& now) {
  return numbers::record_webhook(db_, carrier, sid, step, workspace_id, response, now);
}
std::optional<std::string> sqlite_number_repository::claim_webhook(
    const std::string& carrier, const std::string& sid, const std::string& step,
    std::optional<id_t> workspace_id, const std::string& response, const std::string& now) {
  return numbers::claim_webhook(db_, carrier, sid, step, workspace_id, response, now);
}
id_t sqlite_number_repository::record_sandbox_message(
    id_t workspace_id, const std::string& sid, const std::string& from, const std::string& to,
    const std::string& body, const std::string& now, std::optional<id_t> conversation_id) {
  return numbers::record_sandbox_message(db_, workspace_id, sid, from, to, body, now,
                                         conversation_id);
}
void sqlite_number_repository::delete_sandbox_message(id_t id) {
  return numbers::delete_sandbox_message(db_, id);
}
std::vector<numbers::sandbox_line> sqlite_number_repository::sandbox_lines(
    std::optional<id_t> workspace_id) {
  return numbers::sandbox_lines(db_, workspace_id);
}
std::vector<numbers::sandbox_message> sqlite_number_repository::sandbox_messages_to(
    std::optional<id_t> workspace_id, const std::string& to, const std::optional<std::string>& line,
    std::optional<id_t> after, int limit) {
  return numbers::sandbox_messages_to(db_, workspace_id, to, line, after, limit);
}

id_t sqlite_outbox_repository::enqueue(id_t workspace_id, const std::string& kind,
                                       const nlohmann::json& payload, const std::string& now) {
  return conversations::enqueue_outbox(db_, workspace_id, kind, payload, now);
}
std::vector<outbox::due_row> sqlite_outbox_repository::due(const std::string& now, int limit) {
  return outbox::due(db_, now, limit);
}
void sqlite_outbox_repository::lease(id_t id, const std::string& until, const std::string& now) {
  return outbox::lease(db_, id, until, now);
}
void sqlite_outbox_repository::settle(id_t id, const std::string& status,
                                      const std::optional<std::string>& error,
                                      const std::string& next_attempt_at, const std::string& now,
                                      bool count_attempt) {
  return outbox::settle(db_, id, status, error, next_attempt_at, now, count_attempt);
}
int sqlite_outbox_repository::attempts(id_t id) { return outbox::attempts(db_, id); }
std::optional<outbox::sms_send_facts> sqlite_outbox_repository::sms_send(id_t message_id) {
  return outbox::sms_send(db_, message_id);
}
int sqlite_outbox_repository::fail_channels_without_sender(const std::string& why,
                                                           const std::string& now) {
  return outbox::fail_channels_without_sender(db_, why, now);
}

void sqlite_auth_repository::insert_session(id_t workspace_id, id_t teammate_id,
                                            const std::string& token_hash, const std::string& now,
                                            const std::string& expires_at) {
  return auth_data::insert_session(db_, workspace_id, teammate_id, token_hash, now, expires_at);
}
std::optional<id_t> sqlite_auth_repository::delete_session(const std::string& token_hash) {
  return auth_data::delete_session(db_, token_hash);
}
void sqlite_auth_repository::delete_sessions_of(id_t workspace_id, id_t teammate_id) {
  return auth_data::delete_sessions_of(db_, workspace_id, teammate_id);
}
std::optional<auth_data::token_lookup> sqlite_auth_repository::find_token(
    const std::string& token_hash) {
  return auth_data::find_token(db_, token_hash);
}
id_t sqlite_auth_repository::insert_api_key(id_t workspace_id, id_t teammate_id,
                                            const std::string& name, const std::string& key_hash,
                                            const std::string& now, const std::string& scope,
                                            bool manage_keys) {
  return auth_data::insert_api_key(db_, workspace_id, teammate_id, name, key_hash, now, scope,
                                   manage_keys);
}
std::vector<auth_data::api_key_row> sqlite_auth_repository::list_api_keys(id_t workspace_id) {
  return auth_data::list_api_keys(db_, workspace_id);
}
std::optional<auth_data::api_key_row> sqlite_auth_repository::find_api_key(id_t workspace_id,
                                                                           id_t id) {
  return auth_data::find_api_key(db_, workspace_id, id);
}
bool sqlite_auth_repository::revoke_api_key(id_t workspace_id, id_t id, const std::string& now) {
  return auth_data::revoke_api_key(db_, workspace_id, id, now);
}
void sqlite_auth_repository::audit(id_t workspace_id, std::optional<id_t> actor_id,
                                   const std::string& action, const std::string& target_kind,
                                   std::optional<id_t> target_id, const nlohmann::json& details,
                                   const std::string& ip, const std::string& now) {
  return auth_data::audit(db_, workspace_id, actor_id, action, target_kind, target_id, details, ip,
                          now);
}
std::vector<nlohmann::json> sqlite_auth_repository::list_audit(id_t workspace_id,
                                                               std::optional<id_t> before,
                                                               int limit) {
  return auth_data::list_audit(db_, workspace_id, before, limit);
}

std::optional<widget::settings> sqlite_widget_repository::get_settings(id_t workspace_id) {
  return widget::get_settings(db_, workspace_id);
}
void sqlite_widget_repository::save_settings(const widget::settings& s, const std::string& now) {
  return widget::save_settings(db_, s, now);
}
std::vector<std::string> sqlite_widget_repository::all_allowed_origins() {
  return widget::all_allowed_origins(db_);
}
std::vector<id_t> sqlite_widget_repository::available_teammates(id_t workspace_id) {
  return widget::available_teammates(db_, workspace_id);
}
id_t sqlite_widget_repository::insert_session(const widget::session& s,
                                              const std::string& token_hash,
                                              const std::optional<std::string>& origin) {
  return widget::insert_session(db_, s, token_hash, origin);
}
std::optional<widget::session> sqlite_widget_repository::find_session(
    const std::string& token_hash) {
  return widget::find_session(db_, token_hash);
}
void sqlite_widget_repository::revoke_session(id_t workspace_id, id_t id, const std::string& now) {
  return widget::revoke_session(db_, workspace_id, id, now);
}
int sqlite_widget_repository::purge_expired_sessions(const std::string& now, int limit) {
  return widget::purge_expired_sessions(db_, now, limit);
}
widget::purge_counts sqlite_widget_repository::purge_unused_visitors(const std::string& cutoff,
                                                                     const std::string& now,
                                                                     int limit) {
  return widget::purge_unused_visitors(db_, cutoff, now, limit);
}
bool sqlite_widget_repository::visitor_known(id_t workspace_id, const std::string& visitor_id) {
  return widget::visitor_known(db_, workspace_id, visitor_id);
}
std::pair<std::optional<std::string>, std::optional<std::string>>
sqlite_widget_repository::pending_profile(id_t workspace_id, const std::string& visitor_id) {
  return widget::pending_profile(db_, workspace_id, visitor_id);
}
void sqlite_widget_repository::adopt_visitor_rows(id_t workspace_id, const std::string& visitor_id,
                                                  id_t contact_id) {
  return widget::adopt_visitor_rows(db_, workspace_id, visitor_id, contact_id);
}
id_t sqlite_widget_repository::contact_for_first_message(id_t workspace_id,
                                                         const std::string& visitor_id,
                                                         const std::string& now) {
  return widget::contact_for_first_message(db_, workspace_id, visitor_id, now);
}
void sqlite_widget_repository::record_starter(id_t workspace_id, id_t conversation_id,
                                              const std::string& visitor_id,
                                              const std::string& now) {
  return widget::record_starter(db_, workspace_id, conversation_id, visitor_id, now);
}
std::optional<std::string> sqlite_widget_repository::starter_of(id_t workspace_id,
                                                                id_t conversation_id) {
  return widget::starter_of(db_, workspace_id, conversation_id);
}
std::vector<id_t> sqlite_widget_repository::conversations_started_by(id_t workspace_id,
                                                                     const std::string& visitor_id,
                                                                     int limit) {
  return widget::conversations_started_by(db_, workspace_id, visitor_id, limit);
}
std::optional<id_t> sqlite_widget_repository::contact_of_visitor(id_t workspace_id,
                                                                 const std::string& visitor_id) {
  return widget::contact_of_visitor(db_, workspace_id, visitor_id);
}
std::optional<std::string> sqlite_widget_repository::external_id_of(id_t workspace_id,
                                                                    id_t contact_id) {
  return widget::external_id_of(db_, workspace_id, contact_id);
}
id_t sqlite_widget_repository::create_visitor(id_t workspace_id, const std::string& visitor_id,
                                              const std::optional<std::string>& name,
                                              const std::string& now) {
  return widget::create_visitor(db_, workspace_id, visitor_id, name, now);
}
void sqlite_widget_repository::add_visitor_identity(id_t workspace_id, id_t contact_id,
                                                    const std::string& visitor_id,
                                                    const std::string& now) {
  return widget::add_visitor_identity(db_, workspace_id, contact_id, visitor_id, now);
}
void sqlite_widget_repository::set_unverified_profile(id_t workspace_id, id_t contact_id,
                                                      const std::optional<std::string>& name,
                                                      const std::optional<std::string>& email,
                                                      const std::string& now) {
  return widget::set_unverified_profile(db_, workspace_id, contact_id, name, email, now);
}
void sqlite_widget_repository::move_visitor_rows(id_t workspace_id, id_t into, id_t from) {
  return widget::move_visitor_rows(db_, workspace_id, into, from);
}
void sqlite_widget_repository::insert_event(id_t workspace_id, id_t contact_id,
                                            const std::string& visitor_id, const std::string& name,
                                            const nlohmann::json& props, const std::string& now) {
  return widget::insert_event(db_, workspace_id, contact_id, visitor_id, name, props, now);
}
std::vector<widget::event_row> sqlite_widget_repository::events_of(id_t workspace_id,
                                                                   id_t contact_id, int limit) {
  return widget::events_of(db_, workspace_id, contact_id, limit);
}
std::vector<id_t> sqlite_widget_repository::conversations_of(id_t workspace_id, id_t contact_id,
                                                             int limit) {
  return widget::conversations_of(db_, workspace_id, contact_id, limit);
}

std::optional<teammate> sqlite_teams_link_repository::teammate_by_user(
    const std::string& aad_object_id) {
  return teams::teammate_by_user(db_, aad_object_id);
}
std::optional<std::string> sqlite_teams_link_repository::user_of(id_t workspace_id,
                                                                 id_t teammate_id) {
  return teams::user_of(db_, workspace_id, teammate_id);
}
void sqlite_teams_link_repository::set_user(id_t workspace_id, id_t teammate_id,
                                            const std::optional<std::string>& aad_object_id,
                                            const std::string& now) {
  return teams::set_user(db_, workspace_id, teammate_id, aad_object_id, now);
}
id_t sqlite_teams_link_repository::link_channel(const teams::channel_link& l,
                                                const std::string& now) {
  return teams::link_channel(db_, l, now);
}
std::optional<teams::channel_link> sqlite_teams_link_repository::channel_of(
    id_t workspace_id, const std::string& owner_kind, id_t owner_id) {
  return teams::channel_of(db_, workspace_id, owner_kind, owner_id);
}
bool sqlite_teams_link_repository::any_channel_linked(id_t workspace_id) {
  return teams::any_channel_linked(db_, workspace_id);
}
std::optional<teams::thread> sqlite_teams_link_repository::thread_of_conversation(
    id_t workspace_id, id_t conversation_id) {
  return teams::thread_of_conversation(db_, workspace_id, conversation_id);
}
std::optional<teams::thread> sqlite_teams_link_repository::find_thread(id_t workspace_id, id_t id) {
  return teams::find_thread(db_, workspace_id, id);
}
std::optional<teams::thread> sqlite_teams_link_repository::thread_by_teams_id(
    const std::string& thread_id) {
  return teams::thread_by_teams_id(db_, thread_id);
}
id_t sqlite_teams_link_repository::insert_thread(const teams::thread& t, const std::string& now) {
  return teams::insert_thread(db_, t, now);
}
void sqlite_teams_link_repository::thread_created(id_t id, const std::string& thread_id,
                                                  const std::string& now) {
  return teams::thread_created(db_, id, thread_id, now);
}
void sqlite_teams_link_repository::thread_failed(id_t id, const std::string& now) {
  return teams::thread_failed(db_, id, now);
}
void sqlite_teams_link_repository::thread_retry(id_t id, const std::string& now) {
  return teams::thread_retry(db_, id, now);
}
std::optional<id_t> sqlite_teams_link_repository::workspace_for_tenant(
    const std::string& tenant_id) {
  return teams::workspace_for_tenant(db_, tenant_id);
}
std::optional<std::string> sqlite_teams_link_repository::line_of_conversation(
    id_t workspace_id, id_t conversation_id) {
  return teams::line_of_conversation(db_, workspace_id, conversation_id);
}

int sqlite_routing_repository::selector_for(id_t workspace_id, id_t teammate_id,
                                            id_t conversation_id, const std::string& now) {
  return routing::selector_for(db_, workspace_id, teammate_id, conversation_id, now);
}
std::optional<id_t> sqlite_routing_repository::conversation_of(id_t teammate_id, int selector) {
  return routing::conversation_of(db_, teammate_id, selector);
}
std::vector<routing::phone_conversation> sqlite_routing_repository::active_on_number(
    id_t workspace_id, id_t teammate_id, id_t number_id, int limit) {
  return routing::active_on_number(db_, workspace_id, teammate_id, number_id, limit);
}
std::optional<routing::sticky> sqlite_routing_repository::sticky_of(id_t teammate_id) {
  return routing::sticky_of(db_, teammate_id);
}
void sqlite_routing_repository::set_sticky(id_t workspace_id, id_t teammate_id,
                                           id_t conversation_id, const std::string& now) {
  return routing::set_sticky(db_, workspace_id, teammate_id, conversation_id, now);
}
routing::line_settings sqlite_routing_repository::settings_of(id_t workspace_id,
                                                              const std::string& owner_kind,
                                                              id_t owner_id) {
  return routing::settings_of(db_, workspace_id, owner_kind, owner_id);
}
void sqlite_routing_repository::update_settings(id_t workspace_id, const std::string& owner_kind,
                                                id_t owner_id, const routing::settings_patch& p,
                                                const std::string& now) {
  return routing::update_settings(db_, workspace_id, owner_kind, owner_id, p, now);
}
std::optional<std::string> sqlite_routing_repository::after_hours_replied_at(id_t workspace_id,
                                                                             id_t conversation_id) {
  return routing::after_hours_replied_at(db_, workspace_id, conversation_id);
}
void sqlite_routing_repository::set_after_hours_replied(id_t workspace_id, id_t conversation_id,
                                                        const std::string& now) {
  return routing::set_after_hours_replied(db_, workspace_id, conversation_id, now);
}
std::vector<std::string> sqlite_routing_repository::team_phones(id_t workspace_id, id_t team_id) {
  return routing::team_phones(db_, workspace_id, team_id);
}
std::optional<std::string> sqlite_routing_repository::last_caller(id_t workspace_id,
                                                                  id_t number_id) {
  return routing::last_caller(db_, workspace_id, number_id);
}
void sqlite_routing_repository::record_undeliverable(const routing::undeliverable& u) {
  return routing::record_undeliverable(db_, u);
}
std::vector<routing::undeliverable> sqlite_routing_repository::list_undeliverable(
    id_t workspace_id, std::optional<id_t> before, int limit) {
  return routing::list_undeliverable(db_, workspace_id, before, limit);
}

std::int64_t sqlite_workspace_repository::count() { return workspaces::count(db_); }
std::optional<id_t> sqlite_workspace_repository::create_with_owner(const std::string& name,
                                                                   const std::string& owner_email,
                                                                   const std::string& owner_name,
                                                                   const std::string& password_hash,
                                                                   const std::string& now) {
  return workspaces::create_with_owner(db_, name, owner_email, owner_name, password_hash, now);
}
std::optional<id_t> sqlite_workspace_repository::first() { return workspaces::first(db_); }
std::optional<std::string> sqlite_workspace_repository::name_of(id_t workspace_id) {
  return workspaces::name_of(db_, workspace_id);
}
bool sqlite_workspace_repository::answers() { return workspaces::answers(db_); }
std::optional<std::string> sqlite_workspace_repository::setting(id_t workspace_id, const std::string& name) {
  auto& q = db_.prepare("SELECT value FROM workspace_settings WHERE workspace_id = ?1 AND name = ?2");
  q.bind(1, workspace_id);
  q.bind(2, name);
  std::optional<std::string> value;
  if (q.step()) value = q.column_text(0);
  q.reset();
  return value;
}
std::vector<std::pair<id_t, std::string>> sqlite_workspace_repository::settings_named(const std::string& name) {
  auto& q = db_.prepare("SELECT workspace_id, value FROM workspace_settings WHERE name = ?1 ORDER BY workspace_id");
  q.bind(1, name);
  std::vector<std::pair<id_t, std::string>> out;
  while (q.step()) out.emplace_back(q.column_int(0), q.column_text(1));
  q.reset();
  return out;
}
void sqlite_workspace_repository::put_setting(id_t workspace_id, const std::string& name, const std::string& value,
                                              const std::string& now) {
  db_.prepare(
        "INSERT INTO workspace_settings(workspace_id, name, value, updated_at) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (workspace_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
      .bind_all(workspace_id, name, value, now)
      .run();
}

// One writer: reading the due rows and leasing them in the same transaction is
// the claim (the dispatcher's due() then lease(), in one call).
std::vector<outbox::due_row> sqlite_outbox_repository::claim_due(const std::string& now,
                                                                 const std::string& lease_until,
                                                                 int limit) {
  auto rows = outbox::due(db_, now, limit);
  for (auto& r : rows) outbox::lease(db_, r.id, lease_until, now);
  return rows;
}

}  // namespace switchboard::store

namespace switchboard::store {

id_t sqlite_consent_repository::record(const consent_entry& e) { return consent::record(db_, e); }
bool sqlite_consent_repository::opted_out(id_t workspace_id, const std::string& phone,
                                          std::optional<id_t> number_id) {
  return consent::opted_out(db_, workspace_id, phone, number_id);
}
std::vector<consent_entry> sqlite_consent_repository::history(id_t workspace_id,
                                                              const std::vector<std::string>& phones) {
  return consent::history(db_, workspace_id, phones);
}

}  // namespace switchboard::store

namespace switchboard::store {

id_t sqlite_media_repository::add(const media_item& m) { return media::add(db_, m); }
std::optional<media_item> sqlite_media_repository::find(id_t workspace_id, id_t id) {
  return media::find(db_, workspace_id, id);
}
void sqlite_media_repository::attach(id_t workspace_id, const std::vector<id_t>& ids, id_t conversation_id,
                                     id_t message_id) {
  media::attach(db_, workspace_id, ids, conversation_id, message_id);
}
std::vector<media_item> sqlite_media_repository::of_message(id_t workspace_id, id_t message_id) {
  return media::of_message(db_, workspace_id, message_id);
}
void sqlite_media_repository::set_message_media(id_t workspace_id, id_t message_id, const nlohmann::json& media) {
  media::set_message_media(db_, workspace_id, message_id, media);
}
bool sqlite_media_repository::file_in_use(const std::string& sha256) { return media::file_in_use(db_, sha256); }
std::vector<std::string> sqlite_media_repository::erase_of_contact(id_t workspace_id, id_t contact_id) {
  return media::erase_of_contact(db_, workspace_id, contact_id);
}
std::vector<std::string> sqlite_media_repository::purge_unsent(const std::string& before, int limit) {
  return media::purge_unsent(db_, before, limit);
}
std::int64_t sqlite_media_repository::unsent_of_visitor(id_t workspace_id, const std::string& visitor_id) {
  return media::unsent_of_visitor(db_, workspace_id, visitor_id);
}
std::int64_t sqlite_media_repository::visitor_bytes_since(id_t workspace_id, const std::string& since) {
  return media::visitor_bytes_since(db_, workspace_id, since);
}

}  // namespace switchboard::store
