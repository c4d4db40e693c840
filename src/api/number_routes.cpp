// Phone numbers (virtual numbers of teammates, shared lines of teams), their
// provisioning through the carriers' REST APIs, and the sandbox carrier's test
// endpoints used by the simulator.
#include <spdlog/spdlog.h>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/rest.hpp"
#include "switchboard/carriers/rest_client.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/teammates.hpp"

namespace switchboard::api {
namespace {

namespace nums = store::numbers;
namespace rest = carriers::rest;

// The HTTPS client for carrier REST calls of this route table, made on first use
// on the io_context's executor (keep-alive connections are pooled in it).
struct carrier_link {
  std::unique_ptr<http::outbound_client> client;
  http::outbound_client& get(const asio::any_io_executor& ex) {
    if (!client) client = std::make_unique<http::outbound_client>(ex);
    return *client;
  }
};

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

json to_json(const rest::webhooks& w) {
  return {
      {"sms_url", w.sms_url}, {"voice_url", w.voice_url}, {"status_callback", w.status_callback}};
}

rest::account account_for(const carrier_settings& cs, const std::string& carrier) {
  if (carrier == "twilio")
    return {"twilio", cs.twilio_account_sid, cs.twilio_auth_token, cs.twilio_api_base};
  return {"signalwire", cs.signalwire_project_id, cs.signalwire_api_token, cs.signalwire_api_base};
}

// Provisioning without a carrier named goes through the configured one.
std::string default_carrier(const carrier_settings& cs) {
  if (account_for(cs, "twilio").check()) return "twilio";
  if (account_for(cs, "signalwire").check()) return "signalwire";
  return "sandbox";
}

std::string carrier_name(const std::string& c) {
  return c == "twilio" ? "Twilio" : c == "signalwire" ? "SignalWire" : "the sandbox";
}

// The carrier refused (502, with its code and message) or could not be reached (503).
response carrier_failure(const error& e) {
  if (e.code == "CARRIER_ERROR") return response::error(502, e.code, e.message);
  if (e.code == "UNAVAILABLE") return response::error(503, e.code, e.message);
  return response::from(e);
}

bool valid_carrier(const std::string& c) {
  return c == "sandbox" || c == "twilio" || c == "signalwire";
}

// NANP area code: three digits, the first 2-9.
bool valid_area_code(const std::string& a) {
  return a.size() == 3 && a[0] >= '2' && a[0] <= '9' &&
         std::isdigit(static_cast<unsigned char>(a[1])) &&
         std::isdigit(static_cast<unsigned char>(a[2]));
}

// area_code as "415" or 415.
result<std::optional<std::string>> area_code_field(const json& body) {
  auto it = body.find("area_code");
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  std::string a = it->is_string()            ? it->get<std::string>()
                  : it->is_number_unsigned() ? std::to_string(it->get<std::uint64_t>())
                                             : std::string();
  if (!valid_area_code(a))
    return error{"INVALID_FORMAT", "area_code must be a 3-digit area code such as \"415\""};
  return std::optional<std::string>(a);
}

result<bool> bool_field(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean())
    return error{"INVALID_FORMAT", std::string(field) + " must be true or false"};
  return it->get<bool>();
}

result<std::optional<id_t>> owner_field(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<id_t>();
  auto id = it->is_string() ? parse_id(it->get<std::string>()) : std::nullopt;
  if (!id) return error{"INVALID_FORMAT", std::string(field) + " must be an id"};
  return std::optional<id_t>(*id);
}

std::optional<error> owner_problem(store::database& db, id_t ws, std::optional<id_t> teammate,
                                   std::optional<id_t> team) {
  if (teammate && team)
    return error{"INVALID_INPUT", "a number has one owner: a teammate or a team"};
  if (teammate && !store::teammates::find(db, ws, *teammate))
    return error{"INVALID_INPUT", "owner_teammate_id: no such teammate"};
  if (team && !store::teammates::find_team(db, ws, *team))
    return error{"INVALID_INPUT", "owner_team_id: no such team"};
  return std::nullopt;
}

// Validates owners inside the write; shared by create and patch.
void check_owner(store::database& db, id_t ws, std::optional<id_t> teammate,
                 std::optional<id_t> team) {
  if (auto e = owner_problem(db, ws, teammate, team)) throw store::job_error(e->code, e->message);
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

// Numbers one could buy: from the carrier's AvailablePhoneNumbers, or the sandbox's pool.
asio::awaitable<response> available_numbers(api_context& ctx, carrier_link& link, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  std::string c = req.query_param("carrier").value_or(default_carrier(ctx.carriers));
  if (!valid_carrier(c))
    co_return response::error(400, "INVALID_INPUT",
                              "carrier must be sandbox, twilio or signalwire");
  std::string area = req.query_param("area_code").value_or("");
  if (!area.empty() && !valid_area_code(area))
    co_return response::error(400, "INVALID_FORMAT",
                              "area_code must be a 3-digit area code such as 415");
  std::string country = req.query_param("country").value_or("US");
  if (country.size() != 2 || !std::isupper(static_cast<unsigned char>(country[0])) ||
      !std::isupper(static_cast<unsigned char>(country[1])))
    co_return response::error(400, "INVALID_FORMAT", "country must be an ISO 3166 code such as US");
  auto limit = parse_limit(req);
  if (!limit) co_return response::from(limit.err());
  json items = json::array();
  if (c == "sandbox") {
    if (!ctx.carriers.sandbox_enabled)
      co_return response::error(400, "INVALID_INPUT", "the sandbox carrier is disabled");
    int n = *limit;
    auto job = [area, n](store::database& db) { return nums::sandbox_available(db, area, n); };
    auto pool = co_await ctx.db.read(std::move(job));
    if (!pool) co_return store_error(pool.err());
    for (auto& number : *pool)
      items.push_back({{"number", number},
                       {"display", carriers::format_display(number)},
                       {"carrier", c},
                       {"locality", nullptr},
                       {"region", nullptr},
                       {"capabilities", {"sms", "voice"}}});
    co_return page(items, std::nullopt);
  }
  auto account = account_for(ctx.carriers, c);
  if (auto ok = account.check(); !ok) co_return response::from(ok.err());
  auto ex = co_await asio::this_coro::executor;
  carriers::rest_client rc(link.get(ex), account);
  rest::search_query q;
  q.country = country;
  q.area_code = area;
  q.limit = *limit;
  auto found = co_await rc.search(q);
  if (!found) co_return carrier_failure(found.err());
  for (auto& a : *found) {
    auto number = carriers::normalize_e164(a.number);
    if (!number) continue;  // not something we could store
    items.push_back({{"number", *number},
                     {"display", carriers::format_display(*number)},
                     {"carrier", c},
                     {"locality", a.locality.empty() ? json(nullptr) : json(a.locality)},
                     {"region", a.region.empty() ? json(nullptr) : json(a.region)},
                     {"capabilities", a.capabilities}});
  }
  co_return page(items, std::nullopt);
}

// A store job's error as the API reports it (the same mapping as store_error).
error stored_error(const error& e, std::string_view conflict_message) {
  if (e.code == "CONFLICT") return {"ALREADY_EXISTS", std::string(conflict_message)};
  if (e.code == "CONFLICT_STATE") return {"CONFLICT", e.message};
  if (e.code == "NOT_FOUND" || e.code == "INVALID_INPUT" || e.code == "PERMISSION_DENIED") return e;
  return {"INTERNAL", "the change could not be saved"};
}

// Buys `number` (or the first match for `area_code`) at the carrier with its
// webhooks pointing at public_url, then stores it. Nothing is stored when the
// carrier refuses; a store failure after a purchase is logged with the SID.
asio::awaitable<result<provisioned>> buy_number(api_context& ctx, http::outbound_client& client, id_t ws,
                                                const std::string& c, const provision_args& a) {
  auto account = account_for(ctx.carriers, c);
  if (auto ok = account.check(); !ok) co_return ok.err();
  // What can be checked is checked before paying for a number.
  auto teammate = a.owner_teammate_id;
  auto team = a.owner_team_id;
  auto number = a.number;
  auto precheck = [ws, teammate, team, number](store::database& db) -> std::optional<error> {
    if (auto e = owner_problem(db, ws, teammate, team)) return e;
    if (number && nums::find_active(db, *number))
      return error{"ALREADY_EXISTS", "this number is already in use"};
    if (number && nums::is_physical_number(db, *number))
      return error{"CONFLICT", "this number is a teammate's physical phone"};
    return std::nullopt;
  };
  auto pre = co_await ctx.db.read(std::move(precheck));
  if (!pre) co_return stored_error(pre.err(), "this number is already in use");
  if (*pre) co_return **pre;

  carriers::rest_client rc(client, account);
  std::string target;
  if (number) {
    target = *number;
  } else {
    rest::search_query q;
    q.area_code = a.area_code.value_or("");
    q.limit = 5;
    auto found = co_await rc.search(q);
    if (!found) co_return found.err();
    if (found->empty())
      co_return error{"NOT_FOUND", carrier_name(c) + " has no number with SMS and voice in area code " + q.area_code};
    target = found->front().number;
  }
  auto hooks = rest::webhooks_for(ctx.carriers.public_url, c);
  auto bought = co_await rc.buy(target, hooks);
  if (!bought) co_return bought.err();
  spdlog::info("numbers: bought {} at {} (sid {})", bought->number, c, bought->sid);

  nums::number_row n;
  n.workspace_id = ws;
  auto normalized = carriers::normalize_e164(bought->number.empty() ? target : bought->number);
  n.number = normalized ? *normalized : target;
  n.carrier = c;
  n.carrier_sid = bought->sid;
  n.capabilities =
      bought->capabilities.empty() ? json::array({"sms", "voice"}) : json(bought->capabilities);
  n.owner_teammate_id = teammate;
  n.owner_team_id = team;
  n.created_at = now_text(ctx);
  auto job = [n](store::database& db) {
    check_owner(db, n.workspace_id, n.owner_teammate_id, n.owner_team_id);
    if (nums::is_physical_number(db, n.number))
      throw store::job_error("CONFLICT_STATE", "this number is a teammate's physical phone");
    auto id = nums::insert(db, n);
    return *nums::find(db, n.workspace_id, id);
  };
  auto created = co_await ctx.db.write(std::move(job));
  if (!created) {
    // Paid for at the carrier but unknown here: say so loudly, with what is needed to fix it.
    spdlog::error(
        "numbers: {} was bought at {} (sid {}) but could not be stored: {}. Add it with "
        "POST /api/v1/numbers {{\"carrier\":\"{}\",\"number\":\"{}\"}} or release it at the "
        "carrier",
        n.number, c, bought->sid, created.err().message, c, n.number);
    co_return error{"INTERNAL", n.number + " was bought at " + carrier_name(c) + " (sid " + bought->sid +
                                    ") but could not be saved; add it with {\"carrier\":\"" + c + "\",\"number\":\"" +
                                    n.number + "\"} or release it at the carrier"};
  }
  co_return provisioned{*created, hooks};
}

}  // namespace

asio::awaitable<result<provisioned>> provision(api_context& ctx, http::outbound_client& client, id_t ws,
                                               const provision_args& a) {
  std::string c = a.carrier.empty() ? default_carrier(ctx.carriers) : a.carrier;
  if (!valid_carrier(c)) co_return error{"INVALID_INPUT", "carrier must be sandbox, twilio or signalwire"};
  if (c == "sandbox" && !ctx.carriers.sandbox_enabled)
    co_return error{"INVALID_INPUT", "the sandbox carrier is disabled"};
  if (c != "sandbox" && (a.area_code || a.buy)) {
    auto bought = co_await buy_number(ctx, client, ws, c, a);
    co_return bought;
  }
  // A number the workspace already owns at its carrier, or the sandbox's.
  nums::number_row n;
  n.workspace_id = ws;
  n.carrier = c;
  n.capabilities = json::array({"sms", "voice"});
  n.owner_teammate_id = a.owner_teammate_id;
  n.owner_team_id = a.owner_team_id;
  n.created_at = now_text(ctx);
  auto number = a.number;
  auto area_code = a.area_code.value_or("");
  auto job = [n0 = n, number, area_code](store::database& db) {
    auto n = n0;  // the job may run twice: never change the captures
    check_owner(db, n.workspace_id, n.owner_teammate_id, n.owner_team_id);
    if (number) {
      n.number = *number;
    } else {
      // The sandbox provisions at once from its fake pool.
      auto pool = nums::sandbox_available(db, area_code, 1);
      if (pool.empty())
        throw store::job_error("CONFLICT_STATE",
                               area_code.empty()
                                   ? "the sandbox pool is exhausted"
                                   : "the sandbox has no free number in area code " + area_code);
      n.number = pool.front();
      n.carrier_sid = "PN" + random_hex(16);
    }
    // Loop guard: a teammate's own phone can never be a business number.
    if (nums::is_physical_number(db, n.number))
      throw store::job_error("CONFLICT_STATE", "this number is a teammate's physical phone");
    auto id = nums::insert(db, n);
    return *nums::find(db, n.workspace_id, id);
  };
  auto created = co_await ctx.db.write(std::move(job));
  if (!created) co_return stored_error(created.err(), "this number is already in use");
  co_return provisioned{*created, std::nullopt};
}

asio::awaitable<result<bool>> release_number(api_context& ctx, http::outbound_client& client, id_t ws, id_t nid,
                                             bool keep_at_carrier) {
  auto look = [ws, nid](store::database& db) { return nums::find(db, ws, nid); };
  auto cur = co_await ctx.db.read(std::move(look));
  if (!cur) co_return stored_error(cur.err(), "");
  if (!*cur || (*cur)->status != "active") co_return error{"NOT_FOUND", "number not found"};
  auto row = **cur;
  bool at_carrier = row.carrier != "sandbox" && row.carrier_sid && !keep_at_carrier;
  if (at_carrier) {
    auto account = account_for(ctx.carriers, row.carrier);
    if (auto ok = account.check(); !ok)
      co_return error{"INVALID_INPUT", ok.err().message + " (or pass keep_at_carrier=true to only remove it here)"};
    carriers::rest_client rc(client, account);
    auto sid = *row.carrier_sid;
    auto released = co_await rc.release(sid);
    if (!released) co_return released.err();
    spdlog::info("numbers: released {} at {} (sid {})", row.number, row.carrier, sid);
  }
  auto job = [ws, nid](store::database& db) {
    auto n = nums::find(db, ws, nid);
    if (!n || n->status != "active") throw store::job_error("NOT_FOUND", "number not found");
    nums::release(db, ws, nid);
  };
  auto w = co_await ctx.db.write(std::move(job));
  if (!w) {
    if (at_carrier)
      spdlog::error("numbers: {} was released at {} (sid {}) but is still active here: {}", row.number, row.carrier,
                    *row.carrier_sid, w.err().message);
    co_return stored_error(w.err(), "");
  }
  co_return at_carrier;
}

response provisioning_failure(const error& e) {
  if (e.code == "CARRIER_ERROR" || e.code == "UNAVAILABLE") return carrier_failure(e);
  return response::from(e);
}

std::string default_number_carrier(const carrier_settings& cs) { return default_carrier(cs); }

namespace {

asio::awaitable<response> create_number(api_context& ctx, carrier_link& link, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto carrier = opt_string(*body, "carrier");
  auto number_text = opt_string(*body, "number");
  auto area = area_code_field(*body);
  auto buy = bool_field(*body, "buy");
  if (!carrier) co_return response::from(carrier.err());
  if (!number_text) co_return response::from(number_text.err());
  if (!area) co_return response::from(area.err());
  if (!buy) co_return response::from(buy.err());
  if (*number_text && *area)
    co_return response::error(400, "INVALID_INPUT", "give number or area_code, not both");
  std::string c = carrier->value_or(*area ? default_carrier(ctx.carriers) : "sandbox");
  if (!valid_carrier(c))
    co_return response::error(400, "INVALID_INPUT", "carrier must be sandbox, twilio or signalwire");
  provision_args a;
  a.carrier = c;
  a.area_code = *area;
  a.buy = *buy;
  if (*number_text) {
    auto n = carriers::normalize_e164(**number_text, ctx.default_country);
    if (!n) co_return response::from(n.err());
    a.number = *n;
  } else if (c != "sandbox" && !*area) {
    co_return response::error(
        400, "MISSING_REQUIRED_FIELD",
        "number (one you own, or with \"buy\": true) or area_code is required");
  }
  auto teammate = owner_field(*body, "owner_teammate_id");
  auto team = owner_field(*body, "owner_team_id");
  if (!teammate) co_return response::from(teammate.err());
  if (!team) co_return response::from(team.err());
  a.owner_teammate_id = *teammate;
  a.owner_team_id = *team;
  auto ex = co_await asio::this_coro::executor;
  auto& client = link.get(ex);
  auto ws = who->workspace_id;
  auto created = co_await provision(ctx, client, ws, a);
  if (!created) co_return provisioning_failure(created.err());
  auto out = to_json(created->row);
  if (created->hooks) out["webhooks"] = to_json(*created->hooks);
  co_return response::json(201, out);
}

asio::awaitable<response> patch_number(api_context& ctx, carrier_link& link, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "number not found");
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  // Owner fields present (an id or null) reassign the number; absent, it keeps its owner.
  bool reassign = body->contains("owner_teammate_id") || body->contains("owner_team_id");
  auto teammate = owner_field(*body, "owner_teammate_id");
  auto team = owner_field(*body, "owner_team_id");
  auto repoint = bool_field(*body, "configure_webhooks");
  if (!teammate) co_return response::from(teammate.err());
  if (!team) co_return response::from(team.err());
  if (!repoint) co_return response::from(repoint.err());
  auto ws = who->workspace_id;
  auto nid = *id;
  auto t1 = *teammate, t2 = *team;

