#include "switchboard/app/admin.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "switchboard/app/app.hpp"
#include "switchboard/auth/password.hpp"
#include "switchboard/auth/permissions.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/carriers/rest.hpp"
#include "switchboard/carriers/rest_client.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/http/client.hpp"
#include "switchboard/http/outbound.hpp"

namespace switchboard::app {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "switchboard admin: %s\n", message.c_str());
  return 1;
}

// The workspace an operator command acts on: the first one (created at first start).
std::optional<store::id_t> first_workspace(store::unit_of_work& uow) { return uow.workspaces().first(); }

// The teammate (by email) or team (by name) given on the command line, inside a job.
void resolve_owner(store::unit_of_work& uow, store::id_t ws, const admin_args& a,
                   store::numbers::number_row& n) {
  if (!a.owner.empty()) {
    auto t = uow.teammates().find_by_email(normalize_email(a.owner).value_or(a.owner));
    if (!t || t->workspace_id != ws) throw store::job_error("NOT_FOUND", "no teammate " + a.owner);
    n.owner_teammate_id = t->id;
  }
  if (!a.team.empty()) {
    for (auto& team : uow.teams().list(ws))
      if (team.name == a.team) n.owner_team_id = team.id;
    if (!n.owner_team_id) throw store::job_error("NOT_FOUND", "--team: no team " + a.team);
  }
  if (n.owner_teammate_id && n.owner_team_id)
    throw store::job_error("INVALID_INPUT", "give a teammate or a team, not both");
}

namespace rest = carriers::rest;

rest::account account_for(const config& cfg, const std::string& carrier) {
  if (carrier == "twilio")
    return {"twilio", cfg.twilio.account_sid, cfg.twilio.auth_token, cfg.twilio.api_base};
  return {"signalwire", cfg.signalwire.project_id, cfg.signalwire.api_token,
          cfg.signalwire.api_base};
}

// The carrier numbers are provisioned through when none is named.
std::string configured_carrier(const config& cfg) {
  if (account_for(cfg, "twilio").check()) return "twilio";
  if (account_for(cfg, "signalwire").check()) return "signalwire";
  return "sandbox";
}

// Runs one carrier REST flow to completion on a private io_context: this is a
// command-line tool, not the daemon's io thread, so waiting here is fine.
template <class T, class Flow>
result<T> run_carrier_flow(const rest::account& account, Flow flow) {
  boost::asio::io_context io;
  http::outbound_client client(io);
  carriers::rest_client rc(client, account);
  std::optional<result<T>> out;
  auto body = [&]() -> boost::asio::awaitable<void> {
    auto r = co_await flow(rc);
    out.emplace(std::move(r));
  };
  boost::asio::co_spawn(io, body, boost::asio::detached);
  io.run();
  if (!out) return error{"INTERNAL", "the carrier call did not finish"};
  return std::move(*out);
}

