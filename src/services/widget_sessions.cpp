// The widget's session jobs over the unit of work (issue 17: they used to sit in
// api/widget_routes.cpp, with the visitor resolution).
#include "switchboard/services/widget_sessions.hpp"

#include "switchboard/core/random.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using store::id_t;
namespace asio = boost::asio;

namespace {

bool valid_visitor_id(const std::string& v) {
  return v.size() == 34 && v.starts_with("v_") && v.find_first_not_of("0123456789abcdef", 2) == std::string::npos;
}

// Inside the write job that stores the session.
visitor_session resolve_visitor(store::unit_of_work& uow, const visitor_session_request& in, bool verified,
                                const std::string& at) {
  auto ws = in.workspace_id;
  visitor_session out;
  id_t contact = 0;  // 0: none (a plain id: GCC 12 misreads an optional here as uninitialised)
  bool known = false;
  if (in.visitor_id && valid_visitor_id(*in.visitor_id)) {
    contact = uow.widget().contact_of_visitor(ws, *in.visitor_id).value_or(0);
    // A visitor id of a verified user is reused only by that same verified user:
    // a shared computer must not hand one user's history to the next.
    if (contact) {
      auto ext = uow.widget().external_id_of(ws, contact);
      if (ext && !(verified && in.external_id == *ext)) contact = 0;
      known = contact != 0;
    } else {
      known = uow.widget().visitor_known(ws, *in.visitor_id);
    }
  }
  out.visitor_id = known ? *in.visitor_id : "v_" + random_hex(16);
  if (verified) {
    // Only the external id is covered by user_hash: merging on the email that comes with it
    // would let any signed-in user claim another contact's history by naming their email.
    id_t target = uow.contacts().find_by_identity(ws, "external", *in.external_id).value_or(0);
    if (target && contact && target != contact) {
      uow.widget().move_visitor_rows(ws, target, contact);
      uow.contacts().merge(ws, target, contact, at);
      contact = target;
    } else if (target && !contact) {
      contact = target;
      uow.widget().add_visitor_identity(ws, contact, out.visitor_id, at);
    } else if (!contact) {
      auto pending = uow.widget().pending_profile(ws, out.visitor_id);
      contact = uow.widget().create_visitor(ws, out.visitor_id, in.name ? in.name : pending.first, at);
      if (!in.email && pending.second && !uow.contacts().find_by_identity(ws, "email", *pending.second))
        uow.widget().set_unverified_profile(ws, contact, std::nullopt, pending.second, at);
    }
    uow.widget().adopt_visitor_rows(ws, out.visitor_id, contact);
    store::contacts::patch p;
    if (!uow.widget().external_id_of(ws, contact)) p.external_id = in.external_id;
    if (in.email && !uow.contacts().find_by_identity(ws, "email", *in.email)) p.email = in.email;
    if (in.name) p.name = in.name;
    uow.contacts().update(ws, contact, p, at);
  } else if (contact) {
    if (in.name || in.email) uow.widget().set_unverified_profile(ws, contact, in.name, in.email, at);
  } else {
    // No contact yet: what the visitor says about itself waits on its session.
    auto pending = uow.widget().pending_profile(ws, out.visitor_id);
    out.name = in.name ? in.name : pending.first;
    out.email = in.email ? in.email : pending.second;
    return out;
  }
  out.contact_id = contact;
  if (auto c = uow.contacts().find(ws, contact)) {
    out.name = c->name;
    out.email = c->email;
  }
  return out;
}

}  // namespace

asio::awaitable<result<widget_setup>> widget_setup_of(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) {
    widget_setup out;
    out.settings = uow.widget().get_settings(ws);
    if (out.settings) out.available_teammates = uow.widget().available_teammates(ws);
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<std::string>>> all_allowed_origins(context& ctx) {
  auto job = [](store::unit_of_work& uow) { return uow.widget().all_allowed_origins(); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<visitor_session>> open_visitor_session(context& ctx, visitor_session_request in,
                                                              new_visitor_session s) {
  auto job = [in, s](store::unit_of_work& uow) {
    auto out = resolve_visitor(uow, in, s.verified, s.created_at);
    store::widget::session row;
    row.workspace_id = in.workspace_id;
    row.contact_id = out.contact_id;
    row.visitor_id = out.visitor_id;
    row.verified = s.verified;
    row.created_at = s.created_at;
    row.expires_at = s.expires_at;
    row.name = out.name;
    row.email = out.email;
    uow.widget().insert_session(row, s.token_hash, s.origin);
    return out;
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<found_visitor_session>> find_visitor_session(context& ctx, std::string token_hash) {
  auto job = [token_hash](store::unit_of_work& uow) {
    found_visitor_session out;
    out.session = uow.widget().find_session(token_hash);
    if (out.session) out.settings = uow.widget().get_settings(out.session->workspace_id);
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<id_t>> refresh_visitor_session(context& ctx, store::widget::session s, std::string token_hash) {
  auto job = [s, token_hash](store::unit_of_work& uow) {
    return uow.widget().insert_session(s, token_hash, std::nullopt);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<void>> revoke_visitor_session(context& ctx, id_t ws, id_t session_id) {
  auto at = now_text(ctx);
  auto job = [ws, session_id, at](store::unit_of_work& uow) { uow.widget().revoke_session(ws, session_id, at); };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
