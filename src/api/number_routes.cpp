// Phone numbers (virtual numbers of teammates, shared lines of teams) and the
// sandbox carrier's test endpoints used by the simulator.
#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/teammates.hpp"

namespace switchboard::api {
namespace {

namespace nums = store::numbers;

json to_json(const nums::number_row& n) {
  return {{"id", id_str(n.id)},
          {"number", n.number},
          {"display", carriers::format_display(n.number)},
          {"carrier", n.carrier},
          {"carrier_sid", opt_str(n.carrier_sid)},
          {"capabilities", n.capabilities},
          {"owner_teammate_id", opt_id(n.owner_teammate_id)},
          {"owner_team_id", opt_id(n.owner_team_id)},
          {"kind", n.owner_team_id ? "shared" : "virtual"},
          {"status", n.status},
          {"created_at", n.created_at}};
}

result<std::optional<id_t>> owner_field(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<id_t>();
  auto id = it->is_string() ? parse_id(it->get<std::string>()) : std::nullopt;
  if (!id) return error{"INVALID_FORMAT", std::string(field) + " must be an id"};
  return std::optional<id_t>(*id);
}

// Validates owners inside the write; shared by create and patch.
void check_owner(store::database& db, id_t ws, std::optional<id_t> teammate, std::optional<id_t> team) {
  if (teammate && team) throw store::job_error("INVALID_INPUT", "a number has one owner: a teammate or a team");
  if (teammate && !store::teammates::find(db, ws, *teammate))
    throw store::job_error("INVALID_INPUT", "owner_teammate_id: no such teammate");
  if (team && !store::teammates::find_team(db, ws, *team))
    throw store::job_error("INVALID_INPUT", "owner_team_id: no such team");
}

asio::awaitable<response> list_numbers(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.read");
  if (!who) co_return response::from(who.err());
  auto ws = who->workspace_id;
  auto job = [ws](store::database& db) { return nums::list(db, ws); };
  auto rows = co_await ctx.db.read(std::move(job));
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& n : *rows) items.push_back(to_json(n));
  co_return page(items, std::nullopt);
}

asio::awaitable<response> create_number(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto carrier = opt_string(*body, "carrier");
  auto number_text = opt_string(*body, "number");
  if (!carrier) co_return response::from(carrier.err());
  if (!number_text) co_return response::from(number_text.err());
  std::string c = carrier->value_or("sandbox");
  if (c != "sandbox" && c != "twilio" && c != "signalwire")
    co_return response::error(400, "INVALID_INPUT", "carrier must be sandbox, twilio or signalwire");
  if (c == "sandbox" && !ctx.carriers.sandbox_enabled)
    co_return response::error(400, "INVALID_INPUT", "the sandbox carrier is disabled");
  std::optional<std::string> number;
  if (*number_text) {
    auto n = carriers::normalize_e164(**number_text);
    if (!n) co_return response::from(n.err());
    number = *n;
  } else if (c != "sandbox") {
    co_return response::error(400, "MISSING_REQUIRED_FIELD",
                              "number is required (buying by area code through the carrier is not available yet)");
  }
  auto teammate = owner_field(*body, "owner_teammate_id");
  auto team = owner_field(*body, "owner_team_id");
  if (!teammate) co_return response::from(teammate.err());
  if (!team) co_return response::from(team.err());
  nums::number_row n;
  n.workspace_id = who->workspace_id;
  n.carrier = c;
  n.capabilities = json::array({"sms", "voice"});
  n.owner_teammate_id = *teammate;
  n.owner_team_id = *team;
  n.created_at = now_text(ctx);
  auto job = [n, number](store::database& db) mutable {
    check_owner(db, n.workspace_id, n.owner_teammate_id, n.owner_team_id);
    if (number) {
      n.number = *number;
    } else {
      // The sandbox provisions at once from a fake pool (+1 555 xxx-xxxx).
      for (int tries = 0; tries < 50 && n.number.empty(); ++tries) {
        auto digits = random_hex(4);
        // Exchange digits 2-9 first: NANP rules, so the normaliser accepts pool numbers.
        std::string candidate = "+1555" + std::to_string(2000000 + std::stoul(digits, nullptr, 16) % 8000000);
        if (!nums::find_active(db, candidate)) n.number = candidate;
      }
      if (n.number.empty()) throw store::job_error("CONFLICT_STATE", "the sandbox pool is exhausted");
      n.carrier_sid = "PN" + random_hex(16);
    }
    // Loop guard: a teammate's own phone can never be a business number.
    if (nums::is_physical_number(db, n.number))
      throw store::job_error("CONFLICT_STATE", "this number is a teammate's physical phone");
    auto id = nums::insert(db, n);
    return *nums::find(db, n.workspace_id, id);
  };
  auto created = co_await ctx.db.write(std::move(job));
  if (!created) co_return store_error(created.err(), "this number is already in use");
  co_return response::json(201, to_json(*created));
}

asio::awaitable<response> patch_number(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "number not found");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto teammate = owner_field(*body, "owner_teammate_id");
  auto team = owner_field(*body, "owner_team_id");
  if (!teammate) co_return response::from(teammate.err());
  if (!team) co_return response::from(team.err());
  auto ws = who->workspace_id;
  auto nid = *id;
  auto t1 = *teammate, t2 = *team;
  auto job = [ws, nid, t1, t2](store::database& db) {
    auto n = nums::find(db, ws, nid);
    if (!n || n->status != "active") throw store::job_error("NOT_FOUND", "number not found");
    check_owner(db, ws, t1, t2);
    nums::set_owner(db, ws, nid, t1, t2);
    return *nums::find(db, ws, nid);
  };
  auto updated = co_await ctx.db.write(std::move(job));
  if (!updated) co_return store_error(updated.err());
  co_return response::json(200, to_json(*updated));
}

