// Carrier webhooks (Twilio, SignalWire, sandbox): the signature first, then the
// carrier's form read into a service's input (services/inbound_message,
// message_status, voice_call), then the service's TwiML as the answer.
#include <spdlog/spdlog.h>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/carriers/twiml.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/routing/inbound.hpp"
#include "switchboard/routing/voice.hpp"
#include "switchboard/services/inbound_message.hpp"
#include "switchboard/services/message_status.hpp"
#include "switchboard/services/voice_call.hpp"
#include "switchboard/services/line_routing.hpp"

namespace switchboard::api {
namespace {

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

// POST /webhooks/{carrier}/sms: a text to one of our lines.
asio::awaitable<response> inbound_sms(api_context& ctx, request& req) {
  const auto& carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  services::inbound_text in;
  in.carrier = std::move(v->carrier);
  in.sid = param(v->params, "MessageSid");
  if (in.sid.empty()) in.sid = param(v->params, "SmsSid");
  if (in.sid.empty()) co_return response::error(400, "INVALID_INPUT", "MessageSid is required");
  // A signed text is never refused for its addresses: carriers do not retry a 4xx,
  // so it would be lost. A short code or sender id is kept as an opaque sender;
  // a To that is no number of ours is logged as undeliverable (issue 16 item 17).
  in.from = carrier_address(param(v->params, "From"));
  in.to = carrier_address(param(v->params, "To"));
  in.body = param(v->params, "Body");
  int num_media = std::atoi(param(v->params, "NumMedia").c_str());
  for (int i = 0; i < num_media && i < 10; ++i) {
    auto url = param(v->params, "MediaUrl" + std::to_string(i));
    if (!url.empty())
      in.media.push_back({{"url", url}, {"content_type", param(v->params, "MediaContentType" + std::to_string(i))}});
  }
  auto twiml = co_await services::receive_text(ctx, std::move(in));
  // Acknowledge only what committed: an error makes the carrier retry.
  if (!twiml) co_return response::error(500, "INTERNAL", twiml.err().message);
  co_return twiml_response(std::move(*twiml));
}

// POST /webhooks/{carrier}/sms/status: a delivery report for a text we sent.
asio::awaitable<response> sms_status(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  services::delivery_report r;
  r.sid = param(v->params, "MessageSid");
  if (r.sid.empty()) r.sid = param(v->params, "SmsSid");
  r.reported = param(v->params, "MessageStatus");
  if (r.reported.empty()) r.reported = param(v->params, "SmsStatus");
  if (r.sid.empty() || routing::message_status_rank(r.reported) < 0)
    co_return response::error(400, "INVALID_INPUT", "MessageSid and a known MessageStatus are required");
  r.error_code = param(v->params, "ErrorCode");
  r.to = param(v->params, "To");
  auto done = co_await services::record_delivery_report(ctx, std::move(r));
  if (!done) co_return response::error(500, "INTERNAL", done.err().message);
  co_return twiml_response(empty_twiml);
}

// POST /webhooks/{carrier}/voice: a call to one of our lines.
asio::awaitable<response> inbound_call(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  services::inbound_call call;
  call.carrier = carrier;
  call.sid = param(v->params, "CallSid");
  auto from = carriers::normalize_e164(param(v->params, "From"));
  auto to = carriers::normalize_e164(param(v->params, "To"));
  if (call.sid.empty() || !to) co_return response::error(400, "INVALID_INPUT", "CallSid and To (E.164) are required");
  // Withheld numbers ("anonymous", "+266696687") still reach voicemail, as an unknown caller.
  call.from = from ? *from : std::string("+266696687");
  call.to = *to;
  call.status = param(v->params, "CallStatus");
  if (call.status.empty()) call.status = "ringing";
  auto twiml = co_await services::receive_call(ctx, std::move(call));
  if (!twiml) co_return response::error(500, "INTERNAL", twiml.err().message);
  co_return twiml_response(std::move(*twiml));
}

// POST /webhooks/{carrier}/voice/status: the call's progress, forward only.
asio::awaitable<response> call_status(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  services::call_progress p;
  p.sid = param(v->params, "CallSid");
  p.status = param(v->params, "CallStatus");
  if (p.sid.empty() || routing::call_status_rank(p.status) < 0)
    co_return response::error(400, "INVALID_INPUT", "CallSid and a known CallStatus are required");
  p.duration = std::atoi(param(v->params, "CallDuration").c_str());
  auto done = co_await services::record_call_progress(ctx, std::move(p));
  if (!done) co_return response::error(500, "INTERNAL", done.err().message);
  co_return twiml_response(empty_twiml);
}

// POST /webhooks/{carrier}/voice/{step}: later steps of a call flow.
asio::awaitable<response> call_step(api_context& ctx, request& req) {
  auto carrier = req.params.at("carrier");
  auto v = verify(ctx, req, carrier);
  if (!v) co_return forbidden();
  services::call_step s;
  s.carrier = carrier;
  s.step = req.params.at("step");
  s.sid = param(v->params, "CallSid");
  if (s.sid.empty()) co_return response::error(400, "INVALID_INPUT", "CallSid is required");
  if (!services::is_call_step(s.step)) co_return response::error(404, "NOT_FOUND", "no call step " + s.step);
  s.parent = req.query_param("parent").value_or("");
  if ((s.step == "screen" || s.step == "screen-result") && s.parent.empty())
    co_return response::error(400, "INVALID_INPUT", "the screen steps need ?parent=<CallSid>");
  s.item = req.query_param("item").value_or("");
  s.params = std::move(v->params);
  auto twiml = co_await services::advance_call(ctx, std::move(s));
  if (!twiml) co_return response::error(500, "INTERNAL", twiml.err().message);
  co_return twiml_response(std::move(*twiml));
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
asio::awaitable<response> list_undeliverable(api_context& ctx, request& req, const principal& who) {
  auto before = cursor_param(req);
  if (!before) co_return response::from(before.err());
  auto limit = parse_limit(req);
  if (!limit) co_return response::from(limit.err());
  auto ws = who.workspace_id;
  auto b = *before;
  int n = *limit;
  auto rows = co_await services::list_undeliverable(ctx, ws, b, n);
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
  r.add("GET", "/api/v1/undeliverable", authorized(ctx, "numbers.manage", list_undeliverable));
  r.add("POST", "/webhooks/{carrier}/sms", [&ctx](request& q) { return inbound_sms(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/sms/status", [&ctx](request& q) { return sms_status(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/voice", [&ctx](request& q) { return inbound_call(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/voice/status", [&ctx](request& q) { return call_status(ctx, q); });
  r.add("POST", "/webhooks/{carrier}/voice/{step}", [&ctx](request& q) { return call_step(ctx, q); });
}

}  // namespace switchboard::api
