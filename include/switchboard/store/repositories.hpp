#pragma once
// The storage seam (issue 17 item 2): one abstract repository per aggregate and
// the unit of work that hands them out inside one store job. Only row types from
// models.hpp and std types appear here, so a second backend (PostgreSQL) can
// implement these without SQLite. The SQLite implementation is
// sqlite_unit_of_work.hpp; tests/unit/store/contract/ checks any implementation.
//
// Every method runs inside the job's transaction: a write job's changes commit
// together (or roll back together when the job throws). Methods whose comment
// says "Atomic" must also be safe against concurrent writers on their own, with
// whatever locking the backend has (SQLite has one writer; PostgreSQL needs
// row locks or an ON CONFLICT clause): callers do not hold any lock around them.
//
// Names follow the free functions in the per-aggregate headers (conversations.hpp, …),
// whose comments say more about each. Every one of them that takes a database& has
// its method here but three, which are SQLite's own and have no place in a
// backend-neutral interface: conversations::merge_threads (the writer's upkeep of
// SQLite's message_threads table, run before each COMMIT), conversations::list_sql
// (the SQL text of the inbox's list, for its query-plan test), and the search
// index (search_index.hpp: FTS5 in a file of its own, kept by a thread of its own).
// A constraint violation (a duplicate) fails the job with the code CONFLICT.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/store/models.hpp"

namespace switchboard::store {

// Conversations, the inbox's list, their labels, canned responses and labels.
class conversation_repository {
 public:
  virtual std::optional<conversation> find(id_t workspace_id, id_t id) = 0;
  // Newest activity (last_message_at, else created_at) first, then id descending;
  // `f.before` is the keyset cursor. Only the filters set apply.
  virtual std::vector<conversation> list(id_t workspace_id,
                                         const conversations::list_filter& f) = 0;
  virtual id_t insert(const conversation& c) = 0;
  virtual void update(id_t workspace_id, id_t id, const conversations::patch& p,
                      const std::string& now) = 0;
  // Snoozed conversations whose time has come become open; (workspace, id) of each.
  virtual std::vector<std::pair<id_t, id_t>> wake_snoozed(const std::string& now) = 0;
  // The line (business number) the conversation came in on.
  virtual std::optional<id_t> number_of(id_t workspace_id, id_t conversation_id) = 0;
  virtual void set_number(id_t conversation_id, id_t number_id) = 0;
  virtual conversations::reply_context reply_context_of(id_t workspace_id,
                                                        const conversation& c) = 0;

  virtual std::optional<std::string> canned_body(id_t workspace_id,
                                                 const std::string& shortcut) = 0;
  virtual std::vector<canned_response> list_canned(id_t workspace_id) = 0;  // by shortcut
  virtual id_t insert_canned(id_t workspace_id, const std::string& shortcut,
                             const std::string& body, const std::string& now) = 0;
  virtual bool delete_canned(id_t workspace_id, id_t id) = 0;
  // nullopt keeps a field; returns the row, or nullopt when unknown.
  virtual std::optional<canned_response> update_canned(id_t workspace_id, id_t id,
                                                       const std::optional<std::string>& shortcut,
                                                       const std::optional<std::string>& body) = 0;

  virtual std::vector<label> list_labels(id_t workspace_id) = 0;
  virtual id_t insert_label(id_t workspace_id, const std::string& name, const std::string& color,
                            const std::string& now) = 0;
  virtual bool delete_label(id_t workspace_id, id_t id) = 0;

