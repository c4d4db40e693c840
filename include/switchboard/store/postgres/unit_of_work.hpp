#pragma once
// The PostgreSQL implementation of the repositories (repositories.hpp), issue 19:
// one file per aggregate under src/store/postgres/, all SQL there. A job's unit of
// work is built over the connection that runs its transaction; it holds no state
// but references, so building one per job costs nothing. Behaviour matches the
// SQLite implementation method for method: tests/unit/store/contract/ runs the
// same suite against both.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/store/repositories.hpp"

namespace switchboard::store {

namespace pg {
class connection;
}


class pg_conversation_repository final : public conversation_repository {
 public:
  explicit pg_conversation_repository(pg::connection& db) : db_(db) {}
  std::optional<conversation> find(id_t workspace_id, id_t id) override;
  std::vector<conversation> list(id_t workspace_id, const conversations::list_filter& f) override;
  id_t insert(const conversation& c) override;
  void update(id_t workspace_id, id_t id, const conversations::patch& p,
              const std::string& now) override;
  std::vector<std::pair<id_t, id_t>> wake_snoozed(const std::string& now) override;
  std::optional<id_t> number_of(id_t workspace_id, id_t conversation_id) override;
  void set_number(id_t conversation_id, id_t number_id) override;
  conversations::reply_context reply_context_of(id_t workspace_id, const conversation& c) override;
  std::optional<std::string> canned_body(id_t workspace_id, const std::string& shortcut) override;
  std::vector<canned_response> list_canned(id_t workspace_id) override;
  id_t insert_canned(id_t workspace_id, const std::string& shortcut, const std::string& body,
                     const std::string& now) override;
  bool delete_canned(id_t workspace_id, id_t id) override;
  std::optional<canned_response> update_canned(id_t workspace_id, id_t id,
                                               const std::optional<std::string>& shortcut,
                                               const std::optional<std::string>& body) override;
  std::vector<label> list_labels(id_t workspace_id) override;
  id_t insert_label(id_t workspace_id, const std::string& name, const std::string& color,
                    const std::string& now) override;
  bool delete_label(id_t workspace_id, id_t id) override;

 private:
  pg::connection& db_;
};

class pg_message_repository final : public message_repository {
 public:
  explicit pg_message_repository(pg::connection& db) : db_(db) {}
  std::optional<message> find(id_t workspace_id, id_t id) override;
  std::vector<message> thread(id_t workspace_id, id_t conversation_id, std::optional<id_t> after,
                              int limit, bool include_private) override;
  std::optional<message> find_by_external(id_t workspace_id, const std::string& channel,
                                          const std::string& external_id) override;
  std::optional<message> find_by_external_any(const std::string& channel,
                                              const std::string& external_id) override;
  std::optional<conversations::sms_ref> find_sms_by_external_id(const std::string& sid) override;
  id_t insert(const message& m, bool may_reopen) override;
  std::optional<id_t> insert_once(const message& m, bool may_reopen) override;
  void update_item(id_t workspace_id, id_t id, const std::string& body, const std::string& status,
                   const nlohmann::json& metadata) override;
  void set_status(id_t message_id, const std::string& status,
                  const std::optional<std::string>& error,
                  const std::optional<std::string>& external_id) override;
  bool requeue(id_t workspace_id, id_t message_id) override;
  void set_call_sid(id_t message_id, const std::string& sid) override;
  void set_external_id(id_t workspace_id, id_t message_id, const std::string& external_id) override;

 private:
  pg::connection& db_;
};

class pg_contact_repository final : public contact_repository {
 public:
  explicit pg_contact_repository(pg::connection& db) : db_(db) {}
  std::optional<contact> find(id_t workspace_id, id_t id) override;
  std::optional<id_t> find_by_identity(id_t workspace_id, const std::string& kind,
                                       const std::string& value) override;
  std::vector<contact> list(id_t workspace_id, std::optional<id_t> before, int limit,
                            const std::optional<std::string>& q) override;
  id_t insert(const contact& c) override;
  void update(id_t workspace_id, id_t id, const contacts::patch& p,
              const std::string& now) override;
  void merge(id_t workspace_id, id_t into, id_t from, const std::string& now) override;
  void erase(id_t workspace_id, id_t id, const std::vector<std::string>& also_written_as) override;