  std::optional<std::string> looked_up_sid;
  std::optional<rest::webhooks> hooks;
  if (*repoint) {
    struct current {
      std::optional<nums::number_row> row;
      std::optional<error> problem;
    };
    auto look = [ws, nid, reassign, t1, t2](store::database& db) {
      current out;
      out.row = nums::find(db, ws, nid);
      if (reassign) out.problem = owner_problem(db, ws, t1, t2);
      return out;
    };
    auto cur = co_await ctx.db.read(std::move(look));
    if (!cur) co_return store_error(cur.err());
    if (!cur->row || cur->row->status != "active")
      co_return response::error(404, "NOT_FOUND", "number not found");
    if (cur->problem) co_return response::from(*cur->problem);
    auto row = *cur->row;
    if (row.carrier != "sandbox") {
      auto account = account_for(ctx.carriers, row.carrier);
      if (auto ok = account.check(); !ok) co_return response::from(ok.err());
      auto ex = co_await asio::this_coro::executor;
      carriers::rest_client rc(link.get(ex), account);
      std::string sid = row.carrier_sid.value_or("");
      if (sid.empty()) {
        // Added by hand (no SID yet): find it in the carrier account.
        auto found = co_await rc.lookup(row.number);
        if (!found) co_return carrier_failure(found.err());
        if (!*found)
          co_return response::error(
              502, "CARRIER_ERROR",
              carrier_name(row.carrier) + " has no number " + row.number + " in this account");
        sid = (*found)->sid;
        looked_up_sid = sid;
      }
      auto wanted = rest::webhooks_for(ctx.carriers.public_url, row.carrier);
      auto updated = co_await rc.update(sid, wanted);
      if (!updated) co_return carrier_failure(updated.err());
      hooks = wanted;
    }
  }