int provision_number(const config& cfg, store::store& db, const admin_args& a,
                     const std::string& now) {
  if (a.area_code.size() != 3 || a.area_code[0] < '2' || a.area_code[0] > '9' ||
      a.area_code.find_first_not_of("0123456789") != std::string::npos)
    return fail("--area-code must be a 3-digit area code such as 415");
  std::string carrier = a.carrier.empty() ? configured_carrier(cfg) : a.carrier;
  if (carrier != "sandbox" && carrier != "twilio" && carrier != "signalwire")
    return fail("--carrier must be twilio, signalwire or sandbox");
  if (!a.owner.empty() && !a.team.empty()) return fail("give --teammate or --team, not both");

  store::numbers::number_row n;
  n.carrier = carrier;
  n.capabilities = nlohmann::json::array({"sms", "voice"});
  n.created_at = now;
  // Owner and workspace first: nothing is bought for a typo.
  auto pre = db.read_sync([&](store::unit_of_work& uow) -> std::optional<std::string> {
    auto ws = first_workspace(uow);
    if (!ws) return "no workspace yet: run `switchboard serve` once";
    n.workspace_id = *ws;
    try {
      resolve_owner(uow, *ws, a, n);
    } catch (const store::job_error& e) {
      return std::string(e.what());
    }
    return std::nullopt;
  });
  if (!pre) return fail(pre.err().message);
  if (*pre) return fail(**pre);

  rest::webhooks hooks;
  if (carrier == "sandbox") {
    if (!cfg.sandbox_enabled) return fail("the sandbox carrier is disabled");
    auto w = db.write_sync([&](store::unit_of_work& uow) {
      auto pool = uow.numbers().sandbox_available(a.area_code, 1);
      if (pool.empty())
        throw store::job_error("CONFLICT",
                               "the sandbox has no free number in area code " + a.area_code);
      n.number = pool.front();
      n.carrier_sid = "PN" + random_hex(16);
      n.id = uow.numbers().insert(n);
    });
    if (!w) return fail(w.err().message);
  } else {
    auto account = account_for(cfg, carrier);
    if (auto ok = account.check(); !ok) return fail(ok.err().message);
    hooks = rest::webhooks_for(cfg.public_url, carrier);
    std::string area = a.area_code;
    auto bought = run_carrier_flow<rest::incoming_number>(
        account,
        [&](carriers::rest_client& rc) -> boost::asio::awaitable<result<rest::incoming_number>> {
          rest::search_query q;
          q.area_code = area;
          q.limit = 5;
          auto found = co_await rc.search(q);
          if (!found) co_return found.err();
          if (found->empty())
            co_return error{"NOT_FOUND",
                            "no number with SMS and voice is available in area code " + area};
          std::string number = found->front().number;
          auto r = co_await rc.buy(number, hooks);
          co_return r;
        });
    if (!bought) return fail(bought.err().message);
    auto normalized = carriers::normalize_e164(bought->number);
    n.number = normalized ? *normalized : bought->number;
    n.carrier_sid = bought->sid;
    if (!bought->capabilities.empty()) n.capabilities = bought->capabilities;
    auto w = db.write_sync([&](store::unit_of_work& uow) { n.id = uow.numbers().insert(n); });
    if (!w) {
      // Paid for at the carrier but unknown here: say what is needed to fix it.
      std::fprintf(stderr,
                   "switchboard admin: %s was BOUGHT at %s (sid %s) but could not be stored: %s\n"
                   "  add it with: switchboard admin add-number --carrier %s --number %s\n"
                   "  or release it in the carrier's console\n",
                   n.number.c_str(), carrier.c_str(), bought->sid.c_str(), w.err().message.c_str(),
                   carrier.c_str(), n.number.c_str());
      return 1;
    }
  }
  std::string owner = !a.owner.empty()  ? " for " + a.owner
                      : !a.team.empty() ? " for team " + a.team
                                        : "";
  std::printf("provisioned number %lld %s (%s, sid %s)%s\n", static_cast<long long>(n.id),
              n.number.c_str(), carrier.c_str(), n.carrier_sid.value_or("-").c_str(),
              owner.c_str());
  if (!hooks.sms_url.empty())
    std::printf("webhooks: sms %s, voice %s, call status %s\n", hooks.sms_url.c_str(),
                hooks.voice_url.c_str(), hooks.status_callback.c_str());
  return 0;
}