 private:
  pg::connection& db_;
};

class pg_teammate_repository final : public teammate_repository {
 public:
  explicit pg_teammate_repository(pg::connection& db) : db_(db) {}
  std::optional<teammate> find(id_t workspace_id, id_t id) override;
  std::optional<teammate> find_by_email(const std::string& email) override;
  std::int64_t count_owners(id_t workspace_id) override;
  std::vector<teammate> list(id_t workspace_id) override;
  id_t insert(const teammate& t) override;
  void update(id_t workspace_id, id_t id, const teammates::patch& p,
              const std::string& now) override;

 private:
  pg::connection& db_;
};

class pg_team_repository final : public team_repository {
 public:
  explicit pg_team_repository(pg::connection& db) : db_(db) {}
  std::optional<team> find(id_t workspace_id, id_t team_id) override;
  std::vector<team> list(id_t workspace_id) override;
  id_t insert(id_t workspace_id, const std::string& name, bool round_robin,
              const std::string& now) override;
  void update(id_t workspace_id, id_t team_id, std::optional<std::string> name,
              std::optional<bool> round_robin) override;
  void add_member(id_t workspace_id, id_t team_id, id_t teammate_id) override;
  void remove_member(id_t workspace_id, id_t team_id, id_t teammate_id) override;
  std::optional<id_t> next_round_robin(id_t workspace_id, id_t team_id,
                                       const std::string& now) override;

 private:
  pg::connection& db_;
};

class pg_number_repository final : public number_repository {
 public:
  explicit pg_number_repository(pg::connection& db) : db_(db) {}
  std::optional<numbers::number_row> find(id_t workspace_id, id_t id) override;
  std::optional<numbers::number_row> find_active(const std::string& e164) override;
  std::vector<numbers::number_row> list(id_t workspace_id) override;
  id_t insert(const numbers::number_row& n) override;
  void set_owner(id_t workspace_id, id_t id, std::optional<id_t> teammate,
                 std::optional<id_t> team) override;
  void release(id_t workspace_id, id_t id) override;
  void set_carrier_sid(id_t workspace_id, id_t id, const std::string& sid) override;
  std::vector<std::string> sandbox_available(const std::string& area_code, int limit) override;
  bool is_physical_number(const std::string& e164) override;
  numbers::sender_facts classify_sender(const std::string& e164) override;
  std::optional<numbers::conversation_ref> latest_conversation(id_t workspace_id, id_t contact_id,
                                                               id_t number_id) override;
  std::optional<std::string> webhook_response(const std::string& carrier, const std::string& sid,
                                              const std::string& step) override;
  void record_webhook(const std::string& carrier, const std::string& sid, const std::string& step,
                      std::optional<id_t> workspace_id, const std::string& response,
                      const std::string& now) override;
  std::optional<std::string> claim_webhook(const std::string& carrier, const std::string& sid,
                                           const std::string& step,
                                           std::optional<id_t> workspace_id,
                                           const std::string& response,
                                           const std::string& now) override;
  id_t record_sandbox_message(id_t workspace_id, const std::string& sid, const std::string& from,
                              const std::string& to, const std::string& body,
                              const std::string& now, std::optional<id_t> conversation_id) override;
  void delete_sandbox_message(id_t id) override;
  std::vector<numbers::sandbox_line> sandbox_lines(std::optional<id_t> workspace_id) override;
  std::vector<numbers::sandbox_message> sandbox_messages_to(std::optional<id_t> workspace_id,
                                                            const std::string& to,
                                                            const std::optional<std::string>& line,
                                                            std::optional<id_t> after,
                                                            int limit) override;

 private:
  pg::connection& db_;
};

class pg_outbox_repository final : public outbox_repository {
 public:
  explicit pg_outbox_repository(pg::connection& db) : db_(db) {}
  id_t enqueue(id_t workspace_id, const std::string& kind, const nlohmann::json& payload,
               const std::string& now) override;
  std::vector<outbox::due_row> due(const std::string& now, int limit) override;
  std::vector<outbox::due_row> claim_due(const std::string& now, const std::string& lease_until,
                                         int limit) override;
  void lease(id_t id, const std::string& until, const std::string& now) override;
  void settle(id_t id, const std::string& status, const std::optional<std::string>& error,
              const std::string& next_attempt_at, const std::string& now,
              bool count_attempt) override;
  int attempts(id_t id) override;
  std::optional<outbox::sms_send_facts> sms_send(id_t message_id) override;
  int fail_channels_without_sender(const std::string& why, const std::string& now) override;