  auto job = [ws, nid, reassign, t1, t2, looked_up_sid](store::database& db) {
    auto n = nums::find(db, ws, nid);
    if (!n || n->status != "active") throw store::job_error("NOT_FOUND", "number not found");
    if (reassign) {
      check_owner(db, ws, t1, t2);
      nums::set_owner(db, ws, nid, t1, t2);
    }
    if (looked_up_sid) nums::set_carrier_sid(db, ws, nid, *looked_up_sid);
    return *nums::find(db, ws, nid);
  };
  auto updated = co_await ctx.db.write(std::move(job));
  if (!updated) co_return store_error(updated.err());
  auto out = to_json(*updated);
  if (hooks) out["webhooks"] = to_json(*hooks);
  co_return response::json(200, out);
}

// Releases the number at its carrier (when Switchboard knows its SID, unless
// keep_at_carrier=true), then marks it released here.
asio::awaitable<response> delete_number(api_context& ctx, carrier_link& link, request& req) {
  auto who = co_await authorize(ctx, req, "numbers.manage");
  if (!who) co_return response::from(who.err());
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "number not found");
  auto keep_param = req.query_param("keep_at_carrier").value_or("false");
  if (keep_param != "true" && keep_param != "false")
    co_return response::error(400, "INVALID_FORMAT", "keep_at_carrier must be true or false");
  auto ex = co_await asio::this_coro::executor;
  auto& client = link.get(ex);
  auto ws = who->workspace_id;
  auto nid = *id;
  auto released = co_await release_number(ctx, client, ws, nid, keep_param == "true");
  if (!released) co_return provisioning_failure(released.err());
  co_return response::json(200, {{"ok", true}, {"released_at_carrier", *released}});
}

}  // namespace

void add_number_routes(http::router& r, api_context& ctx) {
  auto link = std::make_shared<carrier_link>();
  r.add("GET", "/api/v1/numbers", [&ctx](request& q) { return list_numbers(ctx, q); });
  r.add("GET", "/api/v1/numbers/available",
        [&ctx, link](request& q) { return available_numbers(ctx, *link, q); });
  r.add("POST", "/api/v1/numbers",
        [&ctx, link](request& q) { return create_number(ctx, *link, q); });
  r.add("PATCH", "/api/v1/numbers/{id}",
        [&ctx, link](request& q) { return patch_number(ctx, *link, q); });
  r.add("DELETE", "/api/v1/numbers/{id}",
        [&ctx, link](request& q) { return delete_number(ctx, *link, q); });
}

}  // namespace switchboard::api
