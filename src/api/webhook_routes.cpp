// Carrier webhooks (Twilio, SignalWire, sandbox): signature first, then an
// idempotent write, then TwiML. Inbound SMS lands in the contact's thread on
// that business number; status callbacks move delivery status forward only.
#include <spdlog/spdlog.h>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/carriers/twiml.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/store/contacts.hpp"
#include "switchboard/store/conversations.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/teammates.hpp"

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
  auto ok = carriers::verify_webhook(kind, key, sr);
  if (!ok) {
    spdlog::warn("webhook {} {} rejected (request {}): {}", carrier, req.path, req.request_id,
                 ok.err().message);
    return std::nullopt;
  }
  auto params = carriers::parse_form_body(req.body);
  if (!params) return std::nullopt;
  return verified{std::move(*params), carrier};
}

std::string param(const carriers::param_list& ps, std::string_view name) {
  for (auto& [k, v] : ps)
    if (k == name) return v;
  return {};
}

struct inbound_result {
  std::string twiml;
  std::optional<store::conversation> conversation;
  bool created = false;
  std::optional<store::message> message;
};

asio::awaitable<response> inbound_sms(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  auto sid = param(v->params, "MessageSid");
  if (sid.empty()) sid = param(v->params, "SmsSid");
  auto from = carriers::normalize_e164(param(v->params, "From"));
  auto to = carriers::normalize_e164(param(v->params, "To"));
  if (sid.empty() || !from || !to)
    co_return response::error(400, "INVALID_INPUT", "MessageSid, From and To (E.164) are required");
  json media = json::array();
  int num_media = std::atoi(param(v->params, "NumMedia").c_str());
  for (int i = 0; i < num_media && i < 10; ++i) {
    auto url = param(v->params, "MediaUrl" + std::to_string(i));
    if (!url.empty())
      media.push_back({{"url", url}, {"content_type", param(v->params, "MediaContentType" + std::to_string(i))}});
  }
  auto body = param(v->params, "Body");
  auto at = now_text(ctx);
  auto c = v->carrier;
  auto f = *from, t = *to;
  auto job = [c, sid, f, t, body, media, at](store::database& db) {
    inbound_result out;
    if (auto seen = nums::webhook_response(db, c, sid, "sms")) {
      out.twiml = *seen;  // a retry: same answer, nothing new stored
      return out;
    }
    out.twiml = empty_twiml;
    auto number = nums::find_active(db, t);
    if (!number) {
      nums::record_webhook(db, c, sid, "sms", std::nullopt, out.twiml, at);
      return out;
    }
    auto ws = number->workspace_id;
    auto contact_id = store::contacts::find_by_identity(db, ws, "phone", f);
    if (!contact_id) {
      store::contact k;
      k.workspace_id = ws;
      k.phones = {f};
      k.created_at = k.updated_at = at;
      contact_id = store::contacts::insert(db, k);
    }
    auto conv_id = nums::latest_conversation(db, ws, *contact_id, number->id);
    if (!conv_id) {
      store::conversation cv;
      cv.workspace_id = ws;
      cv.contact_id = *contact_id;
      cv.channel = "sms";
      cv.created_at = at;
      cv.assignee_id = number->owner_teammate_id;
      cv.team_id = number->owner_team_id;
      if (cv.team_id) {
        auto team = store::teammates::find_team(db, ws, *cv.team_id);
        if (team && team->round_robin)
          cv.assignee_id = store::teammates::next_round_robin(db, ws, *cv.team_id, at);
      }
      conv_id = conv::insert(db, cv);
      db.prepare("UPDATE conversations SET number_id = ?2 WHERE id = ?1").bind_all(*conv_id, number->id).run();
      out.created = true;
    }
    store::message m;
    m.workspace_id = ws;
    m.conversation_id = *conv_id;
    m.direction = "inbound";
    m.sender_kind = "contact";
    m.sender_id = *contact_id;
    m.channel = "sms";
    m.body = body;
    m.status = "received";
    m.external_id = sid;
    m.media = media;
    m.created_at = at;
    auto mid = conv::insert_message(db, m);
    nums::record_webhook(db, c, sid, "sms", ws, out.twiml, at);
    out.message = conv::find_message(db, ws, mid);
    out.conversation = conv::find(db, ws, *conv_id);
    return out;
  };
  auto r = co_await ctx.db.write(std::move(job));
  // Acknowledge only what committed: an error makes the carrier retry.
  if (!r) co_return response::error(500, "INTERNAL", "could not store the message");
  if (r->conversation) {
    auto ws = r->conversation->workspace_id;
    auto cj = to_json(*r->conversation);
    ctx.hub.publish(ws, "agents", r->created ? "conversation.created" : "conversation.updated", cj);
    if (r->message) ctx.hub.publish(ws, "agents", "message.created", to_json(*r->message));
  }
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
    auto& q = db.prepare("SELECT workspace_id, id, status FROM messages WHERE channel = 'sms' AND external_id = ?1");
    q.bind(1, sid);
    if (!q.step()) return std::nullopt;
    auto ws = q.column_int(0);
    auto id = q.column_int(1);
    auto current = q.column_text(2);
    q.reset();
    if (status_rank(current) >= rank) return std::nullopt;
    db.prepare("UPDATE messages SET status = ?2, error = COALESCE(?3, error) WHERE id = ?1")
        .bind_all(id, new_status, code.empty() ? std::optional<std::string>() : std::optional<std::string>("carrier error " + code))
        .run();
    return conv::find_message(db, ws, id);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return response::error(500, "INTERNAL", "could not store the status");
  if (*r) ctx.hub.publish((*r)->workspace_id, "agents", "message.updated", to_json(**r));
  co_return twiml_response(empty_twiml);
}

}  // namespace

asio::awaitable<response> deliver_sandbox_webhook(api_context& ctx, std::string path,
                                                  std::string form_body) {
  request req;
  req.method = "POST";
  req.path = path;
  req.target = path;
  req.body = std::move(form_body);
  req.remote = "sandbox";
  req.request_id = "sandbox-" + random_hex(6);
  req.params["carrier"] = "sandbox";
  req.headers.add("Content-Type", "application/x-www-form-urlencoded");
  auto params = carriers::parse_form_body(req.body);
  if (!params) co_return response::error(400, "INVALID_INPUT", params.err().message);
  req.headers.add("X-Twilio-Signature", carriers::twilio_signature(ctx.carriers.sandbox_key,
                                                                   ctx.carriers.public_url + path, *params));
  if (path == "/webhooks/sandbox/sms") co_return co_await inbound_sms(ctx, req);
  if (path == "/webhooks/sandbox/sms/status") co_return co_await sms_status(ctx, req);
  co_return response::error(404, "NOT_FOUND", "no sandbox webhook " + path);
}

void add_webhook_routes(http::router& r, api_context& ctx) {
  r.add("POST", "/webhooks/{carrier}/sms", [&ctx](request& q) { return inbound_sms(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/sms/status", [&ctx](request& q) { return sms_status(ctx, q); });
}

}  // namespace switchboard::api