 private:
  pg::connection& db_;
};

class pg_auth_repository final : public auth_repository {
 public:
  explicit pg_auth_repository(pg::connection& db) : db_(db) {}
  void insert_session(id_t workspace_id, id_t teammate_id, const std::string& token_hash,
                      const std::string& now, const std::string& expires_at) override;
  std::optional<id_t> delete_session(const std::string& token_hash) override;
  void delete_sessions_of(id_t workspace_id, id_t teammate_id) override;
  std::optional<auth_data::token_lookup> find_token(const std::string& token_hash) override;
  id_t insert_api_key(id_t workspace_id, id_t teammate_id, const std::string& name,
                      const std::string& key_hash, const std::string& now, const std::string& scope,
                      bool manage_keys) override;
  std::vector<auth_data::api_key_row> list_api_keys(id_t workspace_id) override;
  std::optional<auth_data::api_key_row> find_api_key(id_t workspace_id, id_t id) override;
  bool revoke_api_key(id_t workspace_id, id_t id, const std::string& now) override;
  void audit(id_t workspace_id, std::optional<id_t> actor_id, const std::string& action,
             const std::string& target_kind, std::optional<id_t> target_id,
             const nlohmann::json& details, const std::string& ip, const std::string& now) override;
  std::vector<nlohmann::json> list_audit(id_t workspace_id, std::optional<id_t> before,
                                         int limit) override;

 private:
  pg::connection& db_;
};

class pg_widget_repository final : public widget_repository {
 public:
  explicit pg_widget_repository(pg::connection& db) : db_(db) {}
  std::optional<widget::settings> get_settings(id_t workspace_id) override;
  void save_settings(const widget::settings& s, const std::string& now) override;
  std::vector<std::string> all_allowed_origins() override;
  std::vector<id_t> available_teammates(id_t workspace_id) override;
  id_t insert_session(const widget::session& s, const std::string& token_hash,
                      const std::optional<std::string>& origin) override;
  std::optional<widget::session> find_session(const std::string& token_hash) override;
  void revoke_session(id_t workspace_id, id_t id, const std::string& now) override;
  int purge_expired_sessions(const std::string& now, int limit) override;
  widget::purge_counts purge_unused_visitors(const std::string& cutoff, const std::string& now,
                                             int limit) override;
  bool visitor_known(id_t workspace_id, const std::string& visitor_id) override;
  std::pair<std::optional<std::string>, std::optional<std::string>> pending_profile(
      id_t workspace_id, const std::string& visitor_id) override;
  void adopt_visitor_rows(id_t workspace_id, const std::string& visitor_id,
                          id_t contact_id) override;
  id_t contact_for_first_message(id_t workspace_id, const std::string& visitor_id,
                                 const std::string& now) override;
  void record_starter(id_t workspace_id, id_t conversation_id, const std::string& visitor_id,
                      const std::string& now) override;
  std::optional<std::string> starter_of(id_t workspace_id, id_t conversation_id) override;
  std::vector<id_t> conversations_started_by(id_t workspace_id, const std::string& visitor_id,
                                             int limit) override;
  std::optional<id_t> contact_of_visitor(id_t workspace_id, const std::string& visitor_id) override;
  std::optional<std::string> external_id_of(id_t workspace_id, id_t contact_id) override;
  id_t create_visitor(id_t workspace_id, const std::string& visitor_id,
                      const std::optional<std::string>& name, const std::string& now) override;
  void add_visitor_identity(id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                            const std::string& now) override;
  void set_unverified_profile(id_t workspace_id, id_t contact_id,
                              const std::optional<std::string>& name,
                              const std::optional<std::string>& email,
                              const std::string& now) override;
  void move_visitor_rows(id_t workspace_id, id_t into, id_t from) override;
  void insert_event(id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                    const std::string& name, const nlohmann::json& props,
                    const std::string& now) override;
  std::vector<widget::event_row> events_of(id_t workspace_id, id_t contact_id, int limit) override;
  std::vector<id_t> conversations_of(id_t workspace_id, id_t contact_id, int limit) override;

