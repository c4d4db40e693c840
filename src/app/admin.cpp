#include "switchboard/app/admin.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "switchboard/app/app.hpp"
#include "switchboard/auth/password.hpp"
#include "switchboard/auth/permissions.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/http/client.hpp"
#include "switchboard/store/numbers.hpp"
#include "switchboard/store/teammates.hpp"

namespace switchboard::app {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "switchboard admin: %s\n", message.c_str());
  return 1;
}

// The workspace an operator command acts on: the first one (created at first start).
std::optional<store::id_t> first_workspace(store::database& db) {
  auto& q = db.prepare("SELECT id FROM workspaces ORDER BY id LIMIT 1");
  if (!q.step()) return std::nullopt;
  return q.column_int(0);
}

}  // namespace

int run_admin(const config& cfg, const admin_args& a) {
  auto dir = prepare_data_dir(cfg.store.data_dir);
  if (!dir) return fail(dir.err().message);
  store::store_options so;
  so.path = database_path(*dir);
  auto opened = store::store::open(so);
  if (!opened) return fail(opened.err().message);
  auto& db = **opened;
  auto now = now_rfc3339();

  if (a.command == "list-users") {
    auto rows = db.read_sync([](store::database& d) {
      std::vector<store::teammate> out;
      if (auto ws = first_workspace(d)) out = store::teammates::list(d, *ws);
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
    auto rows = db.read_sync([](store::database& d) {
      std::vector<store::numbers::number_row> out;
      if (auto ws = first_workspace(d)) out = store::numbers::list(d, *ws);
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
    auto w = db.write_sync([&](store::database& d) {
      auto ws = first_workspace(d);
      if (!ws) throw store::job_error("NOT_FOUND", "no workspace yet: run `switchboard serve` once");
      t.workspace_id = *ws;
      id = store::teammates::insert(d, t);
    });
    if (!w) return fail(w.err().code == "CONFLICT" ? "a teammate with this email exists" : w.err().message);
    std::printf("created teammate %lld %s (%s)\n", static_cast<long long>(id), t.email.c_str(), t.role.c_str());
    if (a.password.empty()) std::printf("password: %s\n", password.c_str());
    return 0;
  }
  if (a.command == "set-phone") {
    auto email = normalize_email(a.email);
    auto phone = carriers::normalize_e164(a.phone);
    if (!email) return fail("--email: not a valid address");
    if (!phone) return fail("--phone: " + phone.err().message);
    auto w = db.write_sync([&](store::database& d) {
      auto t = store::teammates::find_by_email(d, *email);
      if (!t) throw store::job_error("NOT_FOUND", "no teammate " + *email);
      if (store::numbers::find_active(d, *phone))
        throw store::job_error("CONFLICT", "this is a business number; a physical phone cannot be one");
      store::teammates::patch p;
      p.physical_number = std::optional<std::string>(*phone);
      store::teammates::update(d, t->workspace_id, t->id, p, now);
    });
    if (!w) return fail(w.err().message);
    std::printf("%s now rings %s\n", email->c_str(), phone->c_str());
    return 0;
  }
  if (a.command == "add-number") {
    auto number = carriers::normalize_e164(a.number);
    if (!number) return fail("--number: " + number.err().message);
    if (a.carrier != "sandbox" && a.carrier != "twilio" && a.carrier != "signalwire")
      return fail("--carrier must be sandbox, twilio or signalwire");
    store::id_t id = 0;
    auto w = db.write_sync([&](store::database& d) {
      auto ws = first_workspace(d);
      if (!ws) throw store::job_error("NOT_FOUND", "no workspace yet: run `switchboard serve` once");
      store::numbers::number_row n;
      n.workspace_id = *ws;
      n.number = *number;
      n.carrier = a.carrier;
      n.capabilities = nlohmann::json::array({"sms", "voice"});
      n.created_at = now;
      if (!a.owner.empty()) {
        auto t = store::teammates::find_by_email(d, normalize_email(a.owner).value_or(a.owner));
        if (!t || t->workspace_id != *ws) throw store::job_error("NOT_FOUND", "--owner: no teammate " + a.owner);
        n.owner_teammate_id = t->id;
      }
      if (!a.team.empty()) {
        for (auto& team : store::teammates::list_teams(d, *ws))
          if (team.name == a.team) n.owner_team_id = team.id;
        if (!n.owner_team_id) throw store::job_error("NOT_FOUND", "--team: no team " + a.team);
      }
      if (n.owner_teammate_id && n.owner_team_id)
        throw store::job_error("INVALID_INPUT", "give --owner or --team, not both");
      if (store::numbers::is_physical_number(d, n.number))
        throw store::job_error("CONFLICT", "this is a teammate's physical phone");
      id = store::numbers::insert(d, n);
    });
    if (!w) return fail(w.err().code == "CONFLICT" && w.err().message.find("physical") == std::string::npos
                            ? "this number is already in use"
                            : w.err().message);
    std::printf("added number %lld %s (%s)\n", static_cast<long long>(id), number->c_str(), a.carrier.c_str());
    return 0;
  }
  return fail("unknown admin command " + a.command);
}

int run_simulate_sms(const config& cfg, const simulate_args& a) {
  std::string base = a.url.empty() ? "http://" + cfg.listen : a.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  nlohmann::json body = {{"from", a.from}, {"to", a.to}, {"body", a.body}};
  auto r = http::blocking_request("POST", base + "/api/sandbox/v1/messages", body.dump(),
                                  {{"Content-Type", "application/json"}});
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