 protected:
  ~conversation_repository() = default;  // owned by a unit of work, never deleted through this
};

// Messages and thread items (calls, voicemails) of conversations.
class message_repository {
 public:
  virtual std::optional<message> find(id_t workspace_id, id_t id) = 0;
  // A conversation's items in id order after `after`, at most `limit`.
  virtual std::vector<message> thread(id_t workspace_id, id_t conversation_id,
                                      std::optional<id_t> after, int limit,
                                      bool include_private) = 0;
  virtual std::optional<message> find_by_external(id_t workspace_id, const std::string& channel,
                                                  const std::string& external_id) = 0;
  // Across workspaces (a carrier callback names a SID before the workspace is known).
  virtual std::optional<message> find_by_external_any(const std::string& channel,
                                                      const std::string& external_id) = 0;
  virtual std::optional<conversations::sms_ref> find_sms_by_external_id(const std::string& sid) = 0;
  // Inserts and updates the conversation's last activity, unread count, preview and
  // first response; a contact's message reopens a resolved/snoozed one if may_reopen.
  virtual id_t insert(const message& m, bool may_reopen = true) = 0;
  // Atomic: the same as insert() unless the workspace already has a message with
  // m's channel and external_id (a carrier's retry): then nothing at all is
  // written (not the conversation either) and nullopt comes back.
  virtual std::optional<id_t> insert_once(const message& m, bool may_reopen = true) = 0;
  virtual void update_item(id_t workspace_id, id_t id, const std::string& body,
                           const std::string& status, const nlohmann::json& metadata) = 0;
  // Delivery status; error and external_id stay as they were when not given.
  virtual void set_status(id_t message_id, const std::string& status,
                          const std::optional<std::string>& error = std::nullopt,
                          const std::optional<std::string>& external_id = std::nullopt) = 0;
  // A failed reply sent again: queued, error and external_id cleared, and
  // metadata.retries one more (clients tell the new "queued" from a stale one by
  // it). False when the workspace has no such message.
  virtual bool requeue(id_t workspace_id, id_t message_id) = 0;
  virtual void set_call_sid(id_t message_id, const std::string& sid) = 0;
  virtual void set_external_id(id_t workspace_id, id_t message_id,
                               const std::string& external_id) = 0;

 protected:
  ~message_repository() = default;
};

// Contacts and their identities (phone, email, visitor, …).
class contact_repository {
 public:
  virtual std::optional<contact> find(id_t workspace_id, id_t id) = 0;
  virtual std::optional<id_t> find_by_identity(id_t workspace_id, const std::string& kind,
                                               const std::string& value) = 0;
  // Newest first; `before` is the keyset cursor (an id); q matches name, email, identities.
  virtual std::vector<contact> list(id_t workspace_id, std::optional<id_t> before, int limit,
                                    const std::optional<std::string>& q) = 0;
  // The contact and its identities; a taken identity is a CONFLICT.
  virtual id_t insert(const contact& c) = 0;
  virtual void update(id_t workspace_id, id_t id, const contacts::patch& p,
                      const std::string& now) = 0;
  // Moves identities and conversations of `from` into `into`, fills empty fields,
  // merges attributes (into's win), deletes `from`.
  virtual void merge(id_t workspace_id, id_t into, id_t from, const std::string& now) = 0;
  // GDPR erasure: the contact and every copy of their data (see contacts.hpp).
  virtual void erase(id_t workspace_id, id_t id,
                     const std::vector<std::string>& also_written_as = {}) = 0;

 protected:
  ~contact_repository() = default;
};

class teammate_repository {
 public:
  virtual std::optional<teammate> find(id_t workspace_id, id_t id) = 0;
  // Across workspaces (login): the oldest match.
  virtual std::optional<teammate> find_by_email(const std::string& email) = 0;
  virtual std::int64_t count_owners(id_t workspace_id) = 0;
  virtual std::vector<teammate> list(id_t workspace_id) = 0;
  virtual id_t insert(const teammate& t) = 0;  // CONFLICT on a duplicate email
  virtual void update(id_t workspace_id, id_t id, const teammates::patch& p,
                      const std::string& now) = 0;

 protected:
  ~teammate_repository() = default;
};

// Teams of teammates (not Microsoft Teams: that is teams_link_repository).
class team_repository {
 public:
  virtual std::optional<team> find(id_t workspace_id, id_t team_id) = 0;
  virtual std::vector<team> list(id_t workspace_id) = 0;
  virtual id_t insert(id_t workspace_id, const std::string& name, bool round_robin,
                      const std::string& now) = 0;
  virtual void update(id_t workspace_id, id_t team_id, std::optional<std::string> name,
                      std::optional<bool> round_robin) = 0;
  virtual void add_member(id_t workspace_id, id_t team_id, id_t teammate_id) = 0;
  virtual void remove_member(id_t workspace_id, id_t team_id, id_t teammate_id) = 0;
  // Atomic: picks the available member (not a viewer) of the team assigned least
  // recently (never assigned first, then by id) and marks the pick assigned at `now`, so two
  // concurrent picks never return the same stale choice. nullopt: nobody available.
  virtual std::optional<id_t> next_round_robin(id_t workspace_id, id_t team_id,
                                               const std::string& now) = 0;