 private:
  pg::connection& db_;
};

class pg_teams_link_repository final : public teams_link_repository {
 public:
  explicit pg_teams_link_repository(pg::connection& db) : db_(db) {}
  std::optional<teammate> teammate_by_user(const std::string& aad_object_id) override;
  std::optional<std::string> user_of(id_t workspace_id, id_t teammate_id) override;
  void set_user(id_t workspace_id, id_t teammate_id,
                const std::optional<std::string>& aad_object_id, const std::string& now) override;
  id_t link_channel(const teams::channel_link& l, const std::string& now) override;
  std::optional<teams::channel_link> channel_of(id_t workspace_id, const std::string& owner_kind,
                                                id_t owner_id) override;
  bool any_channel_linked(id_t workspace_id) override;
  std::optional<teams::thread> thread_of_conversation(id_t workspace_id,
                                                      id_t conversation_id) override;
  std::optional<teams::thread> find_thread(id_t workspace_id, id_t id) override;
  std::optional<teams::thread> thread_by_teams_id(const std::string& thread_id) override;
  id_t insert_thread(const teams::thread& t, const std::string& now) override;
  void thread_created(id_t id, const std::string& thread_id, const std::string& now) override;
  void thread_failed(id_t id, const std::string& now) override;
  void thread_retry(id_t id, const std::string& now) override;
  std::optional<id_t> workspace_for_tenant(const std::string& tenant_id) override;
  std::optional<std::string> line_of_conversation(id_t workspace_id, id_t conversation_id) override;

 private:
  pg::connection& db_;
};

class pg_routing_repository final : public routing_repository {
 public:
  explicit pg_routing_repository(pg::connection& db) : db_(db) {}
  int selector_for(id_t workspace_id, id_t teammate_id, id_t conversation_id,
                   const std::string& now) override;
  std::optional<id_t> conversation_of(id_t teammate_id, int selector) override;
  std::vector<routing::phone_conversation> active_on_number(id_t workspace_id, id_t teammate_id,
                                                            id_t number_id, int limit) override;
  std::optional<routing::sticky> sticky_of(id_t teammate_id) override;
  void set_sticky(id_t workspace_id, id_t teammate_id, id_t conversation_id,
                  const std::string& now) override;
  routing::line_settings settings_of(id_t workspace_id, const std::string& owner_kind,
                                     id_t owner_id) override;
  void update_settings(id_t workspace_id, const std::string& owner_kind, id_t owner_id,
                       const routing::settings_patch& p, const std::string& now) override;
  std::optional<std::string> after_hours_replied_at(id_t workspace_id,
                                                    id_t conversation_id) override;
  void set_after_hours_replied(id_t workspace_id, id_t conversation_id,
                               const std::string& now) override;
  std::vector<std::string> team_phones(id_t workspace_id, id_t team_id) override;
  std::optional<std::string> last_caller(id_t workspace_id, id_t number_id) override;
  void record_undeliverable(const routing::undeliverable& u) override;
  std::vector<routing::undeliverable> list_undeliverable(id_t workspace_id,
                                                         std::optional<id_t> before,
                                                         int limit) override;

 private:
  pg::connection& db_;
};

class pg_workspace_repository final : public workspace_repository {
 public:
  explicit pg_workspace_repository(pg::connection& db) : db_(db) {}
  std::int64_t count() override;
  std::optional<id_t> create_with_owner(const std::string& name, const std::string& owner_email,
                                        const std::string& owner_name,
                                        const std::string& password_hash,
                                        const std::string& now) override;
  std::optional<id_t> first() override;
  std::optional<std::string> name_of(id_t workspace_id) override;
  bool answers() override;
  std::optional<std::string> setting(id_t workspace_id, const std::string& name) override;
  void put_setting(id_t workspace_id, const std::string& name, const std::string& value,
                   const std::string& now) override;
  std::vector<std::pair<id_t, std::string>> settings_named(const std::string& name) override;

 private:
  pg::connection& db_;
};

class pg_consent_repository final : public consent_repository {
 public:
  explicit pg_consent_repository(pg::connection& db) : db_(db) {}
  id_t record(const consent_entry& e) override;
  bool opted_out(id_t workspace_id, const std::string& phone, std::optional<id_t> number_id) override;
  std::vector<consent_entry> history(id_t workspace_id, const std::vector<std::string>& phones) override;

 private:
  pg::connection& db_;
};

class pg_media_repository final : public media_repository {
 public:
  explicit pg_media_repository(pg::connection& db) : db_(db) {}
  id_t add(const media_item& m) override;
  std::optional<media_item> find(id_t workspace_id, id_t id) override;
  void attach(id_t workspace_id, const std::vector<id_t>& ids, id_t conversation_id, id_t message_id) override;
  std::vector<media_item> of_message(id_t workspace_id, id_t message_id) override;
  void set_message_media(id_t workspace_id, id_t message_id, const nlohmann::json& media) override;
  bool file_in_use(const std::string& sha256) override;
  std::vector<std::string> erase_of_contact(id_t workspace_id, id_t contact_id) override;
  std::vector<std::string> purge_unsent(const std::string& before, int limit) override;
  std::int64_t unsent_of_visitor(id_t workspace_id, const std::string& visitor_id) override;
  std::int64_t visitor_bytes_since(id_t workspace_id, const std::string& since) override;

