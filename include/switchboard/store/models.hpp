#pragma once
// Rows as the store returns them. Ids are integers here and strings in the API.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::store {

using id_t = std::int64_t;

struct teammate {
  id_t id = 0;
  id_t workspace_id = 0;
  std::string email, name, role;
  std::optional<std::string> physical_number;
  std::string availability = "available";
  std::string sms_forwarding = "off";
  std::string created_at;
  std::string password_hash;  // never leaves the server
};

struct team {
  id_t id = 0;
  id_t workspace_id = 0;
  std::string name;
  bool round_robin = true;
  std::vector<id_t> member_ids;
  std::string created_at;
};

struct contact {
  id_t id = 0;
  id_t workspace_id = 0;
  std::optional<std::string> name, email, external_id;
  std::vector<std::string> phones;
  nlohmann::json attributes = nlohmann::json::object();
  std::string created_at, updated_at;
};

struct conversation {
  id_t id = 0;
  id_t workspace_id = 0;
  id_t contact_id = 0;
  std::optional<std::string> contact_name, contact_phone;
  std::optional<std::string> preview;  // the newest public message, cut to 140 characters
  std::string status = "open";
  std::optional<id_t> assignee_id, team_id;
  std::string priority = "normal";
  std::vector<std::string> labels;
  std::optional<std::string> snoozed_until, first_response_at, resolved_at, last_message_at, subject;
  std::int64_t unread_count = 0;
  std::string channel = "chat";
  std::string created_at, updated_at;
  // The row's position in a list ordered by something other than last activity (a
  // search: its newest match's message id); the cursor carries it. Not in the API's JSON.
  std::optional<std::string> list_key;
};

struct message {
  id_t id = 0;
  id_t workspace_id = 0;
  id_t conversation_id = 0;
  std::string direction;    // inbound | outbound | internal
  std::string sender_kind;  // contact | teammate | bot | system
  std::optional<id_t> sender_id;
  std::string sender_name;
  bool is_private = false;
  std::string channel;
  std::string body;
  std::string status;
  std::optional<std::string> error, external_id;
  std::string kind = "text";
  nlohmann::json media = nlohmann::json::array();
  nlohmann::json metadata = nlohmann::json::object();
  std::string created_at;
};

struct canned_response {
  id_t id = 0;
  std::string shortcut, body, created_at;
};

struct label {
  id_t id = 0;
  std::string name, color, created_at;
};

// Who is calling: resolved from a session token or an API key.
// A change of a customer phone's texting consent (schema 17's consent_ledger).
struct consent_entry {
  id_t id = 0;
  id_t workspace_id = 0;
  std::string phone;               // E.164
  std::optional<id_t> number_id;   // nullopt: every line of the workspace
  std::string state;               // opted_out | opted_in
  std::string source;              // keyword | agent | api | carrier
  std::optional<id_t> message_id;  // the text that caused it
  std::optional<id_t> teammate_id; // who recorded it
  std::optional<std::string> note;
  std::string created_at;
};

// An attachment (schema 18): its bytes are the file named by sha256 in the media store.
struct media_item {
  id_t id = 0;
  id_t workspace_id = 0;
  std::string sha256;        // hex; the file's name
  std::string content_type;  // from the allow-list (routing/media.hpp)
  std::int64_t size = 0;
  std::string name;          // a safe file name for Content-Disposition
  std::optional<id_t> conversation_id, message_id;  // nullopt: uploaded, not sent yet
  std::optional<id_t> teammate_id;       // uploaded by this teammate
  std::optional<std::string> visitor_id;  // or by this widget visitor
  std::string created_at;
};

struct principal {
  id_t workspace_id = 0;
  id_t teammate_id = 0;
  std::string role;
  std::string name;
  bool via_api_key = false;
  // The credential: a session's or an API key's row id (sockets close when it is revoked).
  id_t credential_id = 0;
  // API keys only: "read" (GET only) or "write"; whether the key may manage keys.
  std::string key_scope = "write";
  bool key_manage = false;
};

// Parameter and row types of the aggregates, in their namespaces (the repository
// interfaces use them, so they live here, apart from the SQLite headers).

