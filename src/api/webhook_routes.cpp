// Carrier webhooks (Twilio, SignalWire, sandbox): signature first, then an
// idempotent write, then TwiML. Inbound SMS lands in the contact's thread on
// that business number; status callbacks move delivery status forward only.
#include <functional>

#include <spdlog/spdlog.h>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/carriers/twiml.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/routing/hours.hpp"
#include "switchboard/routing/sms.hpp"
#include "switchboard/routing/voice.hpp"
#include "switchboard/store/routing.hpp"
#include "switchboard/store/contacts.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/teammates.hpp"
#include "switchboard/store/workspaces.hpp"
#include "switchboard/teams/mirror.hpp"

namespace switchboard::api {
namespace {

namespace conv = store::conversations;
namespace nums = store::numbers;

const std::string empty_twiml = carriers::twiml::render({});

response twiml_response(std::string xml) {
  return response::text(200, std::move(xml), "text/xml; charset=utf-8");
}

response forbidden() {
  // Carrier webhook rejections answer 403 with no TwiML.
  return response::text(403, "", "text/plain; charset=utf-8");
}

struct verified {
  carriers::param_list params;
  std::string carrier;
};

// Signature check before anything else; nullopt = reject.
std::optional<verified> verify(api_context& ctx, const request& req, const std::string& carrier) {
  auto& cs = ctx.carriers;
  carriers::carrier_kind kind;
  std::string key;
  if (carrier == "twilio") {
    kind = carriers::carrier_kind::twilio;
    key = cs.twilio_auth_token;
  } else if (carrier == "signalwire") {
    kind = carriers::carrier_kind::signalwire;
    key = cs.signalwire_signing_key;
  } else if (carrier == "sandbox" && cs.sandbox_enabled) {
    kind = carriers::carrier_kind::sandbox;
    key = cs.sandbox_key;
  } else {
    return std::nullopt;
  }
  carriers::signed_request sr;
  sr.url = cs.public_url + req.path + (req.query.empty() ? "" : "?" + req.query);
  sr.content_type = std::string(req.headers.get("Content-Type").value_or(""));
  sr.raw_body = req.body;
  if (auto h = req.headers.get("X-Twilio-Signature")) sr.twilio_header = std::string(*h);
  if (auto h = req.headers.get("X-SignalWire-Signature")) sr.signalwire_header = std::string(*h);
  verified out{{}, carrier};
  auto ok = carriers::verify_webhook(kind, key, sr, &out.params);
  if (!ok) {
    spdlog::warn("webhook {} {} rejected (request {}): {}", carrier, req.path, req.request_id,
                 ok.err().message);
    return std::nullopt;
  }
  return out;
}

// A carrier's From or To: E.164 when it is a phone number; otherwise the text as
// sent (a short code "55555", a sender id "ACME"), printable and at most 64 bytes,
// an opaque identity that can never be texted back; "unknown" when empty.
std::string carrier_address(std::string_view raw) {
  auto t = trim(raw);
  if (!t.empty() && t.front() == '+')
    if (auto e = carriers::normalize_e164(t)) return *e;
  std::string out;
  for (char c : t) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b != 0x7f && out.size() < 64) out += c;
  }
  return out.empty() ? std::string("unknown") : out;
}

std::string param(const carriers::param_list& ps, std::string_view name) {
  for (auto& [k, v] : ps)
    if (k == name) return v;
  return {};
}

}  // namespace

// The contact (by phone) and their conversation on this business number, both
// created when new. Runs inside a write job.
thread_ref resolve_thread(store::database& db, const nums::number_row& number, const std::string& from,
                          const std::string& channel, const std::string& at, bool new_after_resolved) {
  thread_ref out;
  auto ws = out.workspace_id = number.workspace_id;
  auto contact_id = store::contacts::find_by_identity(db, ws, "phone", from);
  if (!contact_id) {
    store::contact k;
    k.workspace_id = ws;
    k.phones = {from};
    k.created_at = k.updated_at = at;
    contact_id = store::contacts::insert(db, k);
  }
  out.contact_id = *contact_id;
  std::optional<store::id_t> conv_id;
  if (auto latest = nums::latest_conversation(db, ws, *contact_id, number.id)) {
    if (!(new_after_resolved && latest->status == "resolved")) {
      conv_id = latest->id;
      out.open = latest->status == "open" || latest->status == "pending";
    }
  }
  if (!conv_id) {
    store::conversation cv;
    cv.workspace_id = ws;
    cv.contact_id = *contact_id;
    cv.channel = channel;
    cv.created_at = at;
    cv.assignee_id = number.owner_teammate_id;
    cv.team_id = number.owner_team_id;
    if (cv.team_id) {
      auto team = store::teammates::find_team(db, ws, *cv.team_id);
      if (team && team->round_robin) cv.assignee_id = store::teammates::next_round_robin(db, ws, *cv.team_id, at);
    }
    conv_id = conv::insert(db, cv);
    conv::set_number(db, *conv_id, number.id);
    out.created = true;
    out.open = true;
  }
  out.conversation_id = *conv_id;
  return out;
}