 private:
  pg::connection& db_;
};

class pg_article_repository final : public article_repository {
 public:
  explicit pg_article_repository(pg::connection& db) : db_(db) {}
  std::vector<kb::collection> collections(id_t workspace_id) override;
  std::optional<kb::collection> find_collection(id_t workspace_id, id_t id) override;
  std::optional<kb::collection> find_collection_by_slug(id_t workspace_id, const std::string& slug) override;
  id_t insert_collection(const kb::collection& c) override;
  bool update_collection(const kb::collection& c) override;
  bool delete_collection(id_t workspace_id, id_t id) override;
  std::optional<kb::article> find(id_t workspace_id, id_t id) override;
  std::optional<kb::article> find_by_slug(id_t workspace_id, const std::string& slug) override;
  std::vector<kb::article> list(id_t workspace_id, const kb::article_filter& f) override;
  std::vector<kb::article> published_in(id_t workspace_id, std::optional<id_t> collection_id, int limit) override;
  std::vector<kb::article> popular(id_t workspace_id, int limit) override;
  id_t insert(const kb::article& a) override;
  bool update(const kb::article& a) override;
  bool remove(id_t workspace_id, id_t id) override;
  void reorder(id_t workspace_id, const std::vector<id_t>& ids) override;
  void add_view(id_t workspace_id, id_t id) override;
  void add_vote(id_t workspace_id, id_t id, bool helpful) override;
  id_t add_revision(const kb::revision& r) override;
  std::vector<kb::revision> revisions(id_t workspace_id, id_t article_id) override;
  std::optional<kb::revision> find_revision(id_t workspace_id, id_t article_id, id_t id) override;
  std::vector<kb::article_hit> search(id_t workspace_id, const kb::article_query& q) override;

 private:
  pg::connection& db_;
};

class pg_webhook_repository final : public webhook_repository {
 public:
  explicit pg_webhook_repository(pg::connection& db) : db_(db) {}
  std::vector<webhooks::endpoint> endpoints(id_t workspace_id) override;
  std::vector<webhooks::endpoint> enabled_endpoints(id_t workspace_id) override;
  std::optional<webhooks::endpoint> find_endpoint(id_t workspace_id, id_t id) override;
  id_t insert_endpoint(const webhooks::endpoint& e) override;
  bool update_endpoint(const webhooks::endpoint& e) override;
  bool delete_endpoint(id_t workspace_id, id_t id) override;
  id_t insert_delivery(const webhooks::delivery& d) override;
  std::optional<webhooks::delivery> find_delivery(id_t workspace_id, id_t id) override;
  bool update_delivery(const webhooks::delivery& d) override;
  std::vector<webhooks::delivery> deliveries(id_t workspace_id, id_t endpoint_id,
                                             const webhooks::delivery_filter& f) override;
  std::vector<id_t> failed_since(id_t workspace_id, id_t endpoint_id, const std::string& since,
                                 int limit) override;
  int delete_deliveries_of_contact(id_t workspace_id, id_t contact_id) override;
  int purge_deliveries(const std::string& before, int limit) override;
  void move_contact(id_t workspace_id, id_t from, id_t into) override;
  std::vector<outbox::due_row> claim_due_deliveries(const std::string& now, const std::string& lease_until,
                                                    int limit) override;
  bool record_endpoint_outcome(id_t workspace_id, id_t endpoint_id, bool succeeded, bool may_disable,
                               const std::string& now, const std::string& disable_cut,
                               const std::string& reason) override;