namespace conversations {

struct list_filter {
  std::optional<std::string> status;
  enum class who { any, me, unassigned, teammate } assignee = who::any;
  id_t assignee_id = 0;  // for me / teammate
  std::optional<id_t> team_id;
  std::optional<std::string> label;
  // Search: message text (FTS5) or the contact's name, email, identities, phone digits.
  // Ordered by the newest match (see conversations::list), not by last activity.
  std::optional<std::string> q;
  std::optional<id_t> contact_id;
  // Keyset cursor: conversations whose (last activity, id) comes before this one's.
  struct position {
    std::string activity_at;  // last_message_at, else created_at
    id_t id = 0;
  };
  std::optional<position> before;
  int limit = 25;
};

struct patch {
  std::optional<std::string> status, priority;
  std::optional<std::optional<id_t>> assignee_id, team_id;
  std::optional<std::optional<std::string>> snoozed_until;
  std::optional<std::vector<std::string>> labels;
  std::optional<std::int64_t> unread_count;
};

// The SMS message a carrier's SID names (any workspace), with its current status.
struct sms_ref {
  id_t workspace_id = 0, id = 0;
  std::string status;
};

// What decides a reply's channel (routing/reply.hpp), read in one place.
struct reply_context {
  std::optional<std::string> last_messaging_channel;  // the customer's newest sms/chat message here
  std::vector<std::string> phones;  // the contact's phone identities (E.164 or opaque carrier senders)
  bool visitor = false;             // the contact has a widget visitor identity
};

}  // namespace conversations

namespace contacts {

struct patch {
  std::optional<std::optional<std::string>> name, email, external_id;
  std::optional<std::vector<std::string>> phones;
  std::optional<nlohmann::json> attributes;  // merged: keys set to null are removed
};

}  // namespace contacts

namespace teammates {

struct patch {
  std::optional<std::string> name, role, availability, sms_forwarding;
  std::optional<std::optional<std::string>> physical_number;  // set or clear
};

}  // namespace teammates

namespace outbox {

struct due_row {
  id_t id = 0, workspace_id = 0;
  std::string kind, payload;
  int attempts = 0;
  std::optional<id_t> conversation_id;
};

// What an SMS reply needs to go out: its text, the conversation's line, and the
// contact's first E.164 phone (a short code or sender id is not one).
struct sms_send_facts {
  id_t workspace_id = 0;
  std::string body;
  std::optional<id_t> number_id;
  std::optional<std::string> phone;
};

}  // namespace outbox

namespace numbers {

struct number_row {
  id_t id = 0;
  id_t workspace_id = 0;
  std::string number, carrier;
  std::optional<std::string> carrier_sid;
  nlohmann::json capabilities = nlohmann::json::array();
  std::optional<id_t> owner_teammate_id, owner_team_id;
  std::string status, created_at;
};

// Both loop-guard facts about a sender in one lookup: one of our active lines
// (two of them texting each other would bounce forever), a teammate's own phone.
struct sender_facts {
  bool our_line = false;
  bool teammate_phone = false;
};

// The newest conversation of this contact on this business number.
struct conversation_ref {
  id_t id = 0;
  std::string status;
};

struct sandbox_message {
  id_t id = 0;
  std::string sid, from, to, body, created_at;
};

// The sandbox's active lines (of one workspace, or all), with their owner's name.
struct sandbox_line {
  std::string number;
  std::optional<std::string> owner_name;  // the teammate's or team's
};

}  // namespace numbers

namespace routing {

struct phone_conversation {
  id_t conversation_id = 0;
  std::string who;  // the contact's name, or their phone number
  std::string phone;
  std::optional<std::string> last_message_at;
};

struct sticky {
  id_t conversation_id = 0;
  std::string at;
};

// A line owner's settings; each field absent means "not set".
struct line_settings {
  std::optional<std::string> business_hours;  // JSON text
  std::optional<std::string> voicemail_greeting, after_hours_reply;
};

struct settings_patch {
  std::optional<std::optional<std::string>> business_hours, voicemail_greeting, after_hours_reply;
};

struct undeliverable {
  id_t id = 0;
  std::optional<id_t> workspace_id;
  std::string carrier, kind, sid, from, to, reason, body, created_at;
};

}  // namespace routing

namespace teams {

struct channel_link {
  id_t id = 0, workspace_id = 0;
  std::string owner_kind;  // teammate | team
  id_t owner_id = 0;
  std::string service_url, channel_id, team_id, tenant_id;
  std::optional<id_t> linked_by;
};

struct thread {
  id_t id = 0, workspace_id = 0, conversation_id = 0, channel_link_id = 0;
  std::string service_url, channel_id, tenant_id;
  std::optional<std::string> thread_id;  // set once the thread exists in Teams
  std::string status;                    // pending | created | failed
};

}  // namespace teams