 protected:
  ~team_repository() = default;
};

// Business numbers (lines), webhook idempotency records, the sandbox carrier's log.
class number_repository {
 public:
  virtual std::optional<numbers::number_row> find(id_t workspace_id, id_t id) = 0;
  // The active number, across workspaces (webhooks arrive before the workspace is known).
  virtual std::optional<numbers::number_row> find_active(const std::string& e164) = 0;
  virtual std::vector<numbers::number_row> list(id_t workspace_id) = 0;
  virtual id_t insert(const numbers::number_row& n) = 0;  // CONFLICT when active elsewhere
  virtual void set_owner(id_t workspace_id, id_t id, std::optional<id_t> teammate,
                         std::optional<id_t> team) = 0;
  virtual void release(id_t workspace_id, id_t id) = 0;
  virtual void set_carrier_sid(id_t workspace_id, id_t id, const std::string& sid) = 0;
  virtual std::vector<std::string> sandbox_available(const std::string& area_code, int limit) = 0;
  virtual bool is_physical_number(const std::string& e164) = 0;
  virtual numbers::sender_facts classify_sender(const std::string& e164) = 0;
  // Atomic, in a write job only: holds the contact until the job ends, so that
  // concurrent first texts of one contact on one line open one conversation.
  virtual std::optional<numbers::conversation_ref> latest_conversation(id_t workspace_id,
                                                                       id_t contact_id,
                                                                       id_t number_id) = 0;

  // The stored response of an earlier identical webhook (carrier, sid, step).
  virtual std::optional<std::string> webhook_response(const std::string& carrier,
                                                      const std::string& sid,
                                                      const std::string& step) = 0;
  virtual void record_webhook(const std::string& carrier, const std::string& sid,
                              const std::string& step, std::optional<id_t> workspace_id,
                              const std::string& response, const std::string& now) = 0;
  // Atomic: records (carrier, sid, step) with `response` and returns nullopt, or,
  // when it was recorded before, changes nothing and returns the stored response
  // (a retry, answered the same and handled no further). Exactly one of two
  // concurrent claims of the same webhook gets nullopt.
  virtual std::optional<std::string> claim_webhook(const std::string& carrier,
                                                   const std::string& sid, const std::string& step,
                                                   std::optional<id_t> workspace_id,
                                                   const std::string& response,
                                                   const std::string& now) = 0;

  virtual id_t record_sandbox_message(id_t workspace_id, const std::string& sid,
                                      const std::string& from, const std::string& to,
                                      const std::string& body, const std::string& now,
                                      std::optional<id_t> conversation_id = std::nullopt) = 0;
  virtual void delete_sandbox_message(id_t id) = 0;
  virtual std::vector<numbers::sandbox_line> sandbox_lines(std::optional<id_t> workspace_id) = 0;
  virtual std::vector<numbers::sandbox_message> sandbox_messages_to(
      std::optional<id_t> workspace_id, const std::string& to,
      const std::optional<std::string>& line, std::optional<id_t> after, int limit) = 0;

 protected:
  ~number_repository() = default;
};

// The transactional outbox: side effects written with the change that causes them.
class outbox_repository {
 public:
  virtual id_t enqueue(id_t workspace_id, const std::string& kind, const nlohmann::json& payload,
                       const std::string& now) = 0;
  // Pending rows of kinds that have a sender, due at `now`, oldest first. Reading
  // alone claims nothing: a dispatcher that may run beside another uses claim_due().
  virtual std::vector<outbox::due_row> due(const std::string& now, int limit) = 0;
  // Atomic: the rows due() would return, each leased until `lease_until`, so no
  // other claim (here or in another process) returns them before the lease ends.
  virtual std::vector<outbox::due_row> claim_due(const std::string& now,
                                                 const std::string& lease_until, int limit) = 0;
  // A row being sent is not due again until `until`.
  virtual void lease(id_t id, const std::string& until, const std::string& now) = 0;
  // Its status, error and next attempt; count_attempt adds one to attempts.
  virtual void settle(id_t id, const std::string& status, const std::optional<std::string>& error,
                      const std::string& next_attempt_at, const std::string& now,
                      bool count_attempt = true) = 0;
  virtual int attempts(id_t id) = 0;
  virtual std::optional<outbox::sms_send_facts> sms_send(id_t message_id) = 0;
  // Replies queued for channels with no sender fail with `why`; returns the rows failed.
  virtual int fail_channels_without_sender(const std::string& why, const std::string& now) = 0;

