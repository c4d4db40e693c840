// switchboard: serve | migrate | version
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "switchboard/app/admin.hpp"
#include "switchboard/app/app.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/core/config.hpp"
#include "switchboard/core/logging.hpp"
#include "switchboard/store/migrations.hpp"
#include "switchboard/store/postgres/migrate_data.hpp"
#include "switchboard/store/postgres/migrations.hpp"
#include "switchboard/store/sqlite.hpp"

namespace sb = switchboard;

namespace {

constexpr int exit_config = 2;
constexpr int exit_failure = 1;

int fail(const sb::error& e, int code) {
  std::fprintf(stderr, "switchboard: %s\n", e.message.c_str());
  return code;
}

void print_first_login(const sb::config& cfg, const sb::app::bootstrap_report& r) {
  std::printf(
      "\n  First start: created workspace \"%s\".\n"
      "  Admin login:  %s\n"
      "  Password:     %s\n\n",
      r.workspace_name.c_str(), r.admin_email.c_str(),
      r.admin_password.empty() ? "(the configured bootstrap.admin_password)"
                               : r.admin_password.c_str());
  std::fflush(stdout);
}

int serve(const sb::config_flags& flags) {
  auto cfg = sb::load_config(flags, sb::process_env());
  if (!cfg) return fail(cfg.err(), exit_config);
  sb::init_logging(cfg->log);
  auto a = sb::app::app::create(*cfg);
  if (!a) return fail(a.err(), a.err().code == "INVALID_CONFIG" ? exit_config : exit_failure);
  auto boot = sb::app::ensure_bootstrap((*a)->db(), cfg->bootstrap);
  if (!boot) return fail(boot.err(), exit_failure);
  if (boot->created) print_first_login(*cfg, *boot);
  std::printf("switchboard %s listening on http://%s:%u (public URL %s)\n", SWITCHBOARD_VERSION,
              cfg->http.host.c_str(), (*a)->port(), (*a)->cfg().public_url.c_str());
  std::fflush(stdout);
  return (*a)->run();
}

int migrate(const sb::config_flags& flags) {
  auto cfg = sb::load_config(flags, sb::process_env());
  if (!cfg) return fail(cfg.err(), exit_config);
  sb::init_logging(cfg->log);
  auto dir = sb::app::prepare_data_dir(cfg->store.data_dir);
  if (!dir) return fail(dir.err(), exit_config);
  auto r = cfg->store.backend == "postgres" ? sb::store::pg::migrate_url(cfg->store.postgres_url)
                                            : sb::store::migrate_file(sb::app::database_path(*dir));
  if (!r) return fail(r.err(), exit_failure);
  std::printf("schema version %d -> %d (%d migration%s applied)\n", r->from_version, r->to_version, r->applied,
              r->applied == 1 ? "" : "s");
  return 0;
}

int migrate_data(const std::string& from, const std::string& to) {
  auto after = [](const std::string& s, const std::string& prefix) -> std::optional<std::string> {
    if (s.rfind(prefix, 0) != 0 || s.size() == prefix.size()) return std::nullopt;
    return s.substr(prefix.size());
  };
  auto path = after(from, "sqlite:");
  auto url = after(to, "postgres:");
  if (!path) return fail(sb::error{"INVALID_ARGUMENT", "--from: expected sqlite:PATH"}, exit_config);
  if (!url) return fail(sb::error{"INVALID_ARGUMENT", "--to: expected postgres:URL"}, exit_config);
  std::printf("%-24s %12s %12s\n", "table", "sqlite", "postgres");
  auto r = sb::store::pg::migrate_data(*path, *url, [](const sb::store::pg::table_count& c) {
    std::printf("%-24s %12lld %12lld%s\n", c.table.c_str(), static_cast<long long>(c.sqlite_rows),
                static_cast<long long>(c.postgres_rows), c.sqlite_rows == c.postgres_rows ? "" : "  MISMATCH");
  });
  if (!r) return fail(r.err(), exit_failure);
  std::printf("copied %lld rows into PostgreSQL; every table's count matches\n", static_cast<long long>(r->rows));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Switchboard: self-hosted contact center and customer messaging"};
  cli.require_subcommand(1);
  sb::config_flags flags;
  std::string config_file, listen, data_dir;

  auto* serve_cmd = cli.add_subcommand("serve", "Run the daemon in the foreground");
  serve_cmd->add_option("--config", config_file, "JSON configuration file");
  serve_cmd->add_option("--listen", listen, "HOST:PORT to listen on");
  serve_cmd->add_option("--data-dir", data_dir, "Directory for the database");

  auto* migrate_cmd = cli.add_subcommand("migrate", "Apply pending migrations and exit");
  migrate_cmd->add_option("--config", config_file, "JSON configuration file");
  migrate_cmd->add_option("--data-dir", data_dir, "Directory for the database");

  std::string copy_from, copy_to;
  auto* migrate_data_cmd = cli.add_subcommand(
      "migrate-data", "Copy a SQLite installation into an empty PostgreSQL database and verify row counts");
  migrate_data_cmd->add_option("--from", copy_from, "sqlite:PATH (the switchboard.db file)")->required();
  migrate_data_cmd->add_option("--to", copy_to, "postgres:URL (a libpq URI)")->required();

  cli.add_subcommand("version", "Print the version");

  sb::app::admin_args admin;
  auto* admin_cmd = cli.add_subcommand("admin", "Operator commands on the data directory");
  admin_cmd->require_subcommand(1);
  admin_cmd->add_option("--config", config_file, "JSON configuration file");
  admin_cmd->add_option("--data-dir", data_dir, "Directory for the database");
  // The data-dir and config flags are accepted before or after the admin verb.
  auto common = [&](CLI::App* sub) {
    sub->add_option("--config", config_file, "JSON configuration file");
    sub->add_option("--data-dir", data_dir, "Directory for the database");
    return sub;
  };
  auto* create_user = common(admin_cmd->add_subcommand("create-user", "Add a teammate"));
  create_user->add_option("--email", admin.email)->required();
  create_user->add_option("--name", admin.name)->required();
  create_user->add_option("--role", admin.role, "owner, admin, agent (default) or viewer");
  create_user->add_option("--password", admin.password, "default: generated and printed");
  auto* add_number = common(admin_cmd->add_subcommand("add-number", "Add a business number you already own"));
  add_number->add_option("--number", admin.number)->required();
  add_number->add_option("--carrier", admin.carrier, "sandbox (default), twilio or signalwire");
  add_number->add_option("--owner", admin.owner, "teammate email: a virtual number");
  add_number->add_option("--team", admin.team, "team name: a shared line");
  auto* set_phone = common(admin_cmd->add_subcommand("set-phone", "Set a teammate's physical phone"));
  set_phone->add_option("--email", admin.email)->required();
  set_phone->add_option("--phone", admin.phone)->required();
  auto* provision = common(admin_cmd->add_subcommand(
      "provision-number",
      "Buy a number by area code through the carrier, webhooks pointed at public_url"));
  provision->add_option("--area-code", admin.area_code, "3-digit area code, e.g. 415")->required();
  auto* provision_carrier =
      provision->add_option("--carrier", admin.carrier,
                            "twilio, signalwire or sandbox (default: the configured carrier)");
  provision->add_option("--teammate", admin.owner, "teammate email: a virtual number");
  provision->add_option("--team", admin.team, "team name: a shared line");
  auto* release = common(admin_cmd->add_subcommand(
      "release-number", "Release a number at its carrier and remove it from Switchboard"));
  release->add_option("number", admin.number, "the number (E.164)")->required();
  release->add_flag("--keep-at-carrier", admin.keep_at_carrier, "only remove it from Switchboard");
  common(admin_cmd->add_subcommand("list-users", "List teammates"));
  common(admin_cmd->add_subcommand("list-numbers", "List business numbers"));

  sb::app::simulate_args sim;
  auto* simulate_cmd = cli.add_subcommand("simulate", "Play a customer's phone against a running server");
  simulate_cmd->require_subcommand(1);
  auto* sim_sms = common(simulate_cmd->add_subcommand("sms", "Text a business number through the sandbox carrier"));
  sim_sms->add_option("--from", sim.from, "the customer's number (E.164)")->required();
  sim_sms->add_option("--to", sim.to, "a sandbox business number")->required();
  sim_sms->add_option("--body", sim.body)->required();
  sim_sms->add_option("--url", sim.url, "server base URL (default: http://<listen>)");
  sim_sms->add_option("--token", sim.token,
                      "a teammate's session token or API key (default: $SB_TOKEN, else the data dir's sandbox.key)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  if (!config_file.empty()) flags.config_file = config_file;
  if (!listen.empty()) flags.listen = listen;
  if (!data_dir.empty()) flags.data_dir = data_dir;

  try {
    if (serve_cmd->parsed()) return serve(flags);
    if (migrate_cmd->parsed()) return migrate(flags);
    if (migrate_data_cmd->parsed()) return migrate_data(copy_from, copy_to);
    if (admin_cmd->parsed() || simulate_cmd->parsed()) {
      auto cfg = sb::load_config(flags, sb::process_env());
      if (!cfg) return fail(cfg.err(), exit_config);
      auto log_cfg = cfg->log;
      log_cfg.level = "warn";
      sb::init_logging(log_cfg);
      if (simulate_cmd->parsed()) return sb::app::run_simulate_sms(*cfg, sim);
      admin.command = admin_cmd->get_subcommands().front()->get_name();
      if (provision->parsed() && provision_carrier->count() == 0) admin.carrier.clear();
      return sb::app::run_admin(*cfg, admin);
    }
    std::printf("switchboard %s\n", SWITCHBOARD_VERSION);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "switchboard: fatal: %s\n", e.what());
    return exit_failure;
  }
}