namespace widget {

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

struct session {
  id_t id = 0, workspace_id = 0;
  id_t contact_id = 0;  // 0: an anonymous visitor that has not written yet (no contact)
  std::string visitor_id;
  bool verified = false;
  std::string created_at, expires_at;
  std::optional<std::string> revoked_at;
  // What a visitor without a contact said about itself; put on the contact at its first message.
  std::optional<std::string> name, email;
};

// Housekeeping (issue 16 item 12): removes, up to `limit` rows of each kind,
// visitors that never wrote: sessions without a contact created before `cutoff`,
// their events, and contacts the widget created that have no conversation, no
// identity but visitor ids, no live session and no change since `cutoff`.
struct purge_counts {
  int sessions = 0, events = 0, contacts = 0;
};

struct event_row {
  id_t id = 0;
  std::string name;
  nlohmann::json props;
  std::string created_at;
};

}  // namespace widget

namespace auth_data {

struct token_lookup {
  principal who;
  std::optional<std::string> expires_at;  // sessions expire; API keys do not
};

struct api_key_row {
  id_t id = 0;
  id_t teammate_id = 0;
  std::string name, created_at;
  std::optional<std::string> last_used_at, revoked_at;
  std::string scope = "write";  // "read" or "write"
  bool manage_keys = false;
};

}  // namespace auth_data

// The knowledge base (issue 20).
namespace kb {

struct collection {
  id_t id = 0;
  id_t workspace_id = 0;
  std::optional<id_t> parent_id;  // one level: a parent has none
  std::string name, slug, description;
  std::int64_t position = 0;
  std::string created_at, updated_at;
};

struct article {
  id_t id = 0;
  id_t workspace_id = 0;
  std::optional<id_t> collection_id;
  std::string title, slug, excerpt;
  std::string body;       // Markdown as written
  std::string body_html;  // rendered when saved, raw HTML left out
  std::string body_text;  // the visible text (search, passages)
  std::string status = "draft";  // draft, published, archived
  std::optional<id_t> author_id;
  std::int64_t position = 0;
  std::int64_t views = 0, helpful_yes = 0, helpful_no = 0;
  std::string created_at, updated_at;
  std::optional<std::string> published_at;
};

struct revision {
  id_t id = 0;
  id_t workspace_id = 0;
  id_t article_id = 0;
  std::string title, excerpt, body;
  std::optional<id_t> author_id;
  std::string created_at;
};

// Which articles a list returns: newest id first, after the cursor.
struct article_filter {
  std::optional<std::string> status;
  std::optional<id_t> collection_id;
  std::optional<id_t> before;  // id cursor
  int limit = 25;
  bool with_body = false;  // body, body_html and body_text are left empty otherwise
};

// A full-text query: each word a stemmed term (a prefix when `prefix`), all of them
// (match_all) or any; best first. Highlights are marked with \x01 … \x02 around
// each matched word, for the caller to escape and mark up.
struct article_query {
  std::vector<std::string> words;
  bool prefix_last = false;  // the last word as a prefix (typing)
  bool match_all = true;
  // A word of 4 letters or more matching nothing: its closest vocabulary words
  // instead (article_search.hpp, term_groups).
  bool fix_typos = false;
  std::optional<std::string> status = std::string("published");
  int limit = 10;
};

struct article_hit {
  article a;            // without body, body_html or body_text
  double score = 0;     // higher is better; comparable within one result only
  std::string snippet;  // a window of the visible text with marks
};

}  // namespace kb


namespace webhooks {

// An endpoint a workspace's admins registered (issue 21). `events` are event types
// ("message.created", …); `secret` is whsec_<base64>; the previous secret keeps
// signing beside it until previous_secret_expires_at (a rotation).
struct endpoint {
  id_t id = 0, workspace_id = 0;
  std::string url, description;
  std::vector<std::string> events;
  std::string secret;
  std::optional<std::string> previous_secret, previous_secret_expires_at;
  bool enabled = true;
  std::optional<std::string> disabled_reason;
  std::optional<std::string> failing_since;
  std::string created_at, updated_at;
};

// One event for one endpoint, and its log: pending until a 2xx, failed when the
// retries ran out (or the endpoint went away).
struct delivery {
  id_t id = 0, workspace_id = 0, endpoint_id = 0;
  std::string message_id;  // msg_…: the webhook-id header, the same on every attempt
  std::string event_type;
  std::string payload;  // the body exactly as signed
  std::string status = "pending";  // pending | succeeded | failed
  int attempts = 0;
  std::optional<std::int64_t> response_status, latency_ms;
  std::optional<std::string> response_excerpt, last_error;
  std::optional<id_t> contact_id;
  std::string created_at, updated_at;
  std::optional<std::string> last_attempt_at, next_attempt_at;
};

struct delivery_filter {
  std::optional<std::string> status;
  std::optional<id_t> before;  // id cursor, newest first
  int limit = 50;
};

}  // namespace webhooks