namespace {

std::string line_name(store::database& db, const nums::number_row& n) {
  if (n.owner_teammate_id)
    if (auto t = store::teammates::find(db, n.workspace_id, *n.owner_teammate_id)) return t->name;
  if (n.owner_team_id)
    if (auto t = store::teammates::find_team(db, n.workspace_id, *n.owner_team_id)) return t->name;
  return {};
}

// How a conversation's customer is named to a teammate: their name, else their phone.
std::string who_of(const std::optional<store::conversation>& c, const std::string& phone) {
  if (c && c->contact_name && !c->contact_name->empty()) return *c->contact_name;
  return carriers::format_display(c && c->contact_phone ? *c->contact_phone : phone);
}

// Who owns a line and how it is set up (hours, greeting, after-hours reply).
struct line_info {
  std::string owner_kind;  // teammate | team | "" (unowned)
  store::id_t owner_id = 0;
  std::string name;
  store::routing::line_settings settings;
  std::optional<routing::business_hours> hours;
};

line_info line_of(store::database& db, const nums::number_row& n) {
  line_info l;
  l.name = line_name(db, n);
  if (n.owner_teammate_id) {
    l.owner_kind = "teammate";
    l.owner_id = *n.owner_teammate_id;
  } else if (n.owner_team_id) {
    l.owner_kind = "team";
    l.owner_id = *n.owner_team_id;
  } else {
    return l;
  }
  l.settings = store::routing::settings_of(db, n.workspace_id, l.owner_kind, l.owner_id);
  if (l.settings.business_hours) {
    auto parsed = routing::parse_business_hours(json::parse(*l.settings.business_hours, nullptr, false));
    if (parsed) l.hours = *parsed;
  }
  return l;
}

bool line_open(const line_info& l, const std::string& at) {
  if (!l.hours) return true;
  auto now = parse_rfc3339(at);
  return !now || routing::is_open(*l.hours, *now);
}

struct inbound_result {
  std::string twiml;
  store::id_t workspace_id = 0, conversation_id = 0;  // 0: no customer thread was touched
  // Read back for the events only when some agent socket was open (`want_events`);
  // otherwise the handler reads them after the commit if one has opened since.
  std::optional<store::conversation> conversation;
  bool created = false;
  std::optional<store::message> message;
  bool wake_outbox = false;  // an SMS was queued (a forward, a reply, an answer to the teammate)
  std::optional<store::message> auto_reply;  // the after-hours reply, when one went out
};

constexpr const char* default_after_hours_reply =
    "Thanks for your message. We are closed right now and will answer when we are back.";

// A shared line outside its hours answers once per closed period and conversation.
void after_hours_reply(store::database& db, const nums::number_row& number, store::id_t conversation_id,
                       const std::string& at, inbound_result& out) {
  if (!number.owner_team_id) return;
  auto line = line_of(db, number);
  auto now = parse_rfc3339(at);
  if (!line.hours || !now) return;
  auto since = routing::closed_since(*line.hours, *now);
  auto ws = number.workspace_id;
  std::optional<std::chrono::system_clock::time_point> last;
  if (auto text = store::routing::after_hours_replied_at(db, ws, conversation_id)) last = parse_rfc3339(*text);
  if (!routing::after_hours_reply_due(since, last)) return;
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = conversation_id;
  m.direction = "outbound";
  m.sender_kind = "bot";
  m.channel = "sms";
  m.body = line.settings.after_hours_reply.value_or(default_after_hours_reply);
  m.status = "queued";
  m.created_at = at;
  auto mid = conv::insert_message(db, m);
  conv::enqueue_outbox(db, ws, "message.send.sms", {{"message_id", mid}, {"conversation_id", conversation_id}, {"channel", "sms"}}, at);
  store::routing::set_after_hours_replied(db, ws, conversation_id, at);
  out.auto_reply = conv::find_message(db, ws, mid);
  out.wake_outbox = true;
}

struct sms_in {
  std::string carrier, sid, from, to, body;
  json media;
  std::string at;
  routing_settings settings;
  std::string public_url;  // for links in the Teams card
  bool want_events = true;
};

// A text the system sends on its own (a forward to a teammate's phone, an answer
// to the teammate's command), from a business number: an outbox row, no thread item.
// `about`: the conversation it tells of, if any (an erasure removes the row with it).
void queue_relay(store::database& db, store::id_t ws, store::id_t number_id, const std::string& to,
                 const std::string& body, const std::string& at, std::optional<store::id_t> about = std::nullopt) {
  json payload{{"number_id", number_id}, {"to", to}, {"body", routing::clip_sms(body)}};
  if (about) payload["conversation_id"] = *about;
  conv::enqueue_outbox(db, ws, "sms.relay", payload, at);
}

void log_undeliverable(store::database& db, const sms_in& in, std::optional<store::id_t> ws, const std::string& why) {
  spdlog::warn("sms {} from {} to {} ({}) not delivered: {}", in.sid, in.from, in.to, in.carrier, why);
  store::routing::record_undeliverable(
      db, {0, ws, in.carrier, "sms", in.sid, in.from, in.to, why, in.body, in.at});
}

// The owner texting their own virtual number from their physical phone.
void teammate_speaks(store::database& db, const sms_in& in, const nums::number_row& number,
                     const store::teammate& tm, inbound_result& out) {
  auto ws = number.workspace_id;
  auto said = routing::parse_teammate_text(in.body);
  routing::phone_context pc;
  for (auto& c : store::routing::active_on_number(db, ws, tm.id, number.id, 9))
    pc.active.push_back({store::routing::selector_for(db, ws, tm.id, c.conversation_id, in.at), c.conversation_id,
                         c.who.rfind('+', 0) == 0 ? carriers::format_display(c.who) : c.who});
  if (said.selector > 0) {
    auto cid = store::routing::conversation_of(db, tm.id, said.selector);
    if (cid && conv::find(db, ws, *cid)) pc.selected = cid;
  }
  if (auto st = store::routing::sticky_of(db, tm.id)) {
    pc.sticky = st->conversation_id;
    pc.sticky_at = parse_rfc3339(st->at);
  }
  pc.now = parse_rfc3339(in.at).value_or(std::chrono::system_clock::now());
  pc.sticky_idle = in.settings.sticky_idle;
  auto d = routing::decide_teammate_text(said, pc);
  switch (d.what) {
    case routing::phone_decision::action::reply: {
      store::message m;
      m.workspace_id = ws;
      m.conversation_id = *d.conversation_id;
      m.direction = "outbound";
      m.sender_kind = "teammate";
      m.sender_id = tm.id;
      m.channel = "sms";
      m.body = d.text;
      m.status = "queued";
      m.created_at = in.at;
      auto mid = conv::insert_message(db, m);
      conv::enqueue_outbox(db, ws, "message.send.sms",
                           {{"message_id", mid}, {"conversation_id", *d.conversation_id}, {"channel", "sms"}}, in.at);
      store::routing::set_sticky(db, ws, tm.id, *d.conversation_id, in.at);
      out.message = conv::find_message(db, ws, mid);
      out.conversation = conv::find(db, ws, *d.conversation_id);
      break;
    }
    case routing::phone_decision::action::call:
      // Click-to-call from the phone: the line rings this phone, then dials the customer.
      try {
        auto item = queue_click_to_call(db, ws, tm.id, *d.conversation_id, in.at);
        store::routing::set_sticky(db, ws, tm.id, *d.conversation_id, in.at);
        out.message = item;
        out.conversation = conv::find(db, ws, *d.conversation_id);
      } catch (const store::job_error& e) {
        queue_relay(db, ws, number.id, in.from, std::string("Cannot call: ") + e.what(), in.at, d.conversation_id);
      }
      break;
    case routing::phone_decision::action::tell:
      queue_relay(db, ws, number.id, in.from, d.to_teammate, in.at, d.conversation_id);
      break;
  }
  out.wake_outbox = true;
}

inbound_result route_inbound_sms(store::database& db, const sms_in& in) {
  inbound_result out;
  // Never an error for what we cannot deliver: the carrier would retry forever.
  out.twiml = empty_twiml;
  auto number = nums::find_active(db, in.to);
  // A retry answers the same and stores nothing new. A customer's text is known by
  // its message (unique per workspace, channel and MessageSid; see the DUPLICATE
  // below), which saves a webhook_events row per text; texts that store no customer
  // message (undeliverable, a teammate's own command) claim a webhook_events row.
  auto first_time = [&](std::optional<store::id_t> ws) {
    auto seen = nums::claim_webhook(db, in.carrier, in.sid, "sms", ws, out.twiml, in.at);
    if (seen) out.twiml = *seen;
    return !seen;
  };
  if (!number) {
    if (first_time(std::nullopt)) log_undeliverable(db, in, std::nullopt, "no active number " + in.to);
    return out;
  }
  auto ws = number->workspace_id;
  std::optional<store::teammate> owner;
  if (number->owner_teammate_id) owner = store::teammates::find(db, ws, *number->owner_teammate_id);
  auto sender = nums::classify_sender(db, in.from);
  routing::inbound_facts facts{.number_known = true,
                               .from_is_our_line = sender.our_line,
                               .from_is_owner_phone = owner && owner->physical_number == in.from,
                               .from_is_teammate_phone = sender.teammate_phone};
  switch (routing::classify_inbound(facts)) {
    case routing::inbound_kind::loop:
      // One of our own lines texting another would bounce forever.
      if (first_time(ws))
        log_undeliverable(db, in, ws, "loop guard: the sender " + in.from + " is one of our virtual numbers");
      return out;
    case routing::inbound_kind::owner:
      if (first_time(ws)) teammate_speaks(db, in, *number, *owner, out);
      return out;
    case routing::inbound_kind::other_teammate:
      // Another teammate's own phone is never a customer.
      if (first_time(ws)) log_undeliverable(db, in, ws, "the sender is a teammate's own phone, not this line's owner");
      return out;
    case routing::inbound_kind::unknown_number:
    case routing::inbound_kind::customer:
      break;
  }

  auto th = resolve_thread(db, *number, in.from, "sms", in.at, in.settings.new_conversation_after_resolved);
  out.created = th.created;
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = th.conversation_id;
  m.direction = "inbound";
  m.sender_kind = "contact";
  m.sender_id = th.contact_id;
  m.channel = "sms";
  m.body = in.body;
  m.status = "received";
  m.external_id = in.sid;
  m.media = in.media;
  m.created_at = in.at;
  // The message's own INSERT finds a retry (no lookup before it): the job then
  // fails, and rolls back whatever it did for it (a contact, a conversation).
  auto inserted = conv::insert_message_once(db, m, !th.open);
  if (!inserted) throw store::job_error("DUPLICATE", "message " + in.sid + " is already stored");
  auto mid = *inserted;
  out.workspace_id = ws;
  out.conversation_id = th.conversation_id;
  m.id = mid;
  if (teams::mirror_item(db, m, in.public_url, in.at)) out.wake_outbox = true;
  if (in.want_events) out.message = conv::find_message(db, ws, mid);
  if (carriers::country_code(in.from)) after_hours_reply(db, *number, th.conversation_id, in.at, out);  // an opaque sender cannot take texts
  bool forwards = owner && owner->sms_forwarding == "phone" && owner->physical_number;
  if (in.want_events || forwards) out.conversation = conv::find(db, ws, th.conversation_id);
  if (owner) {
    store::routing::set_sticky(db, ws, owner->id, th.conversation_id, in.at);
    if (owner->sms_forwarding == "phone" && owner->physical_number) {
      auto sel = store::routing::selector_for(db, ws, owner->id, th.conversation_id, in.at);
      auto who = who_of(out.conversation, in.from);
      auto text = in.body;
      if (!in.media.empty()) text += (text.empty() ? "" : " ") + std::string("[") + std::to_string(in.media.size()) + " attachment(s)]";
      queue_relay(db, ws, number->id, *owner->physical_number, routing::format_forward(sel, who, text), in.at,
                  out.conversation ? std::optional(out.conversation->id) : std::nullopt);
      out.wake_outbox = true;
    }
  }
  return out;
}

asio::awaitable<response> inbound_sms(api_context& ctx, request& req) {
  const auto& carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  auto sid = param(v->params, "MessageSid");
  if (sid.empty()) sid = param(v->params, "SmsSid");
  // A signed text is never refused for its addresses: carriers do not retry a 4xx,
  // so it would be lost. A short code or sender id is kept as an opaque sender;
  // a To that is no number of ours is logged as undeliverable (issue 16 item 17).
  auto from = carrier_address(param(v->params, "From"));
  auto to = carrier_address(param(v->params, "To"));
  if (sid.empty()) co_return response::error(400, "INVALID_INPUT", "MessageSid is required");
  json media = json::array();
  int num_media = std::atoi(param(v->params, "NumMedia").c_str());
  for (int i = 0; i < num_media && i < 10; ++i) {
    auto url = param(v->params, "MediaUrl" + std::to_string(i));
    if (!url.empty())
      media.push_back({{"url", url}, {"content_type", param(v->params, "MediaContentType" + std::to_string(i))}});
  }
  // With no socket open anywhere the job skips reading rows back for events nobody gets.
  sms_in in{std::move(v->carrier), sid,         std::move(from), std::move(to), param(v->params, "Body"),
            std::move(media),      now_text(ctx), ctx.routing,     ctx.carriers.public_url,
            ctx.hub.subscribers() > 0};
  auto job = [in = std::move(in)](store::database& db) { return route_inbound_sms(db, in); };
  auto r = co_await ctx.db.write(std::move(job));
  // A retry of a stored text gets the first answer (a customer's text has no TwiML).
  if (!r && r.err().code == "DUPLICATE") co_return twiml_response(empty_twiml);
  // Acknowledge only what committed: an error makes the carrier retry.
  if (!r) co_return response::error(500, "INTERNAL", "could not store the message");
  auto ws = r->workspace_id;
  if (r->conversation_id && ctx.hub.has_subscribers(ws, "agents")) {
    if (!r->message) {  // a socket opened during the write
      auto cid = r->conversation_id;
      auto sid_copy = sid;
      auto read = [ws, cid, sid_copy](store::database& db) {
        return std::make_pair(conv::find(db, ws, cid), conv::find_by_external(db, ws, "sms", sid_copy));
      };
      auto rows = co_await ctx.db.read(std::move(read));
      if (rows) std::tie(r->conversation, r->message) = std::move(*rows);
    }
    if (r->conversation) {
      auto cj = to_json(*r->conversation);
      ctx.hub.publish(ws, "agents", r->created ? "conversation.created" : "conversation.updated", cj);
    }
    if (r->message) ctx.hub.publish(ws, "agents", "message.created", to_json(*r->message));
    if (r->auto_reply) ctx.hub.publish(ws, "agents", "message.created", to_json(*r->auto_reply));
  }
  if (r->wake_outbox && ctx.outbox_ready) ctx.outbox_ready();
  co_return twiml_response(r->twiml);
}

// Delivery status only moves forward: a late "sent" never overwrites "delivered".
int status_rank(std::string_view s) {
  if (s == "queued" || s == "accepted" || s == "sending") return 0;
  if (s == "sent") return 1;
  if (s == "failed" || s == "undelivered") return 2;
  if (s == "delivered") return 3;
  if (s == "read") return 4;
  return -1;
}

std::string our_status(std::string_view s) {
  if (s == "undelivered") return "failed";
  if (s == "accepted" || s == "sending") return "queued";
  return std::string(s);
}

asio::awaitable<response> sms_status(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  auto sid = param(v->params, "MessageSid");
  if (sid.empty()) sid = param(v->params, "SmsSid");
  auto status = param(v->params, "MessageStatus");
  if (status.empty()) status = param(v->params, "SmsStatus");
  if (sid.empty() || status_rank(status) < 0)
    co_return response::error(400, "INVALID_INPUT", "MessageSid and a known MessageStatus are required");
  auto code = param(v->params, "ErrorCode");
  auto new_status = our_status(status);
  int rank = status_rank(status);
  auto job = [sid, new_status, rank, code](store::database& db) -> std::optional<store::message> {
    auto msg = conv::find_sms_by_external_id(db, sid);
    if (!msg || status_rank(msg->status) >= rank) return std::nullopt;
    conv::set_message_status(db, msg->id, new_status,
                             code.empty() ? std::optional<std::string>() : std::optional<std::string>("carrier error " + code));
    return conv::find_message(db, msg->workspace_id, msg->id);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return response::error(500, "INTERNAL", "could not store the status");
  if (*r) ctx.hub.publish((*r)->workspace_id, "agents", "message.updated", to_json(**r));
  co_return twiml_response(empty_twiml);
}

// ---- Voice -------------------------------------------------------------------

struct call_result {
  std::string twiml;
  std::optional<store::conversation> conversation;
  bool created = false;
  std::vector<store::message> created_items, updated_items;
  bool wake_outbox = false;  // the owner's phone was told (missed call, voicemail)
};

// Tells a line owner who forwards texts to their phone about a call: "@2 Dana: Missed call".
bool notify_owner_phone(store::database& db, store::id_t ws, store::id_t conversation_id, const std::string& what,
                        const std::string& at) {
  auto number_id = conv::number_of(db, ws, conversation_id);
  auto number = number_id ? nums::find(db, ws, *number_id) : std::nullopt;
  if (!number || number->status != "active" || !number->owner_teammate_id) return false;
  auto tm = store::teammates::find(db, ws, *number->owner_teammate_id);
  if (!tm || tm->sms_forwarding != "phone" || !tm->physical_number) return false;
  auto who = who_of(conv::find(db, ws, conversation_id), "");
  auto sel = store::routing::selector_for(db, ws, tm->id, conversation_id, at);
  conv::enqueue_outbox(db, ws, "sms.relay",
                       {{"number_id", number->id}, {"conversation_id", conversation_id},
                        {"to", *tm->physical_number}, {"body", routing::format_forward(sel, who, what)}},
                       at);
  return true;
}

void publish_call_result(api_context& ctx, const call_result& r) {
  if (r.conversation) {
    auto ws = r.conversation->workspace_id;
    ctx.hub.publish(ws, "agents", r.created ? "conversation.created" : "conversation.updated",
                    to_json(*r.conversation));
  }
  for (auto& m : r.created_items) ctx.hub.publish(m.workspace_id, "agents", "message.created", to_json(m));
  for (auto& m : r.updated_items) ctx.hub.publish(m.workspace_id, "agents", "message.updated", to_json(m));
  if (r.wake_outbox && ctx.outbox_ready) ctx.outbox_ready();
}

// POST /webhooks/{carrier}/voice: a customer calls a business number. The call
// becomes a thread item at once (so agents see it ring); the caller hears the
// line's greeting and can leave a voicemail.
asio::awaitable<response> inbound_call(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  auto sid = param(v->params, "CallSid");
  auto from = carriers::normalize_e164(param(v->params, "From"));
  auto to = carriers::normalize_e164(param(v->params, "To"));
  if (sid.empty() || !to) co_return response::error(400, "INVALID_INPUT", "CallSid and To (E.164) are required");
  // Withheld numbers ("anonymous", "+266696687") still reach voicemail, as an unknown caller.
  std::string f = from ? *from : std::string("+266696687");
  auto status = param(v->params, "CallStatus");
  if (status.empty()) status = "ringing";
  auto at = now_text(ctx);
  auto t = *to;
  auto step_base = ctx.carriers.public_url + "/webhooks/" + carrier + "/voice";
  auto job = [carrier, sid, f, t, status, at, step_base](store::database& db) {
    call_result out;
    if (auto seen = nums::webhook_response(db, carrier, sid, "voice")) {
      out.twiml = *seen;
      return out;
    }
    auto number = nums::find_active(db, t);
    if (!number) {
      spdlog::warn("call {} from {} to {} ({}) not delivered: no active number", sid, f, t, carrier);
      store::routing::record_undeliverable(db, {0, std::nullopt, carrier, "voice", sid, f, t, "no active number " + t, "", at});
      out.twiml = carriers::twiml::render(routing::not_in_service());
      nums::record_webhook(db, carrier, sid, "voice", std::nullopt, out.twiml, at);
      return out;
    }
    // Who is calling, decided as for a text (routing::classify_inbound): one of our
    // lines (the loop guard), the line's owner, another teammate's own phone, or a customer.
    std::optional<store::teammate> owner;
    if (number->owner_teammate_id) owner = store::teammates::find(db, number->workspace_id, *number->owner_teammate_id);
    auto sender = nums::classify_sender(db, f);
    routing::inbound_facts facts{.number_known = true,
                                 .from_is_our_line = sender.our_line,
                                 .from_is_owner_phone = owner && owner->physical_number == f,
                                 .from_is_teammate_phone = sender.teammate_phone};
    auto refuse = [&](const std::string& why) {
      spdlog::warn("call {} from {} to {} ({}) refused: {}", sid, f, t, carrier, why);
      store::routing::record_undeliverable(db, {0, number->workspace_id, carrier, "voice", sid, f, t, why, "", at});
      out.twiml = carriers::twiml::render(routing::say_and_hang_up("This call cannot be completed."));
      nums::record_webhook(db, carrier, sid, "voice", number->workspace_id, out.twiml, at);
      return out;
    };
    switch (routing::classify_inbound(facts)) {
      case routing::inbound_kind::loop:
        return refuse("loop guard: the caller is one of our virtual numbers");
      case routing::inbound_kind::other_teammate:
        return refuse("the caller is a teammate's own phone, not this line's owner");
      case routing::inbound_kind::owner:
        // The owner calling their own line from their phone: they call out as the business.
        out.twiml = carriers::twiml::render(routing::outbound_prompt(step_base));
        nums::record_webhook(db, carrier, sid, "voice", number->workspace_id, out.twiml, at);
        return out;
      case routing::inbound_kind::unknown_number:
      case routing::inbound_kind::customer:
        break;
    }
    auto th = resolve_thread(db, *number, f, "voice", at);
    out.created = th.created;
    store::message m;
    m.workspace_id = th.workspace_id;
    m.conversation_id = th.conversation_id;
    m.direction = "inbound";
    m.sender_kind = "contact";
    m.sender_id = th.contact_id;
    m.channel = "voice";
    m.kind = "call";
    m.status = "received";
    m.external_id = sid;
    m.body = routing::call_summary(status, false, false, 0);
    m.metadata = {{"call_sid", sid}, {"from", f}, {"to", t}, {"status", status}, {"connected", false},
                  {"voicemail", false}, {"duration", 0}, {"started_at", at}};
    m.created_at = at;
    auto mid = conv::insert_message(db, m);
    auto line = line_of(db, *number);
    routing::call_target target;
    target.within_hours = line_open(line, at);
    if (number->owner_teammate_id) {
      if (auto tm = store::teammates::find(db, th.workspace_id, *number->owner_teammate_id)) {
        target.teammate_line = true;
        target.physical_number = tm->physical_number;
        target.availability = tm->availability;
      }
    } else if (number->owner_team_id) {
      target.team_line = true;
      target.team_phones = store::routing::team_phones(db, th.workspace_id, *number->owner_team_id);
    }
    auto route = routing::route_inbound_call(target);
    if (route == routing::call_route::ring_teammate || route == routing::call_route::ring_team) {
      std::vector<std::string> phones = route == routing::call_route::ring_team
                                            ? target.team_phones
                                            : std::vector<std::string>{*target.physical_number};
      out.twiml = carriers::twiml::render(
          routing::ring_teammate({.step_base = step_base, .call_sid = sid, .customer = f, .phones = phones}));
    } else {
      out.twiml = carriers::twiml::render(routing::voicemail_answer(
          {.step_base = step_base, .line_name = line.name, .greeting = line.settings.voicemail_greeting}));
    }
    nums::record_webhook(db, carrier, sid, "voice", th.workspace_id, out.twiml, at);
    if (auto saved = conv::find_message(db, th.workspace_id, mid)) out.created_items.push_back(*saved);
    out.conversation = conv::find(db, th.workspace_id, th.conversation_id);
    return out;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return response::error(500, "INTERNAL", "could not store the call");
  publish_call_result(ctx, *r);
  co_return twiml_response(r->twiml);
}

// POST /webhooks/{carrier}/voice/status: the call's progress, forward only.
asio::awaitable<response> call_status(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  auto sid = param(v->params, "CallSid");
  auto status = param(v->params, "CallStatus");
  if (sid.empty() || routing::call_status_rank(status) < 0)
    co_return response::error(400, "INVALID_INPUT", "CallSid and a known CallStatus are required");
  int duration = std::atoi(param(v->params, "CallDuration").c_str());
  auto at = now_text(ctx);
  auto public_url = ctx.carriers.public_url;
  auto job = [sid, status, duration, at, public_url](store::database& db) {
    call_result out;
    auto item = conv::find_by_external_any(db, "voice", sid);
    if (!item || item->kind != "call") return out;
    auto meta = item->metadata.is_object() ? item->metadata : json::object();
    auto current = meta.value("status", std::string("ringing"));
    if (routing::call_status_rank(current) >= routing::call_status_rank(status)) return out;
    meta["status"] = status;
    // A bridged call's talk time came with its <Dial> outcome; the leg's own
    // duration also counts ringing and screening.
    if (duration > 0 && !meta.contains("dial_status")) meta["duration"] = duration;
    auto body = item->direction == "outbound"
                    ? routing::outbound_call_summary(status, meta.value("connected", false), meta.value("duration", 0))
                    : routing::call_summary(status, meta.value("connected", false), meta.value("voicemail", false),
                                            meta.value("duration", 0));
    conv::update_item(db, item->workspace_id, item->id, body, item->status, meta);
    if (item->direction == "inbound" && routing::call_status_final(status) && !meta.value("connected", false) &&
        !meta.value("voicemail", false))
      out.wake_outbox = notify_owner_phone(db, item->workspace_id, item->conversation_id, "Missed call", at);
    if (auto saved = conv::find_message(db, item->workspace_id, item->id)) {
      out.updated_items.push_back(*saved);
      // The call record goes to Teams once it is over; a voicemail has its own card.
      if (item->direction == "inbound" && routing::call_status_final(status) && !meta.value("voicemail", false) &&
          teams::mirror_item(db, *saved, public_url, at))
        out.wake_outbox = true;
    }
    return out;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return response::error(500, "INTERNAL", "could not store the call status");
  publish_call_result(ctx, *r);
  co_return twiml_response(empty_twiml);
}

// The <Record> action: the caller left a voicemail.
call_result save_voicemail(store::database& db, const std::string& carrier, const std::string& sid,
                           const carriers::param_list& ps, const std::string& at) {
  call_result out;
  if (auto seen = nums::webhook_response(db, carrier, sid, "voicemail")) {
    out.twiml = *seen;
    return out;
  }
  out.twiml = carriers::twiml::render(routing::voicemail_saved());
  auto call = conv::find_by_external_any(db, "voice", sid);
  if (!call || call->kind != "call") {
    spdlog::warn("voicemail for unknown call {} ({}): not stored", sid, carrier);
    return out;
  }
  auto ws = call->workspace_id;
  auto recording_sid = param(ps, "RecordingSid");
  int duration = std::atoi(param(ps, "RecordingDuration").c_str());
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = call->conversation_id;
  m.direction = "inbound";
  m.sender_kind = "contact";
  m.sender_id = call->sender_id;
  m.channel = "voice";
  m.kind = "voicemail";
  m.status = "received";
  m.external_id = recording_sid.empty() ? sid + ":voicemail" : recording_sid;
  m.body = "Voicemail";
  m.metadata = {{"call_sid", sid},
                {"recording_url", param(ps, "RecordingUrl")},
                {"recording_sid", recording_sid},
                {"duration", duration},
                {"transcript", nullptr},
                {"transcription_status", "pending"}};
  m.created_at = at;
  auto mid = conv::insert_message(db, m);
  auto meta = call->metadata.is_object() ? call->metadata : json::object();
  meta["voicemail"] = true;
  meta["voicemail_id"] = std::to_string(mid);
  conv::update_item(db, ws, call->id,
                    routing::call_summary(meta.value("status", std::string("in-progress")),
                                          meta.value("connected", false), true, meta.value("duration", 0)),
                    call->status, meta);
  nums::record_webhook(db, carrier, sid, "voicemail", ws, out.twiml, at);
  out.wake_outbox = notify_owner_phone(db, ws, call->conversation_id,
                                       "Voicemail (" + std::to_string(duration) + " s), the transcript follows", at);
  if (auto saved = conv::find_message(db, ws, mid)) out.created_items.push_back(*saved);
  if (auto saved = conv::find_message(db, ws, call->id)) out.updated_items.push_back(*saved);
  out.conversation = conv::find(db, ws, call->conversation_id);
  return out;
}

// The transcribeCallback: the voicemail's text, which also makes it searchable.
call_result save_transcription(store::database& db, const std::string& sid, const carriers::param_list& ps,
                               const std::string& at, const std::string& public_url) {
  call_result out;
  out.twiml = empty_twiml;
  auto recording_sid = param(ps, "RecordingSid");
  std::optional<store::message> vm;
  if (!recording_sid.empty()) vm = conv::find_by_external_any(db, "voice", recording_sid);
  if (!vm) vm = conv::find_by_external_any(db, "voice", sid + ":voicemail");
  if (!vm || vm->kind != "voicemail") return out;
  auto meta = vm->metadata.is_object() ? vm->metadata : json::object();
  auto status = param(ps, "TranscriptionStatus");
  auto text = param(ps, "TranscriptionText");
  if (meta.value("transcription_status", std::string()) == "completed") return out;  // a retry
  bool ok = status.empty() || status == "completed";
  meta["transcription_status"] = ok ? "completed" : "failed";
  meta["transcript"] = ok ? json(text) : json(nullptr);
  conv::update_item(db, vm->workspace_id, vm->id, ok && !text.empty() ? text : "Voicemail", vm->status, meta);
  if (ok && !text.empty())
    out.wake_outbox = notify_owner_phone(db, vm->workspace_id, vm->conversation_id, "Voicemail: " + text, at);
  if (auto saved = conv::find_message(db, vm->workspace_id, vm->id)) {
    out.updated_items.push_back(*saved);
    // Teams gets the voicemail once its transcript (or its failure) is known.
    if (teams::mirror_item(db, *saved, public_url, at)) out.wake_outbox = true;
  }
  return out;
}

struct flow_step {
  std::string carrier, step, sid, parent, at, step_base;
  carriers::param_list params;
};

// screen, screen-result and dial-complete: ringing the teammate's own phone.
call_result ring_step(store::database& db, const flow_step& s) {
  call_result out;
  auto key = s.step == "dial-complete" ? s.sid : s.sid + ":" + s.parent;
  if (auto seen = nums::webhook_response(db, s.carrier, key, s.step)) {
    out.twiml = *seen;
    return out;
  }
  auto call_sid = s.step == "dial-complete" ? s.sid : s.parent;
  auto call = conv::find_by_external_any(db, "voice", call_sid);
  if (!call || call->kind != "call") {
    spdlog::warn("call step {} for unknown call {} ({})", s.step, call_sid, s.carrier);
    out.twiml = carriers::twiml::render(s.step == "screen-result" ? routing::screen_result("") : routing::voicemail_saved());
    return out;
  }
  auto ws = call->workspace_id;
  auto meta = call->metadata.is_object() ? call->metadata : json::object();
  if (s.step == "screen") {
    std::string business = store::workspaces::name_of(db, ws).value_or("");
    std::string caller = carriers::format_display(meta.value("from", std::string()));
    if (call->sender_name.size()) caller = call->sender_name;
    out.twiml = carriers::twiml::render(routing::screen(s.step_base, s.parent, business, caller));
  } else if (s.step == "screen-result") {
    auto digits = param(s.params, "Digits");
    if (digits == "1") {
      meta["accepted"] = true;
      conv::update_item(db, ws, call->id, call->body, call->status, meta);
    }
    out.twiml = carriers::twiml::render(routing::screen_result(digits));
  } else {  // dial-complete
    auto status = param(s.params, "DialCallStatus");
    if (routing::dial_connected(status, meta.value("accepted", false))) {
      meta["connected"] = true;
      meta["dial_status"] = status;
      meta["duration"] = std::atoi(param(s.params, "DialCallDuration").c_str());
      conv::update_item(db, ws, call->id,
                        routing::call_summary("completed", true, false, meta.value("duration", 0)), call->status, meta);
      carriers::twiml::response r;
      r.add(carriers::twiml::hangup{});
      out.twiml = carriers::twiml::render(r);
    } else {
      meta["dial_status"] = status;
      conv::update_item(db, ws, call->id, call->body, call->status, meta);
      line_info line;
      if (auto n = nums::find_active(db, meta.value("to", std::string()))) line = line_of(db, *n);
      out.twiml = carriers::twiml::render(routing::voicemail_answer(
          {.step_base = s.step_base, .line_name = line.name, .greeting = line.settings.voicemail_greeting}));
    }
    if (auto saved = conv::find_message(db, ws, call->id)) out.updated_items.push_back(*saved);
  }
  nums::record_webhook(db, s.carrier, key, s.step, ws, out.twiml, s.at);
  return out;
}

// click-to-call?item=N: the teammate answered the call the line placed to their
// phone; now dial the customer with the line as caller id.
call_result click_to_call_step(store::database& db, const flow_step& s, const std::string& item_param) {
  call_result out;
  if (auto seen = nums::webhook_response(db, s.carrier, s.sid, s.step)) {
    out.twiml = *seen;
    return out;
  }
  auto line = carriers::normalize_e164(param(s.params, "From"));
  auto number = line ? nums::find_active(db, *line) : std::nullopt;
  auto item_id = std::atoll(item_param.c_str());
  auto item = number ? conv::find_message(db, number->workspace_id, item_id) : std::nullopt;
  if (!item || item->kind != "call" || item->direction != "outbound") {
    out.twiml = carriers::twiml::render(routing::say_and_hang_up("This call cannot be completed."));
    nums::record_webhook(db, s.carrier, s.sid, s.step, std::nullopt, out.twiml, s.at);
    return out;
  }
  auto ws = number->workspace_id;
  auto meta = item->metadata.is_object() ? item->metadata : json::object();
  auto dest = meta.value("to", std::string());
  meta["call_sid"] = s.sid;
  meta["status"] = "in-progress";
  conv::set_external_id(db, ws, item->id, s.sid);
  conv::update_item(db, ws, item->id, item->body, "sent", meta);
  auto c = conv::find(db, ws, item->conversation_id);
  auto spoken = who_of(c, dest);
  out.twiml = carriers::twiml::render(
      routing::dial_out(s.step_base, number->number, dest, "Connecting you to " + spoken + "."));
  nums::record_webhook(db, s.carrier, s.sid, s.step, ws, out.twiml, s.at);
  if (auto saved = conv::find_message(db, ws, item->id)) out.updated_items.push_back(*saved);
  return out;
}

// outbound-dial and outbound-complete: the owner calling out through their line.
call_result outbound_step(store::database& db, const flow_step& s) {
  call_result out;
  if (auto seen = nums::webhook_response(db, s.carrier, s.sid, s.step)) {
    out.twiml = *seen;
    return out;
  }
  auto hang_up = [&](const std::string& why, std::optional<store::id_t> ws) {
    out.twiml = carriers::twiml::render(routing::say_and_hang_up(why));
    nums::record_webhook(db, s.carrier, s.sid, s.step, ws, out.twiml, s.at);
    return out;
  };
  if (s.step == "outbound-complete") {
    auto item = conv::find_by_external_any(db, "voice", s.sid);
    carriers::twiml::response bye;
    bye.add(carriers::twiml::hangup{});
    out.twiml = carriers::twiml::render(bye);
    if (item && item->kind == "call") {
      auto meta = item->metadata.is_object() ? item->metadata : json::object();
      auto status = param(s.params, "DialCallStatus");
      meta["connected"] = status == "completed" || status == "answered";
      meta["dial_status"] = status;
      meta["duration"] = std::atoi(param(s.params, "DialCallDuration").c_str());
      conv::update_item(db, item->workspace_id, item->id,
                        routing::outbound_call_summary("completed", meta.value("connected", false), meta.value("duration", 0)),
                        item->status, meta);
      if (auto saved = conv::find_message(db, item->workspace_id, item->id)) out.updated_items.push_back(*saved);
    }
    nums::record_webhook(db, s.carrier, s.sid, s.step, item ? std::optional(item->workspace_id) : std::nullopt,
                         out.twiml, s.at);
    return out;
  }
  // outbound-dial: only the line's owner, from their own phone.
  auto line = carriers::normalize_e164(param(s.params, "To"));
  auto from = carriers::normalize_e164(param(s.params, "From"));
  auto number = line ? nums::find_active(db, *line) : std::nullopt;
  if (!number || !from || !number->owner_teammate_id) return hang_up("This call cannot be completed.", std::nullopt);
  auto ws = number->workspace_id;
  auto tm = store::teammates::find(db, ws, *number->owner_teammate_id);
  if (!tm || tm->physical_number != *from) return hang_up("This call cannot be completed.", ws);
  auto choice = routing::read_outbound_digits(param(s.params, "Digits"));
  std::string dest;
  if (choice.what == routing::outbound_choice::kind::last_caller) {
    auto last = store::routing::last_caller(db, ws, number->id);
    if (!last) return hang_up("There is no caller to call back. Goodbye.", ws);
    dest = *last;
  } else if (choice.what == routing::outbound_choice::kind::number) {
    auto valid = carriers::normalize_e164(choice.number);
    if (!valid) return hang_up("That number is not valid. Goodbye.", ws);
    dest = *valid;
  } else {
    return hang_up("That number is not valid. Goodbye.", ws);
  }
  if (nums::find_active(db, dest) || nums::is_physical_number(db, dest))
    return hang_up("That number cannot be called from this line. Goodbye.", ws);
  auto th = resolve_thread(db, *number, dest, "voice", s.at);
  store::message m;
  m.workspace_id = ws;
  m.conversation_id = th.conversation_id;
  m.direction = "outbound";
  m.sender_kind = "teammate";
  m.sender_id = tm->id;
  m.channel = "voice";
  m.kind = "call";
  m.status = "sent";
  m.external_id = s.sid;
  m.body = "Outgoing call";
  m.metadata = {{"call_sid", s.sid}, {"from", number->number}, {"to", dest}, {"status", "in-progress"},
                {"connected", false}, {"duration", 0}, {"started_at", s.at}};
  m.created_at = s.at;
  auto mid = conv::insert_message(db, m);
  auto c = conv::find(db, ws, th.conversation_id);
  auto spoken = who_of(c, dest);
  out.twiml = carriers::twiml::render(routing::dial_out(s.step_base, number->number, dest, "Calling " + spoken + "."));
  nums::record_webhook(db, s.carrier, s.sid, s.step, ws, out.twiml, s.at);
  out.created = th.created;
  out.conversation = c;
  if (auto saved = conv::find_message(db, ws, mid)) out.created_items.push_back(*saved);
  return out;
}

// POST /webhooks/{carrier}/voice/{step}: later steps of a call flow.
asio::awaitable<response> call_step(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto step = req.params.at("step");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  auto sid = param(v->params, "CallSid");
  if (sid.empty()) co_return response::error(400, "INVALID_INPUT", "CallSid is required");
  auto at = now_text(ctx);
  auto ps = v->params;
  flow_step fs{carrier, step, sid, req.query_param("parent").value_or(""), at,
               ctx.carriers.public_url + "/webhooks/" + carrier + "/voice", ps};
  // Each step is one write job; storing, publishing and answering are the same for all.
  std::function<call_result(store::database&)> job;
  if (step == "voicemail") {
    job = [fs](store::database& db) { return save_voicemail(db, fs.carrier, fs.sid, fs.params, fs.at); };
  } else if (step == "transcription") {
    auto public_url = ctx.carriers.public_url;
    job = [fs, public_url](store::database& db) { return save_transcription(db, fs.sid, fs.params, fs.at, public_url); };
  } else if (step == "click-to-call") {
    auto item = req.query_param("item").value_or("");
    job = [fs, item](store::database& db) { return click_to_call_step(db, fs, item); };
  } else if (step == "outbound-dial" || step == "outbound-complete") {
    job = [fs](store::database& db) { return outbound_step(db, fs); };
  } else if (step == "screen" || step == "screen-result" || step == "dial-complete") {
    if (step != "dial-complete" && fs.parent.empty())
      co_return response::error(400, "INVALID_INPUT", "the screen steps need ?parent=<CallSid>");
    job = [fs](store::database& db) { return ring_step(db, fs); };
  }
  if (job) {
    auto r = co_await ctx.db.write(std::move(job));
    if (!r) co_return response::error(500, "INTERNAL", "could not store the call step " + step);
    publish_call_result(ctx, *r);
    co_return twiml_response(r->twiml);
  }
  co_return response::error(404, "NOT_FOUND", "no call step " + step);
}

}  // namespace

asio::awaitable<response> deliver_sandbox_webhook(api_context& ctx, std::string target,
                                                  std::string form_body) {
  request req;
  req.method = "POST";
  auto q = target.find('?');
  std::string path = target.substr(0, q);
  req.path = path;
  req.query = q == std::string::npos ? "" : target.substr(q + 1);
  req.target = target;
  req.body = std::move(form_body);
  req.remote = "sandbox";
  req.request_id = "sandbox-" + random_hex(6);
  req.params["carrier"] = "sandbox";
  req.headers.add("Content-Type", "application/x-www-form-urlencoded");
  auto params = carriers::parse_form_body(req.body);
  if (!params) co_return response::error(400, "INVALID_INPUT", params.err().message);
  req.headers.add("X-Twilio-Signature", carriers::twilio_signature(ctx.carriers.sandbox_key,
                                                                   ctx.carriers.public_url + target, *params));
  if (path == "/webhooks/sandbox/sms") co_return co_await inbound_sms(ctx, req);
  if (path == "/webhooks/sandbox/sms/status") co_return co_await sms_status(ctx, req);
  if (path == "/webhooks/sandbox/voice") co_return co_await inbound_call(ctx, req);
  if (path == "/webhooks/sandbox/voice/status") co_return co_await call_status(ctx, req);
  constexpr std::string_view step_prefix = "/webhooks/sandbox/voice/";
  if (path.starts_with(step_prefix) && path.find('/', step_prefix.size()) == std::string::npos) {
    req.params["step"] = path.substr(step_prefix.size());
    co_return co_await call_step(ctx, req);
  }
  co_return response::error(404, "NOT_FOUND", "no sandbox webhook " + path);
}

namespace {

// GET /api/v1/undeliverable: webhooks answered but delivered nowhere (unknown
// number, loop guard), for admins; newest first.
asio::awaitable<response> list_undeliverable(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  auto before = cursor_param(req);
  if (!before) co_return response::from(before.err());
  auto limit = parse_limit(req);
  if (!limit) co_return response::from(limit.err());
  auto ws = who->workspace_id;
  auto b = *before;
  int n = *limit;
  auto job = [ws, b, n](store::database& db) { return store::routing::list_undeliverable(db, ws, b, n); };
  auto rows = co_await ctx.db.read(std::move(job));
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& u : *rows)
    items.push_back({{"id", id_str(u.id)}, {"carrier", u.carrier}, {"kind", u.kind}, {"sid", u.sid}, {"from", u.from},
                     {"to", u.to}, {"reason", u.reason}, {"body", u.body}, {"created_at", u.created_at}});
  std::optional<std::string> next;
  if (static_cast<int>(rows->size()) == n) next = make_cursor(rows->back().id);
  co_return page(items, next);
}

}  // namespace

void add_webhook_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/undeliverable", [&ctx](request& q) { return list_undeliverable(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/sms", [&ctx](request& q) { return inbound_sms(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/sms/status", [&ctx](request& q) { return sms_status(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/voice", [&ctx](request& q) { return inbound_call(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/voice/status", [&ctx](request& q) { return call_status(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/voice/{step}", [&ctx](request& q) { return call_step(ctx, q); });
}

}  // namespace switchboard::api