 protected:
  ~outbox_repository() = default;
};

// Teammates' sessions, API keys and the audit log (auth_data.hpp). Tokens are hashes.
class auth_repository {
 public:
  virtual void insert_session(id_t workspace_id, id_t teammate_id, const std::string& token_hash,
                              const std::string& now, const std::string& expires_at) = 0;
  virtual std::optional<id_t> delete_session(const std::string& token_hash) = 0;
  virtual void delete_sessions_of(id_t workspace_id, id_t teammate_id) = 0;
  // A live session or an unrevoked API key by its token's hash.
  virtual std::optional<auth_data::token_lookup> find_token(const std::string& token_hash) = 0;
  virtual id_t insert_api_key(id_t workspace_id, id_t teammate_id, const std::string& name,
                              const std::string& key_hash, const std::string& now,
                              const std::string& scope, bool manage_keys) = 0;
  virtual std::vector<auth_data::api_key_row> list_api_keys(id_t workspace_id) = 0;
  virtual std::optional<auth_data::api_key_row> find_api_key(id_t workspace_id, id_t id) = 0;
  virtual bool revoke_api_key(id_t workspace_id, id_t id, const std::string& now) = 0;
  virtual void audit(id_t workspace_id, std::optional<id_t> actor_id, const std::string& action,
                     const std::string& target_kind, std::optional<id_t> target_id,
                     const nlohmann::json& details, const std::string& ip,
                     const std::string& now) = 0;
  virtual std::vector<nlohmann::json> list_audit(id_t workspace_id, std::optional<id_t> before,
                                                 int limit) = 0;

 protected:
  ~auth_repository() = default;
};

// The website widget: settings, visitor sessions, events, visitors' contacts.
class widget_repository {
 public:
  virtual std::optional<widget::settings> get_settings(id_t workspace_id) = 0;
  virtual void save_settings(const widget::settings& s, const std::string& now) = 0;
  virtual std::vector<std::string> all_allowed_origins() = 0;
  virtual std::vector<id_t> available_teammates(id_t workspace_id) = 0;

  virtual id_t insert_session(const widget::session& s, const std::string& token_hash,
                              const std::optional<std::string>& origin) = 0;
  virtual std::optional<widget::session> find_session(const std::string& token_hash) = 0;
  virtual void revoke_session(id_t workspace_id, id_t id, const std::string& now) = 0;
  virtual int purge_expired_sessions(const std::string& now, int limit) = 0;
  virtual widget::purge_counts purge_unused_visitors(const std::string& cutoff,
                                                     const std::string& now, int limit) = 0;

  virtual bool visitor_known(id_t workspace_id, const std::string& visitor_id) = 0;
  virtual std::pair<std::optional<std::string>, std::optional<std::string>> pending_profile(
      id_t workspace_id, const std::string& visitor_id) = 0;
  virtual void adopt_visitor_rows(id_t workspace_id, const std::string& visitor_id,
                                  id_t contact_id) = 0;
  virtual id_t contact_for_first_message(id_t workspace_id, const std::string& visitor_id,
                                         const std::string& now) = 0;
  virtual void record_starter(id_t workspace_id, id_t conversation_id,
                              const std::string& visitor_id, const std::string& now) = 0;
  virtual std::optional<std::string> starter_of(id_t workspace_id, id_t conversation_id) = 0;
  virtual std::vector<id_t> conversations_started_by(id_t workspace_id,
                                                     const std::string& visitor_id, int limit) = 0;
  virtual std::optional<id_t> contact_of_visitor(id_t workspace_id,
                                                 const std::string& visitor_id) = 0;
  virtual std::optional<std::string> external_id_of(id_t workspace_id, id_t contact_id) = 0;
  virtual id_t create_visitor(id_t workspace_id, const std::string& visitor_id,
                              const std::optional<std::string>& name, const std::string& now) = 0;
  virtual void add_visitor_identity(id_t workspace_id, id_t contact_id,
                                    const std::string& visitor_id, const std::string& now) = 0;
  virtual void set_unverified_profile(id_t workspace_id, id_t contact_id,
                                      const std::optional<std::string>& name,
                                      const std::optional<std::string>& email,
                                      const std::string& now) = 0;
  virtual void move_visitor_rows(id_t workspace_id, id_t into, id_t from) = 0;

  virtual void insert_event(id_t workspace_id, id_t contact_id, const std::string& visitor_id,
                            const std::string& name, const nlohmann::json& props,
                            const std::string& now) = 0;
  virtual std::vector<widget::event_row> events_of(id_t workspace_id, id_t contact_id,
                                                   int limit) = 0;
  virtual std::vector<id_t> conversations_of(id_t workspace_id, id_t contact_id, int limit) = 0;