namespace csat {

// A CSAT survey (issue 21): one per resolution. `channel` is widget | sms | link;
// `token` names the link /survey/{token}; `teammate_id` is the assignee when it was
// sent (the rating is theirs); sms surveys name the line and the customer's phone.
struct survey {
  id_t id = 0, workspace_id = 0, conversation_id = 0, contact_id = 0;
  std::string channel;
  std::string token;
  std::optional<id_t> teammate_id, number_id;
  std::optional<std::string> phone;
  std::optional<id_t> message_id;  // widget: the thread item that shows it
  std::string status = "sent";  // sent | answered
  std::optional<std::int64_t> rating;
  std::optional<std::string> comment;
  std::string sent_at;
  std::optional<std::string> answered_at;
  std::string expires_at;
};

// A contact's answered surveys: how many and their mean rating.
struct summary {
  std::int64_t count = 0;
  double average = 0;
};

}  // namespace csat

namespace reports {

// A conversation's reporting state (issue 21): since when the customer has waited
// for a reply, when it was (re)opened, whether a teammate has replied in public.
struct conversation_state {
  id_t workspace_id = 0, conversation_id = 0;
  std::optional<std::string> waiting_since, opened_at;
  bool responded = false;
};

// A conversation from before the reporting log (report_backfill): its messages
// before `through` (when the log began) are replayed into the log once.
struct backfill_item {
  id_t workspace_id = 0, conversation_id = 0;
  std::string through;
};

// One row of the reporting event log: the conversation's team, assignee (or the
// teammate who replied), channel and line when it happened; durations in
// wall-clock and business-hours seconds; `value` a rating.
struct event {
  id_t id = 0, workspace_id = 0, conversation_id = 0;
  std::string kind, at;
  std::optional<id_t> team_id, teammate_id, number_id;
  std::string channel;
  std::optional<std::int64_t> wall_seconds, business_seconds, value;
};

// Adds n and total to one rollup row; `period` is a local day (YYYY-MM-DD) or,
// for the workspace's hourly rows, a local hour (YYYY-MM-DDTHH).
struct rollup_change {
  std::string period, metric, dim, dim_value;
  std::int64_t bucket = -1, n = 1, total = 0;
};

// Sums of rollup rows (period empty when summed over the range).
struct rollup_sum {
  std::string period, metric;
  std::int64_t bucket = -1, n = 0, total = 0;
};

// An all-time rollup row of any workspace (period "all": the Prometheus series).
struct total_row {
  id_t workspace_id = 0;
  std::string dim, dim_value, metric;
  std::int64_t bucket = -1, n = 0, total = 0;
};

// Conversations not resolved, per workspace and team (none: no team).
struct open_count {
  id_t workspace_id = 0;
  std::optional<id_t> team_id;
  std::int64_t n = 0;
};

// What a raw query is narrowed to (each absent: any).
struct event_filter {
  std::optional<id_t> team_id, teammate_id, number_id;
  std::optional<std::string> channel, label;
};

// A message for counting (the raw path): when, and in or out.
struct message_tick {
  std::string at;
  bool inbound = false;
};

// A drill-down or CSV row: the conversation an event happened to, as it is now,
// with its first response, last resolution and newest rating.
struct conversation_row {
  id_t event_id = 0;
  std::string event_at;
  id_t id = 0;
  std::string status, channel, created_at;
  std::optional<std::string> contact_name, first_response_at, resolved_at, assignee_name, team_name;
  std::optional<id_t> assignee_id, team_id;
  std::vector<std::string> labels;
  std::optional<std::int64_t> first_response_wall, first_response_business, resolution_wall, resolution_business,
      csat_rating;
};

}  // namespace reports

}  // namespace switchboard::store
