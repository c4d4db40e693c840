// switchboard: serve | migrate | version
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "switchboard/app/app.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/core/config.hpp"
#include "switchboard/core/logging.hpp"
#include "switchboard/store/migrations.hpp"
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
              cfg->http.host.c_str(), (*a)->port(), cfg->public_url.c_str());
  std::fflush(stdout);
  return (*a)->run();
}

int migrate(const sb::config_flags& flags) {
  auto cfg = sb::load_config(flags, sb::process_env());
  if (!cfg) return fail(cfg.err(), exit_config);
  sb::init_logging(cfg->log);
  auto dir = sb::app::prepare_data_dir(cfg->store.data_dir);
  if (!dir) return fail(dir.err(), exit_config);
  try {
    sb::store::database db(sb::app::database_path(*dir), sb::store::database::mode::read_write);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    auto r = sb::store::migrate(db, sb::store::embedded_migrations());
    if (!r) return fail(r.err(), exit_failure);
    std::printf("schema version %d -> %d (%d migration%s applied)\n", r->from_version,
                r->to_version, r->applied, r->applied == 1 ? "" : "s");
  } catch (const sb::store::sqlite_error& e) {
    return fail({"STORE_OPEN_FAILED", e.what()}, exit_failure);
  }
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

  cli.add_subcommand("version", "Print the version");

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
    std::printf("switchboard %s\n", SWITCHBOARD_VERSION);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "switchboard: fatal: %s\n", e.what());
    return exit_failure;
  }
}