 protected:
  ~widget_repository() = default;
};

// Microsoft Teams: teammates' Teams users, linked channels, conversation threads (teams.hpp).
class teams_link_repository {
 public:
  virtual std::optional<teammate> teammate_by_user(const std::string& aad_object_id) = 0;
  virtual std::optional<std::string> user_of(id_t workspace_id, id_t teammate_id) = 0;
  // CONFLICT when another teammate has the user.
  virtual void set_user(id_t workspace_id, id_t teammate_id,
                        const std::optional<std::string>& aad_object_id,
                        const std::string& now) = 0;
  // Inserts or replaces the owner's channel; returns its id.
  virtual id_t link_channel(const teams::channel_link& l, const std::string& now) = 0;
  virtual std::optional<teams::channel_link> channel_of(id_t workspace_id,
                                                        const std::string& owner_kind,
                                                        id_t owner_id) = 0;
  virtual bool any_channel_linked(id_t workspace_id) = 0;
  virtual std::optional<teams::thread> thread_of_conversation(id_t workspace_id,
                                                              id_t conversation_id) = 0;
  virtual std::optional<teams::thread> find_thread(id_t workspace_id, id_t id) = 0;
  virtual std::optional<teams::thread> thread_by_teams_id(const std::string& thread_id) = 0;
  virtual id_t insert_thread(const teams::thread& t, const std::string& now) = 0;
  virtual void thread_created(id_t id, const std::string& thread_id, const std::string& now) = 0;
  virtual void thread_failed(id_t id, const std::string& now) = 0;
  virtual void thread_retry(id_t id, const std::string& now) = 0;
  virtual std::optional<id_t> workspace_for_tenant(const std::string& tenant_id) = 0;
  virtual std::optional<std::string> line_of_conversation(id_t workspace_id,
                                                          id_t conversation_id) = 0;

 protected:
  ~teams_link_repository() = default;
};

// Routing state of teammates' phones (selectors, sticky conversation), line
// owners' settings, and the log of undeliverable events (routing.hpp).
class routing_repository {
 public:
  // Atomic: the conversation's selector for the teammate, allocated when new (the
  // smallest free 1..99, else the least recently used one is taken over).
  virtual int selector_for(id_t workspace_id, id_t teammate_id, id_t conversation_id,
                           const std::string& now) = 0;
  virtual std::optional<id_t> conversation_of(id_t teammate_id, int selector) = 0;
  virtual std::vector<routing::phone_conversation> active_on_number(id_t workspace_id,
                                                                    id_t teammate_id,
                                                                    id_t number_id, int limit) = 0;
  virtual std::optional<routing::sticky> sticky_of(id_t teammate_id) = 0;
  virtual void set_sticky(id_t workspace_id, id_t teammate_id, id_t conversation_id,
                          const std::string& now) = 0;
  // owner_kind: "teammate" or "team".
  virtual routing::line_settings settings_of(id_t workspace_id, const std::string& owner_kind,
                                             id_t owner_id) = 0;
  virtual void update_settings(id_t workspace_id, const std::string& owner_kind, id_t owner_id,
                               const routing::settings_patch& p, const std::string& now) = 0;
  virtual std::optional<std::string> after_hours_replied_at(id_t workspace_id,
                                                            id_t conversation_id) = 0;
  virtual void set_after_hours_replied(id_t workspace_id, id_t conversation_id,
                                       const std::string& now) = 0;
  virtual std::vector<std::string> team_phones(id_t workspace_id, id_t team_id) = 0;
  virtual std::optional<std::string> last_caller(id_t workspace_id, id_t number_id) = 0;
  virtual void record_undeliverable(const routing::undeliverable& u) = 0;
  // The workspace's events and those with no workspace, newest first, before a cursor.
  virtual std::vector<routing::undeliverable> list_undeliverable(id_t workspace_id,
                                                                 std::optional<id_t> before,
                                                                 int limit) = 0;

 protected:
  ~routing_repository() = default;
};

class workspace_repository {
 public:
  virtual std::int64_t count() = 0;
  // Atomic: the workspace and its owner, unless a workspace exists already (two
  // starts racing on one store create one); the new id, or nullopt.
  virtual std::optional<id_t> create_with_owner(const std::string& name,
                                                const std::string& owner_email,
                                                const std::string& owner_name,
                                                const std::string& password_hash,
                                                const std::string& now) = 0;
  virtual std::optional<id_t> first() = 0;
  virtual std::optional<std::string> name_of(id_t workspace_id) = 0;
  virtual bool answers() = 0;  // the backend answers a trivial query (readiness)
  // A workspace's setting changed in the app (answer_bot, …): its JSON text, or
  // nullopt when never set. put replaces the whole value.
  virtual std::optional<std::string> setting(id_t workspace_id, const std::string& name) = 0;
  virtual void put_setting(id_t workspace_id, const std::string& name, const std::string& value,
                           const std::string& now) = 0;
  // Every workspace's value of one setting, by workspace id (the help center's host
  // names and slugs are looked up across workspaces).
  virtual std::vector<std::pair<id_t, std::string>> settings_named(const std::string& name) = 0;

