#include "switchboard/app/bootstrap.hpp"

#include "switchboard/auth/password.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/core/random.hpp"

namespace switchboard::app {

result<bootstrap_report> ensure_bootstrap(store::store& db, const bootstrap_config& cfg) {
  auto count = db.read_sync([](store::database& d) {
    auto& st = d.prepare("SELECT COUNT(*) FROM workspaces");
    st.step();
    return st.column_int(0);
  });
  if (!count) return count.err();
  bootstrap_report report;
  if (*count > 0) return report;

  report.created = true;
  report.workspace_name = cfg.workspace_name;
  report.admin_email = cfg.admin_email;
  std::string password = cfg.admin_password;
  if (password.empty()) {
    password = random_alnum(20);
    report.admin_password = password;
  }
  std::string hash = auth::hash_password(password);
  auto written = db.write_sync([&](store::database& d) {
    // Re-checked inside the write: two starts racing on one file create one workspace.
    auto& check = d.prepare("SELECT COUNT(*) FROM workspaces");
    check.step();
    if (check.column_int(0) > 0) return;
    auto now = now_rfc3339();
    d.prepare("INSERT INTO workspaces(name, created_at) VALUES (?1, ?2)")
        .bind_all(cfg.workspace_name, now)
        .run();
    auto ws = d.last_insert_rowid();
    d.prepare(
         "INSERT INTO teammates(workspace_id, email, name, role, password_hash, created_at)"
         " VALUES (?1, ?2, ?3, 'owner', ?4, ?5)")
        .bind_all(ws, cfg.admin_email, std::string("Admin"), hash, now)
        .run();
  });
  if (!written) return written.err();
  return report;
}

}  // namespace switchboard::app
