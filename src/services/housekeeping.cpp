// The snooze waker's write job over the unit of work (issue 17: it used to sit in api/api.cpp).
#include "switchboard/services/housekeeping.hpp"

#include <chrono>
#include <vector>

#include "switchboard/core/clock.hpp"
#include "switchboard/media/files.hpp"

#include "switchboard/core/clock.hpp"
#include "switchboard/services/webhooks.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

boost::asio::awaitable<result<housekeeping_done>> wake_and_purge(context& ctx, std::string at,
                                                                std::optional<std::string> purge_before) {
  auto job = [at, purge_before](store::unit_of_work& uow) {
    std::vector<store::conversation> out;
    for (auto& [ws, id] : uow.conversations().wake_snoozed(at))
      if (auto c = uow.conversations().find(ws, id)) {
        out.push_back(*c);
        auto before = *c;
        before.status = "snoozed";
        emit_conversation_change(uow, before, *c, at);
      }
    // Outbound webhooks' log is kept 30 days (issue 21).
    if (auto cut = parse_rfc3339(at)) uow.webhooks().purge_deliveries(format_rfc3339(*cut - std::chrono::hours(24 * 30)), 500);
    // The same pass keeps widget_sessions small: a bounded bite of the expired ones.
    uow.widget().purge_expired_sessions(at, 500);
    store::widget::purge_counts purged;
    if (purge_before) purged = uow.widget().purge_unused_visitors(*purge_before, at, 500);
    return std::make_pair(out, purged);
  };
  auto done = co_await ctx.db.write(std::move(job));
  if (!done) co_return done.err();
  for (auto& c : done->first) ctx.hub.publish(c.workspace_id, "agents", "conversation.updated", to_json(c));
  // Uploads no message took within a day go, with their files unless a row still
  // names the same bytes (on the writer, after the rows' commit).
  if (ctx.media_files) {
    auto day_ago = parse_rfc3339(at);
    auto before = format_rfc3339((day_ago ? *day_ago : ctx.now()) - std::chrono::hours(24));
    auto* files = ctx.media_files;
    // Jobs named, not temporaries in the co_await (GCC 12 destroys such temporaries twice).
    auto purge = [before](store::unit_of_work& uow) { return uow.media().purge_unsent(before, 200); };
    auto rows = co_await ctx.db.write(std::move(purge));
    if (rows && !rows->empty()) {
      auto remove = [names = std::move(*rows), files](store::unit_of_work& uow) {
        for (auto& sha : names)
          if (!uow.media().file_in_use(sha)) files->remove_now(sha);
      };
      co_await ctx.db.write(std::move(remove));
    }
  }
  co_return housekeeping_done{done->first.size(), done->second};
}

}  // namespace switchboard::services