 protected:
  ~workspace_repository() = default;
};

// Texting consent: the ledger of opt-outs and opt-ins per customer phone.
class consent_repository {
 public:
  virtual id_t record(const consent_entry& e) = 0;
  // Whether the phone's newest entry on this line or on every line says opted_out;
  // without a line (nullopt), its newest entry on any.
  virtual bool opted_out(id_t workspace_id, const std::string& phone, std::optional<id_t> number_id) = 0;
  // Every entry of these phones, newest first.
  virtual std::vector<consent_entry> history(id_t workspace_id, const std::vector<std::string>& phones) = 0;

 protected:
  ~consent_repository() = default;
};

// Attachments: their rows (the bytes are files, see media/files.hpp).
class media_repository {
 public:
  virtual id_t add(const media_item& m) = 0;
  virtual std::optional<media_item> find(id_t workspace_id, id_t id) = 0;
  // Ties uploaded items to the message that carries them.
  virtual void attach(id_t workspace_id, const std::vector<id_t>& ids, id_t conversation_id, id_t message_id) = 0;
  virtual std::vector<media_item> of_message(id_t workspace_id, id_t message_id) = 0;
  // Replaces a message's media list (an inbound MMS once its files are stored).
  virtual void set_message_media(id_t workspace_id, id_t message_id, const nlohmann::json& media) = 0;
  // Whether any row still names this file (an erasure deletes a file only when none does).
  virtual bool file_in_use(const std::string& sha256) = 0;
  // The rows of a contact's conversations, deleted (an erasure); returns the files they named.
  virtual std::vector<std::string> erase_of_contact(id_t workspace_id, id_t contact_id) = 0;
  // A visitor's uploads not sent yet, and the bytes every visitor of the workspace
  // uploaded since `since` (the budgets that bound what anonymous callers store).
  virtual std::int64_t unsent_of_visitor(id_t workspace_id, const std::string& visitor_id) = 0;
  virtual std::int64_t visitor_bytes_since(id_t workspace_id, const std::string& since) = 0;
  // Uploads no message took, created before `before`: at most `limit` rows deleted;
  // returns the files they named.
  virtual std::vector<std::string> purge_unsent(const std::string& before, int limit) = 0;

 protected:
  ~media_repository() = default;
};

// The knowledge base (issue 20): collections, articles and their revisions, and
// the articles' full-text search. A duplicate slug fails the job with CONFLICT.
class article_repository {
 public:
  // Top-level collections first, then each level by position, then id.
  virtual std::vector<kb::collection> collections(id_t workspace_id) = 0;
  virtual std::optional<kb::collection> find_collection(id_t workspace_id, id_t id) = 0;
  virtual std::optional<kb::collection> find_collection_by_slug(id_t workspace_id, const std::string& slug) = 0;
  virtual id_t insert_collection(const kb::collection& c) = 0;
  // Every field but id, workspace_id and created_at; false when unknown.
  virtual bool update_collection(const kb::collection& c) = 0;
  // Its sub-collections go with it; its articles stay, in no collection.
  virtual bool delete_collection(id_t workspace_id, id_t id) = 0;

  virtual std::optional<kb::article> find(id_t workspace_id, id_t id) = 0;
  virtual std::optional<kb::article> find_by_slug(id_t workspace_id, const std::string& slug) = 0;
  virtual std::vector<kb::article> list(id_t workspace_id, const kb::article_filter& f) = 0;
  // Published articles of a collection (or of none), by position then id, with body.
  virtual std::vector<kb::article> published_in(id_t workspace_id, std::optional<id_t> collection_id,
                                                int limit) = 0;
  // The most viewed published articles.
  virtual std::vector<kb::article> popular(id_t workspace_id, int limit) = 0;
  virtual id_t insert(const kb::article& a) = 0;
  // Every field but id, workspace_id, created_at and the counters; false when unknown.
  virtual bool update(const kb::article& a) = 0;
  virtual bool remove(id_t workspace_id, id_t id) = 0;
  // Positions 0, 1, … in the order given, among the workspace's own articles.
  virtual void reorder(id_t workspace_id, const std::vector<id_t>& ids) = 0;
  // Atomic counters.
  virtual void add_view(id_t workspace_id, id_t id) = 0;
  virtual void add_vote(id_t workspace_id, id_t id, bool helpful) = 0;

