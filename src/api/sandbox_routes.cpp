// The sandbox carrier's phone, for the simulator (/simulator/): a customer's
// calls and their steps, fake recordings, the list of sandbox lines, and a
// WebSocket that shows what the sandbox "sent" to a phone as it happens.
// Everything here goes through the real webhook handlers, signed with the
// sandbox's key, and only ever reaches sandbox numbers.
#include <cmath>
#include <regex>

#include <boost/url/parse.hpp>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/http/websocket.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/teammates.hpp"

namespace switchboard::api {
namespace {

namespace nums = store::numbers;

response sandbox_off() { return response::error(404, "NOT_FOUND", "the sandbox carrier is disabled"); }

// The sandbox line `to`, or an error response: the sandbox never reaches real lines.
asio::awaitable<std::optional<response>> check_sandbox_line(api_context& ctx, const std::string& to) {
  auto target = to;
  auto job = [target](store::database& db) { return nums::find_active(db, target); };
  auto number = co_await ctx.db.read(std::move(job));
  if (!number) co_return store_error(number.err());
  if (!*number || (*number)->carrier != "sandbox")
    co_return response::error(404, "NOT_FOUND", "no sandbox number " + to);
  co_return std::nullopt;
}

struct call_ends {
  std::string from, to;
};

// from / to of a call request body, normalised to E.164.
result<call_ends> read_ends(const json& body) {
  auto from = opt_string(body, "from");
  if (!from) return from.err();
  auto to = opt_string(body, "to");
  if (!to) return to.err();
  if (!*from || !*to) return error{"MISSING_REQUIRED_FIELD", "from and to are required"};
  auto f = carriers::normalize_e164(**from);
  if (!f) return f.err();
  auto t = carriers::normalize_e164(**to);
  if (!t) return t.err();
  return call_ends{*f, *t};
}

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
asio::awaitable<response> sandbox_numbers(api_context& ctx, request&) {
  if (!ctx.carriers.sandbox_enabled) co_return sandbox_off();
  auto job = [](store::database& db) {
    json items = json::array();
    auto& q = db.prepare(
        "SELECT n.number, t.name, g.name FROM numbers n"
        " LEFT JOIN teammates t ON t.id = n.owner_teammate_id"
        " LEFT JOIN teams g ON g.id = n.owner_team_id"
        " WHERE n.carrier = 'sandbox' AND n.status = 'active' ORDER BY n.id");
    while (q.step()) {
      auto owner = q.column_opt_text(1);
      if (!owner) owner = q.column_opt_text(2);
      items.push_back({{"number", q.column_text(0)},
                       {"display", carriers::format_display(q.column_text(0))},
                       {"line", owner ? json(*owner) : json(nullptr)}});
    }
    q.reset();
    return items;
  };
  auto r = co_await ctx.db.read(std::move(job));
  if (!r) co_return store_error(r.err());
  co_return response::json(200, {{"items", *r}, {"next_cursor", nullptr}});
}

// POST /api/sandbox/v1/calls {from, to}: the simulated customer dials a sandbox line.
asio::awaitable<response> sandbox_call(api_context& ctx, request& req) {
  if (!ctx.carriers.sandbox_enabled) co_return sandbox_off();
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto ends = read_ends(*body);
  if (!ends) co_return response::from(ends.err());
  auto refused = co_await check_sandbox_line(ctx, ends->to);
  if (refused) co_return *refused;
  auto sid = "CA" + random_hex(16);
  auto form = form_of(call_params(sid, *ends, "ringing"));
  auto r = co_await deliver_sandbox_webhook(ctx, "/webhooks/sandbox/voice", std::move(form));
  if (r.status != 200) co_return r;
  co_return response::json(201, {{"sid", sid}, {"from", ends->from}, {"to", ends->to}, {"twiml", r.body}});
}

// POST /api/sandbox/v1/calls/{sid}/events {from, to, url, params}: the next step of
// a call, as the carrier would request it: a <Gather>'s digits, a <Record>'s
// recording, a transcription, a <Dial>'s outcome or the final status.
asio::awaitable<response> sandbox_call_event(api_context& ctx, request& req) {
  if (!ctx.carriers.sandbox_enabled) co_return sandbox_off();
  auto sid = req.params.at("sid");
  static const std::regex sid_shape("CA[0-9a-f]{32}");
  if (!std::regex_match(sid, sid_shape)) co_return response::error(400, "INVALID_FORMAT", "not a sandbox call sid");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto ends = read_ends(*body);
  if (!ends) co_return response::from(ends.err());
  auto url = opt_string(*body, "url");
  if (!url) co_return response::from(url.err());
  if (!*url) co_return response::error(400, "MISSING_REQUIRED_FIELD", "url is required");
  auto parsed = boost::urls::parse_uri_reference(**url);
  if (!parsed) co_return response::error(400, "INVALID_FORMAT", "url is not a URL");
  std::string path(parsed->encoded_path());
  constexpr std::string_view voice = "/webhooks/sandbox/voice";
  if (path != voice && !(path.starts_with(std::string(voice) + "/") && path.size() > voice.size() + 1))
    co_return response::error(400, "INVALID_INPUT", "url must be one of the sandbox's voice webhooks");
  // A customer's call is to a sandbox line; a call the line placed (click-to-call) is from one.
  auto refused = co_await check_sandbox_line(ctx, ends->to);
  if (refused) refused = co_await check_sandbox_line(ctx, ends->from);
  if (refused) co_return *refused;

  auto status = opt_string(*body, "status");
  if (!status) co_return response::from(status.err());
  auto ps = call_params(sid, *ends, status->value_or("in-progress"));
  if (auto extra = body->find("params"); extra != body->end() && !extra->is_null()) {
    if (!extra->is_object() || extra->size() > 30)
      co_return response::error(400, "INVALID_INPUT", "params must be an object of at most 30 strings");
    static const std::regex key_shape("[A-Za-z][A-Za-z0-9]{0,40}");
    for (auto& [k, v] : extra->items()) {
      if (!std::regex_match(k, key_shape) || !v.is_string() || v.get_ref<const std::string&>().size() > 4000)
        co_return response::error(400, "INVALID_INPUT", "params." + k + " must be a string under a plain name");
      bool fixed = false;
      for (auto& p : ps)
        if (p.first == k) fixed = true;  // the call's own identity is not the caller's to change
      if (!fixed) ps.emplace_back(k, v.get<std::string>());
    }
  }
  auto form = form_of(ps);
  std::string target = path;
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  auto r = co_await deliver_sandbox_webhook(ctx, std::move(target), std::move(form));
  co_return relay(r);
}

// GET /api/sandbox/v1/recordings/{name}?seconds=N: the "recording" of a simulated
// voicemail, a quiet tone pattern of that length, so players have something to play.
asio::awaitable<response> sandbox_recording(api_context& ctx, request& req) {
  if (!ctx.carriers.sandbox_enabled) co_return sandbox_off();
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
asio::awaitable<http::ws_accept> sandbox_socket(api_context& ctx, request& req) {
  http::ws_accept accept;
  if (!ctx.carriers.sandbox_enabled) {
    accept.reject = sandbox_off();
    co_return accept;
  }
  auto phone = carriers::normalize_e164(req.query_param("phone").value_or(""));
  if (!phone) {
    accept.reject = response::from(phone.err());
    co_return accept;
  }
  auto topic = sandbox_topic(*phone);
  accept.on_open = [&ctx, topic](std::shared_ptr<http::ws_connection> conn) {
    auto sub = ctx.hub.subscribe(0, topic, conn);
    conn->send(realtime::event_text("ready", json::object()));
    http::ws_callbacks cb;
    cb.on_message = [](http::ws_connection& c, std::string_view text) {
      auto msg = json::parse(text, nullptr, false);
      if (msg.is_object() && msg.value("type", std::string()) == "ping") c.send(std::string(R"({"type":"pong"})"));
    };
    cb.on_close = [&ctx, sub] { ctx.hub.unsubscribe(sub); };
    return cb;
  };
  co_return accept;
}

}  // namespace

std::string sandbox_topic(const std::string& phone) { return "sandbox:" + phone; }

void add_sandbox_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/sandbox/v1/numbers", [&ctx](request& q) { return sandbox_numbers(ctx, q); });
  r.add("POST", "/api/sandbox/v1/calls", [&ctx](request& q) { return sandbox_call(ctx, q); });
  r.add("POST", "/api/sandbox/v1/calls/{sid}/events", [&ctx](request& q) { return sandbox_call_event(ctx, q); });
  r.add("GET", "/api/sandbox/v1/recordings/{name}", [&ctx](request& q) { return sandbox_recording(ctx, q); });
  r.add_websocket("/ws/sandbox", [&ctx](request& q) { return sandbox_socket(ctx, q); });
}

}  // namespace switchboard::api
