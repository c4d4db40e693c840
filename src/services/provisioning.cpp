// Provisioning: the carriers' REST calls (carriers/rest_client.hpp) around the
// store's writes, so that nothing is stored that the carrier refused and a
// purchase the store could not record is logged with what fixes it.
#include "switchboard/services/provisioning.hpp"

#include <spdlog/spdlog.h>

#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/rest_client.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/store/store.hpp"

namespace switchboard::services {

namespace nums = store::numbers;
namespace rest = carriers::rest;
using nlohmann::json;
using store::id_t;
namespace asio = boost::asio;

namespace {

rest::account account_for(const carrier_settings& cs, const std::string& carrier) {
  if (carrier == "twilio")
    return {"twilio", cs.twilio_account_sid, cs.twilio_auth_token, cs.twilio_api_base};
  return {"signalwire", cs.signalwire_project_id, cs.signalwire_api_token, cs.signalwire_api_base};
}

// Provisioning without a carrier named goes through the configured one.
}  // namespace

std::string default_carrier(const carrier_settings& cs) {
  if (account_for(cs, "twilio").check()) return "twilio";
  if (account_for(cs, "signalwire").check()) return "signalwire";
  return "sandbox";
}

namespace {

std::string carrier_name(const std::string& c) {
  return c == "twilio" ? "Twilio" : c == "signalwire" ? "SignalWire" : "the sandbox";
}

// The carrier refused (502, with its code and message) or could not be reached (503).
}  // namespace

asio::awaitable<result<std::vector<nums::number_row>>> list_numbers(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.numbers().list(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

bool valid_carrier(const std::string& c) {
  return c == "sandbox" || c == "twilio" || c == "signalwire";
}

namespace {

std::optional<error> owner_problem(store::unit_of_work& uow, id_t ws, std::optional<id_t> teammate,
                                   std::optional<id_t> team) {
  if (teammate && team)
    return error{"INVALID_INPUT", "a number has one owner: a teammate or a team"};
  if (teammate && !uow.teammates().find(ws, *teammate))
    return error{"INVALID_INPUT", "owner_teammate_id: no such teammate"};
  if (team && !uow.teams().find(ws, *team))
    return error{"INVALID_INPUT", "owner_team_id: no such team"};
  return std::nullopt;
}

// Validates owners inside the write; shared by create and patch.
void check_owner(store::unit_of_work& uow, id_t ws, std::optional<id_t> teammate,
                 std::optional<id_t> team) {
  if (auto e = owner_problem(uow, ws, teammate, team)) throw store::job_error(e->code, e->message);
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
asio::awaitable<result<provisioned>> buy_number(context& ctx, http::outbound_client& client, id_t ws,
                                                const std::string& c, const provision_args& a) {
  auto account = account_for(ctx.carriers, c);
  if (auto ok = account.check(); !ok) co_return ok.err();
  // What can be checked is checked before paying for a number.
  auto teammate = a.owner_teammate_id;
  auto team = a.owner_team_id;
  auto number = a.number;
  auto precheck = [ws, teammate, team, number](store::unit_of_work& uow) -> std::optional<error> {
    if (auto e = owner_problem(uow, ws, teammate, team)) return e;
    if (number && uow.numbers().find_active(*number))
      return error{"ALREADY_EXISTS", "this number is already in use"};
    if (number && uow.numbers().is_physical_number(*number))
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
  auto job = [n](store::unit_of_work& uow) {
    check_owner(uow, n.workspace_id, n.owner_teammate_id, n.owner_team_id);
    if (uow.numbers().is_physical_number(n.number))
      throw store::job_error("CONFLICT_STATE", "this number is a teammate's physical phone");
    auto id = uow.numbers().insert(n);
    return *uow.numbers().find(n.workspace_id, id);
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

asio::awaitable<result<provisioned>> provision(context& ctx, http::outbound_client& client, id_t ws,
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
  auto job = [n0 = n, number, area_code](store::unit_of_work& uow) {
    auto n = n0;  // the job may run twice: never change the captures
    check_owner(uow, n.workspace_id, n.owner_teammate_id, n.owner_team_id);
    if (number) {
      n.number = *number;
    } else {
      // The sandbox provisions at once from its fake pool.
      auto pool = uow.numbers().sandbox_available(area_code, 1);
      if (pool.empty())
        throw store::job_error("CONFLICT_STATE",
                               area_code.empty()
                                   ? "the sandbox pool is exhausted"
                                   : "the sandbox has no free number in area code " + area_code);
      n.number = pool.front();
      n.carrier_sid = "PN" + random_hex(16);
    }
    // Loop guard: a teammate's own phone can never be a business number.
    if (uow.numbers().is_physical_number(n.number))
      throw store::job_error("CONFLICT_STATE", "this number is a teammate's physical phone");
    auto id = uow.numbers().insert(n);
    return *uow.numbers().find(n.workspace_id, id);
  };
  auto created = co_await ctx.db.write(std::move(job));
  if (!created) co_return stored_error(created.err(), "this number is already in use");
  co_return provisioned{*created, std::nullopt};
}

asio::awaitable<result<bool>> release_number(context& ctx, http::outbound_client& client, id_t ws, id_t nid,
                                             bool keep_at_carrier) {
  auto look = [ws, nid](store::unit_of_work& uow) { return uow.numbers().find(ws, nid); };
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
  auto job = [ws, nid](store::unit_of_work& uow) {
    auto n = uow.numbers().find(ws, nid);
    if (!n || n->status != "active") throw store::job_error("NOT_FOUND", "number not found");
    uow.numbers().release(ws, nid);
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


asio::awaitable<result<std::vector<available_number>>> search_numbers(context& ctx, http::outbound_client& client,
                                                                      number_search q) {
  std::vector<available_number> out;
  if (q.carrier == "sandbox") {
    if (!ctx.carriers.sandbox_enabled) co_return error{"INVALID_INPUT", "the sandbox carrier is disabled"};
    auto job = [area = q.area_code, n = q.limit](store::unit_of_work& uow) { return uow.numbers().sandbox_available(area, n); };
    auto pool = co_await ctx.db.read(std::move(job));
    if (!pool) co_return stored_error(pool.err(), "");
    for (auto& number : *pool) out.push_back({number, q.carrier, std::nullopt, std::nullopt, {"sms", "voice"}});
    co_return out;
  }
  auto account = account_for(ctx.carriers, q.carrier);
  if (auto ok = account.check(); !ok) co_return ok.err();
  carriers::rest_client rc(client, account);
  rest::search_query sq;
  sq.country = q.country;
  sq.area_code = q.area_code;
  sq.limit = q.limit;
  auto found = co_await rc.search(sq);
  if (!found) co_return found.err();
  for (auto& a : *found) {
    auto number = carriers::normalize_e164(a.number);
    if (!number) continue;  // not something we could store
    out.push_back({*number, q.carrier, a.locality.empty() ? std::nullopt : std::optional(a.locality),
                   a.region.empty() ? std::nullopt : std::optional(a.region), a.capabilities});
  }
  co_return out;
}

asio::awaitable<result<provisioned>> change_number(context& ctx, http::outbound_client& client, id_t ws, id_t nid,
                                                   const number_change& c) {
  auto t1 = c.owner_teammate_id, t2 = c.owner_team_id;
  bool reassign = c.reassign;
  std::optional<std::string> looked_up_sid;
  std::optional<rest::webhooks> hooks;
  if (c.configure_webhooks) {
    struct current {
      std::optional<nums::number_row> row;
      std::optional<error> problem;
    };
    auto look = [ws, nid, reassign, t1, t2](store::unit_of_work& uow) {
      current out;
      out.row = uow.numbers().find(ws, nid);
      if (reassign) out.problem = owner_problem(uow, ws, t1, t2);
      return out;
    };
    auto cur = co_await ctx.db.read(std::move(look));
    if (!cur) co_return stored_error(cur.err(), "");
    if (!cur->row || cur->row->status != "active") co_return error{"NOT_FOUND", "number not found"};
    if (cur->problem) co_return *cur->problem;
    auto row = *cur->row;
    if (row.carrier != "sandbox") {
      auto account = account_for(ctx.carriers, row.carrier);
      if (auto ok = account.check(); !ok) co_return ok.err();
      carriers::rest_client rc(client, account);
      std::string sid = row.carrier_sid.value_or("");
      if (sid.empty()) {
        // Added by hand (no SID yet): find it in the carrier account.
        auto found = co_await rc.lookup(row.number);
        if (!found) co_return found.err();
        if (!*found)
          co_return error{"CARRIER_ERROR", carrier_name(row.carrier) + " has no number " + row.number + " in this account"};
        sid = (*found)->sid;
        looked_up_sid = sid;
      }
      auto wanted = rest::webhooks_for(ctx.carriers.public_url, row.carrier);
      auto updated = co_await rc.update(sid, wanted);
      if (!updated) co_return updated.err();
      hooks = wanted;
    }
  }
  auto job = [ws, nid, reassign, t1, t2, looked_up_sid](store::unit_of_work& uow) {
    auto n = uow.numbers().find(ws, nid);
    if (!n || n->status != "active") throw store::job_error("NOT_FOUND", "number not found");
    if (reassign) {
      check_owner(uow, ws, t1, t2);
      uow.numbers().set_owner(ws, nid, t1, t2);
    }
    if (looked_up_sid) uow.numbers().set_carrier_sid(ws, nid, *looked_up_sid);
    return *uow.numbers().find(ws, nid);
  };
  auto updated = co_await ctx.db.write(std::move(job));
  if (!updated) co_return stored_error(updated.err(), "already exists");
  co_return provisioned{*updated, hooks};
}

}  // namespace switchboard::services
