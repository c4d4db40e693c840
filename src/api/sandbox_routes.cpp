// The sandbox carrier's phone, for the simulator (/simulator/): a customer's
// calls and their steps, fake recordings, the list of sandbox lines, and a
// WebSocket that shows what the sandbox "sent" to a phone as it happens.
// Everything here goes through the real webhook handlers, signed with the
// sandbox's key, and only ever reaches sandbox numbers.
//
// Every endpoint needs a signed-in teammate (a Bearer session or API key; the
// socket takes ?token=) and only reaches that teammate's workspace: another
// workspace's lines and texts are NOT_FOUND. `simulate sms` may present the
// data directory's key (X-Sandbox-Key) instead, which reaches every workspace.
// Each caller is rate-limited (carriers.sandbox.requests_per_minute). The
// recordings are the exception: synthesized tones that the inbox's <audio>
// fetches without credentials, limited per client address (issue 16 item 14).
#include <cmath>
#include <regex>

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include "common.hpp"
#include "switchboard/services/media.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/http/websocket.hpp"
#include "switchboard/services/sandbox.hpp"
#include "switchboard/widget/rate_limit.hpp"
#include "switchboard/core/encoding.hpp"

namespace switchboard::api {
namespace {

response sandbox_off() { return response::error(404, "NOT_FOUND", "the sandbox carrier is disabled"); }

// The longest text the simulator may send: a carrier's limit for a concatenated SMS.
constexpr std::size_t max_text_chars = 1600;

response rate_limited(long seconds) {
  auto r = response::error(429, "RATE_LIMITED", "too many sandbox requests; retry in " + std::to_string(seconds) + " s");
  r.headers.add("Retry-After", std::to_string(seconds));
  return r;
}

// Who is driving the sandbox: a teammate's workspace, or (the data directory's
// key) every workspace.
struct caller {
  std::optional<id_t> workspace_id;
  std::optional<realtime::socket_owner> owner;  // a signed-in teammate's credential
};

struct gate_result {
  std::optional<caller> who;
  response refusal;
};

struct sandbox_limits {
  widget::rate_limiter per_caller;
  widget::rate_limiter per_address;
};

// Enabled? Signed in (or the local key)? Within the caller's rate?
asio::awaitable<gate_result> gate(api_context& ctx, sandbox_limits& limits, const request& req,
                                  bool allow_query_token = false) {
  gate_result out;
  if (!ctx.carriers.sandbox_enabled) {
    out.refusal = sandbox_off();
    co_return out;
  }
  std::string key;
  caller who;
  if (auto local = req.headers.get("X-Sandbox-Key")) {
    if (ctx.carriers.sandbox_local_key.empty() ||
        !carriers::constant_time_equal(*local, ctx.carriers.sandbox_local_key)) {
      spdlog::warn("sandbox: wrong X-Sandbox-Key from {} (request {})", req.remote, req.request_id);
      out.refusal = response::error(401, "NOT_AUTHENTICATED", "wrong sandbox key");
      co_return out;
    }
    key = "local";
  } else {
    auto p = co_await authenticate(ctx, req, allow_query_token);
    if (!p) {
      out.refusal = response::from(p.err());
      co_return out;
    }
    who.workspace_id = p->workspace_id;
    who.owner = socket_owner_of(*p);
    key = (p->via_api_key ? "key:" : "teammate:") + std::to_string(p->teammate_id);
  }
  if (long wait = limits.per_caller.hit(key, ctx.now()); wait > 0) {
    out.refusal = rate_limited(wait);
    co_return out;
  }
  out.who = who;
  co_return out;
}

// The caller's sandbox line `to` (its workspace), or an error response: the
// sandbox never reaches real lines, nor another workspace's.
asio::awaitable<result<id_t>> sandbox_line(api_context& ctx, const caller& who, const std::string& to) {
  co_return co_await services::sandbox_line_workspace(ctx, who.workspace_id, to);
}

asio::awaitable<std::optional<response>> check_sandbox_line(api_context& ctx, const caller& who,
                                                            const std::string& to) {
  auto r = co_await sandbox_line(ctx, who, to);
  if (!r) co_return r.err().code == "NOT_FOUND" ? response::from(r.err()) : store_error(r.err());
  co_return std::nullopt;
}

struct call_ends {
  std::string from, to;
};

// from / to of a call request body, normalised to E.164.
result<call_ends> read_ends(const json& body, std::string_view default_country) {
  auto from = opt_string(body, "from");
  if (!from) return from.err();
  auto to = opt_string(body, "to");
  if (!to) return to.err();
  if (!*from || !*to) return error{"MISSING_REQUIRED_FIELD", "from and to are required"};
  auto f = carriers::normalize_e164(**from, default_country);
  if (!f) return f.err();
  auto t = carriers::normalize_e164(**to, default_country);
  if (!t) return t.err();
  return call_ends{*f, *t};
}

// The body of POST /api/sandbox/v1/calls.
struct call_request {
  call_ends ends;