  virtual id_t add_revision(const kb::revision& r) = 0;
  // Newest first.
  virtual std::vector<kb::revision> revisions(id_t workspace_id, id_t article_id) = 0;
  virtual std::optional<kb::revision> find_revision(id_t workspace_id, id_t article_id, id_t id) = 0;

  virtual std::vector<kb::article_hit> search(id_t workspace_id, const kb::article_query& q) = 0;

 protected:
  ~article_repository() = default;
};

// Outbound webhooks (issue 21): endpoints and their delivery log.
class webhook_repository {
 public:
  virtual std::vector<webhooks::endpoint> endpoints(id_t workspace_id) = 0;
  // The enabled ones: what an event is offered to (each endpoint's events decide).
  virtual std::vector<webhooks::endpoint> enabled_endpoints(id_t workspace_id) = 0;
  virtual std::optional<webhooks::endpoint> find_endpoint(id_t workspace_id, id_t id) = 0;
  virtual id_t insert_endpoint(const webhooks::endpoint& e) = 0;
  // Every field but id, workspace_id and created_at; false when unknown.
  virtual bool update_endpoint(const webhooks::endpoint& e) = 0;
  virtual bool delete_endpoint(id_t workspace_id, id_t id) = 0;

  virtual id_t insert_delivery(const webhooks::delivery& d) = 0;
  virtual std::optional<webhooks::delivery> find_delivery(id_t workspace_id, id_t id) = 0;
  // Every field but id, workspace_id, endpoint_id, message_id, event_type, payload,
  // contact_id and created_at; false when unknown.
  virtual bool update_delivery(const webhooks::delivery& d) = 0;
  // An endpoint's log, newest first.
  virtual std::vector<webhooks::delivery> deliveries(id_t workspace_id, id_t endpoint_id,
                                                     const webhooks::delivery_filter& f) = 0;
  // The endpoint's failed deliveries created at or after `since`, oldest first.
  virtual std::vector<id_t> failed_since(id_t workspace_id, id_t endpoint_id, const std::string& since,
                                         int limit) = 0;
  // Deliveries whose payload holds a contact's data (an erasure).
  virtual int delete_deliveries_of_contact(id_t workspace_id, id_t contact_id) = 0;
  // Settled deliveries created before `before`, and the settled outbox rows that
  // carried them (housekeeping); returns the deliveries purged.
  virtual int purge_deliveries(const std::string& before, int limit) = 0;
  // A merge: the deliveries holding `from`'s data now name `into` (its erasure finds them).
  virtual void move_contact(id_t workspace_id, id_t from, id_t into) = 0;

  // Atomic: due 'webhook.deliver' outbox rows, oldest first, each leased until
  // `lease_until` (as outbox_repository::claim_due, for this kind only: the
  // dispatcher claims no more of them than its webhook workers have room for).
  virtual std::vector<outbox::due_row> claim_due_deliveries(const std::string& now, const std::string& lease_until,
                                                            int limit) = 0;
  // Atomic, in one statement each, so concurrent attempts and an admin's change
  // never overwrite each other: a success clears the endpoint's failure streak; a
  // failure starts it if none; when `may_disable`, an enabled endpoint failing
  // since `disable_cut` or earlier is disabled with `reason`. True when this call
  // disabled it.
  virtual bool record_endpoint_outcome(id_t workspace_id, id_t endpoint_id, bool succeeded, bool may_disable,
                                       const std::string& now, const std::string& disable_cut,
                                       const std::string& reason) = 0;

 protected:
  ~webhook_repository() = default;
};

// CSAT surveys (issue 21).
class csat_repository {
 public:
  virtual id_t insert(const csat::survey& s) = 0;
  virtual std::optional<csat::survey> find(id_t workspace_id, id_t id) = 0;
  // Across workspaces: the public link names the token only.
  virtual std::optional<csat::survey> find_by_token(const std::string& token) = 0;
  // The newest unanswered sms survey sent to `phone` from the line `number_id` whose
  // expires_at is after `now`.
  virtual std::optional<csat::survey> find_open_sms(id_t workspace_id, const std::string& phone, id_t number_id,
                                                    const std::string& now) = 0;
  // Atomic: records the answer when the survey is still unanswered; false otherwise.
  virtual bool answer(id_t workspace_id, id_t id, std::int64_t rating, const std::optional<std::string>& comment,
                      const std::string& answered_at) = 0;
  // The newest survey of a conversation.
  virtual std::optional<csat::survey> latest_for_conversation(id_t workspace_id, id_t conversation_id) = 0;
  // The answered surveys of the contact's conversations (today's contact, after
  // merges), newest answer first.
  virtual std::vector<csat::survey> answered_for_contact(id_t workspace_id, id_t contact_id, int limit) = 0;
  virtual csat::summary summary_of_contact(id_t workspace_id, id_t contact_id) = 0;