asio::awaitable<response> delete_number(api_context& ctx, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "number not found");
  auto ws = who->workspace_id;
  auto nid = *id;
  auto job = [ws, nid](store::database& db) {
    auto n = nums::find(db, ws, nid);
    if (!n || n->status != "active") throw store::job_error("NOT_FOUND", "number not found");
    nums::release(db, ws, nid);
  };
  auto w = co_await ctx.db.write(std::move(job));
  if (!w) co_return store_error(w.err());
  co_return response::json(200, {{"ok", true}});
}

// The simulator plays a customer's phone: it asks the sandbox to deliver a text,
// and the sandbox signs a webhook and sends it through the real webhook handler.
asio::awaitable<response> sandbox_send(api_context& ctx, request& req) {
  if (!ctx.carriers.sandbox_enabled) co_return response::error(404, "NOT_FOUND", "the sandbox carrier is disabled");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto from = opt_string(*body, "from");
  auto to = opt_string(*body, "to");
  auto text = opt_string(*body, "body");
  for (auto* r : {&from, &to, &text})
    if (!*r) co_return response::from(r->err());
  if (!*from || !*to || !*text) co_return response::error(400, "MISSING_REQUIRED_FIELD", "from, to and body are required");
  auto f = carriers::normalize_e164(**from);
  auto t = carriers::normalize_e164(**to);
  if (!f) co_return response::from(f.err());
  if (!t) co_return response::from(t.err());
  auto target = *t;
  auto job = [target](store::database& db) { return nums::find_active(db, target); };
  auto number = co_await ctx.db.read(std::move(job));
  if (!number) co_return store_error(number.err());
  // Only sandbox numbers: the sandbox must not be a way to spoof texts to real lines.
  if (!*number || (*number)->carrier != "sandbox")
    co_return response::error(404, "NOT_FOUND", "no sandbox number " + target);
  std::string sid = "SM" + random_hex(16);
  std::string form = "MessageSid=" + sid + "&AccountSid=ACsandbox&From=" + carriers::form_encode(*f) +
                     "&To=" + carriers::form_encode(target) + "&Body=" + carriers::form_encode(**text) +
                     "&NumMedia=0";
  auto r = co_await deliver_sandbox_webhook(ctx, "/webhooks/sandbox/sms", form);
  if (r.status != 200) co_return response::error(502, "INTERNAL", "the webhook handler answered " + std::to_string(r.status));
  co_return response::json(201, {{"sid", sid}, {"from", *f}, {"to", target}, {"twiml", r.body}});
}

// What the sandbox "sent" to a phone: the simulator's inbox.
asio::awaitable<response> sandbox_inbox(api_context& ctx, request& req) {
  if (!ctx.carriers.sandbox_enabled) co_return response::error(404, "NOT_FOUND", "the sandbox carrier is disabled");
  auto phone = carriers::normalize_e164(req.query_param("phone").value_or(""));
  if (!phone) co_return response::from(phone.err());
  auto after_param = cursor_param(req);
  if (!after_param) co_return response::from(after_param.err());
  auto after = *after_param;
  auto p = *phone;
  auto job = [p, after](store::database& db) { return nums::sandbox_messages_to(db, p, after, 100); };
  auto rows = co_await ctx.db.read(std::move(job));
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& m : *rows)
    items.push_back({{"id", id_str(m.id)}, {"sid", m.sid}, {"from", m.from}, {"to", m.to}, {"body", m.body}, {"created_at", m.created_at}});
  std::optional<std::string> next;
  if (!rows->empty()) next = make_cursor(rows->back().id);
  co_return page(items, next);
}

}  // namespace

void add_number_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/numbers", [&ctx](request& q) { return list_numbers(ctx, q); });
  r.add("POST", "/api/v1/numbers", [&ctx](request& q) { return create_number(ctx, q); });
  r.add("PATCH", "/api/v1/numbers/{id}", [&ctx](request& q) { return patch_number(ctx, q); });
  r.add("DELETE", "/api/v1/numbers/{id}", [&ctx](request& q) { return delete_number(ctx, q); });
  r.add("POST", "/api/sandbox/v1/messages", [&ctx](request& q) { return sandbox_send(ctx, q); });
  r.add("GET", "/api/sandbox/v1/messages", [&ctx](request& q) { return sandbox_inbox(ctx, q); });
}

}  // namespace switchboard::api