  static result<call_request> from_json(const json& body, std::string_view default_country) {
    auto ends = read_ends(body, default_country);
    if (!ends) return ends.err();
    return call_request{*ends};
  }
};

// The body of POST /api/sandbox/v1/calls/{sid}/events, in two steps as it was always
// checked: the call's ends and the webhook it steps first; its status and params
// (call_step_request) only once the lines are known to be the caller's.
struct call_event_request {
  call_ends ends;
  std::string target;  // the sandbox voice webhook's path and query
  json step = json::object();  // "status" and "params" as sent

  static result<call_event_request> from_json(const json& body, std::string_view default_country) {
    call_event_request in;
    auto ends = read_ends(body, default_country);
    if (!ends) return ends.err();
    in.ends = *ends;
    auto url = opt_string(body, "url");
    if (!url) return url.err();
    if (!*url) return error{"MISSING_REQUIRED_FIELD", "url is required"};
    auto parsed = boost::urls::parse_uri_reference(**url);
    if (!parsed) return error{"INVALID_FORMAT", "url is not a URL"};
    std::string path(parsed->encoded_path());
    constexpr std::string_view voice = "/webhooks/sandbox/voice";
    if (path != voice && !(path.starts_with(std::string(voice) + "/") && path.size() > voice.size() + 1))
      return error{"INVALID_INPUT", "url must be one of the sandbox's voice webhooks"};
    in.target = path;
    if (parsed->has_query()) in.target += "?" + std::string(parsed->encoded_query());
    for (auto key : {"status", "params"})
      if (auto it = body.find(key); it != body.end()) in.step[key] = *it;
    return in;
  }
};

// The status and extra parameters of a call event.
struct call_step_request {
  std::optional<std::string> status;
  carriers::param_list params;

  static result<call_step_request> from_json(const json& body) {
    call_step_request out;
    auto status = opt_string(body, "status");
    if (!status) return status.err();
    out.status = *status;
    if (auto extra = body.find("params"); extra != body.end() && !extra->is_null()) {
      if (!extra->is_object() || extra->size() > 30)
        return error{"INVALID_INPUT", "params must be an object of at most 30 strings"};
      static const std::regex key_shape("[A-Za-z][A-Za-z0-9]{0,40}");
      for (auto& [k, v] : extra->items()) {
        if (!std::regex_match(k, key_shape) || !v.is_string() || v.get_ref<const std::string&>().size() > 4000)
          return error{"INVALID_INPUT", "params." + k + " must be a string under a plain name"};
        out.params.emplace_back(k, v.get<std::string>());
      }
    }
    return out;
  }
};

// The body of POST /api/sandbox/v1/messages.
struct text_request {
  std::string from, to, body;  // phones in E.164
  std::vector<id_t> media_ids;  // uploads (POST /api/v1/media) the phone sends as MMS

