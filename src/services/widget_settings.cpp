// The widget's settings jobs over the unit of work (issue 17: they used to sit in
// api/widget_routes.cpp). The check that needs the stored secret is made inside the write.
#include "switchboard/services/widget_settings.hpp"

#include "switchboard/core/clock.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using store::id_t;
namespace asio = boost::asio;

widget::identity_secrets secrets_of(const store::widget::settings& s) {
  widget::identity_secrets out{s.identity_secret, s.previous_secret, std::nullopt};
  if (s.previous_secret_until) out.previous_until = parse_rfc3339(*s.previous_secret_until);
  return out;
}

asio::awaitable<result<std::optional<store::widget::settings>>> widget_settings_of(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.widget().get_settings(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<store::widget::settings>> update_widget_settings(context& ctx, id_t ws,
                                                                       widget_settings_change c) {
  auto at = now_text(ctx);
  auto job = [ws, c, at](store::unit_of_work& uow) {
    auto s = uow.widget().get_settings(ws);
    if (!s) throw store::job_error("NOT_FOUND", "workspace not found");
    if (c.allowed_origins) s->allowed_origins = *c.allowed_origins;
    if (c.color) s->color = *c.color;
    if (c.greeting) s->greeting = *c.greeting;
    if (c.reply_time) s->reply_time = *c.reply_time;
    if (c.office_hours) s->office_hours = *c.office_hours;
    if (c.identity_mode) {
      if (*c.identity_mode != "off" && s->identity_secret.empty())
        throw store::job_error("INVALID_INPUT", "create an identity secret before turning verification on");
      s->identity_mode = *c.identity_mode;
    }
    uow.widget().save_settings(*s, at);
    return *s;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<store::widget::settings>> rotate_widget_secret(context& ctx, id_t ws, std::string fresh,
                                                                     std::chrono::seconds grace) {
  auto now = ctx.now();
  auto at = format_rfc3339(now);
  auto job = [ws, now, at, grace, fresh](store::unit_of_work& uow) {
    auto s = uow.widget().get_settings(ws);
    if (!s) throw store::job_error("NOT_FOUND", "workspace not found");
    auto r = widget::rotate(secrets_of(*s), fresh, now, grace);
    s->identity_secret = r.current;
    s->previous_secret = r.previous;
    s->previous_secret_until = r.previous_until ? std::optional(format_rfc3339(*r.previous_until)) : std::nullopt;
    uow.widget().save_settings(*s, at);
    return *s;
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