int release_number(const config& cfg, store::store& db, const admin_args& a) {
  auto number = carriers::normalize_e164(a.number, cfg.default_country);
  if (!number) return fail("NUMBER: " + number.err().message);
  auto row = db.read_sync([&](store::unit_of_work& uow) -> std::optional<store::numbers::number_row> {
    auto ws = first_workspace(uow);
    auto n = uow.numbers().find_active(*number);
    if (!ws || !n || n->workspace_id != *ws) return std::nullopt;
    return n;
  });
  if (!row) return fail(row.err().message);
  if (!*row) return fail("no active number " + *number);
  auto n = **row;
  bool at_carrier = n.carrier != "sandbox" && n.carrier_sid && !a.keep_at_carrier;
  if (at_carrier) {
    auto account = account_for(cfg, n.carrier);
    if (auto ok = account.check(); !ok)
      return fail(ok.err().message + " (or pass --keep-at-carrier to only remove it here)");
    std::string sid = *n.carrier_sid;
    auto released = run_carrier_flow<bool>(
        account, [&](carriers::rest_client& rc) -> boost::asio::awaitable<result<bool>> {
          auto r = co_await rc.release(sid);
          if (!r) co_return r.err();
          co_return true;
        });
    if (!released) return fail(released.err().message);
  }
  auto w =
      db.write_sync([&](store::unit_of_work& uow) { uow.numbers().release(n.workspace_id, n.id); });
  if (!w) {
    if (at_carrier)
      std::fprintf(
          stderr,
          "switchboard admin: %s was RELEASED at %s (sid %s) but is still active here: %s\n",
          n.number.c_str(), n.carrier.c_str(), n.carrier_sid->c_str(), w.err().message.c_str());
    return fail(w.err().message);
  }
  std::printf("released %s%s\n", n.number.c_str(),
              at_carrier ? (" at " + n.carrier + " (sid " + *n.carrier_sid + ")").c_str() : "");
  return 0;
}

}  // namespace

int run_admin(const config& cfg, const admin_args& a) {
  auto dir = prepare_data_dir(cfg.store.data_dir);
  if (!dir) return fail(dir.err().message);
  auto opened = store::store::open(store_options_for(cfg, *dir));
  if (!opened) return fail(opened.err().message);
  auto& db = **opened;
  auto now = now_rfc3339();

  if (a.command == "list-users") {
    auto rows = db.read_sync([](store::unit_of_work& uow) {
      std::vector<store::teammate> out;
      if (auto ws = first_workspace(uow)) out = uow.teammates().list(*ws);
      return out;
    });
    if (!rows) return fail(rows.err().message);
    std::printf("%-6s %-32s %-24s %-8s %s\n", "id", "email", "name", "role", "physical_number");
    for (auto& t : *rows)
      std::printf("%-6lld %-32s %-24s %-8s %s\n", static_cast<long long>(t.id), t.email.c_str(),
                  t.name.c_str(), t.role.c_str(), t.physical_number.value_or("-").c_str());
    return 0;
  }
  if (a.command == "list-numbers") {
    auto rows = db.read_sync([](store::unit_of_work& uow) {
      std::vector<store::numbers::number_row> out;
      if (auto ws = first_workspace(uow)) out = uow.numbers().list(*ws);
      return out;
    });
    if (!rows) return fail(rows.err().message);
    std::printf("%-6s %-16s %-11s %s\n", "id", "number", "carrier", "owner");
    for (auto& n : *rows) {
      std::string owner = n.owner_teammate_id   ? "teammate " + std::to_string(*n.owner_teammate_id)
                          : n.owner_team_id     ? "team " + std::to_string(*n.owner_team_id)
                                                : "-";
      std::printf("%-6lld %-16s %-11s %s\n", static_cast<long long>(n.id), n.number.c_str(),
                  n.carrier.c_str(), owner.c_str());
    }
    return 0;
  }
  if (a.command == "create-user") {
    auto email = normalize_email(a.email);
    if (!email) return fail("--email: not a valid address");
    if (trim(a.name).empty()) return fail("--name is required");
    if (!auth::valid_role(a.role)) return fail("--role must be owner, admin, agent or viewer");
    std::string password = a.password.empty() ? random_alnum(20) : a.password;
    if (password.size() < 8) return fail("--password must be at least 8 characters");
    store::teammate t;
    t.email = *email;
    t.name = trim(a.name);
    t.role = a.role;
    t.password_hash = auth::hash_password(password);
    t.created_at = now;
    store::id_t id = 0;
    auto w = db.write_sync([&](store::unit_of_work& uow) {
      auto ws = first_workspace(uow);
      if (!ws) throw store::job_error("NOT_FOUND", "no workspace yet: run `switchboard serve` once");
      t.workspace_id = *ws;
      id = uow.teammates().insert(t);
    });
    if (!w) return fail(w.err().code == "CONFLICT" ? "a teammate with this email exists" : w.err().message);
    std::printf("created teammate %lld %s (%s)\n", static_cast<long long>(id), t.email.c_str(), t.role.c_str());
    if (a.password.empty()) std::printf("password: %s\n", password.c_str());
    return 0;
  }
  if (a.command == "set-phone") {
    auto email = normalize_email(a.email);
    auto phone = carriers::normalize_e164(a.phone, cfg.default_country);
    if (!email) return fail("--email: not a valid address");
    if (!phone) return fail("--phone: " + phone.err().message);
    auto w = db.write_sync([&](store::unit_of_work& uow) {
      auto t = uow.teammates().find_by_email(*email);
      if (!t) throw store::job_error("NOT_FOUND", "no teammate " + *email);
      if (uow.numbers().find_active(*phone))
        throw store::job_error("CONFLICT", "this is a business number; a physical phone cannot be one");
      store::teammates::patch p;
      p.physical_number = std::optional<std::string>(*phone);
      uow.teammates().update(t->workspace_id, t->id, p, now);
    });
    if (!w) return fail(w.err().message);
    std::printf("%s now rings %s\n", email->c_str(), phone->c_str());
    return 0;
  }
  if (a.command == "add-number") {
    auto number = carriers::normalize_e164(a.number, cfg.default_country);
    if (!number) return fail("--number: " + number.err().message);
    if (a.carrier != "sandbox" && a.carrier != "twilio" && a.carrier != "signalwire")
      return fail("--carrier must be sandbox, twilio or signalwire");
    store::id_t id = 0;
    auto w = db.write_sync([&](store::unit_of_work& uow) {
      auto ws = first_workspace(uow);
      if (!ws) throw store::job_error("NOT_FOUND", "no workspace yet: run `switchboard serve` once");
      store::numbers::number_row n;
      n.workspace_id = *ws;
      n.number = *number;
      n.carrier = a.carrier;
      n.capabilities = nlohmann::json::array({"sms", "voice"});
      n.created_at = now;
      resolve_owner(uow, *ws, a, n);
      if (uow.numbers().is_physical_number(n.number))
        throw store::job_error("CONFLICT", "this is a teammate's physical phone");
      id = uow.numbers().insert(n);
    });
    if (!w) return fail(w.err().code == "CONFLICT" && w.err().message.find("physical") == std::string::npos
                            ? "this number is already in use"
                            : w.err().message);
    std::printf("added number %lld %s (%s)\n", static_cast<long long>(id), number->c_str(), a.carrier.c_str());
    return 0;
  }
  if (a.command == "provision-number") return provision_number(cfg, db, a, now);
  if (a.command == "release-number") return release_number(cfg, db, a);
  return fail("unknown admin command " + a.command);
}

