#include "switchboard/app/bootstrap.hpp"

#include "switchboard/auth/password.hpp"
#include "switchboard/core/clock.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::app {

result<bootstrap_report> ensure_bootstrap(store::store& db, const bootstrap_config& cfg) {
  auto count = db.read_sync([](store::unit_of_work& uow) { return uow.workspaces().count(); });
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
  auto written = db.write_sync([&](store::unit_of_work& uow) {
    // Re-checked inside the write: two starts racing on one file create one workspace.
    uow.workspaces().create_with_owner(cfg.workspace_name, cfg.admin_email, "Admin", hash, now_rfc3339());
  });
  if (!written) return written.err();
  return report;
}

}  // namespace switchboard::app