  static result<text_request> from_json(const json& body, std::string_view default_country) {
    auto from = opt_string(body, "from");
    auto to = opt_string(body, "to");
    auto text = opt_string(body, "body");
    for (auto* r : {&from, &to, &text})
      if (!*r) return r->err();
    auto media = media_ids_of(body);
    if (!media) return media.err();
    if (!*text && !media->empty()) *text = std::string();  // a picture alone
    if (!*from || !*to || !*text) return error{"MISSING_REQUIRED_FIELD", "from, to and body are required"};
    if (utf8_length(**text) > max_text_chars)
      return error{"INVALID_INPUT", "body is longer than " + std::to_string(max_text_chars) + " characters"};
    auto f = carriers::normalize_e164(**from, default_country);
    auto t = carriers::normalize_e164(**to, default_country);
    if (!f) return f.err();
    if (!t) return t.err();
    return text_request{*f, *t, **text, std::move(*media)};
  }
};

std::string form_of(const carriers::param_list& ps) {
  std::string out;
  for (auto& [k, v] : ps) {
    if (!out.empty()) out += '&';
    out += carriers::form_encode(k) + "=" + carriers::form_encode(v);
  }
  return out;
}

carriers::param_list call_params(const std::string& sid, const call_ends& e, const std::string& status) {
  return {{"AccountSid", "ACsandbox"}, {"ApiVersion", "2010-04-01"}, {"CallSid", sid},
          {"CallStatus", status},      {"Direction", "inbound"},     {"From", e.from},
          {"To", e.to}};
}

response relay(const response& r) {
  if (r.status != 200) {
    // The handler's own error (e.g. 404 for an unknown step) is the caller's answer.
    auto out = r;
    return out;
  }
  return response::json(200, {{"twiml", r.body}});
}

// GET /api/sandbox/v1/numbers: the sandbox lines a simulated customer can text or call.
asio::awaitable<response> sandbox_numbers(api_context& ctx, sandbox_limits& limits, request& req) {
  auto g = co_await gate(ctx, limits, req);
  if (!g.who) co_return g.refusal;
  auto ws = g.who->workspace_id;
  auto lines = co_await services::sandbox_lines(ctx, ws);
  if (!lines) co_return store_error(lines.err());
  json items = json::array();
  for (auto& l : *lines)
    items.push_back({{"number", l.number},
                     {"display", carriers::format_display(l.number)},
                     {"line", l.owner_name ? json(*l.owner_name) : json(nullptr)}});
  co_return response::json(200, {{"items", items}, {"next_cursor", nullptr}});
}

// POST /api/sandbox/v1/calls {from, to}: the simulated customer dials a sandbox line.
asio::awaitable<response> sandbox_call(api_context& ctx, sandbox_limits& limits, request& req) {
  auto g = co_await gate(ctx, limits, req);
  if (!g.who) co_return g.refusal;
  auto in = read_body<call_request>(req, ctx.default_country);
  if (!in) co_return response::from(in.err());
  const auto& ends = in->ends;
  auto refused = co_await check_sandbox_line(ctx, *g.who, ends.to);
  if (refused) co_return *refused;
  auto sid = "CA" + random_hex(16);
  auto form = form_of(call_params(sid, ends, "ringing"));
  auto r = co_await deliver_sandbox_webhook(ctx, "/webhooks/sandbox/voice", std::move(form));
  if (r.status != 200) co_return r;
  co_return response::json(201, {{"sid", sid}, {"from", ends.from}, {"to", ends.to}, {"twiml", r.body}});
}

// POST /api/sandbox/v1/calls/{sid}/events {from, to, url, params}: the next step of
// a call, as the carrier would request it: a <Gather>'s digits, a <Record>'s
// recording, a transcription, a <Dial>'s outcome or the final status.
asio::awaitable<response> sandbox_call_event(api_context& ctx, sandbox_limits& limits, request& req) {
  auto g = co_await gate(ctx, limits, req);
  if (!g.who) co_return g.refusal;
  auto sid = req.params.at("sid");
  static const std::regex sid_shape("CA[0-9a-f]{32}");
  if (!std::regex_match(sid, sid_shape)) co_return response::error(400, "INVALID_FORMAT", "not a sandbox call sid");
  auto in = read_body<call_event_request>(req, ctx.default_country);
  if (!in) co_return response::from(in.err());
  const auto& ends = in->ends;
  // A customer's call is to a sandbox line; a call the line placed (click-to-call) is from one.
  auto refused = co_await check_sandbox_line(ctx, *g.who, ends.to);
  if (refused) refused = co_await check_sandbox_line(ctx, *g.who, ends.from);
  if (refused) co_return *refused;
  // A call of another workspace is not the caller's to step, even on their own line.
  if (g.who->workspace_id) {
    auto call_ws = co_await services::sandbox_call_workspace(ctx, sid);
    if (!call_ws) co_return store_error(call_ws.err());
    if (*call_ws && **call_ws != *g.who->workspace_id)
      co_return response::error(404, "NOT_FOUND", "no sandbox call " + sid);
  }

  auto step = call_step_request::from_json(in->step);
  if (!step) co_return response::from(step.err());
  auto ps = call_params(sid, ends, step->status.value_or("in-progress"));
  for (auto& [k, v] : step->params) {
    bool fixed = false;
    for (auto& p : ps)
      if (p.first == k) fixed = true;  // the call's own identity is not the caller's to change
    if (!fixed) ps.emplace_back(k, v);
  }
  auto form = form_of(ps);
  auto r = co_await deliver_sandbox_webhook(ctx, in->target, std::move(form));
  co_return relay(r);
}

// GET /api/sandbox/v1/recordings/{name}?seconds=N: the "recording" of a simulated
// voicemail, a quiet tone pattern of that length, so players have something to play.
asio::awaitable<response> sandbox_recording(api_context& ctx, sandbox_limits& limits, request& req) {
  if (!ctx.carriers.sandbox_enabled) co_return sandbox_off();
  if (long wait = limits.per_address.hit(req.remote, ctx.now()); wait > 0) co_return rate_limited(wait);
  int seconds = std::atoi(req.query_param("seconds").value_or("3").c_str());
  seconds = std::clamp(seconds, 1, 120);
  constexpr std::uint32_t rate = 8000;
  std::uint32_t samples = rate * static_cast<std::uint32_t>(seconds);
  std::string wav;
  wav.reserve(44 + samples);
  auto u32 = [&wav](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) wav.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  auto u16 = [&wav](std::uint16_t v) {
    wav.push_back(static_cast<char>(v & 0xff));
    wav.push_back(static_cast<char>(v >> 8));
  };
  wav += "RIFF";
  u32(36 + samples);
  wav += "WAVEfmt ";
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(rate);
  u32(rate);  // bytes per second at 8 bits
  u16(1);
  u16(8);
  wav += "data";
  u32(samples);
  for (std::uint32_t i = 0; i < samples; ++i) {
    bool on = (i % 4000) < 2400;  // 0.3 s of tone, 0.2 s of silence
    double v = on ? 18.0 * std::sin(2.0 * M_PI * 330.0 * i / rate) : 0.0;
    wav.push_back(static_cast<char>(128 + static_cast<int>(v)));
  }
  auto res = response::text(200, std::move(wav), "audio/wav");
  res.headers.add("Cache-Control", "public, max-age=86400");
  co_return res;
}

// GET /ws/sandbox?phone=E164: what the sandbox sends to that phone, live.
// Only a teammate's token (?token=): the socket hears its own workspace's texts.
asio::awaitable<http::ws_accept> sandbox_socket(api_context& ctx, sandbox_limits& limits, request& req) {
  http::ws_accept accept;
  if (req.headers.get("X-Sandbox-Key")) {
    accept.reject = response::error(401, "NOT_AUTHENTICATED", "the sandbox socket needs a teammate's token");
    co_return accept;
  }
  auto checked_at = ctx.sockets.epoch();
  auto g = co_await gate(ctx, limits, req, true);
  if (!g.who) {
    accept.reject = g.refusal;
    co_return accept;
  }
  auto ws = *g.who->workspace_id;
  auto owner = *g.who->owner;
  auto phone = carriers::normalize_e164(req.query_param("phone").value_or(""), ctx.default_country);
  if (!phone) {
    accept.reject = response::from(phone.err());
    co_return accept;
  }
  auto topic = sandbox_topic(*phone);
  accept.on_open = [&ctx, ws, topic, owner, checked_at](std::shared_ptr<http::ws_connection> conn) {
    // A logout or a revoked key closes it like an agent socket (issue 16 item 8).
    auto reg = ctx.sockets.add(owner, conn, checked_at);
    if (reg == 0) return http::ws_callbacks{};
    auto sub = ctx.hub.subscribe(ws, topic, conn);
    conn->send(realtime::event_text("ready", json::object()));
    http::ws_callbacks cb;
    cb.on_message = [](http::ws_connection& c, std::string_view text) {
      auto msg = json::parse(text, nullptr, false);
      if (msg.is_object() && msg.value("type", std::string()) == "ping") c.send(std::string(R"({"type":"pong"})"));
    };
    cb.on_close = [&ctx, sub, reg] {
      ctx.sockets.remove(reg);
      ctx.hub.unsubscribe(sub);
    };
    return cb;
  };
  co_return accept;
}

// POST /api/sandbox/v1/messages {from, to, body}: the simulated phone texts a
// line. The text is recorded first (so a reply it triggers gets a later id),
// then signed and delivered through the real webhook handler.
asio::awaitable<response> sandbox_send(api_context& ctx, sandbox_limits& limits, request& req) {
  auto g = co_await gate(ctx, limits, req);
  if (!g.who) co_return g.refusal;
  auto in = read_body<text_request>(req, ctx.default_country);
  if (!in) co_return response::from(in.err());
  auto f = in->from;
  auto t = in->to;
  auto text = in->body;
  // Only the caller's sandbox lines: the sandbox must not spoof texts to real lines, nor to another workspace.
  auto ws = co_await sandbox_line(ctx, *g.who, t);
  if (!ws) co_return ws.err().code == "NOT_FOUND" ? response::from(ws.err()) : store_error(ws.err());
  std::string sid = "SM" + random_hex(16);
  auto at = now_text(ctx);
  auto id = co_await services::record_sandbox_text(ctx, *ws, sid, f, t, text, at);
  if (!id) co_return store_error(id.err());
  // An MMS from the simulator names its files as a carrier does: URLs (signed ones of
  // our own) that the dispatcher downloads like any carrier's.
  std::vector<services::shared_media> media;
  if (!in->media_ids.empty()) {
    auto urls = co_await services::signed_uploads(ctx, *ws, in->media_ids);
    if (!urls) co_return store_error(urls.err());
    media = std::move(*urls);
  }
  std::string form = "MessageSid=" + sid + "&AccountSid=ACsandbox&From=" + carriers::form_encode(f) +
                     "&To=" + carriers::form_encode(t) + "&Body=" + carriers::form_encode(text) +
                     "&NumMedia=" + std::to_string(media.size());
  for (std::size_t i = 0; i < media.size(); ++i)
    form += "&MediaUrl" + std::to_string(i) + "=" + carriers::form_encode(media[i].url) + "&MediaContentType" +
            std::to_string(i) + "=" + carriers::form_encode(media[i].content_type);
  auto r = co_await deliver_sandbox_webhook(ctx, "/webhooks/sandbox/sms", form);
  if (r.status != 200) {
    co_await services::forget_sandbox_text(ctx, *id);
    co_return response::error(502, "INTERNAL", "the webhook handler answered " + std::to_string(r.status));
  }
  co_return response::json(201, {{"id", id_str(*id)}, {"sid", sid}, {"from", f}, {"to", t}, {"body", text},
                                 {"created_at", at}, {"twiml", r.body}});
}

// GET /api/sandbox/v1/messages?phone=E164[&line=E164][&cursor=]: what the
// sandbox sent to that phone (the simulator's inbox); with `line`, both
// directions between the phone and that line, oldest first. The caller's
// workspace only.
asio::awaitable<response> sandbox_inbox(api_context& ctx, sandbox_limits& limits, request& req) {
  auto g = co_await gate(ctx, limits, req);
  if (!g.who) co_return g.refusal;
  auto phone = carriers::normalize_e164(req.query_param("phone").value_or(""), ctx.default_country);
  if (!phone) co_return response::from(phone.err());
  std::optional<std::string> line;
  if (auto l = req.query_param("line")) {
    auto n = carriers::normalize_e164(*l, ctx.default_country);
    if (!n) co_return response::from(n.err());
    line = *n;
  }
  auto after_param = cursor_param(req);
  if (!after_param) co_return response::from(after_param.err());
  auto ws = g.who->workspace_id;
  auto p = *phone;
  auto after = *after_param;
  auto rows = co_await services::sandbox_texts_to(ctx, ws, p, line, after, 100);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& m : *rows)
    items.push_back({{"id", id_str(m.id)}, {"sid", m.sid}, {"from", m.from}, {"to", m.to}, {"body", m.body},
                     {"created_at", m.created_at}});
  std::optional<std::string> next;
  if (!rows->empty()) next = make_cursor(rows->back().id);
  co_return page(items, next);
}

}  // namespace