int run_simulate_sms(const config& cfg, const simulate_args& a) {
  std::string base = a.url.empty() ? "http://" + cfg.listen : a.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  nlohmann::json body = {{"from", a.from}, {"to", a.to}, {"body", a.body}};
  // The sandbox needs a teammate's token, or the key in the server's data directory
  // (readable by whoever runs the server on this machine).
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  std::string token = a.token;
  if (token.empty())
    if (const char* env = std::getenv("SB_TOKEN")) token = env;
  if (!token.empty()) {
    headers.emplace_back("Authorization", "Bearer " + token);
  } else if (auto key = read_sandbox_key(cfg.store.data_dir)) {
    headers.emplace_back("X-Sandbox-Key", *key);
  } else {
    std::fprintf(stderr,
                 "switchboard simulate: no %s (start the server with this --data-dir first) and no --token\n",
                 sandbox_key_path(cfg.store.data_dir).c_str());
    return 1;
  }
  auto r = http::blocking_request("POST", base + "/api/sandbox/v1/messages", body.dump(), headers);
  if (!r) {
    std::fprintf(stderr, "switchboard simulate: %s\n", r.err().message.c_str());
    return 1;
  }
  if (r->status != 201) {
    std::fprintf(stderr, "switchboard simulate: the server answered %d: %s\n", r->status, r->body.c_str());
    return 1;
  }
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  std::printf("delivered %s from %s to %s\n", j.value("sid", "?").c_str(), j.value("from", "?").c_str(),
              j.value("to", "?").c_str());
  return 0;
}

}  // namespace switchboard::app