 private:
  pg::connection& db_;
};

class pg_csat_repository final : public csat_repository {
 public:
  explicit pg_csat_repository(pg::connection& db) : db_(db) {}
  id_t insert(const csat::survey& s) override;
  std::optional<csat::survey> find(id_t workspace_id, id_t id) override;
  std::optional<csat::survey> find_by_token(const std::string& token) override;
  std::optional<csat::survey> find_open_sms(id_t workspace_id, const std::string& phone, id_t number_id,
                                            const std::string& now) override;
  bool answer(id_t workspace_id, id_t id, std::int64_t rating, const std::optional<std::string>& comment,
              const std::string& answered_at) override;
  std::optional<csat::survey> latest_for_conversation(id_t workspace_id, id_t conversation_id) override;
  std::vector<csat::survey> answered_for_contact(id_t workspace_id, id_t contact_id, int limit) override;
  csat::summary summary_of_contact(id_t workspace_id, id_t contact_id) override;

 private:
  pg::connection& db_;
};

class pg_report_repository final : public report_repository {
 public:
  explicit pg_report_repository(pg::connection& db) : db_(db) {}
  std::optional<reports::conversation_state> state_of(id_t workspace_id, id_t conversation_id) override;
  void save_state(const reports::conversation_state& s) override;
  void add_event(const reports::event& e) override;
  void add_rollups(id_t workspace_id, const std::vector<reports::rollup_change>& changes) override;
  std::vector<reports::rollup_sum> rollups(id_t workspace_id, const std::string& dim, const std::string& dim_value,
                                           const std::string& from, const std::string& to, bool by_period,
                                           const std::vector<std::string>& metrics) override;
  std::vector<reports::event> events(id_t workspace_id, const reports::event_filter& f, const std::string& from,
                                     const std::string& to, const std::vector<std::string>& kinds) override;
  std::vector<reports::message_tick> messages(id_t workspace_id, const reports::event_filter& f,
                                              const std::string& from, const std::string& to) override;
  std::vector<reports::conversation_row> conversations(id_t workspace_id, const reports::event_filter& f,
                                                       const std::string& kind, const std::string& from,
                                                       const std::string& to,
                                                       const std::optional<std::pair<std::string, id_t>>& after,
                                                       int limit) override;
  std::vector<reports::backfill_item> backfill_pending(int limit) override;
  bool take_backfill(id_t workspace_id, id_t conversation_id) override;
  std::vector<reports::total_row> totals(const std::vector<std::string>& metrics) override;
  std::vector<reports::open_count> open_by_team() override;

 private:
  pg::connection& db_;
};


// The unit of work of one job on one SQLite connection: its repositories are
// members holding the connection, so building one allocates nothing (it is built
// per write job, on the writer's stack).
class pg_unit_of_work final : public unit_of_work {
 public:
  explicit pg_unit_of_work(pg::connection& db) noexcept
      : conversations_(db),
        messages_(db),
        contacts_(db),
        teammates_(db),
        teams_(db),
        numbers_(db),
        outbox_(db),
        auth_(db),
        widget_(db),
        teams_links_(db),
        routing_(db),
        workspaces_(db),
        consent_(db),
        media_(db),
        articles_(db),
        webhooks_(db),
        csat_(db),
        reports_(db) {}

  conversation_repository& conversations() override { return conversations_; }
  message_repository& messages() override { return messages_; }
  contact_repository& contacts() override { return contacts_; }
  teammate_repository& teammates() override { return teammates_; }
  team_repository& teams() override { return teams_; }
  number_repository& numbers() override { return numbers_; }
  outbox_repository& outbox() override { return outbox_; }
  auth_repository& auth() override { return auth_; }
  widget_repository& widget() override { return widget_; }
  teams_link_repository& teams_links() override { return teams_links_; }
  routing_repository& routing() override { return routing_; }
  workspace_repository& workspaces() override { return workspaces_; }
  consent_repository& consent() override { return consent_; }
  media_repository& media() override { return media_; }
  article_repository& articles() override { return articles_; }
  webhook_repository& webhooks() override { return webhooks_; }
  csat_repository& csat() override { return csat_; }
  report_repository& reports() override { return reports_; }

 private:
  pg_conversation_repository conversations_;
  pg_message_repository messages_;
  pg_contact_repository contacts_;
  pg_teammate_repository teammates_;
  pg_team_repository teams_;
  pg_number_repository numbers_;
  pg_outbox_repository outbox_;
  pg_auth_repository auth_;
  pg_widget_repository widget_;
  pg_teams_link_repository teams_links_;
  pg_routing_repository routing_;
  pg_workspace_repository workspaces_;
  pg_consent_repository consent_;
  pg_media_repository media_;
  pg_article_repository articles_;
  pg_webhook_repository webhooks_;
  pg_csat_repository csat_;
  pg_report_repository reports_;
};

}  // namespace switchboard::store