 protected:
  ~csat_repository() = default;
};

// The reporting event log, its daily (and, for the workspace, hourly) rollups and
// each conversation's reporting state (issue 21). Written in the job of the change.
class report_repository {
 public:
  virtual std::optional<reports::conversation_state> state_of(id_t workspace_id, id_t conversation_id) = 0;
  virtual void save_state(const reports::conversation_state& s) = 0;
  virtual void add_event(const reports::event& e) = 0;
  virtual void add_rollups(id_t workspace_id, const std::vector<reports::rollup_change>& changes) = 0;
  // The rows of one scope (dim "" for the workspace) whose period is in [from, to]
  // (strings: days, or hours "YYYY-MM-DDTHH"), summed per metric and bucket, and
  // per period when `by_period`. `metrics` empty: all.
  virtual std::vector<reports::rollup_sum> rollups(id_t workspace_id, const std::string& dim,
                                                   const std::string& dim_value, const std::string& from,
                                                   const std::string& to, bool by_period,
                                                   const std::vector<std::string>& metrics) = 0;
  // Events of `kinds` (all when empty) at [from, to) of the conversations the filter
  // names, oldest first; the team, teammate, line and channel are the event's, the
  // label the conversation's now.
  virtual std::vector<reports::event> events(id_t workspace_id, const reports::event_filter& f,
                                             const std::string& from, const std::string& to,
                                             const std::vector<std::string>& kinds) = 0;
  // Public messages at [from, to) of conversations whose team, assignee, channel,
  // line and labels now match the filter.
  virtual std::vector<reports::message_tick> messages(id_t workspace_id, const reports::event_filter& f,
                                                      const std::string& from, const std::string& to) = 0;
  // The conversations that had a `kind` event at [from, to), one row per event, by
  // (event_at, event_id) after the cursor.
  virtual std::vector<reports::conversation_row> conversations(
      id_t workspace_id, const reports::event_filter& f, const std::string& kind, const std::string& from,
      const std::string& to, const std::optional<std::pair<std::string, id_t>>& after, int limit) = 0;
  // Conversations the log has not seen yet (older than it): up to `limit`, any
  // workspace, oldest first. take_backfill takes one off the list in the replay's
  // job; false when another instance took it first (the replay is then dropped).
  virtual std::vector<reports::backfill_item> backfill_pending(int limit) = 0;
  virtual bool take_backfill(id_t workspace_id, id_t conversation_id) = 0;
  // Across workspaces (GET /metrics): the all-time rows of `metrics`, and the
  // conversations not resolved per team.
  virtual std::vector<reports::total_row> totals(const std::vector<std::string>& metrics) = 0;
  virtual std::vector<reports::open_count> open_by_team() = 0;

 protected:
  ~report_repository() = default;
};

// What a store job works through: every repository, all over the job's one
// transaction. A backend builds one per job (cheaply: no allocation), so a
// reference to it or its repositories must not outlive the job.
class unit_of_work {
 public:
  virtual conversation_repository& conversations() = 0;
  virtual message_repository& messages() = 0;
  virtual contact_repository& contacts() = 0;
  virtual teammate_repository& teammates() = 0;
  virtual team_repository& teams() = 0;
  virtual number_repository& numbers() = 0;
  virtual outbox_repository& outbox() = 0;
  virtual auth_repository& auth() = 0;
  virtual widget_repository& widget() = 0;
  virtual teams_link_repository& teams_links() = 0;
  virtual routing_repository& routing() = 0;
  virtual workspace_repository& workspaces() = 0;
  virtual consent_repository& consent() = 0;
  virtual media_repository& media() = 0;
  virtual article_repository& articles() = 0;
  virtual webhook_repository& webhooks() = 0;
  virtual csat_repository& csat() = 0;
  virtual report_repository& reports() = 0;

 protected:
  ~unit_of_work() = default;
};

}  // namespace switchboard::store