void add_sandbox_routes(http::router& r, api_context& ctx) {
  auto per_minute = std::max(1, ctx.carriers.sandbox_requests_per_minute);
  auto limits = std::make_shared<sandbox_limits>(
      sandbox_limits{{per_minute, std::chrono::seconds(60)}, {per_minute, std::chrono::seconds(60)}});
  // A text is at most 1,600 characters; call events carry at most 30 short params.
  http::route_options small{16 * 1024};
  r.add("GET", "/api/sandbox/v1/numbers", [&ctx, limits](request& q) { return sandbox_numbers(ctx, *limits, q); });
  r.add("POST", "/api/sandbox/v1/messages", [&ctx, limits](request& q) { return sandbox_send(ctx, *limits, q); },
        small);
  r.add("GET", "/api/sandbox/v1/messages", [&ctx, limits](request& q) { return sandbox_inbox(ctx, *limits, q); });
  r.add("POST", "/api/sandbox/v1/calls", [&ctx, limits](request& q) { return sandbox_call(ctx, *limits, q); }, small);
  r.add("POST", "/api/sandbox/v1/calls/{sid}/events",
        [&ctx, limits](request& q) { return sandbox_call_event(ctx, *limits, q); });
  r.add("GET", "/api/sandbox/v1/recordings/{name}",
        [&ctx, limits](request& q) { return sandbox_recording(ctx, *limits, q); });
  r.add_websocket("/ws/sandbox", [&ctx, limits](request& q) { return sandbox_socket(ctx, *limits, q); });
}

}  // namespace switchboard::api
