// PostgreSQL: widget (repositories.hpp; the SQLite twin is src/store/widget.cpp).
#include <stdexcept>

#include "switchboard/store/postgres/connection.hpp"
#include "switchboard/store/postgres/unit_of_work.hpp"

namespace switchboard::store {

std::optional<widget::settings> pg_widget_repository::get_settings(id_t workspace_id) {
  throw std::logic_error("postgres: widget.get_settings is not written yet");
}

void pg_widget_repository::save_settings(const widget::settings& s, const std::string& now) {
  throw std::logic_error("postgres: widgets.save_settings is not written yet");
}

std::vector<std::string> pg_widget_repository::all_allowed_origins() {
  throw std::logic_error("postgres: widgets.all_allowed_origins is not written yet");
}

std::vector<id_t> pg_widget_repository::available_teammates(id_t workspace_id) {
  throw std::logic_error("postgres: widgets.available_teammates is not written yet");
}

id_t pg_widget_repository::insert_session(const widget::session& s, const std::string& token_hash, const std::optional<std::string>& origin) {
  throw std::logic_error("postgres: widgets.insert_session is not written yet");
}

std::optional<widget::session> pg_widget_repository::find_session(const std::string& token_hash) {
  throw std::logic_error("postgres: widgets.find_session is not written yet");
}

void pg_widget_repository::revoke_session(id_t workspace_id, id_t id, const std::string& now) {
  throw std::logic_error("postgres: widgets.revoke_session is not written yet");
}

int pg_widget_repository::purge_expired_sessions(const std::string& now, int limit) {
  throw std::logic_error("postgres: widgets.purge_expired_sessions is not written yet");
}

widget::purge_counts pg_widget_repository::purge_unused_visitors(const std::string& cutoff, const std::string& now, int limit) {
  throw std::logic_error("postgres: widgets.purge_unused_visitors is not written yet");
}

bool pg_widget_repository::visitor_known(id_t workspace_id, const std::string& visitor_id) {
  throw std::logic_error("postgres: widgets.visitor_known is not written yet");
}

std::pair<std::optional<std::string>, std::optional<std::string>> pg_widget_repository::pending_profile( id_t workspace_id, const std::string& visitor_id) {
  throw std::logic_error("postgres: widgets.pending_profile is not written yet");
}

void pg_widget_repository::adopt_visitor_rows(id_t workspace_id, const std::string& visitor_id, id_t contact_id) {
  throw std::logic_error("postgres: widgets.adopt_visitor_rows is not written yet");
}

id_t pg_widget_repository::contact_for_first_message(id_t workspace_id, const std::string& visitor_id, const std::string& now) {
  throw std::logic_error("postgres: widgets.contact_for_first_message is not written yet");
}

void pg_widget_repository::record_starter(id_t workspace_id, id_t conversation_id, const std::string& visitor_id, const std::string& now) {
  throw std::logic_error("postgres: widgets.record_starter is not written yet");
}

std::optional<std::string> pg_widget_repository::starter_of(id_t workspace_id, id_t conversation_id) {
  throw std::logic_error("postgres: widgets.starter_of is not written yet");
}

std::vector<id_t> pg_widget_repository::conversations_started_by(id_t workspace_id, const std::string& visitor_id, int limit) {
  throw std::logic_error("postgres: widgets.conversations_started_by is not written yet");
}

std::optional<id_t> pg_widget_repository::contact_of_visitor(id_t workspace_id, const std::string& visitor_id) {
  throw std::logic_error("postgres: widgets.contact_of_visitor is not written yet");
}

std::optional<std::string> pg_widget_repository::external_id_of(id_t workspace_id, id_t contact_id) {
  throw std::logic_error("postgres: widgets.external_id_of is not written yet");
}

id_t pg_widget_repository::create_visitor(id_t workspace_id, const std::string& visitor_id, const std::optional<std::string>& name, const std::string& now) {
  throw std::logic_error("postgres: widgets.create_visitor is not written yet");
}

void pg_widget_repository::add_visitor_identity(id_t workspace_id, id_t contact_id, const std::string& visitor_id, const std::string& now) {
  throw std::logic_error("postgres: widgets.add_visitor_identity is not written yet");
}

void pg_widget_repository::set_unverified_profile(id_t workspace_id, id_t contact_id, const std::optional<std::string>& name, const std::optional<std::string>& email, const std::string& now) {
  throw std::logic_error("postgres: widgets.set_unverified_profile is not written yet");
}

void pg_widget_repository::move_visitor_rows(id_t workspace_id, id_t into, id_t from) {
  throw std::logic_error("postgres: widgets.move_visitor_rows is not written yet");
}

void pg_widget_repository::insert_event(id_t workspace_id, id_t contact_id, const std::string& visitor_id, const std::string& name, const nlohmann::json& props, const std::string& now) {
  throw std::logic_error("postgres: widgets.insert_event is not written yet");
}

std::vector<widget::event_row> pg_widget_repository::events_of(id_t workspace_id, id_t contact_id, int limit) {
  throw std::logic_error("postgres: widgets.events_of is not written yet");
}

std::vector<id_t> pg_widget_repository::conversations_of(id_t workspace_id, id_t contact_id, int limit) {
  throw std::logic_error("postgres: widgets.conversations_of is not written yet");
}

}  // namespace switchboard::store
