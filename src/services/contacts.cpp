// Contacts' store jobs, moved out of the handlers (issue 17): each composes the
// repositories inside one job, so a check and the change it guards commit together.
#include "switchboard/services/contacts.hpp"
#include "switchboard/media/files.hpp"

#include <spdlog/spdlog.h>

#include "switchboard/carriers/phone.hpp"
#include "switchboard/services/webhooks.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using nlohmann::json;
using store::id_t;
namespace asio = boost::asio;

asio::awaitable<result<std::vector<store::contact>>> list_contacts(context& ctx, id_t ws, std::optional<id_t> before,
                                                                   int limit, std::optional<std::string> q) {
  auto job = [ws, before, limit, q](store::unit_of_work& uow) { return uow.contacts().list(ws, before, limit, q); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::contact>> create_contact(context& ctx, store::contact c) {
  auto job = [c](store::unit_of_work& uow) {
    auto id = uow.contacts().insert(c);
    auto created = *uow.contacts().find(c.workspace_id, id);
    emit_webhook(uow, c.workspace_id, "contact.created", to_json(created), c.created_at, id);
    return created;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::optional<store::contact>>> find_contact(context& ctx, id_t ws, id_t id) {
  auto job = [ws, id](store::unit_of_work& uow) { return uow.contacts().find(ws, id); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::contact>> update_contact(context& ctx, id_t ws, id_t id, store::contacts::patch p) {
  auto at = now_text(ctx);
  auto job = [ws, id, p, at](store::unit_of_work& uow) {
    if (!uow.contacts().find(ws, id)) throw store::job_error("NOT_FOUND", "contact not found");
    uow.contacts().update(ws, id, p, at);
    auto updated = *uow.contacts().find(ws, id);
    emit_webhook(uow, ws, "contact.updated", to_json(updated), at, id);
    return updated;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<store::contact>> merge_contacts(context& ctx, store::principal who, id_t into, id_t from,
                                                       std::string ip) {
  auto at = now_text(ctx);
  auto job = [who, into, from, at, ip](store::unit_of_work& uow) {
    auto ws = who.workspace_id;
    if (!uow.contacts().find(ws, into) || !uow.contacts().find(ws, from))
      throw store::job_error("NOT_FOUND", "contact not found");
    uow.contacts().merge(ws, into, from, at);
    uow.webhooks().move_contact(ws, from, into);  // its erasure finds them
    uow.auth().audit(ws, who.teammate_id, "contact.merged", "contact", into, {{"merged_from", id_str(from)}}, ip, at);
    auto kept = *uow.contacts().find(ws, into);
    emit_webhook(uow, ws, "contact.merged", json{{"contact", to_json(kept)}, {"merged_contact_id", id_str(from)}}, at,
                 into);
    return kept;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<bool>> erase_contact(context& ctx, store::principal who, id_t id, std::string ip) {
  auto at = now_text(ctx);
  auto job = [who, id, at, ip](store::unit_of_work& uow) {
    auto ws = who.workspace_id;
    auto c = uow.contacts().find(ws, id);
    if (!c) throw store::job_error("NOT_FOUND", "contact not found");
    // Their phone as the system writes it into texts (a forward reads "+1 415-555-0121: ...").
    std::vector<std::string> shown;
    for (auto& phone : c->phones) shown.push_back(carriers::format_display(phone));
    auto files = uow.media().erase_of_contact(ws, id);
    uow.contacts().erase(ws, id, shown);
    // The audit row names the id only: the erased person's data is gone.
    uow.auth().audit(ws, who.teammate_id, "contact.erased", "contact", id, json::object(), ip, at);
    // Deliveries whose payload holds their data go too; the event names the id only.
    uow.webhooks().delete_deliveries_of_contact(ws, id);
    emit_webhook(uow, ws, "contact.erased", json{{"id", id_str(id)}}, at);
    return files;
  };
  auto w = co_await ctx.db.write(std::move(job));
  if (!w) co_return w.err();
  // Their attachments' files, unless another row names the same bytes: on the
  // writer, after the commit, so no upload of the same bytes slips between.
  if (!w->empty() && ctx.media_files) {
    auto* files = ctx.media_files;
    auto remove = [names = std::move(*w), files](store::unit_of_work& uow) {
      for (auto& sha : names)
        if (!uow.media().file_in_use(sha)) files->remove_now(sha);
    };
    if (auto removed = co_await ctx.db.write(std::move(remove)); !removed)
      spdlog::warn("contacts: erased contact {}, but their attachments' files remain: {}", id, removed.err().message);
  }
  // Committed: the rows are gone. Then no file keeps their bytes (search index merged,
  // WALs truncated); if that cannot finish now it is said, and a later erasure's scrub covers it.
  auto scrubbed = co_await ctx.db.scrub();
  if (!scrubbed)
    spdlog::warn("contacts: erased contact {}, but the files are not scrubbed yet: {}", id, scrubbed.err().message);
  co_return scrubbed.ok();
}

asio::awaitable<result<std::vector<store::contact>>> all_contacts(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) {
    std::vector<store::contact> out;
    std::optional<id_t> before;
    for (;;) {
      auto chunk = uow.contacts().list(ws, before, 500, std::nullopt);
      out.insert(out.end(), chunk.begin(), chunk.end());
      if (chunk.size() < 500) break;
      before = chunk.back().id;
    }
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

}  // namespace switchboard::services
