// Sessions, API keys and the audit log over the unit of work (issue 17: these
// jobs used to sit in api/auth_routes.cpp and api/common.cpp).
#include "switchboard/services/auth.hpp"

#include "switchboard/auth/permissions.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using nlohmann::json;
using store::id_t;
namespace asio = boost::asio;

asio::awaitable<result<std::optional<store::teammate>>> find_login_account(context& ctx, std::string email) {
  auto job = [email](store::unit_of_work& uow) { return uow.teammates().find_by_email(email); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<void>> record_failed_login(context& ctx, store::teammate t, std::string ip) {
  auto at = now_text(ctx);
  auto job = [t, at, ip](store::unit_of_work& uow) {
    uow.auth().audit(t.workspace_id, t.id, "auth.login_failed", "teammate", t.id, json::object(), ip, at);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<void>> open_session(context& ctx, store::teammate t, std::string token_hash,
                                           std::string created, std::string expires, std::string ip) {
  auto job = [t, token_hash, created, expires, ip](store::unit_of_work& uow) {
    uow.auth().insert_session(t.workspace_id, t.id, token_hash, created, expires);
    uow.auth().audit(t.workspace_id, t.id, "auth.login", "teammate", t.id, json::object(), ip, created);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::optional<id_t>>> end_session(context& ctx, std::string token_hash) {
  auto job = [token_hash](store::unit_of_work& uow) { return uow.auth().delete_session(token_hash); };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::optional<store::auth_data::token_lookup>>> find_credential(context& ctx,
                                                                                      std::string token_hash) {
  auto job = [token_hash](store::unit_of_work& uow) { return uow.auth().find_token(token_hash); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<created_api_key>> create_api_key(context& ctx, store::principal who, new_api_key k,
                                                        std::string ip) {
  auto at = now_text(ctx);
  auto job = [who, k, at, ip](store::unit_of_work& uow) {
    auto id = uow.auth().insert_api_key(who.workspace_id, who.teammate_id, k.name, k.key_hash, at, k.scope,
                                        k.manage_keys);
    uow.auth().audit(who.workspace_id, who.teammate_id, "api_key.created", "api_key", id,
                     {{"name", k.name}, {"scope", k.scope}, {"manage_keys", k.manage_keys},
                      {"via_api_key", who.via_api_key}},
                     ip, at);
    return id;
  };
  auto id = co_await ctx.db.write(std::move(job));
  if (!id) co_return id.err();
  co_return created_api_key{*id, at};
}

asio::awaitable<result<std::vector<store::auth_data::api_key_row>>> list_api_keys(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.auth().list_api_keys(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<void>> revoke_api_key(context& ctx, store::principal who, id_t key_id, std::string ip) {
  auto at = now_text(ctx);
  auto job = [who, key_id, at, ip](store::unit_of_work& uow) {
    auto ws = who.workspace_id;
    auto k = uow.auth().find_api_key(ws, key_id);
    if (!k || k->revoked_at) throw store::job_error("NOT_FOUND", "API key not found");
    // Nobody revokes what belongs to a teammate ranked above them (issue 16 item 11).
    if (k->teammate_id != who.teammate_id) {
      auto owner = uow.teammates().find(ws, k->teammate_id);
      if (owner && auth::role_rank(owner->role) > auth::role_rank(who.role))
        throw store::job_error("PERMISSION_DENIED", "this key belongs to a teammate ranked above you");
    }
    if (!uow.auth().revoke_api_key(ws, key_id, at)) throw store::job_error("NOT_FOUND", "API key not found");
    uow.auth().audit(ws, who.teammate_id, "api_key.revoked", "api_key", key_id, json::object(), ip, at);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<std::vector<json>>> list_audit(context& ctx, id_t ws, std::optional<id_t> before, int limit) {
  auto job = [ws, before, limit](store::unit_of_work& uow) { return uow.auth().list_audit(ws, before, limit); };
  co_return co_await ctx.db.read(std::move(job));
}

}  // namespace switchboard::services
